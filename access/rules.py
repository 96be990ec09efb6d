"""Who may do what: one table of actions (each app registers its own rows), and
`may(user, action, obj)` that every page, API view, service, export, import and task asks.

An action names the roles that may take it and, for actions on a record, the states it may
start from. Taking an action on a record also needs the user to work at the record's place or
above it on its chain (a township clerk governs its villages, not the next township's). Pages
read the same answers to decide which buttons to show, so a button is never shown that the
service would refuse.

Reads are the other half of the gate: `access.scope.restrict(queryset, user)`.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from access.scope import governs_place, place_of

# The roles (accounts.choices.Role), by the values users carry: the gate imports no app.
SECRETARY, TOWNSHIP, COUNTY, CITY, PROVINCE = "secretary", "township", "county", "city", "province"
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


# action → rule. Each app registers its own rows when it starts (`rules_register` in its
# AppConfig.ready): the gate knows no app, and an app's actions stand beside its code.
RULES: dict[str, Rule] = {}


def rules_register(rules: dict[str, Rule]) -> None:
    """Add an app's rows to the table; an action named twice is a mistake, refused at start."""
    twice = RULES.keys() & rules.keys()
    if twice:
        raise ImproperlyConfigured(f"gate actions registered twice: {sorted(twice)}")
    RULES.update(rules)


def role_of(user: Any) -> str:
    """The role `user` acts in; a superuser acts as county staff."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ""
    return COUNTY if user.is_superuser else user.role


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
