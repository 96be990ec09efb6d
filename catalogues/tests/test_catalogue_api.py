"""GET /api/v1/catalogues/ and /api/v1/catalogues/{code}/ as DESIGN.md writes them."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def _catalogues(db):
    call_command("load_catalogues", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_a_token_from_username_and_password_opens_the_api(api, world):
    response = api.post("/api/v1/auth/token/", {"username": "town1", "password": "correct-horse-9"})
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/catalogues/").status_code == 200


def test_a_wrong_password_gets_no_token(api, world):
    response = api.post("/api/v1/auth/token/", {"username": "town1", "password": "nope"})
    assert response.status_code == 400 and "non_field_errors" in response.json()


def test_the_catalogue_list_has_the_contract_fields(api, world):
    api.force_authenticate(world.sec_v1)
    results = api.get("/api/v1/catalogues/").json()["results"]
    rural = next(c for c in results if c["branch_kind"] == "rural")
    assert rural == {
        "code": f"rural-{YEAR}",
        "name": rural["name"],
        "branch_kind": "rural",
        "year": YEAR,
        "pass_mark": "80.0",
        "base_star": "ZB",
    }


def test_the_catalogue_detail_has_stars_and_criteria_in_few_queries(api, world):
    api.force_authenticate(world.sec_v1)
    with CaptureQueriesContext(connection) as queries:
        body = api.get(f"/api/v1/catalogues/community-{YEAR}/").json()
    assert len(queries) <= 4
    assert [s["code"] for s in body["stars"]] == ["ZB", "FW", "PA", "WM", "GJ"]
    assert len(body["criteria"]) == 106
    assert set(body["criteria"][0]) == {
        "code", "star", "text", "kind", "points", "threshold", "direction", "hard", "veto"
    }  # fmt: skip


def test_the_openapi_schema_and_docs_are_served(api, world):
    api.force_authenticate(world.county_user)
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/catalogues/{code}/" in paths and "/api/v1/villages/{code}/" in paths
    docs = api.get("/api/v1/docs/")
    assert docs.status_code == 200 and b"swagger-ui" in docs.content
