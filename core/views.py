"""What the pages of every app share: the service's answer shown as a message, where to go
after a form, and the cycle or year a page is asked for."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from core.errors import Conflict
from core.forms import whole_number


def next_or(request: HttpRequest, fallback: str) -> str:
    """Where a form asked to go after it, when that is a path of this site; `fallback`
    otherwise (never another site: an open redirect would lend our address to a phishing page)."""
    wanted = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if safe else fallback


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


def cycle_chosen(request: HttpRequest, cycles: list[Any]) -> Any:
    """The cycle the page asks for (`?cycle=`), else the newest; None when there is none."""
    wanted = request.GET.get("cycle")
    return next((c for c in cycles if c.code == wanted), None) or (cycles[0] if cycles else None)


def year_chosen(request: HttpRequest) -> int:
    """The year asked for (`?year=`), or this year when none or no sensible one is given."""
    this_year = timezone.localdate().year
    year = whole_number(request.GET.get("year", ""), low=2000, high=this_year + 1)
    return this_year if year is None else year


def recent_years() -> range:
    """The years a page's year menu offers: this one and the four before it."""
    this_year = timezone.localdate().year
    return range(this_year, this_year - 5, -1)
