"""Pages and JSON go compressed over village mobile lines (issue 28.4): the secretary's checklist
page, the API's JSON and the PATCH of a save, with BREACH's mitigations in place."""

import gzip

import pytest
from django.urls import reverse

from access.gate import SYSTEM
from catalogues.tests.conftest import answers_for
from scoring.services.checklists import answers_save, checklist_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def checklist(world, rural, cycle):
    found = checklist_open(branch=world.branch(world.v1), cycle=cycle, user=SYSTEM)
    answers_save(checklist=found, user=world.sec_v1, answers=answers_for(rural))
    return found


def test_the_checklist_page_goes_gzipped_and_a_seventh_of_its_size(client, world, checklist):
    client.force_login(world.sec_v1)
    url = reverse("checklist", args=[checklist.pk])
    plain = client.get(url)
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain and packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) * 5 < len(plain.content), (len(packed.content), len(plain.content))
    # The same page inside, its CSRF token masked anew (BREACH learns nothing across requests).
    inside = gzip.decompress(packed.content).decode()
    assert "提交审核" in inside
    again = gzip.decompress(client.get(url, HTTP_ACCEPT_ENCODING="gzip").content).decode()
    token = 'name="csrfmiddlewaretoken" value="'
    first = inside.split(token)[1].split('"')[0]
    second = again.split(token)[1].split('"')[0]
    assert first != second


def test_the_api_answers_in_gzip_too(api, world, checklist):
    api.force_authenticate(world.sec_v1)
    url = f"/api/v1/checklists/{checklist.pk}/"
    packed = api.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    revision = api.get(url).json()["revision"]
    saved = api.patch(
        url,
        {"answers": {"ZB-03": 6}, "revision": revision},
        format="json",
        HTTP_ACCEPT_ENCODING="gzip",
    )
    assert saved.status_code == 200 and saved["Content-Encoding"] == "gzip"
