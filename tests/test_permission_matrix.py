"""The permission matrix, walked from the URL conf and the OpenAPI schema.

Every page pattern and every API operation is requested by each role (secretary, township
clerk, county staff, anonymous) against an object of its own place and one of another place.
A route nobody has classified fails the test, so a new endpoint cannot slip in unchecked.

Three things are asserted for every response:
- another place's object is never served (403 or 404, or a redirect to the login page);
- the caller's own object is served where the role may see it, and refused where it may not;
- no body that is served (pages, JSON, spreadsheets) names a village outside the caller's place.
"""

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import yaml
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from access.gate import SYSTEM
from accounts.choices import Role
from accounts.services import user_create
from branches.models import Rating
from branches.services import rectification_create, rectification_step
from catalogues.services import cycle_get_or_create
from catalogues.tests.conftest import YEAR, answers_for, make_catalogue
from notifications.models import Notification
from scoring.choices import ChecklistState
from scoring.models import Adjustment, Checklist, Evidence, Objection, Revocation, VetoEvent
from scoring.services.checklists import answers_save, checklist_open
from scoring.services.evidence import evidence_add
from tallies.models import TallyRun
from tallies.services import tally_inline
from uploads.models import ImportRun

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 200
ROLES = ("secretary", "township", "county", "city", "province", "anonymous")
OK, DENY, LOGIN = "ok", "deny", "login"
ABOVE = ("city", "province")  # their "other place" is another city or province, never a county


@dataclass
class Place:
    """The objects of one village, as the matrix requests them."""

    village: object
    checklist: Checklist
    evidence: Evidence
    rectification: object
    objection: Objection
    import_run: ImportRun
    tally: TallyRun
    event: object
    revocation: object
    adjustment: object
    notification: object


def _objects(world, village, clerk, cycle, catalogues) -> Place:
    from accounts.models import User

    clerk = clerk or User.objects.get(township=village.township)
    kind = "community" if village.kind == "community" else "rural"
    root = world.branch(village).secretary or user_create(
        username=f"sec-{village.code}", name="书记", role=Role.SECRETARY, place=village
    )
    checklist = checklist_open(branch=world.branch(village), cycle=cycle, user=SYSTEM)
    answers_save(checklist=checklist, user=root, answers=answers_for(catalogues[kind]))
    photo = SimpleUploadedFile("会议.jpg", JPEG, "image/jpeg")
    evidence = evidence_add(checklist=checklist, criterion_code="ZB-03", upload=photo, user=root)
    Checklist.objects.filter(pk=checklist.pk).update(state=ChecklistState.SUBMITTED)
    task = rectification_create(
        branch=world.branch(village),
        cycle=cycle.code,
        star="CY",
        criterion="CY-01",
        title="发展集体经济",
        owner="张三",
        deadline=timezone.localdate() + timedelta(days=30),
        user=clerk,
    )
    proof = SimpleUploadedFile("整改.jpg", JPEG, "image/jpeg")
    rectification_step(task=task, step="done", user=root, note="已整改", evidence=proof)
    objection = Objection.objects.create(checklist=checklist, name="群众", contact="1", text="不实")
    run = ImportRun(
        kind="answers",
        user=clerk,
        file_name="表.csv",
        sha256="0" * 64,
        params={"cycle": cycle.code},
    )
    sheet = f"区划代码,名称,ZB-01\n{village.code},{village.name},是\n"
    run.file.save("表.csv", ContentFile(sheet.encode()))
    county = village.township.county
    tally_inline(place=county, cycle=cycle)
    tally = TallyRun.objects.filter(county=county).latest("pk")
    event = VetoEvent.objects.create(
        branch=world.branch(village),
        kind="petition",
        happened_on=date(cycle.year, 3, 1),
        place="村委会",
        description="越级上访",
    )
    rating = Rating.objects.create(
        branch=world.branch(village),
        year=cycle.year - 1,
        catalogue=catalogues[kind].code,
        level=5,
        stars=["ZB", "CY", "ST", "PA", "WM"],
        awarded_at=timezone.now(),
    )
    revocation = Revocation.objects.create(
        branch=world.branch(village), rating=rating, star="PA", event=event, reason="越级上访"
    )
    adjustment = Adjustment.objects.create(
        branch=world.branch(village),
        cycle=cycle_get_or_create(code=f"{cycle.year}Q1"),
        kind=catalogues[kind].adjustment_kinds.get(code="JF-01"),
        star="ZB",
        reason="获评先进",
    )
    notification = Notification.objects.create(
        recipient=root, kind="reminder", key=f"matrix:{village.code}", title=f"{village.name}的提醒"
    )
    return Place(
        village,
        checklist,
        evidence,
        task,
        objection,
        run,
        tally,
        event,
        revocation,
        adjustment,
        notification,
    )


@pytest.fixture
def places(world):
    cycle = cycle_get_or_create(code=str(YEAR))
    catalogues = {"rural": make_catalogue("rural"), "community": make_catalogue("community")}
    own = _objects(world, world.v1, world.town1_user, cycle, catalogues)
    neighbour = _objects(world, world.v2, world.town2_user, cycle, catalogues)
    stranger = _objects(world, world.v3, world.other_county_user, cycle, catalogues)
    far = _objects(world, _village_elsewhere(world, "4198"), None, cycle, catalogues)
    farther = _objects(world, _village_elsewhere(world, "4201"), None, cycle, catalogues)
    return {
        "own": own, "neighbour": neighbour, "stranger": stranger, "far": far, "farther": farther,
        "cycle": cycle,
    }  # fmt: skip


def _village_elsewhere(world, prefix: str):
    """A village in another city (4198, same province) or another province (4201), with its
    branch and township clerk."""
    from branches.models import Branch
    from villages.models import City, County, Province, Township, Village

    province = world.county.city.province
    if not prefix.startswith(province.code[:2]):
        province = Province.objects.create(code=f"{prefix[:2]}0000000000", name="湖北省")
    city = City.objects.create(code=f"{prefix}00000000", name="远方市", province=province)
    county = County.objects.create(code=f"{prefix}21000000", name="远方县", city=city)
    town = Township.objects.create(code=f"{prefix}21100000", name="远方镇", county=county)
    village = Village.objects.create(
        code=f"{prefix}21100201", name=f"远方{prefix}村", township=town, kind="rural"
    )
    Branch.objects.create(village=village, name="远方村支部")
    user_create(username=f"clerk-{prefix}", name="镇干部", role=Role.TOWNSHIP, place=town)
    return village


def users(world):
    return {
        "secretary": world.sec_v1,
        "township": world.town1_user,
        "county": world.county_user,
        "city": world.city_user,
        "province": world.province_user,
        "anonymous": None,
    }


def other_for(role: str, places) -> Place:
    """Another place for each role: the next township's village for a secretary or a clerk
    (same county), the other county's for county staff, another city's for city staff and
    another province's for province staff."""
    if role == "city":
        return places["far"]
    if role == "province":
        return places["farther"]
    return places["stranger"] if role in ("county", "anonymous") else places["neighbour"]


def foreign_markers(role: str, world) -> list[str]:
    """Names and codes that must never appear in what `role` is served."""
    villages = {
        "secretary": [world.c1, world.v2, world.v3],
        "township": [world.v2, world.v3],
        "county": [world.v3],
        "anonymous": [],
    }.get(role, [])
    names = {"city": ["远方4198村", "419821100201"], "province": ["远方4201村", "420121100201"]}
    return [v.name for v in villages] + [v.code for v in villages] + names.get(role, [])


def body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # a workbook: its shared strings and sheets
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            return "".join(
                book.read(n).decode("utf-8", "replace")
                for n in book.namelist()
                if n.endswith(".xml")
            )
    return content.decode("utf-8", "replace")


def assert_no_leak(response, role, world, where):
    if response.status_code != 200:
        return
    text = body_text(response)
    leaks = [m for m in foreign_markers(role, world) if m in text]
    assert not leaks, f"{where}: {role} was served another place's {leaks}"


# ---------------------------------------------------------------- pages, from the URL conf

S, T, C, CI, P, A = ROLES  # secretary, township, county, city, province, anonymous


def _everyone(outcome: str) -> dict[str, str]:
    return dict.fromkeys(ROLES, outcome)


def _staff(secretary: str, township: str, county: str, above: str | None = None) -> dict[str, str]:
    """What each role gets; the city's and province's staff read what the county reads unless
    `above` says otherwise (they act on nothing below the county)."""
    above = county if above is None else above
    return {S: secretary, T: township, C: county, CI: above, P: above, A: LOGIN}


CODE = lambda p, c: {"code": p.village.code}  # noqa: E731
PK = {
    "checklist": lambda p, c: {"pk": p.checklist.pk},
    "evidence": lambda p, c: {"pk": p.evidence.pk},
    "objection": lambda p, c: {"pk": p.objection.pk},
    "rectification": lambda p, c: {"pk": p.rectification.pk},
    "import": lambda p, c: {"pk": p.import_run.pk},
    "tally": lambda p, c: {"pk": p.tally.pk},
    "event": lambda p, c: {"pk": p.event.pk},
    "revocation": lambda p, c: {"pk": p.revocation.pk},
    "adjustment": lambda p, c: {"pk": p.adjustment.pk},
    "notification": lambda p, c: {"pk": p.notification.pk},
}
NONE = lambda p, c: {}  # noqa: E731

# name → (URL arguments for a place, what each role gets for its own place's object;
#         None: the route takes no place, so only the body is checked for leaks)
PAGES = {
    "healthz": (NONE, None),
    "favicon": (NONE, None),
    "manifest": (NONE, None),
    "service-worker": (NONE, None),
    "set_language": (NONE, None),
    "login": (NONE, None),
    "logout": (NONE, None),
    "password_change": (NONE, None),
    "password_change_done": (NONE, None),
    "home": (NONE, None),
    "township-remind": (NONE, None),
    "audit": (NONE, None),
    "review": (NONE, None),
    "ratings": (NONE, None),
    "ratings-remind": (NONE, None),
    "ratings-contact": (NONE, None),
    "ratings-deadline": (NONE, None),
    "ratings-cycle": (NONE, None),
    "ratings-approve": (NONE, None),
    "ratings-publish": (NONE, None),
    "ratings-award": (NONE, None),
    "answers": (NONE, None),
    "answer-template": (NONE, None),
    "dashboard": (NONE, None),
    "bulletin": (NONE, None),
    "tally-request": (NONE, None),
    "targets": (NONE, None),
    "divisions": (NONE, None),
    "zeros": (NONE, None),
    "revocations": (NONE, None),
    "responsibility": (NONE, None),
    "responsibility-person": (NONE, None),
    "quarters": (NONE, None),
    "inbox": (NONE, None),
    "activate": (NONE, None),
    "activation": (NONE, None),
    "activation-inactive": (NONE, None),
    "activation-issue": (NONE, None),
    "activation-reset": (NONE, None),
    "password_reset": (NONE, None),
    "password_reset_done": (NONE, None),
    "password_reset_complete": (NONE, None),
    "password_reset_confirm": (lambda p, c: {"uidb64": "MQ", "token": "x-y"}, None),
    # Public while a publicity lasts (none does here: a 404 for everyone, and no leak).
    "publicity-notice": (lambda p, c: {"code": p.village.township.county.code}, None),
    "publicity-notice-pdf": (lambda p, c: {"code": p.village.township.county.code}, None),
    "branch-print": (CODE, _staff(OK, OK, OK)),
    "branch-record-pdf": (CODE, _staff(OK, OK, OK)),
    "checklist-print": (PK["checklist"], _staff(OK, OK, OK)),
    "checklist-pdf": (PK["checklist"], _staff(OK, OK, OK)),
    "wallchart": (lambda p, c: {"code": p.village.township.code}, _staff(DENY, OK, OK)),
    "notifications-read-all": (NONE, None),
    # A notification is its recipient's alone (here the village's secretary).
    "notification-read": (PK["notification"], _staff(OK, DENY, DENY, DENY)),
    "adjustment-decide": (PK["adjustment"], _staff(DENY, DENY, OK, DENY)),
    "event-withdraw": (PK["event"], _staff(DENY, DENY, OK, DENY)),
    "revocation-decide": (PK["revocation"], _staff(DENY, DENY, OK, DENY)),
    "weak-lax-list": (CODE, _staff(OK, OK, OK)),
    "weak-lax-propose": (CODE, _staff(OK, OK, OK)),
    "weak-lax-decide": (CODE, _staff(OK, OK, OK)),
    "region-bulletin": (
        lambda p, c: {"code": p.village.township.county.city.code},
        _staff(DENY, DENY, DENY, OK),
    ),
    "register-export": (lambda p, c: {"kind": "branches", "fmt": "xlsx"}, None),
    "export": (lambda p, c: {"what": "levels"}, None),
    "place-detail": (CODE, _staff(OK, OK, OK)),
    "branch": (CODE, _staff(OK, OK, OK)),
    "checklist-open": (lambda p, c: {"code": p.village.code, "cycle": c.code}, _staff(OK, OK, OK)),
    "rectification-assign": (CODE, _staff(OK, OK, OK)),
    "checklist": (PK["checklist"], _staff(OK, OK, OK)),
    "checklist-action": (lambda p, c: {"pk": p.checklist.pk, "action": "pass"}, _staff(OK, OK, OK)),
    "evidence-file": (PK["evidence"], _staff(OK, OK, OK)),
    "evidence-delete": (PK["evidence"], _staff(OK, OK, OK)),
    "objection-rule": (PK["objection"], _staff(DENY, DENY, OK, DENY)),
    "rectification-evidence": (PK["rectification"], _staff(OK, OK, OK)),
    "rectification-step": (
        lambda p, c: {"pk": p.rectification.pk, "step": "done"},
        _staff(OK, OK, OK),
    ),
    "import-run": (PK["import"], _staff(DENY, OK, OK)),
    "import-run-status": (PK["import"], _staff(DENY, OK, OK)),
    "import-run-confirm": (PK["import"], _staff(DENY, OK, OK)),
    "import-run-marked": (PK["import"], _staff(DENY, OK, OK)),
    "tally-status": (PK["tally"], _staff(DENY, OK, OK)),
    "dashboard-place": (lambda p, c: {"code": p.village.township.code}, _staff(DENY, OK, OK)),
    "public": (lambda p, c: {"code": p.village.township.county.code}, _everyone(OK)),
}


# Objects of a whole county: "another place" is then another county, for every role.
COUNTY_WIDE = {"tally-status"}


def page_routes():
    """(route, name) for every named page pattern; the API is walked from its schema and the
    admin as a whole, below."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.name

    return [
        (route, name)
        for route, name in walk(get_resolver().url_patterns)
        if not route.startswith(("api/v1/", "admin/"))
    ]


def client_for(role, world) -> Client:
    client = Client()
    user = users(world)[role]
    if user is not None:
        client.force_login(user)
    return client


def outcome(response) -> str:
    status = response.status_code
    if status in (401, 403, 404, 405) or (
        status == 400 and response.get("Content-Type", "").startswith("application/json")
    ):
        return DENY
    if status == 302 and "/login/" in response.get("Location", ""):
        return LOGIN
    assert status < 500, f"{status} from {response.request['PATH_INFO']}"
    return OK


def test_every_page_route_is_in_the_matrix():
    unclassified = sorted({name for _route, name in page_routes()} - PAGES.keys())
    assert not unclassified, f"new page routes: classify them in PAGES: {unclassified}"


@pytest.mark.parametrize("role", ROLES)
def test_pages_serve_each_role_its_own_place_and_nothing_of_another(role, world, places):
    from django.urls import reverse

    client = client_for(role, world)
    seen = []
    for _route, name in page_routes():
        arguments, expected = PAGES[name]
        own = reverse(name, kwargs=arguments(places["own"], places["cycle"]))
        response = client.get(own)
        assert_no_leak(response, role, world, own)
        if expected is None:
            continue
        got = outcome(response)
        seen.append((name, got))
        want = expected[role]
        assert got == want or (want == OK and got == DENY and response.status_code == 405), (
            f"{role} GET {own}: {got} ({response.status_code}), expected {want}"
        )
        elsewhere = (
            places["stranger"]
            if name in COUNTY_WIDE and role not in ABOVE
            else other_for(role, places)
        )
        other = reverse(name, kwargs=arguments(elsewhere, places["cycle"]))
        if name == "public":
            continue  # the public page is public: every county's
        for method in ("get", "post"):
            response = getattr(client, method)(other)
            assert outcome(response) in (DENY, LOGIN), (
                f"{role} {method.upper()} {other} (another place): {response.status_code}"
            )
    assert seen  # the walk reached the place-bound routes


# ---------------------------------------------------------------- the API, from its schema

GLOBAL = "global"  # the same object for everyone (catalogues, cycles): no other place
API_OBJECTS = {
    # resource → (path value for a place, what each role gets for its own place's object)
    "catalogues": (lambda p, c: f"rural-{YEAR}", GLOBAL),
    "cycles": (lambda p, c: c.code, GLOBAL),
    "counties": (lambda p, c: p.village.township.county.code, _staff(OK, OK, OK)),
    "townships": (lambda p, c: p.village.township.code, _staff(OK, OK, OK)),
    "villages": (lambda p, c: p.village.code, _staff(OK, OK, OK)),
    "branches": (lambda p, c: p.village.code, _staff(OK, OK, OK)),
    "checklists": (lambda p, c: p.checklist.pk, _staff(OK, OK, OK)),
    "objections": (lambda p, c: p.objection.pk, _staff(DENY, OK, OK)),
    "rectifications": (lambda p, c: p.rectification.pk, _staff(OK, OK, OK)),
    "imports": (lambda p, c: p.import_run.pk, _staff(DENY, OK, OK)),
    "tallies": (lambda p, c: p.tally.pk, _staff(DENY, DENY, OK)),
    "notifications": (lambda p, c: p.notification.pk, _staff(OK, DENY, DENY, DENY)),
}
COUNTY_WIDE_API = {"counties", "tallies"}


def api_operations(world):
    client = APIClient()
    client.force_authenticate(world.county_user)
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    for path, operations in schema["paths"].items():
        for method in operations:
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method


def test_every_api_resource_is_in_the_matrix(world):
    resources = {path.split("/")[3] for path, _m in api_operations(world) if "{" in path}
    assert resources, "the schema lists no object routes"
    assert not resources - API_OBJECTS.keys(), (
        f"classify in API_OBJECTS: {resources - API_OBJECTS.keys()}"
    )


def api_outcome(response) -> str:
    assert response.status_code < 500, (
        f"{response.status_code} from {response.request['PATH_INFO']}"
    )
    return DENY if response.status_code in (401, 403, 404) else OK


@pytest.mark.parametrize("role", ROLES)
def test_the_api_serves_each_role_its_own_place_and_nothing_of_another(role, world, places):
    client = APIClient()
    if users(world)[role] is not None:
        client.force_authenticate(users(world)[role])
    operations = list(api_operations(world))
    for path, method in operations:
        resource = path.split("/")[3]
        if "{" not in path:
            if method == "get":
                response = client.get(path)
                want = (
                    DENY
                    if role == "anonymous" and not path.endswith(("/schema/", "/docs/"))
                    else OK
                )
                assert api_outcome(response) == want, f"{role} GET {path}: {response.status_code}"
                assert_no_leak(response, role, world, path)
            continue
        value_of, own_rule = API_OBJECTS[resource]

        def fill(place, path=path, value_of=value_of):
            return re.sub(r"\{[^}]+\}", str(value_of(place, places["cycle"])), path)

        if method == "get":
            own = fill(places["own"])
            response = client.get(own)
            want = (DENY if role == "anonymous" else OK) if own_rule == GLOBAL else own_rule[role]
            want = DENY if want == LOGIN else want
            assert api_outcome(response) == want, (
                f"{role} GET {own}: {response.status_code}, expected {want}"
            )
            assert_no_leak(response, role, world, own)
        if own_rule == GLOBAL:
            continue
        elsewhere = (
            places["stranger"]
            if resource in COUNTY_WIDE_API and role not in ABOVE
            else other_for(role, places)
        )
        other = fill(elsewhere)
        response = getattr(client, method)(other, {}, format="json")
        assert api_outcome(response) == DENY, (
            f"{role} {method.upper()} {other}: {response.status_code}"
        )
