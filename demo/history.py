"""The demo's last year, already rated, so that awarding, revoking and year-on-year history
can be seen at once: every checklist of the demo county approved, the stronger ones put into
publicity and awarded after it ended, one objection upheld (the branch reviewed again, then
awarded), two veto events after the award (one star revoked, one proposal still waiting), and
rectification tasks in every state.

It goes through the same services as people do (publicity, objections, awards, revocation,
rectification), then moves the dates back by a year so the history reads true."""

import random
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from branches.choices import RectificationStatus
from branches.models import Branch, Rating, Rectification
from branches.services import rectification_create, rectification_step
from catalogues.models import Cycle
from catalogues.services import catalogue_load_default, cycle_get_or_create
from demo.answers import DemoPlan, fill
from notifications.models import Notification
from scoring.choices import ChecklistState as S
from scoring.models import Checklist, Objection, Publicity, Revocation, Transition
from scoring.services.events import event_record, revocation_decide
from scoring.services.publicity import (
    award_due,
    objection_file,
    objection_rule,
    publicity_open,
)
from scoring.services.workflow import checklists_approve, checklists_pass
from tallies.services import tally_inline
from villages.choices import VillageKind
from villages.models import County

AGO = timedelta(days=330)


def seed_history(*, county: County, year: int, rng: random.Random) -> None:
    """Last year (`year` − 1) of `county`, rated; once (skipped when it is there)."""
    past = year - 1
    if Checklist.objects.filter(cycle__code=str(past)).exists():
        return
    staff = User.objects.get(username="county")
    for kind in VillageKind.values:
        catalogue_load_default(branch_kind=kind, year=past)
    cycle = cycle_get_or_create(code=str(past))
    branches = list(
        Branch.objects.filter(village__township__county=county)
        .select_related("village__township__county")
        .order_by("village__code")
    )
    fill(cycle, branches, DemoPlan(frozenset(), -1), rng, steps=2)  # all reviewed
    reviewed = list(Checklist.objects.filter(cycle=cycle).select_related("branch__village"))
    checklists_approve(checklists=reviewed, user=staff)
    strong = [c for c in Checklist.objects.filter(cycle=cycle, state=S.APPROVED) if c.level >= 3]
    publicity_open(checklists=strong, user=staff, days=5)
    objected = strong[0]
    objection = objection_file(
        checklist=objected, name="村民代表", contact="13800000000",
        text="村集体经济收入含一次性补助，不应计入经营性收入。",
    )  # fmt: skip
    objection_rule(
        objection=objection, user=staff, upheld=True, ruling="经核实异议成立，退回乡镇复核。"
    )
    # Back with the township, which reviews it again; the county approves and publicises it.
    clerk = User.objects.get(role=Role.TOWNSHIP, township_id=objected.branch.village.township_id)
    checklists_pass(checklists=[Checklist.objects.get(pk=objected.pk)], user=clerk)
    checklists_approve(checklists=[Checklist.objects.get(pk=objected.pk)], user=staff)
    publicity_open(checklists=[Checklist.objects.get(pk=objected.pk)], user=staff, days=5)
    Publicity.objects.filter(cycle=cycle).update(
        starts_at=timezone.now() - timedelta(days=10), ends_at=timezone.now() - timedelta(days=1)
    )
    award_due(user=staff, county_id=county.pk)
    _vetoes_after_award(cycle, past, exclude=objected.pk, staff=staff)
    _rectifications(cycle.code, branches, staff, rng)
    _back_a_year(cycle)
    # What people were told of last year is recorded when the seeding commits: move it back then.
    transaction.on_commit(lambda: _notes_back_a_year(cycle))
    tally_inline(place=county.city.province, cycle=cycle)  # last year on every dashboard


def _vetoes_after_award(cycle: Cycle, past: int, *, exclude: int, staff: User) -> None:
    """Two veto events after the award: a safety accident, whose revocation the county
    confirmed, and a petition whose proposal still waits in the county's queue."""
    holding = [
        c
        for c in Checklist.objects.filter(cycle=cycle, state=S.AWARDED).select_related("branch")
        if c.pk != exclude and "PA" in Rating.objects.get(branch_id=c.branch_id, year=past).stars
    ]
    clerk_of = {u.township_id: u for u in User.objects.filter(role=Role.TOWNSHIP)}
    for checklist, kind, what, confirm in (
        (holding[0], "accident", "村办砖厂发生安全生产事故，造成1人死亡", True),
        (holding[1], "petition", "村民因土地流转纠纷越级到省上访", False),
    ):
        event_record(
            user=clerk_of[checklist.branch.village.township_id], branch=checklist.branch,
            kind=kind, happened_on=date(past, 9, 12), place="本村", description=what,
        )  # fmt: skip
        if confirm:
            revocation_decide(
                user=staff, revocation=Revocation.objects.get(event__branch=checklist.branch),
                confirm=True,
            )  # fmt: skip


def _rectifications(cycle: str, branches: list[Branch], staff: User, rng: random.Random) -> None:
    """Tasks in every state: open (one overdue), done, verified, closed, and rejected back."""
    today = timezone.localdate()
    walks = [[], [], ["done"], ["done", "verify"], ["done", "verify", "close"], ["done", "reject"]]
    for n, steps in enumerate(walks):
        branch = branches[rng.randrange(len(branches))]
        task = rectification_create(
            branch=branch, cycle=cycle, star="CY", criterion="CY-01",
            title="村集体经济经营性收入未达标，制定增收方案并落实", owner=f"责任人{n + 1}",
            deadline=today + timedelta(days=30 if n else 60), user=staff,
        )  # fmt: skip
        clerk = User.objects.get(role=Role.TOWNSHIP, township_id=branch.village.township_id)
        for step in steps:
            rectification_step(
                task=task, step=step, user=staff if step == "close" else clerk,
                note="已按要求整改，附台账。" if step == "done" else "",
            )  # fmt: skip
    overdue = Rectification.objects.filter(status=RectificationStatus.OPEN).order_by("pk").first()
    if overdue is not None:
        Rectification.objects.filter(pk=overdue.pk).update(deadline=today - timedelta(days=15))


def _notes_back_a_year(cycle: Cycle) -> None:
    def ids(rows: Any) -> str:
        return "|".join(str(pk) for pk in rows) or "0"

    checklists = ids(Checklist.objects.filter(cycle=cycle).values_list("pk", flat=True))
    objections = ids(Objection.objects.filter(checklist__cycle=cycle).values_list("pk", flat=True))
    tasks = ids(Rectification.objects.filter(cycle=cycle.code).values_list("pk", flat=True))
    pattern = (
        rf"^(checklist:({checklists})|objection:({objections})|ruling:({objections})"
        rf"|rectification:({tasks}))(:|$)"
    )
    Notification.objects.filter(key__regex=pattern).update(created_at=F("created_at") - AGO)


def _back_a_year(cycle: object) -> None:
    """Last year's events happened last year: move their times back."""
    Transition.objects.filter(checklist__cycle=cycle).update(at=F("at") - AGO)
    Publicity.objects.filter(cycle=cycle).update(
        starts_at=F("starts_at") - AGO, ends_at=F("ends_at") - AGO
    )
    Objection.objects.filter(checklist__cycle=cycle).update(
        filed_at=F("filed_at") - AGO, ruled_at=F("ruled_at") - AGO
    )
    Rating.objects.filter(year=cycle.year).update(awarded_at=F("awarded_at") - AGO)  # type: ignore[attr-defined]
    Checklist.objects.filter(cycle=cycle).update(submitted_at=F("submitted_at") - AGO)
