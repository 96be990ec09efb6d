"""Background work of the tallies: thin tasks that call services."""

import time
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import OperationalError, transaction
from django.utils.translation import gettext as _

from access.gate import SYSTEM
from catalogues.models import Cycle
from core.tasks import enqueue
from tallies.models import TallyRun
from tallies.services import (
    TallyPlace,
    tally_cycles_nightly,
    tally_fail,
    tally_fan_out,
    tally_gather,
    tally_open,
    tally_parts,
    tally_reconcile,
)
from villages.models import Province


def tally_start(*, place: TallyPlace, cycle: Cycle, user: Any) -> tuple[TallyRun, bool]:
    """The live tally of this place (county, city or province) and cycle, started now unless
    one is under way (then the caller joins it). Returns the run and whether this call
    started it."""
    run, started = tally_open(place=place, cycle=cycle, user=user)
    if started:
        transaction.on_commit(lambda: _tally_dispatch(run.pk))
    return run, started


def _tally_dispatch(run_id: int) -> None:
    if enqueue(tally_run_task, run_id) is None:
        tally_fail(
            run_id=run_id,
            error=_(
                "任务队列（Redis）暂时无法连接，统计没有开始。页面和已有数据不受影响，请稍后再试。"
            ),
        )


# Tallies: one task per run fans out one task per township; the last part enqueues the gather.
TALLY_LIMITS = {
    # Nobody reads these tasks' return values (the run row is the record), so none are stored.
    "ignore_result": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
    "soft_time_limit": 300,
    "time_limit": 360,
}


@shared_task(**TALLY_LIMITS)
def tally_run_task(run_id: int) -> int:
    run = TallyRun.objects.filter(pk=run_id, status__in=TallyRun.LIVE).first()
    if run is None:
        return 0
    size = (
        settings.WUXING_TALLY_BATCH_BRANCHES
        if run.county_id
        else settings.WUXING_TALLY_REGION_BATCH_BRANCHES
    )
    batches = tally_fan_out(run=run, batch_branches=size)
    if not batches:
        tally_gather_task.delay(run_id)
        return 0
    # The other batches go to the queue; this task does the first one itself, saving a message.
    for batch in batches[1:]:
        tally_part_task.delay(run_id, batch)
    tally_part_task(run_id, batches[0])
    return len(batches)


@shared_task(**TALLY_LIMITS)
def tally_part_task(run_id: int, township_ids: list[int]) -> bool:
    """Tally a batch of townships, one part each; the task completing the count gathers."""
    pause = settings.WUXING_TALLY_PART_PAUSE_MS
    if pause:  # only for fault tests: widens the window in which a worker can be killed
        time.sleep(pause / 1000)
    try:
        last = tally_parts(run_id=run_id, township_ids=township_ids)
    except OperationalError:
        raise  # transient: retried with backoff
    except Exception as error:
        tally_fail(run_id=run_id, error=f"{type(error).__name__}: {error}")
        raise
    if last:
        # Gather here rather than in a task of its own; if this worker dies first, the
        # reconciler gathers the run (all its parts are in).
        tally_gather(run_id=run_id)
    return last


@shared_task(**TALLY_LIMITS)
def tally_gather_task(run_id: int) -> bool:
    return tally_gather(run_id=run_id) is not None


@shared_task(soft_time_limit=600, time_limit=660)
def tally_nightly_task() -> int:
    """Start a tally of the newest annual cycle (and the newest quarter) for every province:
    each run writes the snapshots of every county and city in it too, so every level's
    dashboard is fresh in the morning."""
    started = 0
    cycles = tally_cycles_nightly()
    for province in Province.objects.all():
        for cycle in cycles:
            started += int(tally_start(place=province, cycle=cycle, user=SYSTEM)[1])
    return started


@shared_task(soft_time_limit=120, time_limit=180)
def tally_reconcile_task() -> dict:
    """Gather what was never gathered, fail what stopped moving (beat, every few minutes)."""
    return tally_reconcile()
