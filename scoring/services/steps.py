"""A step of a checklist's life recorded: the state it moves to, who, when, from, to and why,
in the checklist's own history (Transition), the audit log and the notices."""

from typing import Any

from django.db.models import F
from django.utils import timezone

from access.gate import internal
from audit.services import audit
from scoring.choices import AuditAction
from scoring.models import Checklist, Transition
from scoring.services.notices import tell_transition


@internal("a step of the gated workflow service that moves the (locked) checklist")
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
