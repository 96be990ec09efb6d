"""One exception handler for the API: service errors become JSON with the right status.

Services raise Django's ValidationError (bad input → 400 with field messages), NotAllowed
(→ 403) and Conflict (someone else acted first → 409), whoever calls them.
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.errors import Conflict


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        # Field errors stay lists per field; a message about the request as a whole is one
        # string under "detail", as the schema's Error says (and as DRF's own errors are).
        whole: dict[str, Any] = {"detail": "；".join(exc.messages)}
        detail: Any = exc.message_dict if hasattr(exc, "error_dict") else whole
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Conflict):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    return exception_handler(exc, context)


class CodeField(serializers.SlugRelatedField):
    """A related object by its code. A code with a NUL character is refused as input before it
    reaches PostgreSQL, which cannot compare text holding one (it would be a server error)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)
