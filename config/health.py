from django.db import connection
from django.http import HttpRequest, HttpResponse


def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and compose health checks: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def favicon(request: HttpRequest) -> HttpResponse:
    """The icon's hashed static name is known only once static files are collected."""
    from django.shortcuts import redirect
    from django.templatetags.static import static

    return redirect(static("favicon.svg"), permanent=True)
