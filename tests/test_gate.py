"""The gate at the edge (issue 21): every service that writes declares its action, every write
the API offers answers as the gate says (403 where it refuses, 409 for a stale state, 400 for
malformed input), and the leaks an outside probe found stay shut on every path."""

import importlib
import inspect
import pkgutil
import re
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
import yaml
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from access.gate import SYSTEM, gate_of
from access.rules import place_refusal
from access.scope import restrict
from branches.models import Branch, Rectification, WeakLaxDecision
from branches.services import rectification_create
from catalogues.services import cycle_get_or_create
from catalogues.tests.conftest import YEAR, answers_for, make_catalogue
from core.errors import NotAllowed
from scoring.models import Checklist, Objection
from scoring.services.checklists import answers_save, checklist_open
from scoring.services.notices import remind_unsubmitted
from scoring.services.workflow import checklist_submit
from uploads.models import ImportRun

ROOT = Path(__file__).resolve().parent.parent
APPS = ["access", "accounts", "audit", "branches", "catalogues", "core", "notifications",
        "printing", "scoring", "tallies", "uploads", "villages"]  # fmt: skip
# Modules that are edges (pages, API, admin, commands, tasks ask the services), no code, or
# steps of migrations (core.moves), which run as the database's owner before anyone signs in.
EDGES = {"views", "api", "admin", "management", "tests", "migrations", "demo", "templatetags",
         "apps", "urls", "tasks", "models", "moves"}  # fmt: skip
# What a write looks like in our code: the ORM's writes, SQL that changes rows, the audit trail.
WRITES = re.compile(
    r"\.(save|delete|bulk_create|bulk_update|update_or_create|get_or_create|select_for_update)\("
    r"|objects\.(create|update)\(|\)\.update\(|\b(INSERT INTO|UPDATE \w+ |DELETE FROM|COPY \w+)"
    r"|\baudit(_many)?\("
)
# An openpyxl workbook written to memory; a dict of labels filled in.
NOT_WRITES = re.compile(r"\bbook\.save\(|setdefault\([^)]*\)\.update\(")


def functions_that_write():
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if EDGES & set(info.name.split(".")[1:]):
                continue
            module = importlib.import_module(info.name)
            for name, function in vars(module).items():
                if name.startswith("_") or not inspect.isfunction(function):
                    continue
                if function.__module__ != module.__name__:
                    continue
                source = NOT_WRITES.sub("", inspect.getsource(inspect.unwrap(function)))
                if WRITES.search(source):
                    yield f"{info.name}.{name}", function


def test_every_function_that_writes_declares_its_gate(db):
    found = dict(functions_that_write())
    assert len(found) > 50  # the walk reaches the services (a broken pattern finds none)
    undeclared = sorted(name for name, function in found.items() if gate_of(function) is None)
    assert not undeclared, f"declare @gated(action) or @internal(why) on: {undeclared}"
    internal = [gate_of(f) for f in found.values() if gate_of(f).action is None]
    assert all(len(g.why) > 20 for g in internal), "say why a step is internal"


def test_every_gate_action_a_service_names_is_in_the_table_the_apps_registered(db):
    from access.rules import RULES

    named = {gate_of(f).action for _n, f in functions_that_write() if gate_of(f).action}
    named |= {"rectify", "checklist.open"}  # named by services that call those that write
    for action in named:
        prefix = action.split("{")[0]
        assert action in RULES or any(a.startswith(prefix) for a in RULES if "{" in action), action


def test_no_module_outside_the_gate_and_accounts_compares_a_role():
    compares = re.compile(r"\.role\s*(==|!=|\bin\b|\bnot in\b)|Role\(\w+\.role\)")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for app in APPS
        if app not in ("access", "accounts")
        for path in (ROOT / app).rglob("*.py")
        if "tests" not in path.parts
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if compares.search(line)
    ]
    assert not found, f"ask the gate (access.rules.may) instead: {found}"


# ------------------------------------------------------------------ the leaks, each path


@pytest.fixture
def cycle(db):
    make_catalogue("rural")
    make_catalogue("community")
    return cycle_get_or_create(code=str(YEAR))


@pytest.mark.parametrize("role", ["city_user", "province_user"])
def test_city_and_province_staff_cannot_open_checklists_on_the_api_or_the_page(
    world, cycle, client, role
):
    api = APIClient()
    api.force_authenticate(getattr(world, role))
    response = api.post(
        "/api/v1/checklists/", {"branch": world.v1.code, "cycle": cycle.code}, format="json"
    )
    assert response.status_code == 403
    client.force_login(getattr(world, role))
    page = client.post(reverse("checklist-open", args=[world.v1.code, cycle.code]))
    assert page.status_code == 403
    assert not Checklist.objects.exists()
    # The clerk of the township still opens it.
    api.force_authenticate(world.town1_user)
    opened = api.post(
        "/api/v1/checklists/", {"branch": world.v1.code, "cycle": cycle.code}, format="json"
    )
    assert opened.status_code == 201


def branch_sheet(tmp_path, world, listed: str) -> str:
    book = openpyxl.Workbook()
    book.active.append(["区划代码", "支部名称", "软弱涣散", "认定日期", "软弱涣散原因"])
    book.active.append(
        [world.v1.code, "中共王庄村支部委员会", listed, f"{YEAR}-01-05", "班子不团结"]
    )
    path = tmp_path / "支部名册.xlsx"
    book.save(path)
    return str(path)


def list_branch(world):
    branch = world.branch(world.v1)
    branch.weak_lax, branch.weak_lax_reason = True, "班子软弱"
    branch.weak_lax_since = timezone.localdate()
    branch.save()
    return branch


@pytest.mark.parametrize("who", ["town1", "county"])
def test_a_register_import_never_lifts_a_listing(world, tmp_path, capsys, who):
    list_branch(world)
    with pytest.raises(CommandError):
        call_command(
            "import_registers", "branches", branch_sheet(tmp_path, world, "否"), "--as", who
        )
    assert "整顿转化" in capsys.readouterr().err
    assert Branch.objects.get(pk=world.branch(world.v1).pk).weak_lax is True


def test_only_the_county_lists_by_register_import_and_the_listing_names_who(world, tmp_path):
    sheet = branch_sheet(tmp_path, world, "是")
    with pytest.raises(CommandError):
        call_command("import_registers", "branches", sheet, "--as", "town1")
    assert Branch.objects.get(village=world.v1).weak_lax is False
    call_command("import_registers", "branches", sheet, "--as", "county")
    assert Branch.objects.get(village=world.v1).weak_lax is True
    listing = WeakLaxDecision.objects.get(branch__village=world.v1)
    assert listing.decided_by == world.county_user and listing.proposed_by == world.county_user


def test_the_admin_cannot_lift_a_listing(world, client):
    from accounts.models import User

    branch = list_branch(world)
    admin = User.objects.create_superuser("root", password="x-Admin-2026")
    client.force_login(admin)
    url = reverse("admin:branches_branch_change", args=[branch.pk])
    form = {"village": world.v1.pk, "name": branch.name, "members": 30, "weak_lax": "",
            "target_level": 3}  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 200 and "整顿转化" in response.content.decode()
    assert Branch.objects.get(pk=branch.pk).weak_lax is True


@pytest.fixture
def task(world, cycle):
    return rectification_create(
        branch=world.branch(world.v1), cycle=cycle.code, star="CY", criterion="CY-01",
        title="发展集体经济", owner="张三", deadline=timezone.localdate() + timedelta(days=30),
        user=world.town1_user,
    )  # fmt: skip


def test_a_wrong_role_on_a_rectification_is_403_and_a_step_taken_already_is_409(world, task):
    api = APIClient()
    api.force_authenticate(world.sec_v1)
    done = api.post(f"/api/v1/rectifications/{task.pk}/done/", {"note": "已整改"}, format="json")
    assert done.status_code == 200
    verify = api.post(f"/api/v1/rectifications/{task.pk}/verify/", {}, format="json")
    assert verify.status_code == 403  # the secretary may never verify their own work
    api.force_authenticate(world.town1_user)
    assert api.post(f"/api/v1/rectifications/{task.pk}/verify/", {}).status_code == 200
    again = api.post(f"/api/v1/rectifications/{task.pk}/verify/", {}, format="json")
    assert again.status_code == 409  # verified already: someone acted first
    assert Rectification.objects.get(pk=task.pk).status == "verified"


def test_reminders_are_the_gates_to_allow(world, cycle):
    checklist_open(branch=world.branch(world.v1), cycle=cycle, user=SYSTEM)
    for user in (world.city_user, world.province_user, world.sec_v1):
        with pytest.raises(NotAllowed):
            remind_unsubmitted(user=user, cycle=cycle)
    assert remind_unsubmitted(user=world.town1_user, cycle=cycle) >= 1


# ------------------------------------------------------------------ every API write, every role

ROLES = ("sec_v1", "town1_user", "county_user", "city_user", "province_user")


@pytest.fixture
def objects(world, cycle):
    checklist = checklist_open(branch=world.branch(world.v1), cycle=cycle, user=SYSTEM)
    answers_save(checklist=checklist, user=world.sec_v1, answers=answers_for(checklist.catalogue))
    task = rectification_create(
        branch=world.branch(world.v1), cycle=cycle.code, star="CY", criterion="CY-01",
        title="发展集体经济", owner="张三", deadline=timezone.localdate() + timedelta(days=30),
        user=world.town1_user,
    )  # fmt: skip
    objection = Objection.objects.create(checklist=checklist, name="群众", contact="1", text="不实")
    run = ImportRun.objects.create(
        kind="answers", user=world.town1_user, file_name="表.csv", sha256="0" * 64,
        params={"cycle": cycle.code},
    )  # fmt: skip
    return {"checklist": checklist, "task": task, "objection": objection, "cycle": cycle,
            "run": run}  # fmt: skip


def _checklist(o):
    return Checklist.objects.select_related("branch__village__township", "cycle").get(
        pk=o["checklist"].pk
    )


# operation → (gate action, the object it acts on, a well-formed body); None: not the gate's
# (a person's own token, notification or "what if")
WRITE_OPERATIONS = {
    ("post", "/api/v1/auth/token/"): None,
    ("post", "/api/v1/auth/token/revoke/"): None,
    ("post", "/api/v1/catalogues/{code}/score/"): None,
    ("post", "/api/v1/notifications/{id}/read/"): None,
    ("post", "/api/v1/checklists/"): (
        "checklist.open", lambda o: o["checklist"].branch,
        lambda o, w: {"branch": w.v1.code, "cycle": o["cycle"].code},
    ),
    ("patch", "/api/v1/checklists/{id}/"): (
        "edit", _checklist, lambda o, w: {"answers": {}, "revision": _checklist(o).revision}
    ),
    ("post", "/api/v1/checklists/{id}/submit/"): ("submit", _checklist, None),
    ("post", "/api/v1/checklists/{id}/return/"): ("return", _checklist, {"reason": "补充"}),
    ("post", "/api/v1/checklists/{id}/pass/"): ("pass", _checklist, None),
    ("post", "/api/v1/checklists/{id}/approve/"): ("approve", _checklist, None),
    ("post", "/api/v1/checklists/{id}/reopen/"): ("reopen", _checklist, {"reason": "重审"}),
    ("post", "/api/v1/checklists/{id}/publish/"): ("publish", _checklist, {"days": 5}),
    ("post", "/api/v1/checklists/{id}/award/"): ("award", _checklist, None),
    ("post", "/api/v1/checklists/{id}/revoke/"): ("revoke", _checklist,
                                                  {"star": "CY", "reason": "事故"}),
    ("post", "/api/v1/checklists/{id}/object/"): (
        "objection.file", _checklist, {"name": "群众", "contact": "13800000000", "text": "情况不实"}
    ),
    ("post", "/api/v1/checklists/{id}/evidence/"): (
        "edit", _checklist, lambda o, w: {"criterion": "ZB-03", "file": _photo()}
    ),
    ("post", "/api/v1/objections/{id}/rule/"): (
        "uphold", _checklist, {"upheld": False, "ruling": "经核实不成立"}
    ),
    ("post", "/api/v1/rectifications/"): (
        "rectify", lambda o: o["checklist"].branch,
        lambda o, w: {"checklist": o["checklist"].pk, "criteria": ["CY-01"], "owner": "张三",
                      "deadline": (timezone.localdate() + timedelta(days=9)).isoformat()},
    ),
    ("post", "/api/v1/rectifications/{id}/done/"): ("rectification.done", lambda o: o["task"],
                                                    {"note": "已整改"}),
    ("post", "/api/v1/rectifications/{id}/verify/"): ("rectification.verify",
                                                      lambda o: o["task"], None),
    ("post", "/api/v1/rectifications/{id}/reject/"): ("rectification.reject",
                                                      lambda o: o["task"], None),
    ("post", "/api/v1/rectifications/{id}/close/"): ("rectification.close",
                                                     lambda o: o["task"], None),
    ("post", "/api/v1/tallies/"): (
        "tally.start", lambda o: o["checklist"].branch.village.township.county,
        lambda o, w: {"county": w.county.code, "cycle": o["cycle"].code},
    ),
    ("post", "/api/v1/imports/"): ("answers.import", lambda o: None, None),
    ("post", "/api/v1/imports/{id}/confirm/"): ("answers.import", lambda o: None, None),
}  # fmt: skip


def write_operations(world):
    client = APIClient()
    client.force_authenticate(world.county_user)
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    return [
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in ("post", "put", "patch", "delete")
    ]


def test_every_api_write_is_classified_for_the_gate(world):
    unclassified = set(write_operations(world)) - WRITE_OPERATIONS.keys()
    assert not unclassified, f"say which gate action each write needs: {sorted(unclassified)}"


def _photo():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("会议.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 200)


def _path(path, objects):
    ids = {"/rectifications/": objects["task"].pk, "/objections/": objects["objection"].pk,
           "/imports/": objects["run"].pk}  # fmt: skip
    pk = next((v for k, v in ids.items() if k in path), objects["checklist"].pk)
    return path.replace("{id}", str(pk)).replace("{code}", f"rural-{YEAR}")


@pytest.mark.parametrize("role", ROLES)
def test_every_api_write_answers_as_the_gate_says(world, objects, role):
    """On the caller's own place: where the gate refuses the role, 403 (404 where the record is
    not theirs to see); where it allows, never 403 or 404 (the answer is then the work's: done,
    400 for the body, 409 for the state)."""
    user = getattr(world, role)
    client = APIClient()
    client.force_authenticate(user)
    walked = 0
    for (method, path), rule in WRITE_OPERATIONS.items():
        if rule is None:
            continue
        action, subject, body = rule
        obj = subject(objects)
        data = body(objects, world) if callable(body) else (body or {})
        refused = place_refusal(user, action, obj)
        form = "multipart" if path.endswith("/evidence/") else "json"
        response = getattr(client, method)(_path(path, objects), data, format=form)
        status = response.status_code
        assert status < 500, f"{role} {method} {path}: {status}"
        if refused:
            assert status in (403, 404), f"{role} {method} {path}: {status}, the gate: {refused}"
            empty = getattr(client, method)(_path(path, objects), {}, format="json")
            assert empty.status_code in (403, 404), f"{role} {method} {path} with no body"
        else:
            assert status not in (403, 404), f"{role} {method} {path}: {status} {response.data}"
        walked += 1
    assert walked == sum(1 for r in WRITE_OPERATIONS.values() if r is not None)


def test_a_stale_state_is_409_and_a_malformed_body_400(world, objects):
    client = APIClient()
    client.force_authenticate(world.county_user)
    url = f"/api/v1/checklists/{objects['checklist'].pk}/"
    assert client.post(f"{url}approve/").status_code == 409  # a draft: not reviewed yet
    client.force_authenticate(world.sec_v1)
    assert client.patch(url, {"answers": {"ZB-01": True}}, format="json").status_code == 400
    assert client.patch(url, {"answers": {}, "revision": 0}, format="json").status_code == 409
    checklist_submit(checklist=objects["checklist"], user=world.sec_v1)
    assert client.post(f"{url}submit/").status_code == 409  # submitted already
    assert restrict(Checklist.objects.all(), world.sec_v1).get().state == "submitted"
