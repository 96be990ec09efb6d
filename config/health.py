from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static

from config.celery import app
from core.tasks import BROKER_DOWN


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and compose health checks: the database and the task queue, each
    reported on its own, and 503 unless both answer (pages need the one, imports and tallies
    the other). `?only=database` checks the database alone, for a web health check that must
    not restart the web when Redis is away."""
    parts = {"database": _database()}
    if request.GET.get("only") != "database":
        parts["queue"] = _queue()
    healthy = all(state in ("ok", "not used") for state in parts.values())
    return JsonResponse(
        parts, status=200 if healthy else 503, headers={"Cache-Control": "no-store"}
    )


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return "down"
    return "ok"


def _queue() -> str:
    if app.conf.task_always_eager:
        return "not used"  # the demo runs tasks in-process
    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    except BROKER_DOWN:
        return "down"
    return "ok"


def favicon(request: HttpRequest) -> HttpResponse:
    """The icon's hashed static name is known only once static files are collected, so it is
    looked up per request rather than at import."""
    return redirect(static("favicon.svg"), permanent=True)
