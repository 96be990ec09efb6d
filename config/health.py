from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static


def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and compose health checks: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def favicon(request: HttpRequest) -> HttpResponse:
    """The icon's hashed static name is known only once static files are collected, so it is
    looked up per request rather than at import."""
    return redirect(static("favicon.svg"), permanent=True)
