"""Demo answers: the 2026 checklists of every demo branch, with a realistic spread of levels and
of workflow states, and a quarterly cycle for rankings. Idempotent: branches that already have a
checklist for a cycle are left alone. Bulk writes, then one bulk rescore."""

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from access.gate import SYSTEM
from branches.models import Branch, Target
from catalogues import engine
from catalogues.models import Cycle, Deadline
from catalogues.selectors import catalogue_current, catalogue_load
from catalogues.services import catalogue_load_default, cycle_get_or_create
from scoring.choices import Action, ChecklistState
from scoring.models import Answer, Checklist, Publicity, Transition
from scoring.services.facts import facts_apply
from scoring.services.scores import checklists_rescore
from tallies.models import TallySnapshot
from tallies.services import tally_inline
from villages.choices import VillageKind
from villages.models import County

S = ChecklistState
# Target levels (0–5) and how often each occurs: most branches at three stars or more.
LEVELS = [0, 1, 2, 3, 4, 5]
LEVEL_WEIGHTS = [4, 8, 18, 35, 23, 12]


@dataclass(frozen=True)
class DemoPlan:
    """Which branch is where in the workflow, decided before anything is written."""

    secretary_village_ids: frozenset[int]  # their own checklist stays a half-filled draft
    review_township_id: int  # the demo clerk's township: submissions waiting


def _value(criterion: engine.CriterionSpec, met: bool, rng: random.Random) -> engine.Value:
    if criterion.kind == engine.BOOL:
        return met
    threshold = criterion.threshold or Decimal(0)
    step = Decimal("1") if criterion.kind == engine.NUMBER else Decimal("0.1")
    top = Decimal(100) if criterion.kind == engine.PERCENT else max(threshold * 2, Decimal(10))
    at_least = criterion.direction != engine.AT_MOST
    low, high = (threshold, top) if met == at_least else (Decimal(0), threshold)
    pick = (low + (high - low) * Decimal(rng.random())).quantize(step)
    if not met and at_least and pick >= threshold:
        pick = max(Decimal(0), threshold - step)
    if not met and not at_least and pick <= threshold:
        pick = threshold + step
    return pick


def _answers(
    spec: engine.CatalogueSpec, level: int, rng: random.Random, complete: bool = True
) -> dict[str, engine.Value]:
    earned = set(rng.sample(spec.stars[1:], max(0, level - 1)))
    if level:
        earned.add(spec.base_star or spec.stars[0])
    answers: dict[str, engine.Value] = {}
    for criterion in spec.criteria:
        if not complete and rng.random() < 0.5:
            continue
        if criterion.veto:
            answers[criterion.code] = False
            continue
        strong = criterion.star in earned
        met = (criterion.hard or rng.random() < 0.93) if strong else rng.random() < 0.6
        answers[criterion.code] = _value(criterion, met, rng)
    return answers


@transaction.atomic
def seed_answers(*, year: int, plan: DemoPlan, rng: random.Random) -> None:
    for kind in VillageKind.values:
        catalogue_load_default(branch_kind=kind, year=year)
    annual = cycle_get_or_create(code=str(year))
    earlier = cycle_get_or_create(code=f"{year}Q2")
    quarter = cycle_get_or_create(code=f"{year}Q3")
    branches = list(
        Branch.objects.select_related("village__township__county__city__province").order_by(
            "village__code"
        )
    )
    for cycle in (annual, earlier, quarter):
        done = set(Checklist.objects.filter(cycle=cycle).values_list("branch_id", flat=True))
        todo = [b for b in branches if b.pk not in done]
        if todo:
            fill(cycle, todo, plan, rng)
    _targets(branches, year, rng)
    if branches:  # the demo county's deadline for the year, three weeks out
        Deadline.objects.get_or_create(
            county=branches[0].village.township.county,
            cycle=annual,
            defaults={"due": timezone.localdate() + timedelta(days=21)},
        )
    province = branches[0].village.township.county.city.province if branches else None
    if province is not None:  # one run a cycle writes every county's, city's and its own
        for cycle in (earlier, quarter, annual):
            if not TallySnapshot.objects.filter(province=province, cycle=cycle).exists():
                tally_inline(place=province, cycle=cycle)


def _targets(branches: list[Branch], year: int, rng: random.Random) -> None:
    """The county's and each township's targets for the year by kind, and branches' declared
    levels."""
    if not branches or Target.objects.filter(year=year).exists():
        return
    groups: dict[tuple[str, Any], list[Branch]] = {}
    for branch in branches:
        kind, township = branch.village.kind, branch.village.township
        for place in (township, township.county, township.county.city):
            groups.setdefault((kind, place), []).append(branch)
        groups.setdefault((kind, township.county.city.province), []).append(branch)
    Target.objects.bulk_create(
        Target(
            year=year,
            kind=kind,
            **{type(place).__name__.lower(): place},
            five_star=max(1, len(members) // 10),
            four_star=max(1, len(members) // 4),
            three_plus_share=Decimal(rng.choice([70, 75, 80])),
        )
        for (kind, place), members in groups.items()
    )
    for branch in branches:
        branch.target_level = rng.choice([3, 3, 4, 4, 5])
    Branch.objects.bulk_update(branches, ["target_level"])


def fill(
    cycle: Cycle,
    branches: list[Branch],
    plan: DemoPlan,
    rng: random.Random,
    steps: int | None = None,
) -> None:
    """Checklists of `cycle` for `branches` with answers spread over the levels, walked along
    the workflow (`steps` steps for every one, or a realistic mix)."""
    catalogues = {
        kind: catalogue_current(branch_kind=kind, year=cycle.year) for kind in VillageKind.values
    }
    loaded = {kind: catalogue_load(catalogue=c) for kind, c in catalogues.items()}
    checklists, answers_of = [], {}
    for branch in branches:
        kind = branch.village.kind
        draft = branch.village_id in plan.secretary_village_ids
        level = rng.choices(LEVELS, LEVEL_WEIGHTS)[0]
        checklist = Checklist(branch=branch, cycle=cycle, catalogue=catalogues[kind])
        checklists.append(checklist)
        answers_of[branch.pk] = (
            kind,
            _answers(loaded[kind].spec, level, rng, complete=not draft or not cycle.is_annual),
        )
    Checklist.objects.bulk_create(checklists)
    checklists = list(
        Checklist.objects.filter(cycle=cycle, branch__in=branches).select_related(
            "catalogue", "branch__village"
        )
    )
    Answer.objects.bulk_create(
        Answer(
            checklist=c,
            criterion_id=loaded[kind].id_of[code],
            value_bool=value if isinstance(value, bool) else None,
            value_number=None if isinstance(value, bool) else value,
        )
        for c in checklists
        for kind, answers in [answers_of[c.branch_id]]
        for code, value in answers.items()
    )
    checklists_rescore(checklists=checklists)
    # Weak and lax branches answer their veto item from the register, before any step is taken.
    weak = [c for c in checklists if c.branch.weak_lax]
    facts_apply(checklists=weak, user=SYSTEM, reason="软弱涣散名册")
    for checklist in weak:
        checklist.refresh_from_db(fields=["level", "result", "revision", "scored_at"])
    _advance(cycle, checklists, plan, rng, steps)


def _steps(
    checklist: Checklist, cycle: Cycle, plan: DemoPlan, rng: random.Random, fixed: int | None
) -> int:
    """How far along submit, pass, approve and publish a demo checklist has come."""
    if fixed is not None:
        return fixed
    if not cycle.is_annual:
        return 3
    if checklist.branch.village.township_id == plan.review_township_id:
        return rng.choice([1, 1, 1, 0])
    steps = rng.choice([1, 2, 2, 2, 3, 3, 4])
    return 3 if steps == 4 and checklist.level < 3 else steps  # the public sees the stronger


def _advance(
    cycle: Cycle,
    checklists: list[Checklist],
    plan: DemoPlan,
    rng: random.Random,
    fixed: int | None = None,
) -> None:
    """Walk each checklist some way along the workflow, writing the transitions it would have."""
    now = timezone.now()
    path = [
        (Action.SUBMIT, S.SUBMITTED),
        (Action.PASS, S.REVIEWED),
        (Action.APPROVE, S.APPROVED),
        (Action.PUBLISH, S.PUBLICITY),
    ]
    publicity = None
    transitions = []
    for checklist in checklists:
        village = checklist.branch.village
        if village.pk in plan.secretary_village_ids and cycle.is_annual:
            continue  # the demo secretary's own draft
        steps = _steps(checklist, cycle, plan, rng, fixed)
        state = S.DRAFT
        for n, (action, target) in enumerate(path[:steps]):
            at = now - timedelta(days=12 - 3 * n, hours=rng.randint(0, 8))
            transitions.append(
                Transition(
                    checklist=checklist,
                    action=action,
                    from_state=state,
                    to_state=target,
                    reason="",
                    level=checklist.level,
                    at=at,
                )
            )
            state = target
        checklist.state = state
        checklist.submitted_at = now - timedelta(days=12) if steps else None
        if state == S.PUBLICITY:
            if publicity is None:
                publicity = Publicity.objects.create(
                    county=village.township.county,
                    cycle=cycle,
                    starts_at=now - timedelta(days=3),
                    ends_at=now + timedelta(days=2),
                )
            checklist.publicity = publicity
    Checklist.objects.bulk_update(checklists, ["state", "submitted_at", "publicity"])
    times = [t.at for t in transitions]
    made = Transition.objects.bulk_create(transitions)
    # auto_now_add overrode the times given above; put them back so the history reads true
    for record, at in zip(made, times, strict=True):
        record.at = at
    Transition.objects.bulk_update(made, ["at"])


# Ratings of the demo county whose publicity is over, ready for the county to award.
ENDED_IN_DEMO = 5


def publicity_over(*, county: County, year: int) -> None:
    """A few of this year's ratings went before the public a week ago and their period is
    over, with no objection: the county can award them at once, as it would on the day (the
    demo shows an award without anyone editing a date). Made after last year's history, whose
    nightly award would otherwise have awarded them already."""
    now = timezone.now()
    chosen = list(
        Checklist.objects.filter(
            state=S.PUBLICITY,
            cycle__year=year,
            cycle__quarter__isnull=True,
            branch__village__township__county=county,
            objections__isnull=True,
        ).order_by("branch__village__code")[:ENDED_IN_DEMO]
    )
    if not chosen:
        return
    ended = Publicity.objects.create(
        county=county,
        cycle=chosen[0].cycle,
        starts_at=now - timedelta(days=7),
        ends_at=now - timedelta(days=2),
    )
    Checklist.objects.filter(pk__in=[c.pk for c in chosen]).update(publicity=ended)
