"""The review workflow: submit, return, pass, approve, reopen. Every step is one transaction
that locks the checklist row, checks role, place and state (scoring.rules), and records a
Transition."""

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.choices import AuditAction
from audit.services import audit
from scoring import engine
from scoring.choices import Action, ChecklistState
from scoring.errors import Conflict
from scoring.models import Answer, Checklist, Transition
from scoring.selectors import answers_of, catalogue_load
from scoring.services.checklists import checklist_lock
from scoring.services.notices import tell_transition
from scoring.services.scores import checklist_score


def transition_record(
    *,
    checklist: Checklist,
    action: str,
    to_state: str,
    user: Any,
    reason: str = "",
    star: str = "",
    level: int | None = None,
) -> Transition:
    """Move the (locked) checklist to `to_state` and log who, when, from, to and why."""
    record = Transition.objects.create(
        checklist=checklist,
        action=action,
        from_state=checklist.state,
        to_state=to_state,
        user=user if getattr(user, "pk", None) else None,
        reason=reason,
        star=star,
        level=checklist.level if level is None else level,
    )
    audit(
        user=user,
        action=AuditAction.TRANSITION,
        target=checklist,
        before={"state": checklist.state},
        after={"state": to_state, "action": action}
        | ({"reason": reason} if reason else {})
        | ({"star": star} if star else {}),
    )
    checklist.state = to_state
    Checklist.objects.filter(pk=checklist.pk).update(
        state=to_state, revision=F("revision") + 1, updated_at=timezone.now()
    )
    checklist.revision += 1
    tell_transition(
        checklist=checklist,
        action=action,
        reason=reason,
        star=star,
        level=record.level,
        serial=checklist.revision,
    )
    return record


def _reason_required(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写原因。")]})
    return reason


def _sync(target: Checklist, locked: Checklist) -> Checklist:
    target.state, target.revision = locked.state, locked.revision
    target.submitted_at = locked.submitted_at
    return target


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
    checklist_score(checklist=locked, loaded=loaded)
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


def checklists_submit(*, checklists: list[Checklist], user: Any) -> tuple[int, list[str]]:
    """Submit several at once for their branches (批量代为提交), e.g. after a township's sheet
    was imported; each transition says it was done on the branch's behalf."""

    def submit(*, checklist: Checklist, user: Any) -> Checklist:
        return checklist_submit(checklist=checklist, user=user, reason=ON_BEHALF)

    return _each(submit, checklists, user)


def checklists_pass(*, checklists: list[Checklist], user: Any) -> tuple[int, list[str]]:
    """Pass several at once (批量初审通过)."""
    return _each(checklist_pass, checklists, user)


@transaction.atomic
def checklist_approve(*, checklist: Checklist, user: Any, reason: str = "") -> Checklist:
    """County approval (县级审定)."""
    return _advance(checklist, user, Action.APPROVE, ChecklistState.APPROVED, reason.strip())


def checklists_approve(*, checklists: list[Checklist], user: Any) -> tuple[int, list[str]]:
    """Approve several at once (批量审定)."""
    return _each(checklist_approve, checklists, user)


@transaction.atomic
def checklist_reopen(*, checklist: Checklist, user: Any, reason: str) -> Checklist:
    """Formally reopen an approved checklist (重新打开) so its answers can change again."""
    reason = _reason_required(reason)
    return _advance(checklist, user, Action.REOPEN, ChecklistState.DRAFT, reason)


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error)
