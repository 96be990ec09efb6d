"""Publicity (公示), objections (异议), the award (授星) and revoking a star (摘星)."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.gate import SYSTEM, gated, internal
from audit.services import audit
from branches.models import Rating
from core.errors import Conflict
from scoring.choices import Action, AuditAction, ChecklistState, ObjectionStatus
from scoring.models import Checklist, Objection, Publicity
from scoring.selectors import awards_due
from scoring.services.answers import Write, checklists_write
from scoring.services.checklists import checklist_lock
from scoring.services.notices import tell_objection, tell_ruling
from scoring.services.steps import transition_record
from scoring.services.workflow import _reason_required

DEFAULT_DAYS = 5


@gated("publish", on="checklists")
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


@internal("filed by the public on its page (no account), or by county staff via the API's gate")
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


@gated("uphold", on="objection")
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


@internal("the nightly beat and `award_ratings`: the system awards what is due")
def award_due(
    *, now: datetime | None = None, user: Any = SYSTEM, county_id: int | None = None
) -> int:
    """Award every rating whose publicity has ended without an open objection (授星).

    Run nightly by beat and by `award_ratings`; safe to run again (each checklist is locked and
    checked). Returns how many were awarded.
    """
    now = now or timezone.now()
    awarded = 0
    for checklist in awards_due(now=now, county_id=county_id).select_related(
        "branch__village__township"
    ):
        try:
            checklist_award(checklist=checklist, user=user, now=now)
            awarded += 1
        except Conflict:
            continue  # someone acted on it meanwhile, or a fact overtook it: not awarded
    return awarded


@gated("award", on="checklist")
def checklist_award(*, checklist: Checklist, user: Any, now: datetime | None = None) -> Rating:
    """Award a rating whose publicity has ended without an open objection (授星), from its
    answers and the facts as they stand at this moment: a fact that overtook the rating sends
    it back to the county's approval instead (kept), and the award is refused."""
    with transaction.atomic():
        rating = _award(checklist=checklist, user=user, now=now or timezone.now())
    if rating is None:
        raise Conflict(
            _("该支部登记了新的否决事项或名册变更，星级已重新测算并退回县级审定，未授星。")
        )
    return rating


def _award(*, checklist: Checklist, user: Any, now: datetime) -> Rating | None:
    locked = (
        Checklist.objects.select_for_update(of=("self",))
        .select_related("publicity", "cycle", "catalogue", "branch__village__township")
        .get(pk=checklist.pk)
    )
    if locked.state != ChecklistState.PUBLICITY or locked.publicity is None:
        raise Conflict(_("该清单不在公示中。"))
    if locked.publicity.ends_at > now:
        raise Conflict(_("公示期尚未结束。"))
    if locked.objections.filter(status=ObjectionStatus.OPEN).exists():
        raise Conflict(_("还有未处理的异议，处理后才能授星。"))
    written = checklists_write(
        writes=[Write(locked)], user=user, reason=_("授星前核对否决事项和名册"), refuse_facts=False
    )
    if any(w.rechecked for w in written):
        return None
    stars = [s["code"] for s in locked.result.get("stars", []) if s["earned"]]
    rating, _created = Rating.objects.update_or_create(
        branch_id=locked.branch_id,
        year=locked.cycle.year,
        defaults={
            "catalogue": locked.catalogue.code,
            "level": len(stars),
            "stars": stars,
            "awarded_at": now,
        },
    )
    transition_record(
        checklist=locked,
        action=Action.AWARD,
        to_state=ChecklistState.AWARDED,
        user=user,
        reason=_("授予%(level)s星") % {"level": rating.level},
    )
    checklist.state, checklist.revision = locked.state, locked.revision
    return rating


@gated("revoke", on="checklist")
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
    # the checklist's level, its result or its star rows shows the level after the revocation.
    checklists_write(
        writes=[Write(locked, revoke=frozenset(lost))],
        user=user,
        audit_action=AuditAction.TRANSITION,
    )
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
