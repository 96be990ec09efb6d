"""The three zeros (三零) page: record and withdraw veto events, and the year's figures; and the
county's queue of revocation proposals (摘星建议)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.rules import may
from access.scope import restrict
from catalogues.selectors import star_names_of
from core.views import attempt, recent_years, year_chosen
from scoring.choices import ZERO_KINDS, EventKind
from scoring.forms import VetoEventForm
from scoring.models import Revocation, VetoEvent
from scoring.selectors.events import (
    events_of_year,
    revocations_decided,
    revocations_pending,
    zero_figures,
)
from scoring.services.events import event_record, event_withdraw, revocation_decide
from scoring.views.common import write_for_branch


@login_required
def zeros(request: HttpRequest) -> HttpResponse:
    if not may(request.user, "zeros.view"):
        raise PermissionDenied
    year = year_chosen(request)
    form = VetoEventForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not may(request.user, "event.record"):
            raise PermissionDenied
        if form.is_valid() and _record(request, form):
            messages.success(request, _("已登记，相关清单的否决项已同步。"))
            return redirect(f"{reverse('zeros')}?year={form.cleaned_data['happened_on'].year}")
    figures = zero_figures(user=request.user, year=year)
    page = Paginator(events_of_year(user=request.user, year=year), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "scoring/zeros.html",
        {
            "year": year,
            "years": recent_years(),
            "form": form,
            "figures": figures,
            "kinds": [EventKind(k).label for k in ZERO_KINDS],
            "months": list(zip(range(1, 13), figures["months"], strict=True)),
            "charts": {
                "zeros": {
                    "labels": [f"{m}月" for m in range(1, 13)],
                    "kinds": [EventKind(k).label for k in ZERO_KINDS],
                    "months": figures["months"],
                }
            },
            "page": page,
            "may_record": may(request.user, "event.record"),
            "may_withdraw": may(request.user, "event.withdraw"),
        },
        status=400 if request.method == "POST" else 200,
    )


def _record(request: HttpRequest, form: VetoEventForm) -> bool:
    data = form.cleaned_data
    return write_for_branch(
        request,
        form,
        lambda branch: event_record(
            user=request.user,
            branch=branch,
            kind=data["kind"],
            criterion=data["criterion"],
            happened_on=data["happened_on"],
            place=data["place"],
            description=data["description"],
            evidence=data["evidence"],
        ),
    )


@login_required
@require_POST
def event_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(
        restrict(VetoEvent.objects.select_related("branch"), request.user), pk=pk
    )
    attempt(
        request,
        lambda: event_withdraw(
            user=request.user, event=event, reason=request.POST.get("reason", "")
        ),
        _("已撤销该事项，相关清单的否决项已同步。"),
    )
    return redirect(f"{reverse('zeros')}?year={event.happened_on.year}")


@login_required
def revocations(request: HttpRequest) -> HttpResponse:
    if not may(request.user, "revocation.decide"):
        raise PermissionDenied
    decided = Paginator(revocations_decided(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    pending = list(revocations_pending(user=request.user))
    names = {year: star_names_of(year=year) for year in {r.rating.year for r in pending}}
    for revocation in pending:  # the confirmation names the star as people say it
        revocation.star_name = names[revocation.rating.year].get(  # type: ignore[attr-defined]
            revocation.star, revocation.star
        )
    return render(request, "scoring/revocations.html", {"pending": pending, "decided": decided})


@login_required
@require_POST
def revocation_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    revocation = get_object_or_404(restrict(Revocation.objects.all(), request.user), pk=pk)
    confirm = request.POST.get("do") == "confirm"
    attempt(
        request,
        lambda: revocation_decide(
            user=request.user,
            revocation=revocation,
            confirm=confirm,
            note=request.POST.get("note", ""),
        ),
        _("已摘星。") if confirm else _("已处理：不摘星。"),
    )
    return redirect("revocations")
