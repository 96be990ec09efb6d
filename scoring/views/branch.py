"""A branch's record (创星档案): current level, each year's stars and why, checklists per cycle,
the shortfall list, rectification tasks and every transition."""

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.rules import may
from access.scope import restrict
from branches.choices import DecisionState
from branches.models import Rectification
from branches.selectors import branch_get
from branches.services import rectification_step, rectification_steps_for
from core.forms import ids_from
from core.views import attempt
from printing.pdf import pdf_response
from scoring.models import Checklist
from scoring.selectors.records import branch_record
from scoring.services.checklists import rectifications_from_shortfall
from scoring.views.common import deadline_note


@login_required
def branch_page(request: HttpRequest, code: str) -> HttpResponse:
    branch = branch_get(user=request.user, code=code)
    record = branch_record(branch=branch)
    for task in record.tasks:
        task.steps = rectification_steps_for(request.user, task)
    user = request.user
    context = {
        "branch": branch,
        "village": branch.village,
        "rating": record.ratings[0] if record.ratings else None,
        "ratings": record.ratings,
        "cycles": record.cycles,
        "latest": record.latest,
        "shortfall": record.shortfall,
        "tasks": record.tasks,
        "may_open": may(user, "checklist.open", branch),
        "may_assign": may(user, "rectify", branch),
        "transitions": record.transitions,
        "today": date.today(),
        "deadline": _deadline(branch, record.cycles),
        "weak_lax_history": branch.weak_lax_history.select_related("proposed_by", "decided_by"),
        "weak_lax_open": branch.weak_lax_history.filter(state=DecisionState.PROPOSED).first(),
        "may_list": may(user, "weak_lax.decide", branch),
        "may_propose": may(user, "weak_lax.propose", branch),
        "events": branch.veto_events.order_by("-happened_on"),
    }
    return render(request, "scoring/branch.html", context)


@login_required
def branch_print(request: HttpRequest, code: str) -> HttpResponse:
    """The branch's rating record (创星档案) to print, and as PDF (`?format=pdf` or
    `record.pdf`)."""
    branch = branch_get(user=request.user, code=code)
    record = branch_record(branch=branch)
    context = {
        "branch": branch,
        "village": branch.village,
        "ratings": record.ratings,
        "cycles": record.cycles,
        "latest": record.latest,
        "shortfall": record.shortfall,
        "tasks": record.tasks,
    }
    if request.path.endswith(".pdf") or request.GET.get("format") == "pdf":
        return pdf_response(
            "print/record.html", context, request, filename=f"{branch.village.name}创星档案"
        )
    return render(request, "print/record.html", context)


def _deadline(branch: Any, cycles: list) -> dict[str, Any] | None:  # type: ignore[type-arg]
    """The newest cycle's deadline, while this branch's checklist of it is not handed in."""
    if not cycles:
        return None
    cycle, checklist = cycles[0]
    return deadline_note(
        county_id=branch.village.township.county_id,
        cycle=cycle,
        state=checklist.state if checklist else None,
    )


@login_required
@require_POST
def rectification_assign(request: HttpRequest, code: str) -> HttpResponse:
    """Make rectification tasks from ticked shortfall items of the latest checklist."""
    branch = branch_get(user=request.user, code=code)
    checklist = get_object_or_404(
        restrict(Checklist.objects.filter(branch=branch), request.user),
        pk=next(iter(ids_from([request.POST.get("checklist", "")])), 0),
    )
    deadline_text = request.POST.get("deadline", "")
    try:
        deadline = date.fromisoformat(deadline_text)
    except ValueError:
        messages.error(request, _("请填写完成时限（年-月-日）。"))
        return redirect("branch", code=code)
    attempt(
        request,
        lambda: rectifications_from_shortfall(
            checklist=checklist,
            criteria=request.POST.getlist("criterion"),
            owner=request.POST.get("owner", ""),
            deadline=deadline,
            user=request.user,
        ),
        _("整改任务已下达。"),
    )
    return redirect("branch", code=code)


@login_required
@require_POST
def rectification_update(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    task = get_object_or_404(
        restrict(Rectification.objects.select_related("branch__village"), request.user), pk=pk
    )
    done = {
        "done": _("已报告整改完成，等待乡镇核验。"),
        "verify": _("已核验。"),
        "reject": _("核验未通过，已退回整改。"),
        "close": _("已销号。"),
    }
    attempt(
        request,
        lambda: rectification_step(
            task=task,
            step=step,
            user=request.user,
            note=request.POST.get("note", ""),
            evidence=request.FILES.get("evidence"),
        ),
        done.get(step, ""),
    )
    return redirect("branch", code=task.branch.village.code)


@login_required
def rectification_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(restrict(Rectification.objects.all(), request.user), pk=pk)
    if not task.evidence:
        raise Http404
    return FileResponse(task.evidence.open("rb"), filename=task.evidence.name.rsplit("/", 1)[-1])
