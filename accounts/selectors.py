"""Reading accounts within the gate."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from access.scope import restrict
from accounts.choices import Role
from accounts.models import ActivationCode, User


def secretaries_of(user: Any) -> list[User]:
    """The secretaries of the places `user` governs, with their live activation code if any."""
    people = list(
        restrict(User.objects.filter(role=Role.SECRETARY, is_active=True), user)
        .select_related("village__township")
        .order_by("village__code")
    )
    live = {
        code.user_id: code
        for code in ActivationCode.objects.filter(user__in=people, used_at__isnull=True).order_by(
            "created_at"
        )
    }
    for person in people:
        person.live_code = live.get(person.pk)  # type: ignore[attr-defined]
    return people


# Staff are addressed by the role they work in and the place they are bound to (a note "for the
# township staff of 城关镇"): the place field each staff role is bound by.
_BOUND_FIELD = {Role.COUNTY: "county_id", Role.TOWNSHIP: "township_id", Role.CITY: "city_id"}


def staff_wanted(pairs: Iterable[tuple[str, int]]) -> Q:
    """A filter for the staff of each (role, place id) pair."""
    wanted = Q(pk__in=[])
    for role, place_id in pairs:
        wanted |= Q(role=role, **{_BOUND_FIELD[Role(role)]: place_id})
    return wanted


def staff_key(user: User) -> tuple[str, int] | None:
    """The (role, place id) pair a staff member is addressed by; None for anyone else."""
    field = _BOUND_FIELD.get(Role(user.role))
    return (user.role, getattr(user, field)) if field is not None else None


def free_to_be_secretary(user: User, *, village: Any) -> bool:
    """Whether the account may become `village`'s secretary: it has no other post, or is this
    village's secretary already."""
    return user.role in (Role.NONE, Role.SECRETARY) and user.village_id in (None, village.pk)
