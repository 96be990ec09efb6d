"""A branch's weak-and-lax history (软弱涣散): listing by the county, lifting (整顿转化) proposed
by the township with evidence and confirmed by the county. Every step is a `WeakLaxDecision`
row and an audit entry; the branch's own fields say where it stands now, and the scoring app
follows them (its receiver on Branch saves)."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.gate import gated, internal
from access.rules import may
from audit.services import audit
from branches.choices import AuditAction, DecisionState, WeakLaxStep
from branches.models import Branch, WeakLaxDecision
from core.errors import Conflict
from uploads.evidence import evidence_check


def _checked(effective_on: date, reason: str) -> None:
    errors = {}
    if effective_on > timezone.localdate():
        errors["effective_on"] = [_("日期不能晚于今天。")]
    if not reason.strip():
        errors["reason"] = [_("请写明原因或整顿情况。")]
    if errors:
        raise ValidationError(errors)


@gated(
    "weak_lax.decide", on="branch", refused=gettext_lazy("只有县委组织部可以认定软弱涣散党组织。")
)
@transaction.atomic
def weak_lax_list(*, user: Any, branch: Branch, effective_on: date, reason: str) -> WeakLaxDecision:
    """The county lists a branch as weak and lax (认定): in force at once."""
    _checked(effective_on, reason)
    branch = Branch.objects.select_for_update().get(pk=branch.pk)
    if branch.weak_lax:
        raise ValidationError(_("该支部已在软弱涣散名册中。"))
    decision = WeakLaxDecision.objects.create(
        branch=branch,
        step=WeakLaxStep.LISTED,
        state=DecisionState.CONFIRMED,
        effective_on=effective_on,
        reason=reason.strip()[:300],
        proposed_by=user,
        decided_by=user,
        decided_at=timezone.now(),
    )
    branch.weak_lax, branch.weak_lax_since = True, effective_on
    branch.weak_lax_reason = reason.strip()[:200]
    branch.weak_lax_decision = decision  # type: ignore[attr-defined]  # the receiver needs no row
    branch.save()
    audit(user=user, action=AuditAction.WEAK_LAX, target=branch, after={"listed": True})
    return decision


@gated("weak_lax.propose", on="branch", refused=gettext_lazy("只有本乡镇(街道)可以提出整顿转化。"))
@transaction.atomic
def weak_lax_propose_lift(
    *,
    user: Any,
    branch: Branch,
    effective_on: date,
    reason: str,
    evidence: UploadedFile | None = None,
) -> WeakLaxDecision:
    """The township proposes lifting a listing (整顿转化), with what was done and evidence."""
    _checked(effective_on, reason)
    branch = Branch.objects.select_for_update().get(pk=branch.pk)
    if not branch.weak_lax:
        raise ValidationError(_("该支部不在软弱涣散名册中，无需整顿转化。"))
    if WeakLaxDecision.objects.filter(branch=branch, state=DecisionState.PROPOSED).exists():
        raise ValidationError(_("已有一份整顿转化申请等待县委组织部确认。"))
    if evidence is None:
        raise ValidationError({"evidence": [_("请上传整顿转化的佐证材料（照片或PDF）。")]})
    _type, suffix = evidence_check(evidence)
    decision = WeakLaxDecision.objects.create(
        branch=branch,
        step=WeakLaxStep.LIFTED,
        effective_on=effective_on,
        reason=reason.strip()[:300],
        proposed_by=user,
    )
    decision.evidence.save(f"{decision.pk}.{suffix}", evidence)
    audit(user=user, action=AuditAction.WEAK_LAX, target=branch, after={"lift": "proposed"})
    return decision


@gated("weak_lax.decide", on="decision", refused=gettext_lazy("只有县委组织部可以确认整顿转化。"))
@transaction.atomic
def weak_lax_decide(
    *, user: Any, decision: WeakLaxDecision, confirm: bool, note: str = ""
) -> WeakLaxDecision:
    """The county confirms a proposed lift (the branch leaves the list) or refuses it."""
    locked = WeakLaxDecision.objects.select_for_update().get(pk=decision.pk)
    if locked.state != DecisionState.PROPOSED:
        raise Conflict(_("该申请已处理，请刷新后查看。"))
    if not confirm and not note.strip():
        raise ValidationError({"note": [_("不予确认的，请写明理由。")]})
    locked.decide(
        user=user, state=DecisionState.CONFIRMED if confirm else DecisionState.REFUSED, note=note
    )
    if confirm:
        branch = locked.branch
        branch.weak_lax, branch.weak_lax_since, branch.weak_lax_reason = False, None, ""
        branch.weak_lax_decision = locked  # type: ignore[attr-defined]
        branch.save()
    audit(
        user=user,
        action=AuditAction.WEAK_LAX,
        target=locked.branch,
        after={"lift": locked.state, "note": locked.decision_note},
    )
    return locked


def weak_lax_register_refusal(*, user: Any, branch: Branch | None, listed: bool) -> str:
    """Why a register (sheet or admin form) may not set this listing; empty when it may.

    A register may list a branch, by county staff (认定 is the county's); it never lifts one:
    the only way off the list is the township's application confirmed by the county
    (整顿转化), so a lifting is an error that names that procedure."""
    was = bool(branch is not None and branch.pk is not None and branch.listed_when_read)
    if was and not listed:
        return _(
            "软弱涣散党组织不能通过名册解除：须由乡镇(街道)在创星档案中提出整顿转化申请，"
            "经县委组织部确认后销号（整顿转化程序）。"
        )
    if listed and not was and not may(user, "weak_lax.decide", branch):
        return _("只有县委组织部可以认定软弱涣散党组织。")
    return ""


@internal(
    "history of a listing the register import or admin saved (asked weak_lax_register_refusal)"
)
def weak_lax_recorded(*, branch: Branch) -> WeakLaxDecision | None:
    """History for a listing changed without these steps (register import, admin): the change
    is recorded as the county's, since only county staff can make it there."""
    if getattr(branch, "weak_lax_decision", None) is not None:
        return branch.weak_lax_decision  # type: ignore[no-any-return]
    listed = branch.weak_lax
    decision = WeakLaxDecision.objects.create(
        branch=branch,
        step=WeakLaxStep.LISTED if listed else WeakLaxStep.LIFTED,
        state=DecisionState.CONFIRMED,
        effective_on=(branch.weak_lax_since if listed else None) or timezone.localdate(),
        reason=(branch.weak_lax_reason if listed else "") or _("由名册导入或后台修改"),
        proposed_by=getattr(branch, "weak_lax_decider", None),
        decided_by=getattr(branch, "weak_lax_decider", None),
        decided_at=timezone.now(),
    )
    branch.weak_lax_decision = decision  # type: ignore[attr-defined]
    return decision
