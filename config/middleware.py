import json
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


# No text a person types here is longer (the longest, an objection, keeps 2,000 characters).
LONGEST_VALUE = 5000


class NulRefusedMiddleware:
    """A NUL character anywhere a person can put text (the path, the query string, a form's
    fields, a JSON body) and a form value longer than any we keep are refused with 400 before
    any view runs: no code, name or text of ours contains one, PostgreSQL cannot even store or
    compare text holding one, and every field has its own limit well below LONGEST_VALUE."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return _refused(request, translation.gettext("地址中含有不允许的字符。"))
        problems = _body_problems(request)
        if problems:
            return _refused(request, translation.gettext("提交的内容有误。"), problems)
        return self.get_response(request)


def _body_problems(request: HttpRequest) -> dict[str, str]:
    """Field → what is wrong with it, for the fields of a form or a JSON object."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return {}
    kind = request.META.get("CONTENT_TYPE", "")
    if kind.startswith("application/json"):
        if b"\\u0000" not in request.body:
            return {}
        try:
            data = json.loads(request.body)
        except ValueError:
            return {}  # not JSON: the API's parser says so
        fields = data.items() if isinstance(data, dict) else [("detail", data)]
        return {str(k): _NUL() for k, v in fields if "\x00" in json.dumps(v, ensure_ascii=False)}
    if not kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return {}
    problems = {}
    for key in request.POST:
        values = request.POST.getlist(key)
        if "\x00" in key or any("\x00" in v for v in values):
            problems[key.replace("\x00", "")] = _NUL()
        elif any(len(v) > LONGEST_VALUE for v in values):
            problems[key] = translation.gettext("内容过长（每项最多%(n)s个字）。") % {
                "n": LONGEST_VALUE
            }
    return problems


def _NUL() -> str:
    return translation.gettext("含有不允许的字符（NUL）。")


def _refused(
    request: HttpRequest, message: str, fields: dict[str, str] | None = None
) -> HttpResponse:
    fields = fields or {}
    if is_api(request):
        body = {k: [v] for k, v in fields.items()} if fields else {"detail": message}
        return JsonResponse(body, status=400)
    lines = [message, *(f"{k}：{v}" for k, v in fields.items())]
    return HttpResponseBadRequest("\n".join(lines), content_type="text/plain; charset=utf-8")
