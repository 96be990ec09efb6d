"""After a form, `next` leads only to a path of this site: never to another one."""

import pytest
from django.urls import reverse

from access.gate import SYSTEM
from scoring.services.checklists import checklist_open
from scoring.services.publicity import objection_file, publicity_open
from scoring.tests.test_workflow import approved

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"]
)
def test_a_checklist_action_never_sends_the_user_to_another_site(
    client, world, rural, cycle, target
):
    checklist = checklist_open(branch=world.branch(world.v1), cycle=cycle, user=SYSTEM)
    client.force_login(world.town1_user)  # "pass" on a draft: refused, then back to the page
    url = reverse("checklist-action", args=[checklist.pk, "pass"])
    response = client.post(url, {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("checklist", args=[checklist.pk])


def test_a_path_of_this_site_is_followed(client, world, rural, cycle):
    checklist = checklist_open(branch=world.branch(world.v1), cycle=cycle, user=SYSTEM)
    client.force_login(world.town1_user)  # "pass" on a draft: refused, then back to the page
    url = reverse("checklist-action", args=[checklist.pk, "pass"])
    response = client.post(url, {"next": "/branches/" + world.v1.code + "/"})
    assert response["Location"] == "/branches/" + world.v1.code + "/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example"])
def test_an_objection_ruling_never_sends_the_county_elsewhere(client, world, rural, cycle, target):
    checklist = checklist_open(branch=world.branch(world.v1), cycle=cycle, user=SYSTEM)
    approved(world, checklist)
    publicity_open(checklists=[checklist], user=world.county_user, days=5)
    objection = objection_file(
        checklist=checklist, name="张三", contact="13800000000", text="数据不实请核查"
    )
    client.force_login(world.county_user)
    response = client.post(
        reverse("objection-rule", args=[objection.pk]),
        {"upheld": "", "ruling": "经核实属实", "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("ratings")
