"""Quarterly dynamic scoring (季度动态考评): the county's townships and each township's villages
ranked for a quarter with movement against the previous one; the township records reward and
penalty items with evidence, the county confirms them. Quarters never change an annual level."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.rules import may
from access.scope import restrict
from catalogues.models import AdjustmentKind, Cycle
from core.views import attempt
from scoring.forms import AdjustmentForm
from scoring.models import Adjustment
from scoring.services.quarters import adjustment_decide, adjustment_record
from scoring.views.common import write_for_branch
from tallies.selectors.quarters import adjustments_of, quarter_figures
from villages.models import County


def _county(request: HttpRequest) -> County | None:
    user = request.user
    if user.county is not None:
        return user.county
    if user.township is not None:
        return user.township.county
    code = request.GET.get("county", "")
    return restrict(County.objects.all(), user).filter(code=code).first() if code else None


@login_required
def quarters(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may(user, "quarters.view"):
        raise PermissionDenied
    cycles = list(Cycle.objects.filter(quarter__isnull=False).order_by("-year", "-quarter"))
    chosen = request.GET.get("cycle", "")
    cycle = next((c for c in cycles if c.code == chosen), cycles[0] if cycles else None)
    county = _county(request)
    form = AdjustmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not may(user, "adjustment.record") or cycle is None:
            raise PermissionDenied
        if form.is_valid() and _record(request, form, cycle):
            messages.success(request, _("已登记，待县委组织部审核后计分。"))
            return redirect(f"{reverse('quarters')}?cycle={cycle.code}")
    figures = (
        quarter_figures(user=user, county=county, cycle=cycle)
        if county is not None and cycle is not None
        else []
    )
    township_code = user.township.code if user.township else request.GET.get("township", "")
    opened = next((t for t in figures if t.code == township_code), None)
    context: dict[str, Any] = {
        "cycles": cycles,
        "cycle": cycle,
        "county": county,
        "counties": (
            restrict(County.objects.order_by("code"), user)
            if user.county is None and user.township is None
            else []
        ),
        "figures": figures,
        "opened": opened,
        "stars": sorted({s for t in figures for b in t.branches for s in b.stars}, key=_star_order),
        "ranks_townships": user.township is None,
        "form": form,
        "kinds": AdjustmentKind.objects.filter(catalogue__year=cycle.year).order_by("code")
        if cycle
        else [],
        "adjustments": adjustments_of(user=user, cycle=cycle)[:200] if cycle else [],
        "may_record": may(user, "adjustment.record"),
        "may_decide": may(user, "adjustment.decide"),
    }
    return render(
        request, "tallies/quarters.html", context, status=400 if request.method == "POST" else 200
    )


def _star_order(code: str) -> int:
    order = ["ZB", "CY", "FW", "ST", "PA", "WM", "GJ"]
    return order.index(code) if code in order else len(order)


def _record(request: HttpRequest, form: AdjustmentForm, cycle: Cycle) -> bool:
    data = form.cleaned_data
    return write_for_branch(
        request,
        form,
        lambda branch: adjustment_record(
            user=request.user,
            branch=branch,
            cycle=cycle,
            kind=data["kind"].strip().upper(),
            star=data["star"],
            reason=data["reason"],
            evidence=data["evidence"],
        ),
    )


@login_required
@require_POST
def adjustment_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        restrict(Adjustment.objects.select_related("cycle"), request.user), pk=pk
    )
    confirm = request.POST.get("do") == "confirm"
    attempt(
        request,
        lambda: adjustment_decide(
            user=request.user, adjustment=item, confirm=confirm, note=request.POST.get("note", "")
        ),
        _("已认定，计入季度得分。") if confirm else _("已不予认定。"),
    )
    return redirect(f"{reverse('quarters')}?cycle={item.cycle.code}#adjustments")
