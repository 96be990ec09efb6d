"""Reading accounts within the gate."""

from typing import Any

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
