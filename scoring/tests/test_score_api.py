"""POST /api/v1/catalogues/{code}/score/: the contract shape, 400s naming the criterion, and the
"what if" suggestions."""

import pytest

from catalogues.tests.conftest import YEAR, answers_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(rural):
    return f"/api/v1/catalogues/{rural.code}/score/"


def test_scoring_returns_the_level_and_each_stars_verdict(api, world, rural, url):
    api.force_authenticate(world.sec_v1)
    response = api.post(url, {"answers": answers_for(rural, failing=("WM-01",))}, format="json")
    assert response.status_code == 200
    data = response.json()
    assert data["level"] == 4 and data["catalogue"] == f"rural-{YEAR}"
    wm = next(s for s in data["stars"] if s["code"] == "WM")
    assert set(wm) >= {"code", "score", "earned", "unmet_hard", "vetoed_by", "points_short"}
    assert set(wm) >= {"missing_base"}
    assert wm["earned"] is False and wm["unmet_hard"] == ["WM-01"]
    assert isinstance(wm["score"], float) and isinstance(wm["points_short"], float)


def test_a_veto_and_a_missing_base_star_are_explained(api, world, rural, url):
    api.force_authenticate(world.sec_v1)
    answers = answers_for(rural)
    answers["ZB-17"] = True  # listed as weak and lax: vetoes the base star
    data = api.post(url, {"answers": answers}, format="json").json()
    zb = data["stars"][0]
    assert zb["vetoed_by"] == ["ZB-17"] and not zb["earned"]
    assert all(s["missing_base"] and not s["earned"] for s in data["stars"][1:])
    assert data["level"] == 0


def test_a_wrong_type_is_a_400_naming_the_criterion(api, world, url):
    api.force_authenticate(world.sec_v1)
    response = api.post(url, {"answers": {"ZB-01": "是", "ZB-03": True}}, format="json")
    assert response.status_code == 400
    errors = response.json()["answers"]
    assert set(errors) == {"ZB-01", "ZB-03"}
    assert "是否" in errors["ZB-01"][0] and "数值" in errors["ZB-03"][0]


@pytest.mark.parametrize("value", [100.1, -1])
def test_a_percent_outside_0_to_100_is_a_400_naming_the_criterion(api, world, url, value):
    api.force_authenticate(world.sec_v1)
    response = api.post(url, {"answers": {"ZB-08": value}}, format="json")
    assert response.status_code == 400
    assert response.json() == {"answers": {"ZB-08": ["百分比须在0～100之间。"]}}


def test_an_unknown_criterion_and_a_missing_answers_field_are_400s(api, world, url):
    api.force_authenticate(world.sec_v1)
    assert "XX-99" in api.post(url, {"answers": {"XX-99": 1}}, format="json").json()["answers"]
    assert "answers" in api.post(url, {}, format="json").json()


def test_the_what_if_suggests_the_fewest_criteria_for_each_missing_star(api, world, rural, url):
    api.force_authenticate(world.sec_v1)
    answers = answers_for(rural, failing=("CY",))
    data = api.post(url, {"answers": answers}, format="json").json()
    (cy,) = data["suggestions"]
    assert cy["star"] == "CY" and cy["possible"]
    assert {"CY-01", "CY-02"} <= set(cy["criteria"])  # the hard ones come first
    for code in cy["criteria"]:
        answers[code] = answers_for(rural)[code]
    assert api.post(url, {"answers": answers}, format="json").json()["level"] == 5


def test_anonymous_callers_cannot_score(api, url):
    assert api.post(url, {"answers": {}}, format="json").status_code in (401, 403)


def test_a_token_works_for_scoring(api, world, url):
    token = api.post(
        "/api/v1/auth/token/", {"username": "13900000001", "password": "correct-horse-9"}
    ).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.post(url, {"answers": {"ZB-01": True}}, format="json").status_code == 200
