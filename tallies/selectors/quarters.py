"""Quarterly dynamic scoring's figures (季度动态考评): each branch's star scores for the quarter
with the confirmed rewards and penalties, its rank in its township, each township's rank in
the county, and the movement against the previous quarter. Four grouped queries a quarter,
whatever the county's size; the arithmetic is tallies.quarters."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from access.scope import restrict
from branches.choices import DecisionState
from branches.models import Branch
from catalogues.models import Cycle
from scoring.models import Adjustment, StarScore
from tallies.quarters import Item, movement, previous_quarter, ranks, star_quarter_scores
from villages.models import County


@dataclass
class BranchQuarter:
    code: str
    name: str
    township_code: str
    stars: dict[str, Decimal] = field(default_factory=dict)
    moved: dict[str, Decimal] = field(default_factory=dict)  # star → points from items
    total: Decimal | None = None
    rank: int | None = None
    change: int | None = None


@dataclass
class TownshipQuarter:
    code: str
    name: str
    branches: list[BranchQuarter] = field(default_factory=list)
    scored: int = 0
    average: Decimal | None = None
    rank: int | None = None
    change: int | None = None


def quarter_figures(*, user: Any, county: County, cycle: Cycle) -> list[TownshipQuarter]:
    """The county's townships ranked for the quarter, each with its branches ranked."""
    now = _figures(user, county, cycle.code)
    before = _figures(user, county, previous_quarter(cycle.code))
    was = {t.code: t.rank for t in before if t.rank is not None}
    by_code = {t.code: t for t in now}
    for code, change in movement({t.code: t.rank for t in now if t.rank}, was).items():
        by_code[code].change = change
    was_branch = {b.code: b.rank for t in before for b in t.branches if b.rank is not None}
    for township in now:
        ranked = {b.code: b.rank for b in township.branches if b.rank is not None}
        changes = movement(ranked, was_branch)
        for branch in township.branches:
            branch.change = changes.get(branch.code)
    return sorted(now, key=lambda t: (t.rank is None, t.rank or 0, t.code))


def _figures(user: Any, county: County, code: str) -> list[TownshipQuarter]:
    branches = restrict(Branch.objects.filter(village__township__county=county), user).values_list(
        "pk", "village__code", "village__name", "village__township__code",
        "village__township__name",
    )  # fmt: skip
    townships: dict[str, TownshipQuarter] = {}
    by_pk: dict[int, BranchQuarter] = {}
    for pk, branch_code, name, township_code, township_name in branches.order_by("village__code"):
        township = townships.setdefault(
            township_code, TownshipQuarter(township_code, township_name)
        )
        by_pk[pk] = BranchQuarter(branch_code, name, township_code)
        township.branches.append(by_pk[pk])
    scores: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for branch_id, star, score in StarScore.objects.filter(
        checklist__cycle__code=code, checklist__branch_id__in=list(by_pk)
    ).values_list("checklist__branch_id", "star", "score"):
        scores[branch_id][star] = score
    items: dict[int, list[Item]] = defaultdict(list)
    for branch_id, kind, star, points, sign, cap in Adjustment.objects.filter(
        cycle__code=code, state=DecisionState.CONFIRMED, branch_id__in=list(by_pk)
    ).values_list("branch_id", "kind__code", "star", "kind__points", "kind__sign", "kind__cap"):
        items[branch_id].append(Item(kind, star, points, sign, cap))
    for pk, branch in by_pk.items():
        if pk not in scores:
            continue  # no checklist this quarter: not ranked
        branch.stars = star_quarter_scores(scores[pk], items.get(pk, []))
        branch.moved = {s: branch.stars[s] - Decimal(scores[pk][s]) for s in branch.stars}
        branch.total = sum(branch.stars.values(), Decimal(0))
    for township in townships.values():
        scored = [b for b in township.branches if b.total is not None]
        by_code = {b.code: b for b in scored}
        totals = {b.code: b.total for b in scored if b.total is not None}
        for key, rank in ranks(totals).items():
            by_code[key].rank = rank
        township.branches.sort(key=lambda b: (b.rank is None, b.rank or 0, b.code))
        township.scored = len(scored)
        if scored:
            total = sum((b.total for b in scored if b.total is not None), Decimal(0))
            township.average = (total / len(scored)).quantize(Decimal("0.1"))
    averaged = {t.code: t.average for t in townships.values() if t.average is not None}
    for key, rank in ranks(averaged).items():
        townships[str(key)].rank = rank
    return list(townships.values())


def adjustments_of(*, user: Any, cycle: Cycle) -> QuerySet[Adjustment]:
    return (
        restrict(Adjustment.objects.filter(cycle=cycle), user)
        .select_related("branch__village__township", "kind", "recorded_by", "decided_by")
        .order_by("state", "-recorded_at")
    )
