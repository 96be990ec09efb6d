"""The checklist page: a secretary fills it in (phone first, live preview), the township
reviews it, the county approves, reopens, awards or revokes from it."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.rules import may
from access.scope import restrict
from branches.selectors import branch_get
from catalogues.models import Criterion, Cycle, Star
from catalogues.selectors import catalogue_layout, catalogue_load
from core.errors import Conflict
from core.forms import whole_number
from core.views import attempt, next_or
from printing.pdf import pdf_response
from scoring.facts import fact_note, fact_values
from scoring.forms import answers_from_post, reasons_from_post
from scoring.models import Answer, Checklist, Evidence
from scoring.rules import actions_for
from scoring.selectors import awards_due, checklist_get, events_standing
from scoring.services import checklists as services
from scoring.services import evidence as evidence_services
from scoring.services import publicity, workflow
from scoring.views.common import deadline_note, notice_contact_warned


@dataclass
class Item:
    criterion: Criterion
    answer: Answer | None
    value: Any = None
    error: str = ""

    @property
    def display(self) -> str:
        """The number as people write it: 200000, not 200000.00."""
        if isinstance(self.value, Decimal):
            return format(self.value.normalize(), "f")
        return "" if self.value is None else str(self.value)

    @property
    def evidence(self) -> list[Evidence]:
        return list(self.answer.evidence.all()) if self.answer else []

    @property
    def return_reason(self) -> str:
        return self.answer.return_reason if self.answer else ""

    fact_note: str = ""  # set when a register gives this answer (the page shows it locked)


@dataclass
class Section:
    star: Star
    result: dict[str, Any]
    items: list[Item] = field(default_factory=list)


def _sections(
    checklist: Checklist, posted: dict[str, Any], errors: dict[str, str]
) -> list[Section]:
    answers = {a.criterion_id: a for a in checklist.answers.all()}
    results = {s["code"]: s for s in checklist.result.get("stars", [])}
    stars, criteria = catalogue_layout(catalogue_id=checklist.catalogue_id)
    sections = {star.pk: Section(star=star, result=results.get(star.code, {})) for star in stars}
    loaded = catalogue_load(catalogue=checklist.catalogue)
    branch = checklist.branch
    events = events_standing(branch_ids=[branch.pk], year=checklist.cycle.year).get(branch.pk, [])
    facts = fact_values(branch=branch, loaded=loaded, events=events)
    for criterion in criteria:
        answer = answers.get(criterion.pk)
        value = posted.get(criterion.code, answer.value if answer else None)
        item = Item(criterion, answer, value, errors.get(criterion.code, ""))
        if criterion.code in facts:
            item.value = answer.value if answer else None
            item.fact_note = fact_note(
                branch=branch, loaded=loaded, code=criterion.code, events=events
            )
        sections[criterion.star_id].items.append(item)
    return list(sections.values())


def _actions(user: Any, checklist: Checklist) -> set[str]:
    """The buttons to show: what the gate allows now, less an award whose publicity has not
    ended or has an objection open (the service would refuse it)."""
    actions = actions_for(user, checklist)
    if "award" in actions and not awards_due().filter(pk=checklist.pk).exists():
        actions.discard("award")
    return actions


def _mode(user: Any, checklist: Checklist) -> str:
    # Editing and reviewing start from different states, so no one may do both at once.
    if may(user, "edit", checklist):
        return "edit"
    if may(user, "pass", checklist) or may(user, "return", checklist):
        return "review"
    return "view"


@login_required
def checklist_page(request: HttpRequest, pk: int) -> HttpResponse:
    checklist = checklist_get(user=request.user, pk=pk)
    posted: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        outcome = _save(request, checklist, posted, errors)
        if outcome is not None:
            return outcome
        # Not saved: show the page again with what was typed and each problem in place.
        checklist = checklist_get(user=request.user, pk=pk)
        return _render(request, checklist, posted, errors, status=400)
    return _render(request, checklist, posted, errors)


def _render(
    request: HttpRequest,
    checklist: Checklist,
    posted: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> HttpResponse:
    loaded = catalogue_load(catalogue=checklist.catalogue)
    sections = _sections(checklist, posted, errors)
    context = {
        "checklist": checklist,
        "branch": checklist.branch,
        "sections": sections,
        "returned_items": [
            {"code": i.criterion.code, "text": i.criterion.text, "reason": i.return_reason}
            for section in sections
            for i in section.items
            if i.return_reason
        ],
        "mode": "simulate" if request.GET.get("simulate") else _mode(request.user, checklist),
        "actions": _actions(request.user, checklist),
        "errors": errors,
        "earned_stars": [s for s in checklist.result.get("stars", []) if s["earned"]],
        "unanswered": sum(
            1 for c in loaded.spec.criteria if not c.veto and c.code not in _answered(checklist)
        ),
        "objections": list(checklist.objections.all()),
        "see_objectors": may(request.user, "objection.see_objector", checklist),
        "rating": checklist.branch.ratings.filter(year=checklist.cycle.year).first(),
        "deadline": deadline_note(
            county_id=checklist.branch.village.township.county_id,
            cycle=checklist.cycle,
            state=checklist.state,
        ),
    }
    return render(request, "scoring/checklist.html", context, status=status)


def _answered(checklist: Checklist) -> set[str]:
    return {a.criterion.code for a in checklist.answers.all() if a.value is not None}


def _save(
    request: HttpRequest, checklist: Checklist, posted: dict[str, Any], errors: dict[str, str]
) -> HttpResponse | None:
    """Save answers and evidence; then submit if asked. Nothing is saved if anything is wrong."""
    loaded = catalogue_load(catalogue=checklist.catalogue)
    answers, errors_read = answers_from_post(loaded.spec, request.POST)
    errors.update(errors_read)
    # If anything is refused, the page comes back with everything as typed, not as stored.
    posted.update(answers)
    posted.update({code: request.POST.get(f"a-{code}") for code in errors_read})
    revision = request.POST.get("revision")
    if not errors:
        try:
            with transaction.atomic():
                services.answers_save(
                    checklist=checklist,
                    user=request.user,
                    answers=answers,
                    revision=whole_number(revision, low=0, high=2**31 - 1),
                )
                for key, files in request.FILES.lists():
                    if key.startswith("e-"):
                        for upload in files:
                            evidence_services.evidence_add(
                                checklist=checklist,
                                criterion_code=key[2:],
                                upload=upload,
                                user=request.user,
                            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for code, messages_ in error.message_dict.items():
                    errors[code] = "；".join(messages_)
            else:
                errors["__all__"] = "；".join(error.messages)
        except Conflict as error:
            messages.error(request, str(error))
            return redirect("checklist", pk=checklist.pk)
    if errors:
        messages.error(
            request, _("有%(n)s处需要修改，已标在对应指标下；本次没有保存。") % {"n": len(errors)}
        )
        if "__all__" in errors:
            messages.error(request, errors.pop("__all__"))
        return None
    if request.POST.get("submit"):
        if attempt(
            request,
            lambda: workflow.checklist_submit(checklist=checklist, user=request.user),
            _("已提交，等待乡镇审核。"),
        ):
            return redirect("checklist", pk=checklist.pk)
        return redirect("checklist", pk=checklist.pk)
    messages.success(request, _("已保存草稿。"))
    return redirect("checklist", pk=checklist.pk)


@login_required
@require_POST
def checklist_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The workflow buttons of the checklist page; each calls one service."""
    checklist = checklist_get(user=request.user, pk=pk)
    post = request.POST
    reason = post.get("reason", "")
    user = request.user
    calls = {
        "pass": (
            lambda: workflow.checklist_pass(checklist=checklist, user=user, reason=reason),
            _("初审通过。"),
        ),
        "return": (
            lambda: workflow.checklist_return(
                checklist=checklist,
                user=user,
                reason=reason,
                reasons=reasons_from_post(catalogue_load(catalogue=checklist.catalogue).spec, post),
            ),
            _("已退回修改，书记会在清单上看到原因。"),
        ),
        "approve": (
            lambda: workflow.checklist_approve(checklist=checklist, user=user, reason=reason),
            _("已审定。"),
        ),
        "reopen": (
            lambda: workflow.checklist_reopen(checklist=checklist, user=user, reason=reason),
            _("已重新打开，可以修改答题。"),
        ),
        "publish": (
            lambda: publicity.publicity_open(
                checklists=[checklist], user=user, days=_int(post.get("days"), 5)
            ),
            _("已开始公示。"),
        ),
        "award": (lambda: publicity.checklist_award(checklist=checklist, user=user), _("已授星。")),
        "revoke": (
            lambda: publicity.star_revoke(
                checklist=checklist, user=user, star=post.get("star", ""), reason=reason
            ),
            _("已摘星，星级已调整。"),
        ),
    }
    if action not in calls:
        raise Http404
    call, done = calls[action]
    if attempt(request, call, done) and action == "publish":
        notice_contact_warned(request)
    return redirect(next_or(request, reverse("checklist", args=[pk])))


def _int(text: str | None, default: int) -> int:
    number = whole_number(text, low=0, high=10_000)
    return default if number is None else number


@login_required
@require_POST
def checklist_open(request: HttpRequest, code: str, cycle: str) -> HttpResponse:
    """Open (or reach) a branch's checklist for a cycle."""
    branch = branch_get(user=request.user, code=code)
    try:
        checklist = services.checklist_open(
            branch=branch, cycle=get_object_or_404(Cycle, code=cycle), user=request.user
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("place-detail", code=code)
    return redirect("checklist", pk=checklist.pk)


@login_required
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """Evidence is served only to those who may see the branch (never from a public folder)."""
    evidence = get_object_or_404(restrict(Evidence.objects.all(), request.user), pk=pk)
    response = FileResponse(
        evidence.file.open("rb"), content_type=evidence.content_type, filename=evidence.name
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(
        restrict(Evidence.objects.select_related("answer__checklist"), request.user), pk=pk
    )
    checklist_pk = evidence.answer.checklist_id
    attempt(
        request,
        lambda: evidence_services.evidence_remove(evidence=evidence, user=request.user),
        _("已删除佐证材料“%(name)s”。") % {"name": evidence.name},
    )
    return redirect("checklist", pk=checklist_pk)


@login_required
def checklist_print(request: HttpRequest, pk: int) -> HttpResponse:
    """A checklist to print and as PDF: every answer, the reviewers' notes, the evidence (photos
    as thumbnails, PDFs by name) and the record of its steps."""
    checklist = checklist_get(user=request.user, pk=pk)
    sections = _sections(checklist, {}, {})
    context = {"checklist": checklist, "branch": checklist.branch, "sections": sections}
    if request.path.endswith(".pdf") or request.GET.get("format") == "pdf":
        name = f"{checklist.branch.village.name}{checklist.cycle.code}创星清单"
        return pdf_response("print/checklist.html", context, request, filename=name)
    return render(request, "print/checklist.html", context)
