"""The demo county (清河县, fictional): places, branches, secretaries and staff accounts.

Idempotent: places and accounts are keyed by code and username, and rows that exist are left
as they are. Bulk writes throughout, so `make demo` stays quick.
"""

import random
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from access.gate import SYSTEM
from accounts.choices import Role
from accounts.models import User
from branches.models import Branch
from branches.responsibility import assignments_set
from catalogues.models import Cycle
from demo import names
from demo.answers import DemoPlan, publicity_over, seed_answers
from demo.history import seed_history
from scoring.models import Adjustment, Checklist
from scoring.services.quarters import adjustment_decide, adjustment_record
from villages.choices import VillageKind
from villages.models import City, County, Township, Village
from villages.services import province_of

CITY = ("419900000000", "中原市")
COUNTY = ("419921000000", "清河县")
# Two smaller counties of the same city, so that the city ranks counties (four townships
# and a street each).
OTHER_COUNTIES = (("419922000000", "临河县", 40), ("419923000000", "石桥区", 80))
DEMO_PASSWORD = "wuxing2026"  # noqa: S105  (printed for the demo; never used outside it)
VILLAGES_PER_TOWN = 26
COMMUNITIES_PER_STREET = 9


@dataclass(frozen=True)
class DemoAccount:
    role: str
    username: str
    place: str


@transaction.atomic
def seed_demo() -> list[DemoAccount]:
    rng = random.Random(2026)
    city, _ = City.objects.get_or_create(
        code=CITY[0], defaults={"name": CITY[1], "province": province_of(CITY[0])}
    )
    county, _ = County.objects.get_or_create(
        code=COUNTY[0], defaults={"name": COUNTY[1], "city": city}
    )
    townships = _townships(county)
    villages = _villages(townships)
    _branches(villages, rng)
    accounts = _staff(county, townships, villages)
    for code, name, offset in OTHER_COUNTIES:
        other, _ = County.objects.get_or_create(code=code, defaults={"name": name, "city": city})
        small = _townships(other, names.TOWNSHIPS[1:6])
        _branches(_villages(small, per_town=8, start=offset * 20), rng)
    accounts += _staff_above(city)
    first_town = next(t for t in townships if not t.name.endswith("街道"))
    secretaries = {a.username for a in accounts if a.username.startswith("139")}
    plan = DemoPlan(
        secretary_village_ids=frozenset(
            User.objects.filter(username__in=secretaries).values_list("village_id", flat=True)
        ),
        review_township_id=first_town.pk,
    )
    seed_answers(year=timezone.localdate().year, plan=plan, rng=rng)
    seed_history(county=county, year=timezone.localdate().year, rng=rng)
    publicity_over(county=county, year=timezone.localdate().year)
    _responsibility(townships, timezone.localdate().year, rng)
    _quarter_items(county, timezone.localdate().year, rng)
    return accounts


# A picture the demo attaches as evidence (the app's own icon: no download needed).
EVIDENCE = settings.BASE_DIR / "static" / "icons" / "icon-192.png"


def _quarter_items(county: County, year: int, rng: random.Random) -> None:
    """Rewards and penalties in the latest quarter: most confirmed by the county, some waiting."""
    quarter = Cycle.objects.get(code=f"{year}Q3")
    if Adjustment.objects.filter(cycle=quarter).exists():
        return
    staff = User.objects.get(username="county")
    checklists = list(
        Checklist.objects.filter(cycle=quarter, branch__village__township__county=county)
        .select_related("branch__village")
        .order_by("branch__village__code")
    )
    clerks = {u.township_id: u for u in User.objects.filter(role=Role.TOWNSHIP)}
    picks = [
        ("JF-01", "ZB", "获评县级先进基层党组织"), ("JF-02", "CY", "合作社经验在全县推广"),
        ("JF-03", "ST", "人居环境整治提前完成"), ("KF-01", "WM", "移风易俗工作被县里通报"),
        ("KF-02", "CY", "集体经济项目推进滞后"), ("KF-03", "", "矛盾纠纷调处不及时"),
    ]  # fmt: skip
    for n, checklist in enumerate(rng.sample(checklists, min(18, len(checklists)))):
        kind, star, reason = picks[n % len(picks)]
        photo = SimpleUploadedFile("佐证.png", EVIDENCE.read_bytes(), "image/png")
        item = adjustment_record(
            user=clerks[checklist.branch.village.township_id], branch=checklist.branch,
            cycle=quarter, kind=kind, star=star, reason=reason, evidence=photo,
        )  # fmt: skip
        if n % 4:
            adjustment_decide(user=staff, adjustment=item, confirm=True)


def _responsibility(townships: list[Township], year: int, rng: random.Random) -> None:
    """The year's chain (五级分包): a county leader for every two townships, a contact each,
    the township Party secretaries, and for each branch a helping unit and a cadre."""
    leaders = [names.person(900 + n) for n in range(len(townships) // 2 + 1)]
    wanted: dict[tuple[int, int | None], dict[str, list[tuple[str, str]]]] = {}
    for n, township in enumerate(townships):
        if not township.party_secretary:
            township.party_secretary = names.person(700 + n)
            township.save(update_fields=["party_secretary"])
        wanted[(township.pk, None)] = {
            "leader": [(leaders[n // 2], "县委常委" if n // 2 % 2 else "副县长")],
            "contact": [(names.person(800 + n), "组织部干部")],
        }
    branches = Branch.objects.filter(village__township__in=townships).select_related("village")
    for n, branch in enumerate(branches.order_by("village__code")):
        wanted[(branch.village.township_id, branch.pk)] = {
            "unit": [(names.UNITS[n % len(names.UNITS)], "")],
            "cadre": [(names.person(1000 + n % 97), "")],
        }
    assignments_set(user=SYSTEM, year=year, wanted=wanted)


def _staff_above(city: City) -> list[DemoAccount]:
    """The city's and the province's organisation departments (市委组织部, 省委组织部)."""
    password = make_password(DEMO_PASSWORD)
    for username, name, role, where in (
        ("city", "市委组织部张干事", Role.CITY, {"city": city}),
        ("province", "省委组织部王干事", Role.PROVINCE, {"province": city.province}),
    ):
        User.objects.get_or_create(
            username=username, defaults={"name": name, "role": role, "password": password, **where}
        )
    return [
        DemoAccount("省委组织部", "province", city.province.name),
        DemoAccount("市委组织部", "city", city.name),
    ]


def _bulk_places(model, objects):  # type: ignore[no-untyped-def]
    for obj in objects:
        obj.clean()  # the same code checks as every other entry point
    model.objects.bulk_create(objects, ignore_conflicts=True)
    return list(model.objects.filter(code__in=[o.code for o in objects]).order_by("code"))


def _townships(county: County, which: list[tuple[str, str]] = names.TOWNSHIPS) -> list[Township]:
    objects = [
        Township(code=f"{county.code[:6]}{suffix}000", name=name, county=county)
        for suffix, name in which
    ]
    return _bulk_places(Township, objects)


def _villages(
    townships: list[Township], per_town: int = VILLAGES_PER_TOWN, start: int = 0
) -> list[Village]:
    objects = []
    n = start
    for township in townships:
        street = township.name.endswith("街道")
        count = COMMUNITIES_PER_STREET if street else per_town
        for i in range(1, count + 1):
            n += 1
            objects.append(
                Village(
                    code=f"{township.code[:9]}{(i if street else 200 + i):03d}",
                    name=names.community(n) if street else names.village(n),
                    kind=VillageKind.COMMUNITY if street else VillageKind.RURAL,
                    township=township,
                )
            )
    return _bulk_places(Village, objects)


def _branches(villages: list[Village], rng: random.Random) -> None:
    unusable = make_password(None)
    secretaries = [
        User(
            username=f"139{village.code[-8:]}",
            phone=f"139{village.code[-8:]}",
            name=names.person(n),
            role=Role.SECRETARY,
            village=village,
            password=unusable,
        )
        for n, village in enumerate(villages)
    ]
    User.objects.bulk_create(secretaries, ignore_conflicts=True)
    by_village = {
        u.village_id: u for u in User.objects.filter(village__in=villages, role=Role.SECRETARY)
    }
    branches = []
    for n, village in enumerate(villages):
        branch = Branch(
            village=village,
            name=f"中共{village.name}支部委员会",
            secretary=by_village.get(village.pk),
            members=rng.randint(18, 120),
        )
        if rng.random() < 0.05:
            branch.weak_lax = True
            branch.weak_lax_since = date(2026, 3, rng.randint(1, 28))
            branch.weak_lax_reason = rng.choice(["班子不团结", "组织生活不规范", "集体经济薄弱"])
        if village.kind == VillageKind.RURAL and rng.random() < 0.15:
            branch.first_secretary = names.person(n + 500)
            branch.first_secretary_unit = rng.choice(names.UNITS)
            branch.first_secretary_from = date(2024, rng.randint(1, 12), 1)
            branch.first_secretary_until = date(2027, branch.first_secretary_from.month, 1)
        branches.append(branch)
    Branch.objects.bulk_create(branches, ignore_conflicts=True)


def _staff(county: County, townships: list[Township], villages: list[Village]) -> list[DemoAccount]:
    password = make_password(DEMO_PASSWORD)
    staff = [
        User(username="county", name="组织部李干事", role=Role.COUNTY, county=county),
        *(
            User(username=f"town{n:02d}", name=f"{t.name}组织委员", role=Role.TOWNSHIP, township=t)
            for n, t in enumerate(townships, 1)
        ),
    ]
    User.objects.bulk_create(staff, ignore_conflicts=True)
    first_rural = next(v for v in villages if v.kind == VillageKind.RURAL)
    first_community = next(v for v in villages if v.kind == VillageKind.COMMUNITY)
    first_town = next(t for t in townships if not t.name.endswith("街道"))
    town_user = User.objects.get(township=first_town, role=Role.TOWNSHIP)
    accounts = [
        DemoAccount("县委组织部", "county", county.name),
        DemoAccount("乡镇(街道)", town_user.username, first_town.name),
        DemoAccount("村党组织书记", f"139{first_rural.code[-8:]}", first_rural.name),
        DemoAccount("社区党组织书记", f"139{first_community.code[-8:]}", first_community.name),
    ]
    User.objects.filter(username__in=[a.username for a in accounts]).update(password=password)
    return accounts
