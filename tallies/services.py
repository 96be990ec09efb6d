"""Running tallies: one live run per place (county, city or province) and cycle, fanned out per
township, gathered in one transaction into a snapshot per county and, above the county, one
per city and for the province. A worker dying midway leaves parts, never a snapshot; the
reconciler fails runs that stopped moving so that a rerun starts cleanly."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Window
from django.db.models.functions import Greatest, Least, RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy

from access.gate import gated, internal
from catalogues.models import Cycle
from catalogues.selectors import deadlines_of, star_names_of
from tallies.figures import branch_rows_many, county_snapshot, township_figures
from tallies.models import TallyPart, TallyRun, TallySnapshot, place_filter
from tallies.rollup import region_snapshot
from villages.models import City, County, Province, Township

TallyPlace = Province | City | County
SNAPSHOTS_KEPT = 3  # per place and cycle; older ones only make trend queries slower
STALE_AFTER = timedelta(minutes=2)  # the reconciler's: runs nobody joins are failed too


@gated("tally.start", on="place")
def tally_open(*, place: TallyPlace, cycle: Cycle, user: Any) -> tuple[TallyRun, bool]:
    """The live run for this place and cycle, recorded now unless one is under way (then the
    caller joins it). Returns the run and whether this call recorded it; the caller sends it
    to the workers (`tallies.tasks.tally_start`)."""
    where = place_filter(place)
    live = TallyRun.objects.filter(**where, cycle=cycle, status__in=TallyRun.LIVE).first()
    if live is not None and _alive(live):
        return live, False
    if live is not None:  # its worker died: say so on it, and start afresh
        tally_fail(run_id=live.pk, error=str(DIED))
    try:
        with transaction.atomic():
            run = TallyRun.objects.create(
                **where,
                cycle=cycle,
                requested_by=user if getattr(user, "pk", None) else None,
                heartbeat_at=timezone.now(),
            )
    except IntegrityError:  # someone started one between our look and our insert
        return TallyRun.objects.get(**where, cycle=cycle, status__in=TallyRun.LIVE), False
    return run, True


DIED = gettext_lazy("统计中断（工作进程停止响应），请重新统计。")


def _alive(run: TallyRun) -> bool:
    """A live run beats at every part it starts and ends; one silent for longer than
    WUXING_TALLY_ALIVE_SECONDS lost its worker (a part takes a second or two)."""
    silent = timezone.now() - (run.heartbeat_at or run.created_at)
    return silent <= timedelta(seconds=settings.WUXING_TALLY_ALIVE_SECONDS)


_TOWNSHIPS_OF = {
    "county_id": "county_id",
    "city_id": "county__city_id",
    "province_id": "county__city__province_id",
}


def _townships_of(run: TallyRun) -> Any:
    ((field, pk),) = run.place_filter.items()
    return Township.objects.filter(**{_TOWNSHIPS_OF[field]: pk})


@internal("the worker fans out a run that the gated tally_open recorded")
def tally_fan_out(*, run: TallyRun, batch_branches: int = 0) -> list[list[int]]:
    """Mark the run running and return the townships to tally, in batches for one task each.

    Every township is its own part; a task takes townships until it holds `batch_branches`
    branches (one township a task when 0), because a task's overhead is several times the
    cost of a small township's single query.
    """
    townships = list(
        _townships_of(run)
        .annotate(n=Count("villages__branch"))
        .order_by("code")
        .values_list("pk", "n")
    )
    TallyRun.objects.filter(pk=run.pk, status=TallyRun.Status.PENDING).update(
        status=TallyRun.Status.RUNNING, parts_total=len(townships), heartbeat_at=timezone.now()
    )
    batches: list[list[int]] = []
    held = batch_branches  # start a new batch at once
    for township_id, branches in townships:
        if held >= batch_branches:
            batches.append([])
            held = 0
        batches[-1].append(township_id)
        held += branches
    return batches


@internal("a worker's part of a recorded run")
def tally_part(*, run_id: int, township_id: int) -> bool:
    """Tally one township into its part; see `tally_parts`."""
    return tally_parts(run_id=run_id, township_ids=[township_id])


@internal("a worker's parts of a recorded run")
def tally_parts(*, run_id: int, township_ids: list[int]) -> bool:
    """Tally townships into one part each, reading them all in one query. Idempotent: a part
    already written (a redelivered task) is rewritten but not counted again. Returns True
    when the run's last part is in, so the caller gathers the run."""
    run = TallyRun.objects.select_related("cycle").get(pk=run_id)
    if run.status not in TallyRun.LIVE:
        return False  # failed or already gathered: nothing more to do
    # The heartbeat as the part starts, so a join can tell a run at work from a dead one.
    TallyRun.objects.filter(pk=run_id).update(heartbeat_at=timezone.now())
    today = timezone.localdate()
    townships = list(Township.objects.only("code", "name", "county_id").filter(pk__in=township_ids))
    rows = branch_rows_many(township_ids=township_ids, cycle=run.cycle, today=today)
    due = deadlines_of(county_ids=list({t.county_id for t in townships}), cycle=run.cycle)
    names = star_names_of(year=run.cycle.year)
    figures = {
        t.pk: township_figures(
            township=t,
            cycle=run.cycle,
            today=today,
            rows=rows[t.pk],
            due=due[t.county_id],
            star_names=names,
        )
        for t in townships
    }
    with transaction.atomic():
        written = set(
            TallyPart.objects.filter(run_id=run_id, township_id__in=figures).values_list(
                "township_id", flat=True
            )
        )
        for township_id in written:
            TallyPart.objects.filter(run_id=run_id, township_id=township_id).update(
                data=figures[township_id]
            )
        new = [t for t in figures if t not in written]
        if not new:
            return False  # a redelivery: counted the first time
        for township_id in new:  # one insert each: see the snapshots in tally_gather
            TallyPart(run_id=run_id, township_id=township_id, data=figures[township_id]).save(
                force_insert=True
            )
        TallyRun.objects.filter(pk=run_id).update(
            parts_done=F("parts_done") + len(new),
            progress=Least(
                95, 5 + 90 * (F("parts_done") + len(new)) / Greatest(F("parts_total"), 1)
            ),
            heartbeat_at=timezone.now(),
        )
        done, total = TallyRun.objects.filter(pk=run_id).values_list("parts_done", "parts_total")[0]
    return done >= total


@internal("the worker gathers a recorded run")
@transaction.atomic
def tally_gather(*, run_id: int) -> TallySnapshot | None:
    """Write the run's snapshots from every part, in one transaction, once: each county's and,
    for a run above the county, each city's and the province's. Returns the run's own."""
    run = TallyRun.objects.select_for_update().select_related("cycle").get(pk=run_id)
    if run.status == TallyRun.Status.DONE:
        return TallySnapshot.objects.filter(run=run, **run.place_filter).first()
    if run.status != TallyRun.Status.RUNNING:
        return None
    parts = list(TallyPart.objects.filter(run=run).values_list("township__county_id", "data"))
    if len(parts) < run.parts_total:
        return None  # not all in yet: the last part gathers
    by_county: dict[int, list[dict[str, Any]]] = {}
    for county_id, data in parts:
        by_county.setdefault(county_id, []).append(data)
    if run.county_id is not None:
        by_county.setdefault(run.county_id, [])  # a county without townships still has figures
    counties = County.objects.filter(pk__in=by_county).select_related("city__province")
    snapshots = []
    documents: dict[Any, list[tuple[Any, dict[str, Any]]]] = {}
    for county in sorted(counties, key=lambda c: c.code):
        data, summary = county_snapshot(county=county, cycle=run.cycle, parts=by_county[county.pk])
        snapshots.append(TallySnapshot(county=county, data=data, summary=summary))
        documents.setdefault(county.city, []).append((county, data))
    if run.county_id is None:
        cities = []
        for city, children in sorted(documents.items(), key=lambda item: item[0].code):
            if run.city_id not in (None, city.pk):
                continue
            data, summary = region_snapshot(place=city, cycle=run.cycle, children=children)
            snapshots.append(TallySnapshot(city=city, data=data, summary=summary))
            cities.append((city, data))
        if run.province_id is not None:
            province = Province.objects.get(pk=run.province_id)
            data, summary = region_snapshot(place=province, cycle=run.cycle, children=cities)
            snapshots.append(TallySnapshot(province=province, data=data, summary=summary))
    for snapshot in snapshots:
        snapshot.run, snapshot.cycle = run, run.cycle
        # One insert each: a bulk insert sends the documents as one array literal, which
        # psycopg quotes character by character (4.9 s of a province's 5.5 s gather).
        snapshot.save(force_insert=True)
    now = timezone.now()
    TallyRun.objects.filter(pk=run.pk).update(
        status=TallyRun.Status.DONE, progress=100, finished_at=now, heartbeat_at=now
    )
    TallyPart.objects.filter(run=run).delete()
    _prune(run.cycle, snapshots)
    return next(s for s in snapshots if s.place_filter == run.place_filter)


def _prune(cycle: Cycle, written: list[TallySnapshot]) -> None:
    """Keep the newest SNAPSHOTS_KEPT snapshots of each place just written (one query)."""
    ranked = (
        TallySnapshot.objects.filter(cycle=cycle)
        .filter(
            Q(county_id__in=[s.county_id for s in written if s.county_id])
            | Q(city_id__in=[s.city_id for s in written if s.city_id])
            | Q(province_id__in=[s.province_id for s in written if s.province_id])
        )
        .annotate(
            newer=Window(
                RowNumber(),
                partition_by=[F("county_id"), F("city_id"), F("province_id")],
                order_by=F("created_at").desc(),
            )
        )
    )
    stale = [pk for pk, newer in ranked.values_list("pk", "newer") if newer > SNAPSHOTS_KEPT]
    if stale:
        TallySnapshot.objects.filter(pk__in=stale).delete()


@internal("the system fails a run it could not finish")
def tally_fail(*, run_id: int, error: str) -> None:
    TallyRun.objects.filter(pk=run_id, status__in=TallyRun.LIVE).update(
        status=TallyRun.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


@internal("the beat finishes or fails stuck runs")
def tally_reconcile(*, stale_after: timedelta = STALE_AFTER) -> dict[str, int]:
    """Finish runs whose parts are all in but were never gathered, and fail runs that stopped
    moving (a worker killed midway), so that the next request starts afresh."""
    gathered = failed = 0
    for run in TallyRun.objects.filter(status=TallyRun.Status.RUNNING):
        complete = run.parts_total and run.parts_done >= run.parts_total
        if complete and tally_gather(run_id=run.pk) is not None:
            gathered += 1
    cutoff = timezone.now() - stale_after
    for run_id in TallyRun.objects.filter(
        status__in=TallyRun.LIVE, heartbeat_at__lt=cutoff
    ).values_list("pk", flat=True):
        tally_fail(run_id=run_id, error=str(DIED))
        failed += 1
    return {"gathered": gathered, "failed": failed}


@internal("the beat's nightly tallies")
def tally_cycles_nightly() -> list[Cycle]:
    """The cycles tallied every night: the newest annual one and the newest quarter."""
    annual = Cycle.objects.filter(quarter__isnull=True).order_by("-year").first()
    quarter = Cycle.objects.filter(quarter__isnull=False).order_by("-year", "-quarter").first()
    return [c for c in (annual, quarter) if c is not None]


@internal("a tally in the calling process for tests, the demo and benches")
def tally_inline(*, place: TallyPlace, cycle: Cycle) -> TallySnapshot | None:
    """The same run, parts and gather, done in this process (seeding, benchmarks of the SQL
    alone). Joins nothing: it refuses when a run is live."""
    run = TallyRun.objects.create(**place_filter(place), cycle=cycle, heartbeat_at=timezone.now())
    for batch in tally_fan_out(run=run, batch_branches=150):
        tally_parts(run_id=run.pk, township_ids=batch)
    return tally_gather(run_id=run.pk)
