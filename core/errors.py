"""The one error vocabulary every app's services raise, whoever calls them.

- Django's `ValidationError`: the input is wrong (a page shows it on the form, the API answers
  400 with field messages);
- `NotAllowed`: the gate refuses the caller's role or place (403);
- `Conflict`: the record is no longer in the state the caller saw, someone acted first (409);
- a record outside the caller's sight is `Http404` from the selector that looked for it.

They live here, in a module that knows no feature, so that `branches`, `accounts` or any later
app can raise the same 409 as `scoring` without importing it.
"""

from django.core.exceptions import PermissionDenied


class Conflict(Exception):
    """Someone else changed the record first; the caller should reload and decide again."""


class NotAllowed(PermissionDenied):
    """The gate refuses this action to the user's role or at this place."""
