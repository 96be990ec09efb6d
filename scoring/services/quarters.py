"""Reward and penalty items of quarterly scoring: the township records, the county confirms."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.gate import gated
from audit.services import audit
from branches.choices import DecisionState
from branches.models import Branch
from catalogues.models import AdjustmentKind, Cycle
from core.errors import Conflict
from scoring.choices import AuditAction
from scoring.models import Adjustment, Checklist
from uploads.evidence import evidence_check


@gated(
    "adjustment.record",
    on="branch",
    refused=gettext_lazy("只有本乡镇(街道)可以登记该支部的加减分。"),
)
@transaction.atomic
def adjustment_record(
    *,
    user: Any,
    branch: Branch,
    cycle: Cycle,
    kind: str,
    star: str,
    reason: str,
    evidence: UploadedFile | None,
) -> Adjustment:
    """A township records a reward or penalty item on one of its branches for a quarter."""
    if cycle.is_annual:
        raise ValidationError({"cycle": [_("加减分只用于季度考评，请选择季度。")]})
    checklist = (
        Checklist.objects.filter(branch=branch, cycle=cycle).select_related("catalogue").first()
    )
    if checklist is None:
        raise ValidationError(
            {"place_code": [_("该支部%(cycle)s尚未填报清单，无从计分。") % {"cycle": cycle.code}]}
        )
    errors: dict[str, list[str]] = {}
    found = AdjustmentKind.objects.filter(catalogue=checklist.catalogue, code=kind).first()
    stars = set(checklist.catalogue.stars.values_list("code", flat=True))
    if found is None:
        errors["kind"] = [_("请选择加减分项目。")]
    else:
        star = found.star or star.strip().upper()
        if star not in stars:
            errors["star"] = [_("请选择计入哪颗星。")]
    if not reason.strip():
        errors["reason"] = [_("请写明事由。")]
    if evidence is None:
        errors["evidence"] = [_("请上传佐证材料（照片或PDF）。")]
    if errors:
        raise ValidationError(errors)
    assert found is not None and evidence is not None
    _type, suffix = evidence_check(evidence)
    item = Adjustment.objects.create(
        branch=branch, cycle=cycle, kind=found, star=star, reason=reason.strip()[:300],
        recorded_by=user,
    )  # fmt: skip
    item.evidence.save(f"{item.pk}.{suffix}", evidence)
    audit(
        user=user,
        action=AuditAction.ADJUSTMENT,
        target=item,
        after={"kind": found.code, "star": star, "cycle": cycle.code},
    )
    return item


@gated("adjustment.decide", on="adjustment", refused=gettext_lazy("只有县委组织部可以审核加减分。"))
@transaction.atomic
def adjustment_decide(
    *, user: Any, adjustment: Adjustment, confirm: bool, note: str = ""
) -> Adjustment:
    """The county confirms an item (it then counts) or refuses it with a reason."""
    locked = Adjustment.objects.select_for_update().select_related("branch").get(pk=adjustment.pk)
    if locked.state != DecisionState.PROPOSED:
        raise Conflict(_("该加减分已审核，请刷新后查看。"))
    if not confirm and not note.strip():
        raise ValidationError({"note": [_("不予认定的，请写明理由。")]})
    locked.decide(
        user=user, state=DecisionState.CONFIRMED if confirm else DecisionState.REFUSED, note=note
    )
    audit(
        user=user,
        action=AuditAction.ADJUSTMENT,
        target=locked,
        before={"state": DecisionState.PROPOSED},
        after={"state": locked.state, "note": locked.decision_note},
    )
    return locked
