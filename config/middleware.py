import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.response import SimpleTemplateResponse
from django.utils import translation

from config.errors import is_api

log = logging.getLogger(__name__)


class ChineseFirstLocaleMiddleware:
    """Simplified Chinese unless the user chose another language on the page.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show English
    to a clerk whose office PC happens to have an English browser; the programme's working
    language is Chinese, so only an explicit choice (the language cookie) changes it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class PermissionsPolicyMiddleware:
    """Browser features the app never uses are switched off for every page. The camera stays
    allowed for our own pages: a secretary photographs evidence through the file input."""

    POLICY = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.POLICY)
        return response


class DatabaseUnavailableMiddleware:
    """When PostgreSQL drops the connection (a restart, a failover) the request's transaction
    has rolled back: answer 503 saying nothing was saved, instead of a bare server error. The
    next request opens a fresh connection (CONN_HEALTH_CHECKS)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        log.exception("database unavailable")
        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()
        message = translation.gettext("数据库暂时无法连接，本次操作没有保存任何内容。请稍后重试。")
        if is_api(request):
            return JsonResponse({"detail": message}, status=503)
        response = SimpleTemplateResponse("503.html", {"message": message}, status=503)
        return response.render()


class NulRefusedMiddleware:
    """A NUL character in the path or the query string is refused with 400 before any view
    runs: no code, name or filter of ours contains one, and PostgreSQL cannot even compare
    text holding one (every lookup with it would be a server error)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            message = translation.gettext("地址中含有不允许的字符。")
            if is_api(request):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
