"""The gate at the edge of every service that writes.

A service declares the action it needs with `@gated("action", on="argument")`. Before its body
runs, the gate asks `refusal(user, action, obj)` for the role and the place (`obj` is the named
argument: a record or a place, or each of a list of them) and raises `NotAllowed` (403) when
either refuses. The state of the record is the service's to check under its row lock, where it
cannot change any more; a state someone else moved is a `Conflict` (409). So a page, an API
view, a command with `--as`, a task or a caller not yet written cannot forget to ask.

A service that other gated services call as one of their steps, or that the system runs on its
own (the beat, a worker), declares that instead: `@internal("why")`. `tests/test_gate.py`
walks every function that writes and fails on one that declares neither.
"""

import functools
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from access.rules import RULES, place_refusal
from core.errors import NotAllowed

P = ParamSpec("P")
T = TypeVar("T")


# The system acting on its own (the nightly award, a register's facts, the command line without
# --as): trusted like a superuser, recorded as nobody.
def _system() -> Any:
    user: Any = get_user_model()(is_superuser=True, is_active=True, username="", name="系统")
    user.is_system = True
    return user


# Made when first used (the gate imports no app, and the user model is known only once the
# apps are ready); it stands for a user wherever one is needed, as request.user does.
SYSTEM: Any = SimpleLazyObject(_system)


@dataclass(frozen=True)
class Gate:
    action: str | None  # None: an internal step (see `why`)
    on: str | None = None
    why: str = ""


def gate_of(function: Callable[..., Any]) -> Gate | None:
    return getattr(function, "__gate__", None)


def gated(
    action: str, *, on: str | None = None, user: str = "user", refused: Any = ""
) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Refuse the call unless the `user` argument may take `action` on the `on` argument
    (`refused`: the words for a wrong role, where the service has better ones)."""
    # An action may name one of the arguments ("rectification.{step}"): one service, one step.
    # That every action named here is in the table (which the apps fill as they start, after
    # their modules are imported) is checked by tests/test_gate.py.

    def wrap(function: Callable[P, T]) -> Callable[P, T]:
        signature = inspect.signature(function)

        @functools.wraps(function)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> T:
            arguments = signature.bind_partial(*args, **kwargs).arguments
            actor = arguments.get(user)
            named = action.format(**arguments) if "{" in action else action
            if named not in RULES:
                raise ValidationError(_("未知的操作。"))
            objects = arguments.get(on) if on is not None else None
            for obj in _each(objects):
                _ask(actor, named, obj, refused)
            return function(*args, **kwargs)

        guarded.__gate__ = Gate(action, on)  # type: ignore[attr-defined]
        return guarded

    return wrap


def internal(why: str) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Declare a step that is only ever called by gated services or by the system itself."""

    def wrap(function: Callable[P, T]) -> Callable[P, T]:
        function.__gate__ = Gate(None, why=why)  # type: ignore[attr-defined]
        return function

    return wrap


def _each(objects: Any) -> Iterable[Any]:
    if objects is None:
        return (None,)
    if isinstance(objects, list | tuple | set | frozenset):
        return objects or (None,)
    return (objects,)


def _ask(actor: Any, action: str, obj: Any, words: Any) -> None:
    refused = place_refusal(actor, action, obj)
    if refused == "role":
        raise NotAllowed(words or _("您的岗位不能执行此操作。"))
    if refused == "place":
        raise NotAllowed(_("您无权对该地区或支部执行此操作。"))
