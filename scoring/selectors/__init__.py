"""Reads of the scoring app, always through the user's scope, in a fixed number of queries."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from access.scope import restrict
from scoring import engine
from scoring.choices import ChecklistState, ObjectionStatus
from scoring.models import (
    Answer,
    Catalogue,
    Checklist,
    Criterion,
    Cycle,
    Deadline,
    Objection,
    Star,
    Transition,
    VetoEvent,
)


@dataclass(frozen=True)
class LoadedCatalogue:
    """A catalogue as the engine needs it, plus criterion ids for reading stored answers."""

    spec: engine.CatalogueSpec
    code_of: dict[int, str]  # criterion id → code
    id_of: dict[str, int]  # criterion code → id
    text_of: dict[str, str]  # criterion code → its Chinese text
    facts: dict[str, str] = field(default_factory=dict)  # criterion code → register it follows


# Published catalogues never change, so their specs are kept for the life of the process, keyed
# by what identifies the published content (a restored or flushed database may reuse an id).
_loaded: dict[tuple[int, str, object], LoadedCatalogue] = {}


def catalogue_load(*, catalogue: Catalogue) -> LoadedCatalogue:
    """The engine's view of `catalogue` (two queries, then cached when published)."""
    key = (catalogue.pk, catalogue.code, catalogue.published_at)
    cached = _loaded.get(key)
    if cached is not None:
        return cached
    stars = list(catalogue.stars.order_by("order").values_list("pk", "code"))
    star_code = dict(stars)
    criteria = list(
        Criterion.objects.filter(catalogue=catalogue)
        .order_by("star__order", "order", "code")
        .values_list(
            "pk",
            "code",
            "star_id",
            "kind",
            "points",
            "threshold",
            "direction",
            "hard",
            "veto",
            "text",
            "fact",
            "signed",
        )
    )
    base = star_code.get(catalogue.base_star_id) if catalogue.base_star_id else None
    spec = engine.CatalogueSpec(
        code=catalogue.code,
        pass_mark=Decimal(catalogue.pass_mark),
        stars=tuple(code for _, code in stars),
        base_star=base,
        criteria=tuple(
            engine.CriterionSpec(
                code=code,
                star=star_code[star_id],
                kind=kind,
                points=points,
                threshold=threshold,
                direction=direction,
                hard=hard,
                veto=veto,
                signed=signed,
            )
            for _, code, star_id, kind, points, threshold, direction, hard, veto, *_tf, signed in (
                criteria
            )
        ),
    )
    loaded = LoadedCatalogue(
        spec=spec,
        code_of={pk: code for pk, code, *_ in criteria},
        id_of={code: pk for pk, code, *_ in criteria},
        text_of={code: text for _, code, *_, text, _f, _s in criteria},
        facts={code: fact for _, code, *_, fact, _s in criteria if fact},
    )
    if catalogue.is_published:
        _loaded[key] = loaded
    return loaded


def catalogue_current(*, branch_kind: str, year: int) -> Catalogue:
    """The latest published catalogue of a branch kind for a year."""
    catalogue = (
        Catalogue.objects.filter(branch_kind=branch_kind, year=year, published_at__isnull=False)
        .order_by("-version")
        .first()
    )
    if catalogue is None:
        raise ValidationError(_("%(year)s年尚未发布该类支部的星级标准。") % {"year": year})
    return catalogue


def _answer_rows(checklist_ids: list[int]) -> Iterator[tuple[int, int, Any, Any]]:
    """(checklist id, criterion id, yes/no, number) of many checklists, in one query."""
    rows = Answer.objects.filter(checklist_id__in=checklist_ids).values_list(
        "checklist_id", "criterion_id", "value_bool", "value_number"
    )
    return rows.iterator(chunk_size=20000)


def answers_by_criterion(checklist_ids: list[int]) -> dict[int, dict[int, Any]]:
    """Stored answers: checklist id → criterion id → value (None for a row without a value,
    e.g. one holding only evidence or a return reason)."""
    found: dict[int, dict[int, Any]] = defaultdict(dict)
    for checklist_id, criterion_id, vb, vn in _answer_rows(checklist_ids):
        found[checklist_id][criterion_id] = vb if vb is not None else vn
    return found


def answers_by_checklist(
    checklist_ids: list[int], code_of: dict[int, str]
) -> dict[int, dict[str, engine.Value | None]]:
    """Stored answers keyed by checklist id then criterion code (what the engine reads)."""
    found: dict[int, dict[str, engine.Value | None]] = defaultdict(dict)
    for checklist_id, criterion_id, vb, vn in _answer_rows(checklist_ids):
        found[checklist_id][code_of[criterion_id]] = vb if vb is not None else vn
    return found


def answers_of(checklist: Checklist, loaded: LoadedCatalogue) -> dict[str, engine.Value | None]:
    return answers_by_checklist([checklist.pk], loaded.code_of).get(checklist.pk, {})


def checklist_list(
    *,
    user: Any,
    cycle: Cycle | None = None,
    states: list[str] | None = None,
    township_id: int | None = None,
) -> QuerySet[Checklist]:
    queryset = restrict(
        Checklist.objects.select_related(
            "branch__village__township", "cycle", "catalogue", "publicity"
        ),
        user,
    )
    if cycle is not None:
        queryset = queryset.filter(cycle=cycle)
    if states:
        queryset = queryset.filter(state__in=states)
    if township_id is not None:
        queryset = queryset.filter(branch__village__township_id=township_id)
    return queryset.order_by("branch__village__code")


def checklist_get(*, user: Any, pk: int) -> Checklist:
    """One checklist the user may see, with answers, evidence and transitions prefetched."""
    queryset = checklist_list(user=user).prefetch_related(
        Prefetch(
            "answers", Answer.objects.select_related("criterion").prefetch_related("evidence")
        ),
        Prefetch("transitions", Transition.objects.select_related("user")),
        "objections",
    )
    return get_object_or_404(queryset, pk=pk)


def review_queue(*, user: Any) -> QuerySet[Checklist]:
    return checklist_list(user=user, states=[ChecklistState.SUBMITTED])


def cycles_newest_first() -> QuerySet[Cycle]:
    """Newest year first, and within a year the annual rating before the quarters (newest
    quarter first): the annual cycle is the one that awards stars."""
    return Cycle.objects.order_by("-year", F("quarter").desc(nulls_first=True))


def catalogue_layout(*, catalogue_id: int) -> tuple[list[Star], list[Criterion]]:
    """A catalogue's stars in order and its criteria in page order (two queries)."""
    stars = list(Star.objects.filter(catalogue_id=catalogue_id).order_by("order"))
    criteria = list(
        Criterion.objects.filter(catalogue_id=catalogue_id).order_by("star__order", "order", "code")
    )
    return stars, criteria


def under_publicity(*, county_id: int) -> list[Checklist]:
    """The county's ratings under publicity now, by township and village (the public page)."""
    return list(
        Checklist.objects.filter(
            state=ChecklistState.PUBLICITY,
            publicity__ends_at__gt=timezone.now(),
            branch__village__township__county_id=county_id,
        )
        .select_related("branch__village__township", "publicity", "cycle")
        .order_by("branch__village__township__code", "branch__village__code")
    )


def state_counts(checklists: QuerySet[Checklist]) -> dict[str, int]:
    """How many of `checklists` are in each state (one grouped query)."""
    return dict(
        checklists.order_by().values_list("state").annotate(n=Count("pk")).values_list("state", "n")
    )


def open_objections(*, user: Any) -> QuerySet[Objection]:
    return restrict(Objection.objects.select_related("checklist__branch__village"), user).filter(
        status=ObjectionStatus.OPEN
    )


def awards_due(*, now: Any = None, county_id: int | None = None) -> QuerySet[Checklist]:
    """Checklists whose publicity has ended without an open objection: ready for 授星."""
    due = Checklist.objects.filter(
        state=ChecklistState.PUBLICITY, publicity__ends_at__lte=now or timezone.now()
    ).exclude(objections__status=ObjectionStatus.OPEN)
    if county_id is not None:
        due = due.filter(branch__village__township__county_id=county_id)
    return due


def star_names_of(*, year: int) -> dict[str, str]:
    """Each star code of the year's catalogues → its name (ZB → 支部过硬星)."""
    return dict(Star.objects.filter(catalogue__year=year).values_list("code", "name"))


def deadline_of(*, county_id: int | None, cycle: Cycle | None) -> date | None:
    """The submission deadline a county's branches work to: the county's, else the cycle's."""
    if cycle is None:
        return None
    if county_id is not None:
        found = Deadline.objects.filter(county_id=county_id, cycle=cycle).values_list(
            "due", flat=True
        )
        for due in found:
            return due
    return cycle.due


def deadlines_of(*, county_ids: list[int], cycle: Cycle) -> dict[int, date | None]:
    """`deadline_of` for many counties at once (one query)."""
    found: dict[int, date | None] = dict.fromkeys(county_ids, cycle.due)
    found.update(
        Deadline.objects.filter(county_id__in=county_ids, cycle=cycle).values_list(
            "county_id", "due"
        )
    )
    return found


def township_progress(*, user: Any, township: Any, cycle: Cycle) -> QuerySet[Any]:
    """Each village of the township with its branch and its checklist of `cycle` (id, state,
    level, answered items), for the township's home (one query)."""
    from django.db.models import OuterRef, Subquery

    from villages.models import Village

    mine = Checklist.objects.filter(branch__village=OuterRef("pk"), cycle=cycle)
    return (
        restrict(Village.objects.filter(township=township), user)
        .select_related("branch__secretary")
        .annotate(
            checklist_id=Subquery(mine.values("pk")[:1]),
            state=Subquery(mine.values("state")[:1]),
            level=Subquery(mine.values("level")[:1]),
        )
        .order_by("code")
    )


def events_standing(*, branch_ids: list[int], year: int) -> dict[int, list[VetoEvent]]:
    """The veto events that stand (not withdrawn) for these branches in `year`, by branch, in
    one query."""
    found: dict[int, list[VetoEvent]] = defaultdict(list)
    events = VetoEvent.objects.filter(
        branch_id__in=branch_ids,
        happened_on__year=year,
        withdrawn_at__isnull=True,
    ).order_by("happened_on", "pk")
    for event in events:
        found[event.branch_id].append(event)
    return found
