"""Publicity (公示), objections (异议), the award (授星) and revoking a star (摘星)."""

import hashlib
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.rules import may
from audit.choices import AuditAction
from audit.services import audit
from branches.models import Rating
from scoring.choices import Action, ChecklistState, ObjectionStatus
from scoring.errors import Conflict, NotAllowed
from scoring.models import Checklist, Objection, Publicity, StarScore
from scoring.selectors import awards_due
from scoring.services.checklists import checklist_lock
from scoring.services.notices import tell_objection, tell_ruling
from scoring.services.workflow import _reason_required, transition_record

DEFAULT_DAYS = 5


@transaction.atomic
def publicity_open(
    *, checklists: list[Checklist], user: Any, days: int = DEFAULT_DAYS
) -> Publicity:
    """Put approved annual ratings of one county before the public for `days` days.

    All or nothing: if any checklist cannot go into publicity, none does.
    """
    if not checklists:
        raise ValidationError(_("请至少选择一个已审定的支部。"))
    if not 1 <= days <= 30:
        raise ValidationError({"days": [_("公示天数须在1～30天之间。")]})
    locked = [checklist_lock(pk=c.pk, user=user, action="publish") for c in checklists]
    counties = {c.branch.village.township.county_id for c in locked}
    cycles = {c.cycle_id for c in locked}
    if len(counties) != 1 or len(cycles) != 1:
        raise ValidationError(_("一次公示只能包含同一个县、同一周期的支部。"))
    now = timezone.now()
    publicity = Publicity.objects.create(
        county_id=counties.pop(),
        cycle_id=cycles.pop(),
        starts_at=now,
        ends_at=now + timedelta(days=days),
        opened_by=user,
    )
    for checklist in locked:
        transition_record(
            checklist=checklist,
            action=Action.PUBLISH,
            to_state=ChecklistState.PUBLICITY,
            user=user,
            reason=_("公示至%(until)s")
            % {"until": timezone.localtime(publicity.ends_at).strftime("%Y-%m-%d %H:%M")},
        )
    Checklist.objects.filter(pk__in=[c.pk for c in locked]).update(publicity=publicity)
    return publicity


def client_key(address: str) -> str:
    """A salted hash of the objector's address: enough to throttle, useless to track."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()


@transaction.atomic
def objection_file(
    *, checklist: Checklist, name: str, contact: str, text: str, client: str = ""
) -> Objection:
    """File a public objection against a rating while it is under publicity."""
    errors: dict[str, list[str]] = {}
    name, contact, text = name.strip(), contact.strip(), text.strip()
    if not name:
        errors["name"] = [_("请填写姓名。")]
    digits = contact.replace("-", "").replace(" ", "")
    if not (digits.isdigit() and 7 <= len(digits) <= 15):
        errors["contact"] = [_("请填写可以联系到您的电话号码。")]
    if len(text) < 5:
        errors["text"] = [_("请写明异议的具体内容（至少5个字）。")]
    if errors:
        raise ValidationError(errors)
    locked = (
        Checklist.objects.select_for_update(of=("self",))
        .select_related("publicity")
        .get(pk=checklist.pk)
    )
    if locked.state != ChecklistState.PUBLICITY or locked.publicity is None:
        raise Conflict(_("该支部的评定已不在公示期内。"))
    if locked.publicity.ends_at <= timezone.now():
        raise Conflict(_("公示期已结束，不再受理异议。"))
    if client:
        hour_ago = timezone.now() - timedelta(hours=1)
        recent = Objection.objects.filter(client=client, filed_at__gte=hour_ago).count()
        if recent >= settings.WUXING_OBJECTIONS_PER_HOUR:
            raise ValidationError(_("提交过于频繁，请一小时后再试，或直接致电县委组织部。"))
    objection = Objection.objects.create(
        checklist=locked, name=name[:30], contact=contact[:30], text=text[:2000], client=client
    )
    tell_objection(objection)
    return objection


@transaction.atomic
def objection_rule(*, objection: Objection, user: Any, upheld: bool, ruling: str) -> Objection:
    """The county's ruling. Upheld sends the rating back to township review; dismissed is
    recorded and the rating stays in publicity."""
    ruling = _reason_required(ruling)
    checklist = checklist_lock(pk=objection.checklist_id, user=user, action="uphold")
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != ObjectionStatus.OPEN:
        raise Conflict(_("该异议已经处理过了。"))
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    objection.ruling, objection.ruled_by, objection.ruled_at = ruling, user, timezone.now()
    objection.save(update_fields=["status", "ruling", "ruled_by", "ruled_at"])
    audit(
        user=user,
        action=AuditAction.OBJECTION,
        target=checklist,
        before={"objection": objection.pk, "status": ObjectionStatus.OPEN},
        after={"objection": objection.pk, "status": objection.status, "ruling": ruling},
    )
    if upheld:
        transition_record(
            checklist=checklist,
            action=Action.UPHOLD,
            to_state=ChecklistState.SUBMITTED,
            user=user,
            reason=_("异议成立：%(ruling)s") % {"ruling": ruling},
        )
        Checklist.objects.filter(pk=checklist.pk).update(publicity=None)
    else:
        tell_ruling(objection)
    return objection


def award_due(
    *, now: datetime | None = None, user: Any = None, county_id: int | None = None
) -> int:
    """Award every rating whose publicity has ended without an open objection (授星).

    Run nightly by beat and by `award_ratings`; safe to run again (each checklist is locked and
    checked). Returns how many were awarded.
    """
    now = now or timezone.now()
    due = awards_due(now=now, county_id=county_id)
    awarded = 0
    for pk in due.values_list("pk", flat=True):
        try:
            checklist_award(pk=pk, user=user, now=now)
            awarded += 1
        except Conflict:
            continue  # someone acted on it meanwhile; the next run sees its new state
    return awarded


@transaction.atomic
def checklist_award(*, pk: int, user: Any = None, now: datetime | None = None) -> Rating:
    now = now or timezone.now()
    checklist = (
        Checklist.objects.select_for_update(of=("self",))
        .select_related("publicity", "cycle", "catalogue", "branch__village__township")
        .get(pk=pk)
    )
    if user is not None and not may(user, "award"):
        raise NotAllowed(_("只有县委组织部可以授星。"))
    if checklist.state != ChecklistState.PUBLICITY or checklist.publicity is None:
        raise Conflict(_("该清单不在公示中。"))
    if checklist.publicity.ends_at > now:
        raise Conflict(_("公示期尚未结束。"))
    if checklist.objections.filter(status=ObjectionStatus.OPEN).exists():
        raise Conflict(_("还有未处理的异议，处理后才能授星。"))
    stars = [s["code"] for s in checklist.result.get("stars", []) if s["earned"]]
    rating, _created = Rating.objects.update_or_create(
        branch_id=checklist.branch_id,
        year=checklist.cycle.year,
        defaults={
            "catalogue": checklist.catalogue.code,
            "level": len(stars),
            "stars": stars,
            "awarded_at": now,
        },
    )
    transition_record(
        checklist=checklist,
        action=Action.AWARD,
        to_state=ChecklistState.AWARDED,
        user=user,
        reason=_("授予%(level)s星") % {"level": rating.level},
    )
    return rating


@transaction.atomic
def star_revoke(*, checklist: Checklist, user: Any, star: str, reason: str) -> Rating:
    """Revoke one awarded star after a veto event (摘星); the level falls by one, or to zero
    when the star is the catalogue's base star."""
    reason = _reason_required(reason)
    locked = checklist_lock(pk=checklist.pk, user=user, action="revoke")
    rating = Rating.objects.select_for_update().get(
        branch_id=locked.branch_id, year=locked.cycle.year
    )
    if star not in rating.stars:
        raise ValidationError({"star": [_("该支部本年度没有“%(star)s”这颗星。") % {"star": star}]})
    base_star = locked.catalogue.base_star
    base = base_star.code if base_star is not None else None
    # Without the base star no other star counts (DOMAIN.md), so losing it loses them all.
    lost = set(rating.stars) if star == base else {star}
    rating.stars = [s for s in rating.stars if s not in lost]
    rating.level = len(rating.stars)
    rating.save(update_fields=["stars", "level"])
    # The checklist says what the award record says: every page, export and tally that reads
    # the checklist's level or its stars shows the level after the revocation.
    result = dict(locked.result)
    result["stars"] = [
        {**s, "earned": False, "revoked": True} if s["code"] in lost else s
        for s in result.get("stars", [])
    ]
    result["level"] = rating.level
    Checklist.objects.filter(pk=locked.pk).update(level=rating.level, result=result)
    StarScore.objects.filter(checklist_id=locked.pk, star__in=lost).update(earned=False)
    locked.level, locked.result = rating.level, result
    transition_record(
        checklist=locked,
        action=Action.REVOKE,
        to_state=ChecklistState.AWARDED,
        user=user,
        reason=reason,
        star=star,
        level=rating.level,
    )
    return rating
