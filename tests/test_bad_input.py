"""Input a person can type or a client can send gets a clear answer, never a server error:
huge numbers, text where an id belongs (found by an outside probe on PostgreSQL)."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from access.gate import SYSTEM
from catalogues import engine
from catalogues.selectors import catalogue_load
from catalogues.tests.conftest import answers_for
from scoring.services.checklists import checklist_open
from scoring.tasks import answers_import_start
from scoring.tests.test_pages import form_data
from uploads.spreadsheets import Upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def checklist(world, rural, cycle):
    return checklist_open(branch=world.branch(world.v1), cycle=cycle, user=SYSTEM)


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
    ratings = client.post(reverse("ratings-approve"), {"checklist": ["abc"]})
    assert ratings.status_code == 302
    api.force_authenticate(world.county_user)
    for url in ("/api/v1/checklists/abc/", "/api/v1/imports/abc/", "/api/v1/tallies/x1/"):
        response = api.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith("application/json")


def test_a_negative_count_is_refused_everywhere_and_a_falling_rate_is_not(
    api, client, world, checklist
):
    """Issue 13.6: counts (党员大会次数) cannot be negative; growth rates (增幅) can."""
    api.force_authenticate(world.sec_v1)
    url = f"/api/v1/checklists/{checklist.pk}/"
    body = {"answers": {"ZB-03": -2}, "revision": checklist.revision}
    refused = api.patch(url, body, format="json")
    assert refused.status_code == 400
    assert "ZB-03" in refused.json() and "不能为负数" in str(refused.json())
    simulated = api.post(
        f"/api/v1/catalogues/{checklist.catalogue.code}/score/",
        {"answers": {"ZB-03": -2}},
        format="json",
    )
    assert simulated.status_code == 400 and "不能为负数" in str(simulated.json())

    client.force_login(world.sec_v1)
    page = client.post(
        reverse("checklist", args=[checklist.pk]), form_data(checklist, {"ZB-03": "-2"})
    )
    assert page.status_code == 400 and "不能为负数" in page.content.decode()
    assert not checklist.answers.filter(criterion__code="ZB-03").exists()

    body = {"answers": {"CY-06": -3.5}, "revision": checklist.revision}
    assert api.patch(url, body, format="json").status_code == 200
    assert checklist.answers.get(criterion__code="CY-06").value_number == Decimal("-3.5")


def test_a_number_finer_than_the_store_keeps_is_refused_not_rounded(api, world, checklist):
    """Issue 13.6: 94.995 would be stored as 95.00 and pass a threshold of 95 it failed when
    scored; it is refused instead, so a reload never changes a star."""
    api.force_authenticate(world.sec_v1)
    url = f"/api/v1/checklists/{checklist.pk}/"
    body = {"answers": {"PA-01": 94.995}, "revision": checklist.revision}
    refused = api.patch(url, body, format="json")
    assert refused.status_code == 400
    assert "最多保留2位小数" in str(refused.json()["PA-01"])
    assert not checklist.answers.filter(criterion__code="PA-01").exists()


def test_what_is_stored_scores_as_it_scored_when_saved(api, world, checklist):
    answers = answers_for(checklist.catalogue)
    answers["PA-01"] = 94.99  # threshold 95: not met, and stays not met after a reload
    api.force_authenticate(world.sec_v1)
    url = f"/api/v1/checklists/{checklist.pk}/"
    body = {"answers": answers, "revision": checklist.revision}
    saved = api.patch(url, body, format="json")
    assert saved.status_code == 200, saved.json()
    checklist.refresh_from_db()
    stored = {a.criterion.code: a.value for a in checklist.answers.select_related("criterion")}
    assert stored["PA-01"] == Decimal("94.99")
    rescored = engine.score(catalogue_load(catalogue=checklist.catalogue).spec, stored)
    assert rescored.level == checklist.level
    assert [s.score for s in rescored.stars] == [s["score"] for s in checklist.result["stars"]]


def test_a_negative_count_in_a_sheet_is_a_cell_error_and_nothing_is_written(world, checklist):
    book = openpyxl.Workbook()
    book.active.append(["区划代码", "名称", "ZB-03", "CY-06"])
    book.active.append([world.v1.code, world.v1.name, -1, -2])
    buffer = io.BytesIO()
    book.save(buffer)
    run = answers_import_start(
        upload=Upload("答题表.xlsx", buffer.getvalue()),
        user=world.town1_user,
        cycle=checklist.cycle,
        dry_run=False,
    )
    run.refresh_from_db()
    assert [(e["row"], e["message"]) for e in run.errors] == [(2, "此项是计数，不能为负数。")]
    assert "ZB-03" in run.errors[0]["column"]
    assert not checklist.answers.filter(criterion__fact="").exists()
