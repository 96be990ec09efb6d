from access.rules import may
from access.scope import scope_of

MENU_ACTIONS = (
    "review.queue", "answers.import", "dashboard.view", "county.work", "audit.view", "tally.start",
    "region.view", "divisions.import", "targets.set", "zeros.view", "revocation.decide",
    "responsibility.view", "quarters.view", "accounts.activate", "api.docs",
)  # fmt: skip


def user_place(request):  # type: ignore[no-untyped-def]
    """The signed-in user's place, for the header of every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # The menus show what the gate allows: templates never compare roles themselves.
    allowed = {action.replace(".", "_"): may(user, action) for action in MENU_ACTIONS}
    return {"user_place": user.place, "user_scope": scope_of(user), "allowed": allowed}
