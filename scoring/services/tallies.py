"""Running county tallies: one live run per county and cycle, fanned out per township, gathered
into one snapshot in one transaction. A worker dying midway leaves parts, never a snapshot;
the reconciler fails runs that stopped moving so that a rerun starts cleanly."""

from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.db.models.functions import Greatest, Least
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.figures import branch_rows_many, county_snapshot, township_figures
from scoring.models import Cycle, TallyPart, TallyRun, TallySnapshot
from villages.models import County, Township

SNAPSHOTS_KEPT = 3  # per county and cycle; older ones only make trend queries slower
STALE_AFTER = timedelta(minutes=10)


def tally_open(*, county: County, cycle: Cycle, user: Any = None) -> tuple[TallyRun, bool]:
    """The live run for this county and cycle, recorded now unless one is under way (then the
    caller joins it). Returns the run and whether this call recorded it; the caller sends it
    to the workers (`scoring.tasks.tally_start`)."""
    live = TallyRun.objects.filter(county=county, cycle=cycle, status__in=TallyRun.LIVE).first()
    if live is not None:
        return live, False
    try:
        with transaction.atomic():
            run = TallyRun.objects.create(
                county=county,
                cycle=cycle,
                requested_by=user if getattr(user, "pk", None) else None,
                heartbeat_at=timezone.now(),
            )
    except IntegrityError:  # someone started one between our look and our insert
        return TallyRun.objects.get(county=county, cycle=cycle, status__in=TallyRun.LIVE), False
    return run, True


def tally_fan_out(*, run: TallyRun, batch_branches: int = 0) -> list[list[int]]:
    """Mark the run running and return the townships to tally, in batches for one task each.

    Every township is its own part; a task takes townships until it holds `batch_branches`
    branches (one township a task when 0), because a task's overhead is several times the
    cost of a small township's single query.
    """
    townships = list(
        Township.objects.filter(county_id=run.county_id)
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


def tally_part(*, run_id: int, township_id: int) -> bool:
    """Tally one township into its part; see `tally_parts`."""
    return tally_parts(run_id=run_id, township_ids=[township_id])


def tally_parts(*, run_id: int, township_ids: list[int]) -> bool:
    """Tally townships into one part each, reading them all in one query. Idempotent: a part
    already written (a redelivered task) is rewritten but not counted again. Returns True
    when the run's last part is in, so the caller gathers the run."""
    run = TallyRun.objects.select_related("cycle").get(pk=run_id)
    if run.status not in TallyRun.LIVE:
        return False  # failed or already gathered: nothing more to do
    today = timezone.localdate()
    townships = Township.objects.only("code", "name").filter(pk__in=township_ids)
    rows = branch_rows_many(township_ids=township_ids, cycle=run.cycle, today=today)
    figures = {
        t.pk: township_figures(township=t, cycle=run.cycle, today=today, rows=rows[t.pk])
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
        TallyPart.objects.bulk_create(
            TallyPart(run_id=run_id, township_id=t, data=figures[t]) for t in new
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


@transaction.atomic
def tally_gather(*, run_id: int) -> TallySnapshot | None:
    """Write the county's snapshot from every part, in one transaction, once."""
    run = TallyRun.objects.select_for_update().select_related("county", "cycle").get(pk=run_id)
    if run.status == TallyRun.Status.DONE:
        return TallySnapshot.objects.filter(run=run).first()
    if run.status != TallyRun.Status.RUNNING:
        return None
    parts = [p.data for p in TallyPart.objects.filter(run=run)]
    if len(parts) < run.parts_total:
        return None  # not all in yet: the last part gathers
    data, summary = county_snapshot(county=run.county, cycle=run.cycle, parts=parts)
    snapshot = TallySnapshot.objects.create(
        county=run.county, cycle=run.cycle, run=run, data=data, summary=summary
    )
    now = timezone.now()
    TallyRun.objects.filter(pk=run.pk).update(
        status=TallyRun.Status.DONE, progress=100, finished_at=now, heartbeat_at=now
    )
    TallyPart.objects.filter(run=run).delete()
    old = TallySnapshot.objects.filter(county=run.county, cycle=run.cycle).order_by("-created_at")
    stale = list(old.values_list("pk", flat=True)[SNAPSHOTS_KEPT:])
    if stale:
        TallySnapshot.objects.filter(pk__in=stale).delete()
    return snapshot


def tally_fail(*, run_id: int, error: str) -> None:
    TallyRun.objects.filter(pk=run_id, status__in=TallyRun.LIVE).update(
        status=TallyRun.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


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
        tally_fail(run_id=run_id, error=_("统计中断（工作进程停止响应），请重新统计。"))
        failed += 1
    return {"gathered": gathered, "failed": failed}


def tally_cycles_nightly() -> list[Cycle]:
    """The cycles tallied every night: the newest annual one and the newest quarter."""
    annual = Cycle.objects.filter(quarter__isnull=True).order_by("-year").first()
    quarter = Cycle.objects.filter(quarter__isnull=False).order_by("-year", "-quarter").first()
    return [c for c in (annual, quarter) if c is not None]


def tally_inline(*, county: County, cycle: Cycle) -> TallySnapshot | None:
    """The same run, parts and gather, done in this process (seeding, benchmarks of the SQL
    alone). Joins nothing: it refuses when a run is live."""
    run = TallyRun.objects.create(county=county, cycle=cycle, heartbeat_at=timezone.now())
    for batch in tally_fan_out(run=run, batch_branches=150):
        tally_parts(run_id=run.pk, township_ids=batch)
    return tally_gather(run_id=run.pk)
