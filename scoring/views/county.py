"""County control: approve, open publicity, rule on objections, see awards."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.rules import may
from access.scope import restrict
from core.forms import ids_from
from core.views import attempt, cycle_chosen, next_or
from scoring.choices import ChecklistState, ObjectionStatus
from scoring.filters import ChecklistFilter
from scoring.forms import PublishForm
from scoring.models import Cycle, Objection
from scoring.selectors import (
    awards_due,
    checklist_list,
    cycles_newest_first,
    deadline_of,
    open_objections,
    state_counts,
)
from scoring.services import publicity
from scoring.services.catalogues import cycle_open, deadline_set
from scoring.services.notices import remind_unsubmitted
from scoring.services.workflow import checklists_approve
from villages.choices import VillageKind
from villages.selectors import township_choices
from villages.services import county_notice_set

PAGE_SIZE = 100
TABS = [
    ChecklistState.REVIEWED,
    ChecklistState.APPROVED,
    ChecklistState.PUBLICITY,
    ChecklistState.AWARDED,
    ChecklistState.SUBMITTED,
    ChecklistState.RETURNED,
    ChecklistState.DRAFT,
]


def _county_staff(request: HttpRequest) -> None:
    if not may(request.user, "county.work"):
        raise PermissionDenied


@login_required
def ratings(request: HttpRequest) -> HttpResponse:
    """One list per state for a cycle, with the batch action that state allows."""
    _county_staff(request)
    cycles = list(cycles_newest_first())
    cycle = cycle_chosen(request, cycles)
    state = request.GET.get("state")
    if state not in ChecklistState.values:
        state = ChecklistState.REVIEWED
    checklists = checklist_list(user=request.user, cycle=cycle)
    counts = state_counts(checklists)
    wanted = {key: request.GET.get(key, "") for key in ("township", "kind")}
    listed = ChecklistFilter({"state": state, **wanted}, checklists)
    rows = listed.qs.annotate(
        open_objections=Count("objections", filter=Q(objections__status=ObjectionStatus.OPEN))
    ).order_by("branch__village__code")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    if request.method == "POST" and request.POST.get("do") == "remind" and cycle is not None:
        attempt(
            request,
            lambda: messages.success(
                request,
                _("已向%(n)s个尚未提交的村(社区)发出催报，正在发送。")
                % {"n": remind_unsubmitted(user=request.user, cycle=cycle)},
            ),
        )
        return redirect(f"{reverse('ratings')}?cycle={cycle.code}&state={state}")
    if request.method == "POST" and request.POST.get("do") == "contact":
        attempt(
            request,
            lambda: county_notice_set(
                user=request.user,
                address=request.POST.get("address", ""),
                phone=request.POST.get("phone", ""),
            ),
            _("公示联系方式已保存，将印在公示通知上。"),
        )
        return redirect(f"{reverse('ratings')}?cycle={cycle.code if cycle else ''}&state={state}")
    if request.method == "POST" and request.POST.get("do") == "deadline" and cycle is not None:
        _deadline(request, cycle)
        return redirect(f"{reverse('ratings')}?cycle={cycle.code}&state={state}")
    if request.method == "POST" and request.POST.get("do") == "cycle":
        code = request.POST.get("code", "")
        opened = attempt(
            request,
            lambda: cycle_open(code=code, user=request.user),
            _("已开设评定周期%(code)s，各村(社区)可以开始填报。") % {"code": code.strip()},
        )
        return redirect(f"{reverse('ratings')}?cycle={code.strip() if opened else ''}")
    if request.method == "POST":
        chosen = list(
            checklists.filter(pk__in=ids_from(request.POST.getlist("checklist")), state=state)
        )
        _batch(request, request.POST.get("do", ""), chosen)
        return redirect(f"{reverse('ratings')}?cycle={cycle.code if cycle else ''}&state={state}")
    deadline = deadline_of(county_id=request.user.county_id, cycle=cycle)
    days_left = (deadline - timezone.localdate()).days if deadline else 0
    context = {
        "awards_due": awards_due(county_id=request.user.county_id).count()
        if state == ChecklistState.PUBLICITY
        else 0,
        "deadline": deadline,
        "days_left": days_left,
        "days_over": -days_left,
        "cycles": cycles,
        "cycle": cycle,
        "state": state,
        "tabs": [(s, s.label, counts.get(s.value, 0)) for s in TABS],
        "rows": page,
        "page": page,
        "query": query.urlencode(),
        "wanted": wanted,
        "townships": township_choices(user=request.user),
        "kinds": VillageKind.choices,
        "publish_form": PublishForm(),
        "objections": open_objections(user=request.user),
    }
    return render(request, "scoring/ratings.html", context)


def _deadline(request: HttpRequest, cycle: Cycle) -> None:
    try:
        due = date.fromisoformat(request.POST.get("due", ""))
    except ValueError:
        messages.error(request, _("截止日应为日期，如 2026-12-31。"))
        return
    attempt(
        request,
        lambda: deadline_set(user=request.user, cycle=cycle, due=due),
        _("%(cycle)s填报截止日已设为%(due)s。") % {"cycle": cycle.code, "due": due.isoformat()},
    )


def _batch(request: HttpRequest, do: str, chosen: list) -> None:  # type: ignore[type-arg]
    if not chosen and do != "award":  # awarding takes every rating that is due, ticked or not
        messages.error(request, _("请先勾选支部。"))
        return
    if do == "approve":
        done, problems = checklists_approve(checklists=chosen, user=request.user)
        if done:
            messages.success(request, _("已审定%(n)s个支部。") % {"n": done})
        for problem in problems:
            messages.error(request, problem)
    elif do == "publish":
        form = PublishForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("公示天数须在1～30天之间。"))
            return
        attempt(
            request,
            lambda: publicity.publicity_open(
                checklists=chosen, user=request.user, days=form.cleaned_data["days"]
            ),
            _("已对%(n)s个支部开始公示，为期%(d)s天。")
            % {"n": len(chosen), "d": form.cleaned_data["days"]},
        )
    elif do == "award":
        county_id = request.user.county_id
        awarded = publicity.award_due(user=request.user, county_id=county_id)
        messages.success(request, _("公示期满且无异议的%(n)s个支部已授星。") % {"n": awarded})


@login_required
@require_POST
def objection_rule(request: HttpRequest, pk: int) -> HttpResponse:
    _county_staff(request)
    objection = get_object_or_404(restrict(Objection.objects.all(), request.user), pk=pk)
    upheld = request.POST.get("upheld") == "1"
    attempt(
        request,
        lambda: publicity.objection_rule(
            objection=objection,
            user=request.user,
            upheld=upheld,
            ruling=request.POST.get("ruling", ""),
        ),
        _("异议已认定成立，评定退回乡镇复审。") if upheld else _("异议已认定不成立，已记录。"),
    )
    return redirect(next_or(request, reverse("ratings")))
