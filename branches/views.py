from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.rules import may
from access.scope import restrict
from branches.divisions import divisions_import
from branches.models import Branch, WeakLaxDecision
from branches.registers import REGISTERS
from branches.weak_lax import weak_lax_decide, weak_lax_list, weak_lax_propose_lift
from core.errors import Conflict
from core.forms import whole_number
from uploads.exports import dataset_response
from uploads.spreadsheets import Upload


@login_required
def register_export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """A register (名录) as xlsx or csv, holding only what the user may see."""
    resource_class = REGISTERS.get(kind)
    if resource_class is None or fmt not in ("xlsx", "csv"):
        raise Http404
    resource = resource_class(user=request.user)
    dataset = resource.export(queryset=resource.get_queryset())
    stamp = timezone.localdate().strftime("%Y%m%d")
    return dataset_response(dataset, fmt=fmt, filename=f"{resource_class._meta.name}-{stamp}")


@login_required
def divisions_page(request: HttpRequest) -> HttpResponse:
    """Province and city staff set up their places from the statistical division list: check
    first (nothing written), then set up; every bad row is listed."""
    if not may(request.user, "divisions.import"):
        raise PermissionDenied
    report = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("请选择区划代码表文件。"))
        else:
            report = divisions_import(
                upload=Upload(upload.name or "upload", upload.read()),
                dry_run=request.POST.get("write") != "1",
                user=request.user,
            )
    return render(request, "branches/divisions.html", {"report": report})


@login_required
@require_POST
def weak_lax_step(request: HttpRequest, code: str) -> HttpResponse:
    """The branch record's weak-and-lax forms: the county lists a branch or decides a proposed
    lift; the township proposes a lift with evidence."""
    branch = get_object_or_404(
        restrict(Branch.objects.select_related("village"), request.user), village__code=code
    )
    do = request.POST.get("do", "")
    try:
        if do in ("list", "propose"):
            day = _date(request.POST.get("effective_on", ""))
            reason = request.POST.get("reason", "")
            if do == "list":
                weak_lax_list(user=request.user, branch=branch, effective_on=day, reason=reason)
                messages.success(request, _("已列入软弱涣散党组织名册。"))
            else:
                weak_lax_propose_lift(
                    user=request.user,
                    branch=branch,
                    effective_on=day,
                    reason=reason,
                    evidence=request.FILES.get("evidence"),
                )
                messages.success(request, _("整顿转化申请已提交，等待县委组织部确认。"))
        elif do in ("confirm", "refuse"):
            decision = get_object_or_404(
                WeakLaxDecision,
                pk=whole_number(request.POST.get("decision"), low=1, high=2**63 - 1) or 0,
                branch=branch,
            )
            weak_lax_decide(
                user=request.user,
                decision=decision,
                confirm=do == "confirm",
                note=request.POST.get("note", ""),
            )
            messages.success(
                request, _("已确认整顿转化。") if do == "confirm" else _("已退回申请。")
            )
        else:
            raise Http404
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except Conflict as error:
        messages.error(request, str(error))
    return redirect(reverse("branch", args=[code]) + "#weak-lax")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(_("日期格式应为 2026-03-01。")) from None
