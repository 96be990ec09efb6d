"""Every page form and every API field with what a hostile or careless client sends (issue 23.5):
digits that are not ASCII ("²", "١", "１"), a NUL, 10,000 characters, negative and huge numbers,
as every role, on the caller's own place. Whatever the answer (done, 400, 403, 404, 409),
never a server error. The walk says how many requests it made."""

import re
from pathlib import Path

import pytest
import yaml
from django.urls import reverse
from rest_framework.test import APIClient

from tests.test_permission_matrix import PAGES, client_for, page_routes, places, users  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ["²", "١", "１２", "\x00", "x" * 10_000, "y" * 300, "-1", "99999999999999999999999"]
ROLES = ("secretary", "township", "county", "city", "province", "anonymous")
# Fields our forms render from Django form classes (the templates name the rest).
FORM_FIELDS = {"place_code", "happened_on", "description", "code", "password1", "password2",
               "name", "contact", "text", "email", "new_password1", "new_password2"}  # fmt: skip


def page_fields() -> list[str]:
    """Every field name a page of ours posts or reads, from the templates themselves, with the
    per-criterion and per-place ones (a-ZB-01, r-ZB-01, five-rural-<code>) as examples."""
    names = set(FORM_FIELDS)
    for template in (ROOT / "templates").rglob("*.html"):
        names |= set(re.findall(r'name="([a-zA-Z0-9_]+)"', template.read_text("utf-8")))
    names -= {"viewport", "theme-color", "csrfmiddlewaretoken"}
    return sorted(names | {"a-ZB-01", "a-CY-01", "r-ZB-01", "e-ZB-03", "five-rural-419921000000"})


def test_every_page_survives_hostile_values_as_every_role(world, places):  # noqa: F811
    fields = page_fields()
    assert {"year", "revision", "days", "decision", "reason"} <= set(fields)
    made = 0
    for role in ROLES:
        client = client_for(role, world)
        for _route, name in page_routes():
            arguments, _expected = PAGES[name]
            url = reverse(name, kwargs=arguments(places["own"], places["cycle"]))
            for value in HOSTILE:
                data = dict.fromkeys(fields, value)
                for method in ("get", "post"):
                    response = getattr(client, method)(url, data)
                    made += 1
                    assert response.status_code < 500, (
                        f"{role} {method.upper()} {url} with {value[:12]!r}: {response.status_code}"
                    )
    print(f"page walk: {made} requests")
    assert made > 5000


def _body_fields(schema, operation) -> list[str]:
    content = operation.get("requestBody", {}).get("content", {})
    fields: set[str] = set()
    for media in content.values():
        ref = media.get("schema", {}).get("$ref", "")
        if ref:
            component = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
            fields |= set(component.get("properties", {}))
    return sorted(fields)


def test_every_api_operation_survives_hostile_values_as_every_role(world, places):  # noqa: F811
    admin = APIClient()
    admin.force_authenticate(world.county_user)
    schema = yaml.safe_load(admin.get("/api/v1/schema/").content)
    own = places["own"]
    ids = {"checklists": own.checklist.pk, "objections": own.objection.pk,
           "rectifications": own.rectification.pk, "imports": own.import_run.pk,
           "tallies": own.tally.pk, "notifications": own.notification.pk}  # fmt: skip
    made = 0
    for role in ROLES:
        client = APIClient()
        if users(world)[role] is not None:
            client.force_authenticate(users(world)[role])
        for path, operations in schema["paths"].items():
            resource = path.split("/")[3]
            url = re.sub(r"\{code\}", own.village.code, path)
            url = re.sub(r"\{id\}", str(ids.get(resource, 1)), url)
            if resource == "catalogues":
                url = re.sub(
                    r"/catalogues/[^/]+/", f"/catalogues/rural-{places['cycle'].year}/", url
                )
            for method, operation in operations.items():
                if method not in ("get", "post", "patch", "put", "delete"):
                    continue
                fields = _body_fields(schema, operation) or ["cycle", "year", "page"]
                for value in HOSTILE:
                    data = dict.fromkeys(fields, value)
                    if method == "get":
                        response = client.get(url, data)
                    else:
                        response = getattr(client, method)(url, data, format="json")
                    made += 1
                    assert response.status_code < 500, (
                        f"{role} {method.upper()} {url} {fields} = {value[:12]!r}: "
                        f"{response.status_code}"
                    )
    print(f"API walk: {made} requests")
    assert made > 1000
