from collections.abc import Callable
from datetime import date
from typing import Any

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
from core.forms import whole_number
from core.views import attempt
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


# The branch record's weak-and-lax forms, one URL each: the county lists a branch, the
# township proposes a lift with evidence, the county decides it.


def _branch(request: HttpRequest, code: str) -> Branch:
    return get_object_or_404(
        restrict(Branch.objects.select_related("village"), request.user), village__code=code
    )


def _weak_lax_done(request: HttpRequest, code: str, step: Callable[[], Any], done: str) -> Any:
    attempt(request, step, done)
    return redirect(reverse("branch", args=[code]) + "#weak-lax")


@login_required
@require_POST
def weak_lax_list_view(request: HttpRequest, code: str) -> HttpResponse:
    """The county lists the branch as weak and lax (认定)."""
    branch = _branch(request, code)
    return _weak_lax_done(
        request,
        code,
        lambda: weak_lax_list(
            user=request.user,
            branch=branch,
            effective_on=_date(request.POST.get("effective_on", "")),
            reason=request.POST.get("reason", ""),
        ),
        _("已列入软弱涣散党组织名册。"),
    )


@login_required
@require_POST
def weak_lax_propose(request: HttpRequest, code: str) -> HttpResponse:
    """The township applies to lift the listing (整顿转化), with evidence."""
    branch = _branch(request, code)
    return _weak_lax_done(
        request,
        code,
        lambda: weak_lax_propose_lift(
            user=request.user,
            branch=branch,
            effective_on=_date(request.POST.get("effective_on", "")),
            reason=request.POST.get("reason", ""),
            evidence=request.FILES.get("evidence"),
        ),
        _("整顿转化申请已提交，等待县委组织部确认。"),
    )


@login_required
@require_POST
def weak_lax_decide_view(request: HttpRequest, code: str) -> HttpResponse:
    """The county confirms the township's application (the branch leaves the list) or refuses
    it with a note."""
    branch = _branch(request, code)
    decision = get_object_or_404(
        WeakLaxDecision,
        pk=whole_number(request.POST.get("decision"), low=1, high=2**63 - 1) or 0,
        branch=branch,
    )
    confirm = request.POST.get("do") == "confirm"
    return _weak_lax_done(
        request,
        code,
        lambda: weak_lax_decide(
            user=request.user, decision=decision, confirm=confirm, note=request.POST.get("note", "")
        ),
        _("已确认整顿转化。") if confirm else _("已退回申请。"),
    )


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(_("日期格式应为 2026-03-01。")) from None
