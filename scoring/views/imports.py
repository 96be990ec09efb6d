"""Answer sheets on pages: the template out, an upload checked first (dry run), the report with
a progress bar for big sheets, the marked copy of a bad sheet, and the confirmed write."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.rules import may
from catalogues.selectors import catalogue_current, cycles_newest_first
from core.errors import Conflict
from scoring.services.answer_import import KIND
from scoring.sheets.template import answer_template
from scoring.tasks import answers_import_confirm, answers_import_start
from uploads.exports import CONTENT_TYPES
from uploads.marked import marked_workbook
from uploads.models import ImportRun
from uploads.selectors import import_runs
from uploads.spreadsheets import Upload
from villages.choices import VillageKind
from villages.selectors import township_choices, village_list

XLSX = CONTENT_TYPES["xlsx"]


def _importer(request: HttpRequest) -> None:
    user = request.user
    if not may(user, "answers.import"):
        raise PermissionDenied


@login_required
def answers_page(request: HttpRequest) -> HttpResponse:
    """Where a township clerk (or county staff) gets the template and uploads the sheet."""
    _importer(request)
    cycles = list(cycles_newest_first())
    if request.method == "POST":
        upload = request.FILES.get("file")
        cycle = next((c for c in cycles if c.code == request.POST.get("cycle")), None)
        if upload is None or cycle is None:
            messages.error(request, _("请选择评定周期和要导入的文件。"))
            return redirect("answers")
        if upload.size and upload.size > _limit():
            messages.error(request, _("文件过大，上限为 %(mb)s MB。") % {"mb": _limit() // 1048576})
            return redirect("answers")
        try:
            run = answers_import_start(
                upload=Upload(upload.name or "upload", upload.read()),
                user=request.user,
                cycle=cycle,
                dry_run=True,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("answers")
        return redirect("import-run", pk=run.pk)
    context = {
        "cycles": cycles,
        "townships": township_choices(user=request.user),
        "runs": import_runs(user=request.user, kind=KIND)[:20],
        "whole_county": may(request.user, "county.work"),
    }
    return render(request, "scoring/answers.html", context)


def _limit() -> int:
    return int(settings.WUXING_UPLOAD_MAX_BYTES)


@login_required
def answer_template_download(request: HttpRequest) -> HttpResponse:
    """`?cycle=2026&kind=rural[&township=CODE]`: the template for the caller's places."""
    _importer(request)
    cycle = get_object_or_404(cycles_newest_first(), code=request.GET.get("cycle", ""))
    kind = request.GET.get("kind") or VillageKind.RURAL
    if kind not in VillageKind.values:
        kind = VillageKind.RURAL
    villages = village_list(user=request.user).filter(kind=kind).order_by("code")
    township_code = request.GET.get("township")
    if township_code:
        villages = villages.filter(township__code=township_code)
    try:
        catalogue = catalogue_current(branch_kind=kind, year=cycle.year)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("answers")
    body = answer_template(catalogue=catalogue, cycle=cycle, villages=list(villages))
    place = township_code or getattr(request.user.place, "code", "")
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"答题表-{cycle.code}-{place}-{kind}.xlsx"
    )
    return response


def _run(request: HttpRequest, pk: int) -> ImportRun:
    return get_object_or_404(import_runs(user=request.user, kind=KIND), pk=pk)


@login_required
def import_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    return render(request, "scoring/import_run.html", {"run": run})


@login_required
def import_run_status(request: HttpRequest, pk: int) -> JsonResponse:
    run = _run(request, pk)
    return JsonResponse(
        {"status": run.status, "progress": run.progress, "message": run.message},
        headers={"Cache-Control": "no-store"},
    )


@login_required
@require_POST
def import_run_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    _importer(request)
    try:
        written = answers_import_confirm(run=run, user=request.user)
    except Conflict as error:
        messages.error(request, str(error))
        return redirect("import-run", pk=pk)
    return redirect("import-run", pk=written.pk)


@login_required
def import_run_marked(request: HttpRequest, pk: int) -> HttpResponse:
    """The uploaded sheet with each bad cell filled red and a comment saying why."""
    run = _run(request, pk)
    body = marked_workbook(run.upload(), run.errors)
    stem = run.file_name.rsplit(".", 1)[0]
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{stem}-错误标注.xlsx"
    )
    return response
