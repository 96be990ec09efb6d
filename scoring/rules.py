"""Who may do what to a checklist, and from which states: one table the services enforce and
the pages read to decide which buttons to show."""

from typing import Any

from scoring.choices import EDITABLE_STATES, ChecklistState
from scoring.models import Checklist
from villages.choices import Role
from villages.scope import works_at

S = ChecklistState

# action → (roles allowed, states it may start from)
RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "edit": ((Role.SECRETARY, Role.TOWNSHIP), EDITABLE_STATES),
    "submit": ((Role.SECRETARY, Role.TOWNSHIP), EDITABLE_STATES),
    "return": ((Role.TOWNSHIP, Role.COUNTY), (S.SUBMITTED, S.REVIEWED)),
    "pass": ((Role.TOWNSHIP,), (S.SUBMITTED,)),
    "approve": ((Role.COUNTY,), (S.REVIEWED,)),
    "publish": ((Role.COUNTY,), (S.APPROVED,)),
    "uphold": ((Role.COUNTY,), (S.PUBLICITY,)),
    "award": ((Role.COUNTY,), (S.PUBLICITY,)),
    "revoke": ((Role.COUNTY,), (S.AWARDED,)),
    "reopen": ((Role.COUNTY,), (S.APPROVED,)),
    "rectify": ((Role.TOWNSHIP, Role.COUNTY), tuple(S.values)),
}
# A township returns what it has not passed yet; the county may also send back what it holds.
_RETURN_FROM: dict[str, tuple[str, ...]] = {
    Role.TOWNSHIP: (S.SUBMITTED,),
    Role.COUNTY: (S.SUBMITTED, S.REVIEWED),
}


def governs_branch(user: Any, checklist: Checklist) -> bool:
    """Whether `user` works at the checklist's branch, or above it on its chain."""
    return works_at(user, checklist.branch.village)


def role_of(user: Any) -> str:
    return Role.COUNTY if user.is_superuser else user.role


def role_may(user: Any, action: str) -> bool:
    return role_of(user) in RULES[action][0]


def states_for(user: Any, action: str) -> tuple[str, ...]:
    if action == "return":
        return _RETURN_FROM.get(role_of(user), ())
    return RULES[action][1]


def may(user: Any, action: str, checklist: Checklist) -> bool:
    """Whether `user` may do `action` to `checklist` now (role, place and state)."""
    if not role_may(user, action) or not governs_branch(user, checklist):
        return False
    if action in ("publish", "award") and not checklist.cycle.is_annual:
        return False  # quarterly scoring ranks, it never awards stars
    return checklist.state in states_for(user, action)


def actions_for(user: Any, checklist: Checklist) -> set[str]:
    return {action for action in RULES if may(user, action, checklist)}
