"""The targets page (创建目标): county staff set the year's targets for the county and each
township, and import township targets and branches' declared levels from sheets."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from access.rules import may
from branches.registers import REGISTERS
from branches.selectors import targets_of
from branches.services import targets_save
from uploads.imports import register_import
from uploads.spreadsheets import Upload


@login_required
def targets_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may(user, "targets.set"):
        raise PermissionDenied
    raw_year = request.GET.get("year") or ""
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else None
    if year is None:
        if raw_year:
            messages.error(request, _("年度应为2000～2100之间的四位数字，已显示今年。"))
        year = timezone.localdate().year
    county = user.county
    if request.method == "POST" and request.FILES.get("file"):
        kind = request.POST.get("kind")
        if kind not in ("targets", "branch-targets"):
            raise PermissionDenied
        upload = request.FILES["file"]
        report = register_import(
            resource=REGISTERS[kind](user=user),
            upload=Upload(upload.name or "upload", upload.read()),
            dry_run=False,
        )
        if report.ok:
            messages.success(
                request,
                _("已导入：新增%(new)s，修改%(changed)s，未变%(same)s。")
                % {"new": report.new, "changed": report.updated, "same": report.unchanged},
            )
        for error in report.errors:
            messages.error(request, str(error))
        return redirect(f"{request.path}?year={year}")
    if request.method == "POST":
        rows = {}
        problems = []
        for place, _target in targets_of(county=county, year=year):
            try:
                rows[place.code] = (
                    int(request.POST.get(f"five-{place.code}") or 0),
                    int(request.POST.get(f"four-{place.code}") or 0),
                    Decimal(request.POST.get(f"share-{place.code}") or 0),
                )
            except (ValueError, InvalidOperation):
                problems.append(_("%(name)s的目标须填数字。") % {"name": place.name})
        if problems:
            for problem in problems:
                messages.error(request, problem)
        else:
            try:
                targets_save(user=user, year=year, rows=rows)
                messages.success(request, _("%(year)s年创建目标已保存。") % {"year": year})
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
        return redirect(f"{request.path}?year={year}")
    places = targets_of(county=county, year=year)
    return render(request, "branches/targets.html", {"year": year, "places": places})
