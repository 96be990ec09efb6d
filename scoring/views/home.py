"""Everyone's landing page. A township's is its progress in the current cycle (who has not
started, who is in draft, who has handed in) with the deadline, and the batch submit of
checklists filled in from the township's sheet; the others are the place pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.rules import may
from catalogues.selectors import cycles_newest_first
from core.forms import ids_from
from core.views import attempt, cycle_chosen
from scoring.choices import EDITABLE_STATES, ChecklistState
from scoring.selectors import checklist_list, township_progress
from scoring.services.notices import remind_unsubmitted
from scoring.services.workflow import checklists_submit
from scoring.views.common import deadline_note
from villages import views as place_views
from villages.models import Township

GROUPS = (  # (key, label, states) in the order a township works through them
    ("not_started", "未开始", (None,)),
    ("draft", "填报中", (ChecklistState.DRAFT,)),
    ("returned", "已退回", (ChecklistState.RETURNED,)),
    ("submitted", "已提交待初审", (ChecklistState.SUBMITTED,)),
    ("later", "已初审及以后", ("reviewed", "approved", "publicity", "awarded")),
)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    place = request.user.place
    if isinstance(place, Township):
        return township_home(request, place)
    return place_views.home(request)


@login_required
@require_POST
def township_remind(request: HttpRequest) -> HttpResponse:
    """一键催报 from the township's home: every village of the township not yet handed in."""
    cycle = cycle_chosen(request, list(cycles_newest_first()))
    if cycle is None:
        raise Http404
    attempt(
        request,
        lambda: messages.success(
            request,
            _("已提醒%(n)s个尚未提交的村(社区)。")
            % {"n": remind_unsubmitted(user=request.user, cycle=cycle)},
        ),
    )
    return redirect(f"{reverse('home')}?cycle={cycle.code}")


def township_home(request: HttpRequest, township: Township) -> HttpResponse:
    cycles = list(cycles_newest_first())
    cycle = cycle_chosen(request, cycles)
    if cycle is None:
        return place_views.township_page(request, township)
    if request.method == "POST":
        _submit(request, cycle)
        return redirect(f"{reverse('home')}?cycle={cycle.code}")
    rows = list(township_progress(user=request.user, township=township, cycle=cycle))
    wanted = request.GET.get("show", "")
    groups = []
    for key, label, states in GROUPS:
        members = [r for r in rows if r.state in states]
        groups.append({"key": key, "label": _(label), "count": len(members)})
    if wanted in {g["key"] for g in groups}:
        states = next(s for k, _label, s in GROUPS if k == wanted)
        rows = [r for r in rows if r.state in states]
    labels = dict(ChecklistState.choices)
    for row in rows:
        row.state_label = labels.get(row.state, _("未开始"))
        # Returned checklists are corrected first, never resubmitted in a batch.
        row.may_submit = row.state == ChecklistState.DRAFT and may(request.user, "submit", row)
    context = {
        "township": township,
        "cycles": cycles,
        "cycle": cycle,
        "rows": rows,
        "groups": groups,
        "show": wanted,
        "deadline": deadline_note(county_id=township.county_id, cycle=cycle, state=None),
    }
    return render(request, "scoring/township_home.html", context)


def _submit(request: HttpRequest, cycle: object) -> None:
    chosen = list(
        checklist_list(user=request.user, cycle=cycle).filter(
            pk__in=ids_from(request.POST.getlist("checklist")), state__in=EDITABLE_STATES
        )
    )
    if not chosen:
        messages.error(request, _("请先勾选要提交的清单。"))
        return
    done, problems = checklists_submit(checklists=chosen, user=request.user)
    if done:
        messages.success(request, _("已代为提交%(n)s份清单，进入初审。") % {"n": done})
    for problem in problems:
        messages.error(request, problem)
