"""The targets page (创建目标): a province, city or county sets the year's targets, by kind
(rural, community), for itself and the places one level below, on the page or by sheet; the
page flags where the children's targets add up to less than the place's own."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from access.rules import may
from branches.models import Target
from branches.registers import REGISTERS
from branches.selectors import CHILDREN, targets_of
from branches.services import targets_save
from branches.target_sheet import targets_import, targets_template
from core.forms import whole_number
from uploads.exports import dataset_response
from uploads.imports import register_import
from uploads.spreadsheets import Upload

KINDS = (Target.Kind.RURAL, Target.Kind.COMMUNITY)
FIELDS = ("five", "four", "share")


@login_required
def targets_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    place = user.place
    if not may(user, "targets.set") or type(place) not in CHILDREN:
        raise PermissionDenied
    raw_year = request.GET.get("year") or ""
    year = whole_number(raw_year, low=2000, high=2100)
    if year is None:
        if raw_year:
            messages.error(request, _("年度应为2000～2100之间的四位数字，已显示今年。"))
        year = timezone.localdate().year
    back = redirect(f"{request.path}?year={year}")
    if request.GET.get("format") == "xlsx":
        dataset = targets_template(place=place, year=year)
        return dataset_response(dataset, fmt="xlsx", filename=f"创建目标-{place.name}-{year}")
    if request.method == "POST" and request.FILES.get("file"):
        _import(request, request.POST.get("kind"))
        return back
    rows = targets_of(place=place, year=year)
    if request.method == "POST":
        values, problems = _form_values(request, rows)
        for problem in problems:
            messages.error(request, problem)
        if not problems:
            try:
                targets_save(user=user, year=year, rows=values)
                messages.success(request, _("%(year)s年创建目标已保存。") % {"year": year})
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
        return back
    context = {
        "year": year,
        "place": place,
        "rows": rows,
        "kinds": [(k.value, k.label) for k in KINDS],
        "branch_targets": may(user, "county.work"),
    }
    return render(request, "branches/targets.html", context)


def _form_values(request: HttpRequest, rows: list) -> tuple[dict, list[str]]:
    values, problems = {}, []
    for row in rows:
        for kind in KINDS:
            given = [request.POST.get(f"{f}-{kind.value}-{row.place.code}") for f in FIELDS]
            if all(value is None for value in given):
                continue  # not on the form that was sent: left as it is
            raw = [value or "0" for value in given]
            try:
                values[(row.place.code, kind.value)] = (int(raw[0]), int(raw[1]), Decimal(raw[2]))
            except (ValueError, InvalidOperation):
                problems.append(
                    _("%(name)s（%(kind)s）的目标须填数字。")
                    % {"name": row.place.name, "kind": kind.label}
                )
    return values, problems


def _import(request: HttpRequest, kind: str | None) -> None:
    upload = request.FILES["file"]
    content = Upload(upload.name or "upload", upload.read())
    if kind == "targets":
        count, errors = targets_import(user=request.user, upload=content)
        if not errors:
            messages.success(request, _("已导入%(n)s行创建目标。") % {"n": count})
    elif kind == "branch-targets" and may(request.user, "county.work"):
        report = register_import(
            resource=REGISTERS[kind](user=request.user), upload=content, dry_run=False
        )
        errors = report.errors
        if report.ok:
            messages.success(
                request,
                _("已导入：新增%(new)s，修改%(changed)s，未变%(same)s。")
                % {"new": report.new, "changed": report.updated, "same": report.unchanged},
            )
    else:
        raise PermissionDenied
    for error in errors:
        messages.error(request, str(error))
