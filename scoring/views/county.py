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
from catalogues.models import Cycle
from catalogues.selectors import cycles_newest_first, deadline_of
from catalogues.services import cycle_open, deadline_set
from core.forms import ids_from
from core.views import attempt, cycle_chosen, next_or
from scoring.choices import ChecklistState, ObjectionStatus
from scoring.filters import ChecklistFilter
from scoring.forms import PublishForm
from scoring.models import Checklist, Objection
from scoring.selectors import awards_due, checklist_list, open_objections, state_counts
from scoring.services import publicity
from scoring.services.notices import remind_unsubmitted
from scoring.services.workflow import checklists_approve
from scoring.views.common import notice_contact_warned
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


# The page's commands, one URL each; each goes back to the list it was sent from.


def _back(request: HttpRequest) -> HttpResponse:
    cycle = request.GET.get("cycle", "")
    state = request.GET.get("state", "")
    return redirect(f"{reverse('ratings')}?cycle={cycle}&state={state}")


def _cycle(request: HttpRequest) -> Cycle | None:
    return cycle_chosen(request, list(cycles_newest_first()))


def _ticked(request: HttpRequest, state: str) -> list[Checklist]:
    cycle = _cycle(request)
    listed = checklist_list(user=request.user, cycle=cycle, states=[state])
    return list(listed.filter(pk__in=ids_from(request.POST.getlist("checklist"))))


@login_required
@require_POST
def ratings_remind(request: HttpRequest) -> HttpResponse:
    """一键催报: every branch of the county that has not handed in its checklist."""
    _county_staff(request)
    cycle = _cycle(request)
    if cycle is not None:
        attempt(
            request,
            lambda: messages.success(
                request,
                _("已向%(n)s个尚未提交的村(社区)发出催报，正在发送。")
                % {"n": remind_unsubmitted(user=request.user, cycle=cycle)},
            ),
        )
    return _back(request)


@login_required
@require_POST
def ratings_contact(request: HttpRequest) -> HttpResponse:
    """The address and phone printed on the publicity notice."""
    _county_staff(request)
    attempt(
        request,
        lambda: county_notice_set(
            user=request.user,
            address=request.POST.get("address", ""),
            phone=request.POST.get("phone", ""),
        ),
        _("公示联系方式已保存，将印在公示通知上。"),
    )
    return _back(request)


@login_required
@require_POST
def ratings_deadline(request: HttpRequest) -> HttpResponse:
    """The county's submission deadline of the cycle."""
    _county_staff(request)
    cycle = _cycle(request)
    try:
        due = date.fromisoformat(request.POST.get("due", ""))
    except ValueError:
        messages.error(request, _("截止日应为日期，如 2026-12-31。"))
        return _back(request)
    if cycle is not None:
        attempt(
            request,
            lambda: deadline_set(user=request.user, cycle=cycle, due=due),
            _("%(cycle)s填报截止日已设为%(due)s。") % {"cycle": cycle.code, "due": due.isoformat()},
        )
    return _back(request)


@login_required
@require_POST
def ratings_cycle(request: HttpRequest) -> HttpResponse:
    """Open a new cycle (2027, 2027Q1)."""
    _county_staff(request)
    code = request.POST.get("code", "")
    opened = attempt(
        request,
        lambda: cycle_open(code=code, user=request.user),
        _("已开设评定周期%(code)s，各村(社区)可以开始填报。") % {"code": code.strip()},
    )
    return redirect(f"{reverse('ratings')}?cycle={code.strip() if opened else ''}")


@login_required
@require_POST
def ratings_approve(request: HttpRequest) -> HttpResponse:
    """Approve the ticked ratings the townships passed (批量审定)."""
    _county_staff(request)
    chosen = _ticked(request, ChecklistState.REVIEWED)
    if not chosen:
        messages.error(request, _("请先勾选支部。"))
        return _back(request)
    done, problems = checklists_approve(checklists=chosen, user=request.user)
    if done:
        messages.success(request, _("已审定%(n)s个支部。") % {"n": done})
    for problem in problems:
        messages.error(request, problem)
    return _back(request)


@login_required
@require_POST
def ratings_publish(request: HttpRequest) -> HttpResponse:
    """Put the ticked approved ratings before the public for the days given (公示)."""
    _county_staff(request)
    chosen = _ticked(request, ChecklistState.APPROVED)
    form = PublishForm(request.POST)
    if not chosen:
        messages.error(request, _("请先勾选支部。"))
    elif not form.is_valid():
        messages.error(request, _("公示天数须在1～30天之间。"))
    else:
        days = form.cleaned_data["days"]
        done = attempt(
            request,
            lambda: publicity.publicity_open(checklists=chosen, user=request.user, days=days),
            _("已对%(n)s个支部开始公示，为期%(d)s天。") % {"n": len(chosen), "d": days},
        )
        if done:
            notice_contact_warned(request)
    return _back(request)


@login_required
@require_POST
def ratings_award(request: HttpRequest) -> HttpResponse:
    """Award every rating of the county whose publicity ended without an open objection."""
    _county_staff(request)
    awarded = publicity.award_due(user=request.user, county_id=request.user.county_id)
    messages.success(request, _("公示期满且无异议的%(n)s个支部已授星。") % {"n": awarded})
    return _back(request)


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
