"""Checklists over the API: scoped lists, nested answers, transitions as actions, the right
status for each failure, and a schema that validates."""

from datetime import timedelta

import pytest
import yaml
from django.utils import timezone
from openapi_spec_validator import validate

from access.gate import SYSTEM
from catalogues.tests.conftest import YEAR, answers_for
from scoring.models import Checklist, Publicity
from scoring.tests.conftest import patch_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(api, world, rural, cycle):
    api.force_authenticate(world.sec_v1)
    response = api.post(
        "/api/v1/checklists/", {"branch": world.v1.code, "cycle": str(YEAR)}, format="json"
    )
    assert response.status_code == 201
    return response.json()


def test_a_secretary_opens_the_own_checklist_but_not_anothers(api, world, opened):
    assert opened["branch"] == world.v1.code and opened["state"] == "draft"
    assert opened["actions"] == ["edit", "submit"]
    response = api.post(
        "/api/v1/checklists/", {"branch": world.v2.code, "cycle": str(YEAR)}, format="json"
    )
    assert response.status_code == 404


def test_answers_are_saved_nested_and_rescored(api, world, rural, opened):
    url = f"/api/v1/checklists/{opened['id']}/"
    response = api.patch(
        url, {"answers": answers_for(rural), "revision": opened["revision"]}, format="json"
    )
    assert response.status_code == 200
    data = response.json()
    assert data["level"] == 5 and data["revision"] == opened["revision"] + 1
    answers = {a["criterion"]: a["value"] for a in data["answers"]}
    assert answers["ZB-01"] is True and float(answers["CY-01"]) == 200000


def test_a_stale_revision_is_a_409(api, world, opened):
    url = f"/api/v1/checklists/{opened['id']}/"
    patch_answers(api, url, {"ZB-01": True})
    response = api.patch(
        url, {"answers": {"ZB-01": False}, "revision": opened["revision"]}, format="json"
    )
    assert response.status_code == 409 and "刷新" in response.json()["detail"]


def test_a_bad_answer_is_a_400_naming_the_criterion(api, world, opened):
    url = f"/api/v1/checklists/{opened['id']}/"
    response = patch_answers(api, url, {"ZB-08": 101})
    assert response.status_code == 400 and "ZB-08" in response.json()


def test_the_whole_workflow_runs_through_actions(api, world, rural, opened):
    pk = opened["id"]
    base = f"/api/v1/checklists/{pk}"
    patch_answers(api, f"{base}/", answers_for(rural))
    assert api.post(f"{base}/submit/").json()["state"] == "submitted"
    api.force_authenticate(world.town1_user)
    returned = api.post(
        f"{base}/return/", {"reasons": {"ZB-03": "请附会议记录"}}, format="json"
    ).json()
    assert returned["state"] == "returned"
    reasons = {a["criterion"]: a["return_reason"] for a in returned["answers"]}
    assert reasons["ZB-03"] == "请附会议记录"
    api.force_authenticate(world.sec_v1)
    api.post(f"{base}/submit/")
    api.force_authenticate(world.town1_user)
    assert api.post(f"{base}/pass/").json()["state"] == "reviewed"
    api.force_authenticate(world.county_user)
    assert api.post(f"{base}/approve/").json()["state"] == "approved"
    assert api.post(f"{base}/publish/", {"days": 3}, format="json").json()["state"] == "publicity"
    objection = api.post(
        f"{base}/object/",
        {"name": "赵六", "contact": "13700000000", "text": "电话反映的异议内容"},
        format="json",
    )
    assert objection.status_code == 201
    assert api.post(f"{base}/award/").status_code == 409  # the period has not ended
    ruling = api.post(
        f"/api/v1/objections/{objection.json()['id']}/rule/",
        {"upheld": False, "ruling": "经核实不属实"},
        format="json",
    )
    assert ruling.json()["status"] == "dismissed"
    Publicity.objects.update(
        starts_at=timezone.now() - timedelta(days=3), ends_at=timezone.now() - timedelta(minutes=1)
    )
    assert api.post(f"{base}/award/").json()["state"] == "awarded"
    revoked = api.post(f"{base}/revoke/", {"star": "PA", "reason": "发生刑事案件"}, format="json")
    assert revoked.status_code == 200
    assert [t["action"] for t in revoked.json()["transitions"]] == [
        "submit", "return", "submit", "pass", "approve", "publish", "award", "revoke",
    ]  # fmt: skip


def test_a_wrong_role_is_a_403_and_a_wrong_state_a_409(api, world, rural, opened):
    base = f"/api/v1/checklists/{opened['id']}"
    assert api.post(f"{base}/approve/").status_code == 403  # a secretary cannot approve
    api.force_authenticate(world.town1_user)
    assert api.post(f"{base}/pass/").status_code == 409  # still a draft


def test_lists_are_scoped_and_filtered(api, world, rural, community, cycle):
    from scoring.services.checklists import checklist_open

    for village in (world.v1, world.c1, world.v2, world.v3):
        checklist_open(branch=world.branch(village), cycle=cycle, user=SYSTEM)
    api.force_authenticate(world.town1_user)
    codes = {c["branch"] for c in api.get("/api/v1/checklists/").json()["results"]}
    assert codes == {world.v1.code, world.c1.code}
    api.force_authenticate(world.county_user)
    codes = {
        c["branch"]
        for c in api.get(f"/api/v1/checklists/?township={world.town2.code}").json()["results"]
    }
    assert codes == {world.v2.code}
    api.force_authenticate(world.other_county_user)
    other = Checklist.objects.get(branch__village=world.v1)
    assert api.get(f"/api/v1/checklists/{other.pk}/").status_code == 404


def test_the_checklist_list_runs_a_fixed_number_of_queries(
    api, world, rural, community, cycle, django_assert_max_num_queries
):
    from scoring.services.checklists import checklist_open

    for village in (world.v1, world.c1, world.v2):
        checklist_open(branch=world.branch(village), cycle=cycle, user=SYSTEM)
    api.force_authenticate(world.county_user)
    with django_assert_max_num_queries(5):
        assert len(api.get("/api/v1/checklists/").json()["results"]) == 3


def test_evidence_uploads_through_the_api(api, world, opened):
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("会议.jpg", b"\xff\xd8\xff\xe0" + b"0" * 100, "image/jpeg")
    response = api.post(
        f"/api/v1/checklists/{opened['id']}/evidence/",
        {"criterion": "ZB-03", "file": photo},
        format="multipart",
    )
    assert response.status_code == 201 and response.json()["content_type"] == "image/jpeg"
    fake = SimpleUploadedFile("x.jpg", b"MZ not an image", "image/jpeg")
    bad = api.post(
        f"/api/v1/checklists/{opened['id']}/evidence/",
        {"criterion": "ZB-03", "file": fake},
        format="multipart",
    )
    assert bad.status_code == 400 and "不是照片" in str(bad.json())


def test_the_openapi_schema_validates(api, world):
    api.force_authenticate(world.county_user)
    response = api.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate(schema)
    paths = schema["paths"]
    for action in ("submit", "return", "pass", "approve", "publish", "object", "award", "revoke"):
        assert f"/api/v1/checklists/{{id}}/{action}/" in paths
    assert "/api/v1/catalogues/{code}/score/" in paths
    assert "/api/v1/rectifications/" in paths


def test_a_checklist_cannot_be_opened_for_a_cycle_nobody_opened(api, world, rural):
    api.force_authenticate(world.sec_v1)
    response = api.post(
        "/api/v1/checklists/", {"branch": world.v1.code, "cycle": "2099"}, format="json"
    )
    assert response.status_code == 400 and "cycle" in response.json()


def test_a_save_without_the_revision_read_is_refused_and_changes_nothing(api, world, opened):
    url = f"/api/v1/checklists/{opened['id']}/"
    response = api.patch(url, {"answers": {"ZB-01": True}}, format="json")
    assert response.status_code == 400
    assert "revision" in response.json() and "版本号" in str(response.json())
    assert api.get(url).json()["revision"] == opened["revision"]
