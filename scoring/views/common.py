"""What the scoring pages share: turning service errors into messages on the page."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from scoring.errors import Conflict


def next_or(request: HttpRequest, fallback: str) -> str:
    """Where a form asked to go after it, when that is a path of this site; `fallback`
    otherwise (never another site: an open redirect would lend our address to a phishing page)."""
    wanted = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if safe else fallback


def ids_from(values: list[str]) -> list[int]:
    """The ids among ticked values: a value that is not one (a tampered form) selects nothing,
    instead of failing the whole request."""
    return [int(v) for v in values if v.isascii() and v.isdigit() and len(v) < 19]


def attempt(request: HttpRequest, call: Callable[[], Any], done: str = "") -> bool:
    """Run a service call; show its ValidationError or Conflict as a message. True if it ran."""
    try:
        call()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    except Conflict as error:
        messages.error(request, str(error))
        return False
    if done:
        messages.success(request, done)
    return True
