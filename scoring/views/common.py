"""What the scoring pages share: turning service errors into messages on the page."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from scoring.errors import Conflict


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
