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

SEC, TOWN, COUNTY = "sec", "town", "county"
WHO = {SEC: "sec_v1", TOWN: "town1_user", COUNTY: "county_user"}

# action → roles that may take it
ROLES = {
    "edit": {SEC, TOWN}, "submit": {SEC, TOWN}, "return": {TOWN, COUNTY}, "pass": {TOWN},
    "approve": {COUNTY}, "publish": {COUNTY}, "uphold": {COUNTY}, "award": {COUNTY},
    "revoke": {COUNTY}, "reopen": {COUNTY}, "rectify": {TOWN, COUNTY},
    "rectification.done": {SEC, TOWN}, "rectification.verify": {TOWN},
    "rectification.reject": {TOWN}, "rectification.close": {TOWN, COUNTY},
    "checklist.open": {SEC, TOWN},
    "answers.import": {TOWN, COUNTY}, "review.queue": {TOWN}, "dashboard.view": {TOWN, COUNTY},
    "tally.view": {TOWN, COUNTY}, "tally.start": {COUNTY}, "tally.list": {COUNTY},
    "county.work": {COUNTY}, "targets.set": {COUNTY}, "cycle.open": {COUNTY},
    "audit.view": {COUNTY}, "objection.file": {COUNTY}, "objection.see_objector": {COUNTY},
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


@pytest.mark.parametrize("role", [SEC, TOWN, COUNTY])
def test_each_role_may_take_its_actions_at_its_own_place_and_no_other(world, cycle, role):
    user = getattr(world, WHO[role])
    for action in sorted(ROLES):
        state = a_start_state(action, role) or a_start_state(action, COUNTY)
        own = subject(world, world.v1, action, state, cycle)
        assert may(user, action, own) is (role in ROLES[action]), action
        assert may(user, action) is (role in ROLES[action]), action
        # Another township's branch for the secretary and the clerk, another county's for the
        # county: never, whatever the action.
        elsewhere = world.v3 if role == COUNTY else world.v2
        assert may(user, action, subject(world, elsewhere, action, state, cycle)) is False, action
        if role == COUNTY:
            assert may(world.other_county_user, action, own) is False, action


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
