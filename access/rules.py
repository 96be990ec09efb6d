"""Who may do what: one table of actions, and `may(user, action, obj)` that every page, API
view, service, export, import and task asks.

An action names the roles that may take it and, for actions on a record, the states it may
start from. Taking an action on a record also needs the user to work at the record's place or
above it on its chain (a township clerk governs its villages, not the next township's). Pages
read the same answers to decide which buttons to show, so a button is never shown that the
service would refuse.

Reads are the other half of the gate: `access.scope.restrict(queryset, user)`.
"""

from dataclasses import dataclass
from typing import Any

from access.scope import governs_place, place_of
from accounts.choices import Role
from branches.choices import RectificationStatus
from scoring.choices import EDITABLE_STATES, ChecklistState

S = ChecklistState
R = RectificationStatus
SECRETARY, TOWNSHIP, COUNTY = Role.SECRETARY, Role.TOWNSHIP, Role.COUNTY
CITY, PROVINCE = Role.CITY, Role.PROVINCE
STAFF = (TOWNSHIP, COUNTY)
# The organisation departments above the county read everything below them and act only on
# what is theirs: targets for their level and the one below, their own tallies and bulletins.
ABOVE = (CITY, PROVINCE)


@dataclass(frozen=True)
class Rule:
    roles: tuple[str, ...]
    states: tuple[str, ...] | None = None  # states of the record it may start from; None: any
    # Where a role may start from fewer states than the action allows (a township returns what
    # it has not passed; the county also what it holds).
    states_by_role: tuple[tuple[str, tuple[str, ...]], ...] = ()
    annual_only: bool = False  # quarterly cycles rank; they never award stars


RULES: dict[str, Rule] = {
    # A checklist (清单) through its workflow.
    "edit": Rule((SECRETARY, TOWNSHIP), EDITABLE_STATES),
    "submit": Rule((SECRETARY, TOWNSHIP), EDITABLE_STATES),
    "return": Rule(
        STAFF,
        (S.SUBMITTED, S.REVIEWED),
        states_by_role=((TOWNSHIP, (S.SUBMITTED,)), (COUNTY, (S.SUBMITTED, S.REVIEWED))),
    ),
    "pass": Rule((TOWNSHIP,), (S.SUBMITTED,)),
    "approve": Rule((COUNTY,), (S.REVIEWED,)),
    "publish": Rule((COUNTY,), (S.APPROVED,), annual_only=True),
    "uphold": Rule((COUNTY,), (S.PUBLICITY,)),
    "award": Rule((COUNTY,), (S.PUBLICITY,), annual_only=True),
    "revoke": Rule((COUNTY,), (S.AWARDED,)),
    "reopen": Rule((COUNTY,), (S.APPROVED,)),
    "rectify": Rule(STAFF),  # assign a rectification task from the shortfall list
    # A rectification task (整改任务), one status step at a time.
    "rectification.done": Rule((SECRETARY, TOWNSHIP), (R.OPEN,)),
    "rectification.verify": Rule((TOWNSHIP,), (R.DONE,)),
    "rectification.reject": Rule((TOWNSHIP,), (R.DONE,)),
    "rectification.close": Rule(STAFF, (R.VERIFIED,)),
    # Work on a place (the object, where given, is the place or something that has one).
    # A county opens checklists when it imports a township's sheet for it.
    "checklist.open": Rule((SECRETARY, TOWNSHIP, COUNTY)),
    "answers.import": Rule(STAFF),
    "review.queue": Rule((TOWNSHIP,)),
    "dashboard.view": Rule(STAFF + ABOVE),
    "tally.view": Rule(STAFF + ABOVE),
    "tally.start": Rule((COUNTY, *ABOVE)),
    # A tally holds every township's and branch's figures.
    "tally.list": Rule((COUNTY, *ABOVE)),
    "county.work": Rule((COUNTY,)),  # approvals, publicity, ratings, bulletin, exports
    "region.view": Rule(ABOVE),  # the city's or province's dashboard and bulletin
    "divisions.import": Rule(ABOVE),  # places set up from the statistical division list
    # Registers (名录) of townships, villages and branches, each row within the importer's place.
    "registers.import": Rule((TOWNSHIP, COUNTY, *ABOVE)),
    "targets.set": Rule((COUNTY, *ABOVE)),
    "cycle.open": Rule((COUNTY,)),
    "deadline.set": Rule((COUNTY,)),  # the county's submission deadline of a cycle
    "audit.view": Rule((COUNTY, *ABOVE)),
    "objection.file": Rule((COUNTY,)),  # one received by phone or letter, recorded by the county
    # Veto events (三零 and other vetoes) and what follows from them.
    "event.record": Rule(STAFF),
    "event.withdraw": Rule((COUNTY,)),
    "zeros.view": Rule(STAFF + ABOVE),  # the three-zero page of a year
    "revocation.decide": Rule((COUNTY,)),  # confirm or dismiss a proposal to revoke a star
    # Weak and lax (软弱涣散): the township proposes lifting, the county lists and decides.
    "weak_lax.propose": Rule((TOWNSHIP,)),
    "weak_lax.decide": Rule((COUNTY,)),
    # The responsibility chain (五级分包): set by the county, read by staff and those above.
    "responsibility.set": Rule((COUNTY,)),
    "responsibility.view": Rule(STAFF + ABOVE),
    # Quarterly dynamic scoring: the township records rewards and penalties, the county rules.
    "quarters.view": Rule(STAFF + ABOVE),
    "adjustment.record": Rule((TOWNSHIP,)),
    "adjustment.decide": Rule((COUNTY,)),
    # Accounts: staff issue activation codes to the secretaries of the places they govern.
    "accounts.activate": Rule(STAFF),
    # One-click reminders to the branches that have not handed in (一键催报): a township for its
    # villages, the county for all of its own.
    "reminders.send": Rule(STAFF),
    # Who objected (name, phone) is for the staff who rule on objections, never for the branch
    # objected to or its township (a secretary could otherwise find and pressure the objector).
    "objection.see_objector": Rule((COUNTY,)),
}


def role_of(user: Any) -> str:
    """The role `user` acts in; a superuser acts as county staff."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Role.NONE
    return Role.COUNTY if user.is_superuser else user.role


def starting_states(user: Any, action: str) -> tuple[str, ...] | None:
    rule = RULES[action]
    by_role = dict(rule.states_by_role)
    role = role_of(user)
    return by_role.get(role, ()) if by_role else rule.states


def may(user: Any, action: str, obj: Any = None) -> bool:
    """Whether `user` may take `action` now: on `obj` (a record or a place), checking role,
    place and state; without `obj`, whether their role may take it anywhere."""
    return refusal(user, action, obj) is None


def refusal(user: Any, action: str, obj: Any = None) -> str | None:
    """Why `user` may not take `action` on `obj`: "role", "place", "cycle" (a quarterly cycle
    for an annual-only action) or "state"; None when they may. Services turn the reason into
    the right answer (403 for role and place, a conflict for a state someone else changed)."""
    refused = place_refusal(user, action, obj)
    if refused is not None or obj is None:
        return refused
    rule = RULES[action]
    if rule.annual_only and not obj.cycle.is_annual:
        return "cycle"
    states = starting_states(user, action)
    # A checklist has a state, a rectification task a status.
    if states is not None and getattr(obj, "state", getattr(obj, "status", None)) not in states:
        return "state"
    return None


def place_refusal(user: Any, action: str, obj: Any = None) -> str | None:
    """The half of `refusal` that no one else can change under the caller: "role" or "place"
    (the gate at the edge of each service asks this; the state is checked under the lock).
    The system acting on its own (access.gate.SYSTEM: the beat, a command without --as) may
    take any action anywhere."""
    if getattr(user, "is_system", False):
        return None
    if role_of(user) not in RULES[action].roles:
        return "role"
    if obj is None:
        return None
    place = place_of(obj)
    if place is None or not governs_place(user, place):
        return "place"
    return None


def actions_for(user: Any, checklist: Any) -> set[str]:
    """The workflow actions `user` may take on `checklist` now (the buttons a page shows)."""
    return {action for action in CHECKLIST_ACTIONS if may(user, action, checklist)}


CHECKLIST_ACTIONS = (
    "edit", "submit", "return", "pass", "approve", "publish", "uphold", "award", "revoke",
    "reopen", "rectify",
)  # fmt: skip
