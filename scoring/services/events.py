"""Veto events (三零 and other vetoes) and the revocations they lead to.

An event recorded on a branch sets the matching veto item of its open checklists of that year
at once (scoring.services.facts); where the branch already holds an awarded star that the event
vetoes, a revocation proposal goes into the county's queue, naming the event. The county
confirms it (摘星, with the star and the reason from the event) or dismisses it with a reason.
A new weak-and-lax listing raises a proposal for the base star the same way."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.gate import gated, internal
from audit.services import audit
from branches.models import Branch, Rating, WeakLaxDecision
from catalogues.models import Criterion
from catalogues.selectors import catalogue_current
from core.errors import Conflict
from scoring.choices import ZERO_FACTS, AuditAction, ChecklistState, EventKind, RevocationState
from scoring.models import Checklist, Revocation, VetoEvent
from scoring.services.facts import facts_apply_branches
from scoring.services.publicity import star_revoke
from uploads.evidence import evidence_check


@gated("event.record", on="branch")
@transaction.atomic
def event_record(
    *,
    user: Any,
    branch: Branch,
    kind: str,
    happened_on: date,
    place: str,
    description: str,
    criterion: str = "",
    evidence: UploadedFile | None = None,
) -> VetoEvent:
    """Record a veto event on `branch` (township or county staff of its place)."""
    errors: dict[str, list[str]] = {}
    if kind not in EventKind.values:
        errors["kind"] = [_("请选择事项类别。")]
    if happened_on > timezone.localdate():
        errors["happened_on"] = [_("发生日期不能晚于今天。")]
    if not place.strip():
        errors["place"] = [_("请填写发生地点。")]
    if not description.strip():
        errors["description"] = [_("请简要写明情况。")]
    criterion = criterion.strip().upper() if kind == EventKind.OTHER else ""
    if kind == EventKind.OTHER and "happened_on" not in errors:
        problem = _other_item_problem(branch, happened_on.year, criterion)
        if problem:
            errors["criterion"] = [problem]
    if errors:
        raise ValidationError(errors)
    event = VetoEvent(
        branch=branch,
        kind=kind,
        criterion=criterion,
        happened_on=happened_on,
        place=place.strip()[:100],
        description=description.strip()[:300],
        recorded_by=user,
    )
    if evidence is not None:
        _type, suffix = evidence_check(evidence)
        event.save()
        event.evidence.save(f"{event.pk}.{suffix}", evidence, save=False)
    event.save()
    audit(
        user=user,
        action=AuditAction.VETO_EVENT,
        target=event,
        after={"kind": kind, "happened_on": happened_on.isoformat(), "criterion": criterion},
    )
    facts_apply_branches(branch_ids=[branch.pk], user=user, reason=_event_words(event))
    revocations_for_event(event=event)
    return event


def _other_item_problem(branch: Branch, year: int, code: str) -> str | None:
    try:
        catalogue = catalogue_current(branch_kind=branch.village.kind, year=year)
    except ValidationError as error:
        return "；".join(error.messages)
    item = Criterion.objects.filter(catalogue=catalogue, code=code).first()
    if item is None or not item.veto:
        return _("“%(code)s”不是%(year)s年标准中的否决项。") % {"code": code, "year": year}
    if item.fact:
        return _("“%(code)s”由名册或三零事件决定，请选择对应的类别。") % {"code": code}
    return None


@gated("event.withdraw", on="event")
@transaction.atomic
def event_withdraw(*, user: Any, event: VetoEvent, reason: str) -> VetoEvent:
    """Withdraw an event recorded in error (county staff); its veto lifts from every checklist
    a fact still reaches. A star already revoked for it stays revoked: that was the county's own
    decision. Taken once: the row lock makes a second withdrawal wait and then see the first."""
    if not reason.strip():
        raise ValidationError({"reason": [_("请写明撤销原因。")]})
    event = VetoEvent.objects.select_for_update().select_related("branch").get(pk=event.pk)
    if event.withdrawn_at is not None:
        raise Conflict(_("该事项已撤销。"))
    event.withdrawn_at = timezone.now()
    event.withdrawn_reason = reason.strip()[:300]
    event.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    Revocation.objects.filter(event=event, state=RevocationState.PENDING).update(
        state=RevocationState.DISMISSED,
        decided_by=user,
        decided_at=event.withdrawn_at,
        decision_note=_("事项已撤销：%(reason)s") % {"reason": event.withdrawn_reason},
    )
    audit(
        user=user,
        action=AuditAction.VETO_EVENT,
        target=event,
        before={"withdrawn": False},
        after={"withdrawn": True, "reason": event.withdrawn_reason},
    )
    facts_apply_branches(
        branch_ids=[event.branch_id],
        user=user,
        reason=_("撤销%(event)s（%(why)s）")
        % {"event": _event_words(event), "why": event.withdrawn_reason},
    )
    return event


def _event_words(event: VetoEvent) -> str:
    return _("%(day)s发生%(kind)s：%(what)s（%(place)s）") % {
        "day": event.happened_on.isoformat(),
        "kind": event.get_kind_display(),
        "what": event.description,
        "place": event.place,
    }


def _vetoed_star(rating: Rating, *, fact: str = "", code: str = "") -> str | None:
    """The star of the rating's catalogue that the fact's (or the code's) item vetoes."""
    items = Criterion.objects.filter(catalogue__code=rating.catalogue, veto=True)
    item = items.filter(fact=fact).first() if fact else items.filter(code=code).first()
    return item.star.code if item is not None else None


@internal("a step of event_record")
def revocations_for_event(*, event: VetoEvent) -> list[Revocation]:
    """Proposals for the awarded star the event vetoes, if the branch holds it that year."""
    fact = "" if event.kind == EventKind.OTHER else ZERO_FACTS[EventKind(event.kind)]
    reason = _event_words(event)
    return _propose(
        event.branch_id, event.year, reason, fact=fact, code=event.criterion, event=event
    )


@internal("a step of a listing (weak_lax_list, or the county's register import)")
def revocations_for_listing(*, listing: WeakLaxDecision) -> list[Revocation]:
    """A branch newly listed weak and lax loses the base star of a rating of that year."""
    reason = _("%(day)s被列为软弱涣散党组织：%(why)s") % {
        "day": listing.effective_on.isoformat(),
        "why": listing.reason,
    }
    return _propose(
        listing.branch_id, listing.effective_on.year, reason, fact="weak_lax", listing=listing
    )


def _propose(
    branch_id: int, year: int, reason: str, *, fact: str = "", code: str = "", **cause: Any
) -> list[Revocation]:
    """A proposal to revoke the star the item (by fact or code) vetoes, if the branch holds it
    in its rating of `year`; once per cause (`event` or `listing`)."""
    rating = Rating.objects.filter(branch_id=branch_id, year=year).first()
    if rating is None:
        return []
    star = _vetoed_star(rating, fact=fact, code=code)
    if star is None or star not in rating.stars:
        return []
    proposal, _created = Revocation.objects.get_or_create(
        rating=rating, star=star, **cause, defaults={"branch_id": branch_id, "reason": reason}
    )
    return [proposal]


@gated("revocation.decide", on="revocation")
@transaction.atomic
def revocation_decide(
    *, user: Any, revocation: Revocation, confirm: bool, note: str = ""
) -> Revocation:
    """The county confirms a proposal (摘星: the star and reason from the event) or dismisses it
    with a reason."""
    locked = Revocation.objects.select_for_update().get(pk=revocation.pk)
    if locked.state != RevocationState.PENDING:
        raise Conflict(_("该摘星建议已处理，请刷新后查看。"))
    if not confirm and not note.strip():
        raise ValidationError({"note": [_("不摘星的，请写明理由。")]})
    if confirm:
        checklist = (
            Checklist.objects.filter(
                branch_id=locked.branch_id,
                cycle__year=locked.rating.year,
                cycle__quarter__isnull=True,
                state=ChecklistState.AWARDED,
            )
            .select_related("catalogue")
            .first()
        )
        if checklist is None:
            raise Conflict(_("找不到该年度已授星的清单。"))
        if locked.star in locked.rating.stars:
            star_revoke(checklist=checklist, user=user, star=locked.star, reason=locked.reason)
    locked.decide(
        user=user,
        state=RevocationState.CONFIRMED if confirm else RevocationState.DISMISSED,
        note=note,
    )
    audit(
        user=user,
        action=AuditAction.REVOCATION,
        target=locked.rating,
        after={"star": locked.star, "state": locked.state, "note": locked.decision_note},
    )
    return locked
