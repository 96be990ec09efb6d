"""The review workflow: submit, return, pass, approve, reopen. Every step is one transaction
that locks the checklist row, checks role, place and state (scoring.rules), and records a
Transition."""

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.gate import gated
from catalogues import engine
from catalogues.selectors import catalogue_load
from core.errors import Conflict
from scoring.choices import Action, ChecklistState
from scoring.models import Answer, Checklist
from scoring.selectors import answers_of
from scoring.services.answers import Write, checklists_write
from scoring.services.checklists import checklist_lock
from scoring.services.steps import transition_record


def _reason_required(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写原因。")]})
    return reason


def _sync(target: Checklist, locked: Checklist) -> Checklist:
    target.state, target.revision = locked.state, locked.revision
    target.submitted_at = locked.submitted_at
    return target


@gated("submit", on="checklist")
@transaction.atomic
def checklist_submit(
    *, checklist: Checklist, user: Any, revision: int | None = None, reason: str = ""
) -> Checklist:
    """Submit for township review (提交). Every scored criterion must be answered; veto items
    left blank mean nothing happened."""
    locked = checklist_lock(pk=checklist.pk, user=user, action="submit", revision=revision)
    loaded = catalogue_load(catalogue=locked.catalogue)
    missing = engine.unanswered(loaded.spec, answers_of(locked, loaded))
    if missing:
        shown = "、".join(missing[:10]) + ("等" if len(missing) > 10 else "")
        raise ValidationError(
            _("还有%(n)s项指标未作答（%(codes)s），全部作答后才能提交。")
            % {"n": len(missing), "codes": shown}
        )
    checklists_write(writes=[Write(locked)], user=user, reason=_("提交前核对否决事项和名册"))
    Answer.objects.filter(checklist=locked).exclude(return_reason="").update(return_reason="")
    transition_record(
        checklist=locked,
        action=Action.SUBMIT,
        to_state=ChecklistState.SUBMITTED,
        user=user,
        reason=reason,
    )
    locked.submitted_at = timezone.now()
    Checklist.objects.filter(pk=locked.pk).update(submitted_at=locked.submitted_at)
    return _sync(checklist, locked)


@gated("return", on="checklist")
@transaction.atomic
def checklist_return(
    *,
    checklist: Checklist,
    user: Any,
    reason: str = "",
    reasons: Mapping[str, str] | None = None,
) -> Checklist:
    """Return for changes (退回修改) with an overall reason and/or reasons per criterion, which
    the secretary sees against each item."""
    locked = checklist_lock(pk=checklist.pk, user=user, action="return")
    reasons = {
        code: text.strip() for code, text in (reasons or {}).items() if text and text.strip()
    }
    if not reason.strip() and not reasons:
        raise ValidationError({"reason": [_("退回时请至少填写一条原因（总体或逐项）。")]})
    loaded = catalogue_load(catalogue=locked.catalogue)
    unknown = sorted(set(reasons) - set(loaded.id_of))
    if unknown:
        raise ValidationError({"reasons": [_("没有这些指标：%s") % "、".join(unknown)]})
    for code, text in reasons.items():
        Answer.objects.update_or_create(
            checklist=locked,
            criterion_id=loaded.id_of[code],
            defaults={"return_reason": text[:300]},
        )
    overall = reason.strip() or _("逐项意见见各指标。")
    transition_record(
        checklist=locked,
        action=Action.RETURN,
        to_state=ChecklistState.RETURNED,
        user=user,
        reason=overall,
    )
    return _sync(checklist, locked)


def _advance(checklist: Checklist, user: Any, action: str, to_state: str, reason: str) -> Checklist:
    """Lock, check `user` may do `action` now, and move the checklist to `to_state`."""
    locked = checklist_lock(pk=checklist.pk, user=user, action=action)
    transition_record(checklist=locked, action=action, to_state=to_state, user=user, reason=reason)
    return _sync(checklist, locked)


@gated("pass", on="checklist")
@transaction.atomic
def checklist_pass(*, checklist: Checklist, user: Any, reason: str = "") -> Checklist:
    """Township review passed (乡镇初审通过)."""
    return _advance(checklist, user, Action.PASS, ChecklistState.REVIEWED, reason.strip())


def _each(
    step: Callable[..., Checklist], checklists: list[Checklist], user: Any
) -> tuple[int, list[str]]:
    """`step` on several checklists, each in its own transaction so that one conflict does not
    undo the others. Returns how many went through and a message for each that did not."""
    done, problems = 0, []
    for checklist in checklists:
        try:
            step(checklist=checklist, user=user)
            done += 1
        except (Conflict, ValidationError) as error:
            problems.append(f"{checklist.branch}：{_message(error)}")
    return done, problems


ON_BEHALF = "由乡镇(街道)代为提交"


@gated("submit", on="checklists")
def checklists_submit(*, checklists: list[Checklist], user: Any) -> tuple[int, list[str]]:
    """Submit several at once for their branches (批量代为提交), e.g. after a township's sheet
    was imported; each transition says it was done on the branch's behalf. A checklist the
    township returned is not among them: it goes back only once its secretary (or the clerk,
    on the checklist itself) has corrected it."""

    def submit(*, checklist: Checklist, user: Any) -> Checklist:
        if checklist.state == ChecklistState.RETURNED:
            raise Conflict(
                _("该清单已退回修改，需书记（或在清单页面）改正后再提交，不能批量代为提交。")
            )
        return checklist_submit(checklist=checklist, user=user, reason=ON_BEHALF)

    return _each(submit, checklists, user)


@gated("pass", on="checklists")
def checklists_pass(*, checklists: list[Checklist], user: Any) -> tuple[int, list[str]]:
    """Pass several at once (批量初审通过)."""
    return _each(checklist_pass, checklists, user)


@gated("approve", on="checklist")
@transaction.atomic
def checklist_approve(*, checklist: Checklist, user: Any, reason: str = "") -> Checklist:
    """County approval (县级审定)."""
    return _advance(checklist, user, Action.APPROVE, ChecklistState.APPROVED, reason.strip())


@gated("approve", on="checklists")
def checklists_approve(*, checklists: list[Checklist], user: Any) -> tuple[int, list[str]]:
    """Approve several at once (批量审定)."""
    return _each(checklist_approve, checklists, user)


@gated("reopen", on="checklist")
@transaction.atomic
def checklist_reopen(*, checklist: Checklist, user: Any, reason: str) -> Checklist:
    """Formally reopen an approved checklist (重新打开) so its answers can change again."""
    reason = _reason_required(reason)
    reopened = _advance(checklist, user, Action.REOPEN, ChecklistState.DRAFT, reason)
    locked = Checklist.objects.select_related("catalogue", "cycle", "branch").get(pk=checklist.pk)
    checklists_write(writes=[Write(locked)], user=user, reason=reason)
    return _sync(reopened, locked)


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error)
