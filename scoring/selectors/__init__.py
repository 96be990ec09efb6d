"""Reads of the scoring app, always through the user's scope, in a fixed number of queries."""

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from access.scope import restrict
from catalogues import engine
from catalogues.models import Cycle
from catalogues.selectors import LoadedCatalogue
from scoring.choices import ChecklistState, ObjectionStatus
from scoring.models import Answer, Checklist, Objection, Transition, VetoEvent


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
