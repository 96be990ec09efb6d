"""The gate: every role × every action × own and other place, and the states each action may
start from. The expectations are written out here by hand, not read from the table under test."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from access.rules import RULES, may, refusal
from branches.choices import RectificationStatus as R
from branches.models import Rectification
from scoring.choices import ChecklistState as S
from scoring.models import Checklist

pytestmark = pytest.mark.django_db

SEC, TOWN, COUNTY, CITY, PROV = "sec", "town", "county", "city", "province"
WHO = {
    SEC: "sec_v1", TOWN: "town1_user", COUNTY: "county_user", CITY: "city_user",
    PROV: "province_user",
}  # fmt: skip
ABOVE = {CITY, PROV}

# action → roles that may take it
ROLES = {
    "edit": {SEC, TOWN}, "submit": {SEC, TOWN}, "return": {TOWN, COUNTY}, "pass": {TOWN},
    "approve": {COUNTY}, "publish": {COUNTY}, "uphold": {COUNTY}, "award": {COUNTY},
    "revoke": {COUNTY}, "reopen": {COUNTY}, "rectify": {TOWN, COUNTY},
    "rectification.done": {SEC, TOWN}, "rectification.verify": {TOWN},
    "rectification.reject": {TOWN}, "rectification.close": {TOWN, COUNTY},
    "checklist.open": {SEC, TOWN, COUNTY},
    "answers.import": {TOWN, COUNTY}, "review.queue": {TOWN},
    "dashboard.view": {TOWN, COUNTY, *ABOVE}, "tally.view": {TOWN, COUNTY, *ABOVE},
    "tally.start": {COUNTY, *ABOVE}, "tally.list": {COUNTY, *ABOVE},
    "county.work": {COUNTY}, "region.view": ABOVE, "divisions.import": ABOVE,
    "targets.set": {COUNTY, *ABOVE}, "cycle.open": {COUNTY}, "deadline.set": {COUNTY},
    "audit.view": {COUNTY, *ABOVE}, "objection.file": {COUNTY},
    "objection.see_objector": {COUNTY},
    "event.record": {TOWN, COUNTY}, "event.withdraw": {COUNTY},
    "zeros.view": {TOWN, COUNTY, *ABOVE}, "revocation.decide": {COUNTY},
    "weak_lax.propose": {TOWN}, "weak_lax.decide": {COUNTY},
    "responsibility.set": {COUNTY}, "responsibility.view": {TOWN, COUNTY, *ABOVE},
    "quarters.view": {TOWN, COUNTY, *ABOVE}, "adjustment.record": {TOWN},
    "adjustment.decide": {COUNTY}, "accounts.activate": {TOWN, COUNTY},
    "reminders.send": {TOWN, COUNTY}, "registers.import": {TOWN, COUNTY, *ABOVE},
    "api.docs": {TOWN, COUNTY, *ABOVE},
}  # fmt: skip
EDITABLE = {S.DRAFT, S.RETURNED}
# action → states it may start from (per role where they differ)
STATES: dict[str, Any] = {
    "edit": EDITABLE, "submit": EDITABLE, "pass": {S.SUBMITTED}, "approve": {S.REVIEWED},
    "publish": {S.APPROVED}, "uphold": {S.PUBLICITY}, "award": {S.PUBLICITY},
    "revoke": {S.AWARDED}, "reopen": {S.APPROVED},
    "return": {TOWN: {S.SUBMITTED}, COUNTY: {S.SUBMITTED, S.REVIEWED}},
    "rectification.done": {R.OPEN}, "rectification.verify": {R.DONE},
    "rectification.reject": {R.DONE}, "rectification.close": {R.VERIFIED},
}  # fmt: skip


def states_for(action: str, role: str) -> set[str] | None:
    states = STATES.get(action)
    return states.get(role, set()) if isinstance(states, dict) else states


def subject(world, village, action: str, state: str | None, cycle):
    """An object of the kind `action` works on, at `village`, in `state`."""
    branch = world.branch(village)
    if action.startswith("rectification."):
        return Rectification(branch=branch, status=state or R.OPEN)
    if action in STATES or (action in ("rectify",) and state):
        return Checklist(branch=branch, cycle=cycle, state=state or S.DRAFT)
    return branch


def a_start_state(action: str, role: str) -> str | None:
    states = states_for(action, role)
    return sorted(states)[0] if states else None


def test_every_action_of_the_gate_is_classified_here():
    assert set(RULES) == set(ROLES), "a new action needs its expected roles in this test"


@pytest.fixture
def elsewhere(world):
    """A village in another city of the same province, and one in another province, each
    with the staff of its city and province."""
    from accounts.choices import Role
    from accounts.services import user_create
    from branches.models import Branch
    from villages.models import City, County, Province, Township, Village

    found = {}
    for key, prefix, province in (
        ("city", "4198", world.county.city.province),
        ("province", "4201", None),
    ):
        province = province or Province.objects.create(code="420000000000", name="湖北省")
        city = City.objects.create(code=f"{prefix}00000000", name=f"{prefix}市", province=province)
        county = County.objects.create(code=f"{prefix}21000000", name="某县", city=city)
        town = Township.objects.create(code=f"{prefix}21100000", name="某镇", county=county)
        village = Village.objects.create(
            code=f"{prefix}21100201", name="某村", township=town, kind="rural"
        )
        Branch.objects.create(village=village, name="某村支部")
        found[key] = village
        found[f"{key}_city_user"] = user_create(
            username=f"city-{prefix}", name="市", role=Role.CITY, place=city
        )
        found[f"{key}_province_user"] = user_create(
            username=f"prov-{prefix}", name="省", role=Role.PROVINCE, place=province
        )
    return found


@pytest.mark.parametrize("role", [SEC, TOWN, COUNTY, CITY, PROV])
def test_each_role_may_take_its_actions_at_its_own_place_and_no_other(
    world, cycle, elsewhere, role
):
    user = getattr(world, WHO[role])
    # Another township's branch for the secretary and the clerk, another county's for the
    # county, another city's for the city, another province's for the province.
    other = {
        SEC: world.v2, TOWN: world.v2, COUNTY: world.v3, CITY: elsewhere["city"],
        PROV: elsewhere["province"],
    }[role]  # fmt: skip
    for action in sorted(ROLES):
        state = a_start_state(action, role) or a_start_state(action, COUNTY)
        own = subject(world, world.v1, action, state, cycle)
        assert may(user, action, own) is (role in ROLES[action]), action
        assert may(user, action) is (role in ROLES[action]), action
        assert may(user, action, subject(world, other, action, state, cycle)) is False, action
        if role == COUNTY:
            assert may(world.other_county_user, action, own) is False, action
        if role == CITY:  # the other city's staff, in the same province, may not act here
            assert may(elsewhere["city_city_user"], action, own) is False, action
        if role == PROV:
            assert may(elsewhere["province_province_user"], action, own) is False, action


def test_the_staff_above_the_county_see_all_below_and_nothing_beside(world, elsewhere):
    from access.scope import restrict
    from branches.models import Branch

    def villages(user):
        return set(restrict(Branch.objects.all(), user).values_list("village__code", flat=True))

    ours = {world.v1.code, world.c1.code, world.v2.code, world.v3.code}
    assert villages(world.city_user) == ours
    assert villages(world.province_user) == ours | {elsewhere["city"].code}
    assert villages(elsewhere["city_city_user"]) == {elsewhere["city"].code}
    assert villages(elsewhere["province_province_user"]) == {elsewhere["province"].code}


def test_an_action_starts_only_from_its_states(world, cycle):
    for action in sorted(STATES):
        every = set(R.values) if action.startswith("rectification.") else set(S.values)
        for role in ROLES[action]:
            user = getattr(world, WHO[role])
            for state in every:
                obj = subject(world, world.v1, action, state, cycle)
                expected = state in states_for(action, role)
                assert may(user, action, obj) is expected, (action, role, state)
                if not expected:
                    assert refusal(user, action, obj) == "state"


def test_a_quarterly_cycle_is_never_published_or_awarded(world, cycle, quarter):
    for action, state in (("publish", S.APPROVED), ("award", S.PUBLICITY)):
        checklist = Checklist(branch=world.branch(world.v1), cycle=quarter, state=state)
        assert refusal(world.county_user, action, checklist) == "cycle"
        checklist.cycle = cycle
        assert may(world.county_user, action, checklist)


def test_nobody_without_a_role_or_signed_out_may_do_anything(world, django_user_model):
    nobody = django_user_model.objects.create_user(username="nobody", password="x" * 12)
    inactive = world.county_user
    inactive.is_active = False
    for action in ROLES:
        for user in (AnonymousUser(), nobody, inactive):
            assert may(user, action) is False
            assert refusal(user, action, world.branch(world.v1)) == "role"


def test_a_superuser_acts_as_county_staff_anywhere(world, django_user_model):
    root = django_user_model.objects.create_superuser(username="root", password="x" * 12)
    assert may(root, "approve", Checklist(branch=world.branch(world.v3), state=S.REVIEWED))
    assert not may(root, "pass", Checklist(branch=world.branch(world.v3), state=S.SUBMITTED))
