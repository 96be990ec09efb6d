from typing import Any

from notifications.selectors import unread_count


def inbox(request: Any) -> dict[str, int]:
    """The unread count in every page's header (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread": unread_count(user)}
