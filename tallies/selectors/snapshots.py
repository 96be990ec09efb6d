"""Reads of tally snapshots for the dashboards and bulletins (pages never read runs' parts)."""

from typing import Any

from django.db.models import F

from catalogues.models import Cycle
from tallies.models import TallyRun, TallySnapshot, place_filter
from villages.models import City, County, Province

TallyPlace = Province | City | County


def snapshot_latest(*, place: TallyPlace, cycle: Cycle | None) -> TallySnapshot | None:
    if cycle is None:
        return None
    return (
        TallySnapshot.objects.filter(**place_filter(place), cycle=cycle)
        .order_by("-created_at")
        .first()
    )


def snapshot_trend(*, place: TallyPlace) -> list[dict[str, Any]]:
    """Headline figures of the latest snapshot of each cycle, oldest first (one query)."""
    rows = (
        TallySnapshot.objects.filter(**place_filter(place))
        .order_by("cycle__year", F("cycle__quarter").asc(nulls_last=True), "-created_at")
        .values_list("cycle__code", "summary")
    )
    seen: dict[str, Any] = {}
    for code, summary in rows:
        seen.setdefault(code, summary)
    return [{"cycle": code, **summary} for code, summary in seen.items()]


def tally_live(*, place: TallyPlace, cycle: Cycle | None) -> TallyRun | None:
    """The run under way for this place and cycle, if any."""
    if cycle is None:
        return None
    return TallyRun.objects.filter(
        **place_filter(place), cycle=cycle, status__in=TallyRun.LIVE
    ).first()
