"""The responsibility chain's figures: each branch's projected and awarded level, shortfall
stars and overdue rectification, and the cadres and helping units ranked by their branches.
Three queries for a county, whatever its size; the grouping by person is done on those rows
(a county has at most a thousand branches)."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.utils import timezone

from access.scope import restrict
from branches.choices import Duty, RectificationStatus
from branches.models import Assignment, Branch, Rating, Rectification
from scoring.models import Checklist, StarScore
from villages.models import Township

# The township's Party secretary answers for its branches too; the register names them.
PARTY_SECRETARY = "secretary"
DUTY_LABELS = {**{d.value: str(d.label) for d in Duty}, PARTY_SECRETARY: "乡镇党委书记"}


@dataclass
class BranchFigure:
    pk: int
    code: str
    name: str
    township_id: int
    township: str
    secretary: str
    level: int | None
    official: int | None
    overdue: int
    shortfall: list[str] = field(default_factory=list)


@dataclass
class Person:
    duty: str
    name: str
    posts: set[str] = field(default_factory=set)
    branch_ids: set[int] = field(default_factory=set)
    rank: int = 0
    branches: int = 0
    average: float | None = None
    three_plus: int = 0
    share: float | None = None
    awarded_average: float | None = None
    shortfall: int = 0
    overdue: int = 0

    @property
    def duty_label(self) -> str:
        return DUTY_LABELS[self.duty]


def branch_figures(*, user: Any, year: int) -> dict[int, BranchFigure]:
    today = timezone.localdate()
    overdue = (
        Rectification.objects.filter(
            branch=OuterRef("pk"),
            deadline__lt=today,
            status__in=[RectificationStatus.OPEN, RectificationStatus.DONE],
        )
        .values("branch")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        restrict(Branch.objects.all(), user)
        .annotate(
            level=Subquery(
                Checklist.objects.filter(branch=OuterRef("pk"), cycle__code=str(year)).values(
                    "level"
                )[:1]
            ),
            official=Subquery(
                Rating.objects.filter(branch=OuterRef("pk"), year=year).values("level")[:1]
            ),
            overdue=Subquery(overdue, output_field=IntegerField()),
        )
        .values(
            "pk",
            "village__code",
            "village__name",
            "village__township_id",
            "village__township__name",
            "secretary__name",
            "level",
            "official",
            "overdue",
        )
        .order_by("village__code")
    )
    figures = {
        r["pk"]: BranchFigure(
            pk=r["pk"],
            code=r["village__code"],
            name=r["village__name"],
            township_id=r["village__township_id"],
            township=r["village__township__name"],
            secretary=r["secretary__name"] or "",
            level=r["level"],
            official=r["official"],
            overdue=r["overdue"] or 0,
        )
        for r in rows
    }
    unearned = StarScore.objects.filter(
        checklist__cycle__code=str(year), checklist__branch_id__in=list(figures), earned=False
    ).values_list("checklist__branch_id", "star")
    for branch_id, star in unearned.order_by("checklist__branch_id", "star"):
        figures[branch_id].shortfall.append(star)
    return figures


def people(*, user: Any, year: int, figures: dict[int, BranchFigure]) -> list[Person]:
    """Everyone in the year's chain with the branches they answer for, ranked within their
    duty by the branches' average projected level (then share at three stars or more)."""
    of_township: dict[int, set[int]] = defaultdict(set)
    for figure in figures.values():
        of_township[figure.township_id].add(figure.pk)
    found: dict[tuple[str, str], Person] = {}
    assignments = restrict(Assignment.objects.filter(year=year), user).values_list(
        "duty", "name", "post", "township_id", "branch_id"
    )
    for duty, name, post, township_id, branch_id in assignments:
        person = found.setdefault((duty, name), Person(duty, name))
        person.posts.update([post] if post else [])
        person.branch_ids |= of_township[township_id] if branch_id is None else {branch_id}
    secretaries = restrict(Branch.objects.exclude(village__township__party_secretary=""), user)
    for name, township_id in secretaries.values_list(
        "village__township__party_secretary", "village__township_id"
    ).distinct():
        found.setdefault(
            (PARTY_SECRETARY, name), Person(PARTY_SECRETARY, name)
        ).branch_ids |= of_township[township_id]
    for person in found.values():
        _sum_up(person, [figures[pk] for pk in person.branch_ids if pk in figures])
    ranked = sorted(
        found.values(),
        key=lambda p: (p.duty, -(p.average or 0), -(p.share or 0), p.name),
    )
    for _duty, group in _by_duty(ranked):
        for rank, person in enumerate(group, 1):
            person.rank = rank
    return ranked


def _by_duty(ranked: list[Person]) -> list[tuple[str, list[Person]]]:
    groups: dict[str, list[Person]] = defaultdict(list)
    for person in ranked:
        groups[person.duty].append(person)
    return list(groups.items())


def _sum_up(person: Person, branches: list[BranchFigure]) -> None:
    levels = [b.level for b in branches if b.level is not None]
    awarded = [b.official for b in branches if b.official is not None]
    person.branches = len(branches)
    person.average = round(sum(levels) / len(levels), 2) if levels else None
    person.three_plus = sum(level >= 3 for level in levels)
    person.share = round(100 * person.three_plus / len(branches), 1) if branches else None
    person.awarded_average = round(sum(awarded) / len(awarded), 2) if awarded else None
    person.shortfall = sum(len(b.shortfall) for b in branches)
    person.overdue = sum(b.overdue for b in branches)


def codes_answered_by(*, user: Any, year: int, name: str) -> set[str]:
    """The codes of the branches `name` answers for in `year` (any duty, the township's Party
    secretary included), for the dashboard's filter. Two queries."""
    assignments = restrict(Assignment.objects.filter(year=year, name=name), user)
    townships = set(assignments.filter(branch__isnull=True).values_list("township_id", flat=True))
    branches = restrict(Branch.objects.all(), user)
    found = set(
        branches.filter(
            Q(pk__in=assignments.filter(branch__isnull=False).values("branch_id"))
            | Q(village__township_id__in=townships)
            | Q(village__township__party_secretary=name)
        ).values_list("village__code", flat=True)
    )
    return found


def township_leaders(*, user: Any, year: int) -> list[dict[str, Any]]:
    """Each township the user may see with its county leader and contact of `year` (two
    queries)."""
    held: dict[int, dict[str, list[str]]] = {}
    for a in restrict(Assignment.objects.filter(year=year, branch__isnull=True), user):
        held.setdefault(a.township_id, {}).setdefault(a.duty, []).append(a.name)
    return [
        {
            "township": t,
            "leader": "、".join(held.get(t.pk, {}).get("leader", [])),
            "contact": "、".join(held.get(t.pk, {}).get("contact", [])),
        }
        for t in restrict(Township.objects.order_by("code"), user)
    ]
