"""The API's object routes, walked from the schema, with ids that are not ids and numbers too
big to store, as every role; and the objection routes as every role. Never a server error;
what the roles may do, exactly (extends the permission matrix and the schemathesis run with
the cases an outside probe found)."""

import re

import pytest
from rest_framework.test import APIClient

from scoring.choices import ChecklistState
from scoring.models import Checklist
from scoring.services.publicity import publicity_open
from scoring.services.workflow import checklist_approve, checklist_pass
from tests.test_permission_matrix import api_operations, places, users  # noqa: F401

pytestmark = pytest.mark.django_db
NOT_IDS = ["abc", "1e3", "１２", "99999999999999999999999999", "-1", "0x10"]


@pytest.mark.parametrize("role", ["secretary", "township", "county", "anonymous"])
def test_an_id_that_is_not_one_is_never_a_server_error(role, world):
    client = APIClient()
    if users(world)[role] is not None:
        client.force_authenticate(users(world)[role])
    routes = {(path, method) for path, method in api_operations(world) if "{id}" in path}
    assert routes, "the schema lists no routes by id"
    for path, method in sorted(routes):
        for value in NOT_IDS:
            url = re.sub(r"\{id\}", value, path)
            response = getattr(client, method)(url, {}, format="json")
            assert response.status_code in (400, 401, 403, 404, 405), (role, method, url)


@pytest.mark.parametrize("value", [10**12, 10**40, 1e300, -(10**15)])
def test_numbers_too_big_to_store_are_refused_by_name(api, world, places, value):  # noqa: F811
    checklist = places["own"].checklist
    Checklist.objects.filter(pk=checklist.pk).update(state=ChecklistState.DRAFT)
    api.force_authenticate(world.sec_v1)
    url = f"/api/v1/checklists/{checklist.pk}/"
    revision = api.get(url).json()["revision"]
    response = api.patch(url, {"answers": {"CY-01": value}, "revision": revision}, format="json")
    assert response.status_code == 400, response.content
    assert "CY-01" in str(response.json())


# Recording an objection by API is the county's; the public files theirs on the public page.
OBJECT = {"secretary": 403, "township": 403, "county": 201, "anonymous": 403}


@pytest.mark.parametrize("role", sorted(OBJECT))
def test_the_objection_route_answers_each_role_as_the_gate_says(role, world, places):  # noqa: F811
    checklist = places["own"].checklist
    checklist_pass(checklist=checklist, user=world.town1_user)
    checklist_approve(checklist=checklist, user=world.county_user)
    publicity_open(checklists=[checklist], user=world.county_user, days=5)
    client = APIClient()
    if users(world)[role] is not None:
        client.force_authenticate(users(world)[role])
    body = {"name": "张三", "contact": "13800000000", "text": "电话反映数据不实"}
    response = client.post(f"/api/v1/checklists/{checklist.pk}/object/", body, format="json")
    assert response.status_code == OBJECT[role], (role, response.content)
