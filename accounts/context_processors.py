from access.scope import scope_of


def user_place(request):  # type: ignore[no-untyped-def]
    """The signed-in user's place, for the header of every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"user_place": user.place, "user_scope": scope_of(user)}
