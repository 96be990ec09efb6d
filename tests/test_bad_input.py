"""Input a person can type or a client can send gets a clear answer, never a server error:
huge numbers, text where an id belongs (found by an outside probe on PostgreSQL)."""

import pytest
from django.urls import reverse

from scoring.services.checklists import checklist_open
from scoring.tests.test_pages import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def checklist(world, rural, cycle):
    return checklist_open(branch=world.branch(world.v1), cycle=cycle)


@pytest.mark.parametrize("value", [10**12, 1e40, -(10**13)])
def test_a_huge_number_through_the_api_is_a_400_naming_the_criterion(api, world, checklist, value):
    api.force_authenticate(world.sec_v1)
    url = f"/api/v1/checklists/{checklist.pk}/"
    body = {"answers": {"CY-01": value}, "revision": checklist.revision}
    response = api.patch(url, body, format="json")
    assert response.status_code == 400
    assert "CY-01" in str(response.json()) and "数值过大" in str(response.json())
    assert api.get(url).status_code == 200  # the checklist still opens and can be fixed
    assert not checklist.answers.filter(criterion__fact="").exists()  # registers set the rest


def test_a_huge_number_on_the_page_is_marked_and_nothing_saved(client, world, checklist):
    client.force_login(world.sec_v1)
    response = client.post(
        reverse("checklist", args=[checklist.pk]),
        form_data(checklist, {"CY-01": "1000000000000"}),
    )
    assert response.status_code == 400
    assert "数值过大" in response.content.decode()
    assert not checklist.answers.filter(criterion__fact="").exists()  # registers set the rest


def test_text_where_an_id_belongs_is_never_a_server_error(client, api, world, checklist):
    client.force_login(world.town1_user)
    review = client.post(reverse("review"), {"checklist": ["abc", "1e3", "１２"]})
    assert review.status_code == 302
    assert "请先勾选" in client.get(reverse("review")).content.decode()
    assign = client.post(
        reverse("rectification-assign", args=[world.v1.code]), {"checklist": "abc"}
    )
    assert assign.status_code == 404
    client.force_login(world.county_user)
    ratings = client.post(reverse("ratings"), {"do": "approve", "checklist": ["abc"]})
    assert ratings.status_code == 302
    api.force_authenticate(world.county_user)
    for url in ("/api/v1/checklists/abc/", "/api/v1/imports/abc/", "/api/v1/tallies/x1/"):
        response = api.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith("application/json")
