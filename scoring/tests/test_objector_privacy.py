"""Who objected (name, phone) is seen only by the county staff who rule on objections: never by
the secretary objected to, nor by the township, on the checklist page or through the API."""

import pytest
from django.urls import reverse

from access.gate import SYSTEM
from scoring.services.checklists import checklist_open
from scoring.services.publicity import objection_file, publicity_open
from scoring.tests.test_workflow import approved

pytestmark = pytest.mark.django_db

OBJECTOR, PHONE, TEXT = "张三丰", "13812345678", "该村集体收入数据不实"


@pytest.fixture
def objected(world, rural, cycle):
    checklist = checklist_open(branch=world.branch(world.v1), cycle=cycle, user=SYSTEM)
    approved(world, checklist)
    publicity_open(checklists=[checklist], user=world.county_user, days=5)
    objection_file(checklist=checklist, name=OBJECTOR, contact=PHONE, text=TEXT)
    return checklist


@pytest.mark.parametrize("who", ["sec_v1", "town1_user"])
def test_the_branch_and_its_township_read_the_objection_without_who_filed_it(
    client, api, world, objected, who
):
    user = getattr(world, who)
    client.force_login(user)
    page = client.get(reverse("checklist", args=[objected.pk])).content.decode()
    assert TEXT in page
    assert OBJECTOR not in page and PHONE not in page

    api.force_authenticate(user)
    listed = api.get("/api/v1/objections/").json()["results"]
    assert [o["text"] for o in listed] == [TEXT]
    assert "name" not in listed[0] and "contact" not in listed[0]
    assert OBJECTOR not in str(listed) and PHONE not in str(listed)


def test_county_staff_who_rule_see_who_objected(client, api, world, objected):
    client.force_login(world.county_user)
    page = client.get(reverse("checklist", args=[objected.pk])).content.decode()
    assert OBJECTOR in page and PHONE in page

    api.force_authenticate(world.county_user)
    listed = api.get("/api/v1/objections/").json()["results"]
    assert (listed[0]["name"], listed[0]["contact"]) == (OBJECTOR, PHONE)
