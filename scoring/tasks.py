"""Background work of the scoring app: thin tasks that call services."""

import logging
import time
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils.translation import gettext as _

from access.gate import SYSTEM
from core.tasks import enqueue
from scoring.models import Cycle, TallyRun
from scoring.services.answer_import import (
    answers_import_confirm_record,
    answers_import_execute,
    answers_import_record,
    answers_import_runs_inline,
)
from scoring.services.notices import reminders_due
from scoring.services.publicity import award_due
from scoring.services.tallies import (
    TallyPlace,
    tally_cycles_nightly,
    tally_fail,
    tally_fan_out,
    tally_gather,
    tally_open,
    tally_parts,
    tally_reconcile,
)
from uploads.models import ImportRun
from uploads.spreadsheets import Upload
from uploads.tasks import import_enqueue
from villages.models import Province

log = logging.getLogger(__name__)


# Starting background work: the services record a run; these send it to the workers (or do it
# here when it is small) once the record is committed. Pages, API and commands call these.


def answers_import_start(
    *, upload: Upload, user: Any, cycle: Cycle, dry_run: bool, inline: bool = False
) -> ImportRun:
    """Record an answer sheet; check (and write) it now when small or `inline`, else hand it
    to a worker after commit."""
    run = answers_import_record(upload=upload, user=user, cycle=cycle, dry_run=dry_run)
    return _answers_import_submit(run=run, upload=upload, inline=inline)


def answers_import_confirm(*, run: ImportRun, user: Any) -> ImportRun:
    """Write a checked upload: a new run on the same stored file, not a dry run."""
    confirmed = answers_import_confirm_record(run=run, user=user)
    return _answers_import_submit(run=confirmed, upload=confirmed.upload(), inline=False)


def _answers_import_submit(*, run: ImportRun, upload: Upload, inline: bool) -> ImportRun:
    if inline or answers_import_runs_inline(run=run, upload=upload):
        if run.status != ImportRun.Status.PENDING:
            return run  # failed already: the sheet could not even be sized
        return answers_import_execute(run=run, content=upload.content)
    transaction.on_commit(lambda: import_enqueue(answers_import_task, run))
    return run


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


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=300,
    time_limit=360,
)
def award_due_task() -> int:
    """Award ratings whose publicity has ended without an open objection (idempotent)."""
    return award_due()


IMPORT_RETRIES = 3


@shared_task(bind=True, soft_time_limit=600, time_limit=660)
def answers_import_task(self: Task, run_id: int) -> dict | None:
    """Check and write an uploaded answer sheet recorded as an ImportRun.

    The write is one transaction, so a database that goes away midway (a restart, a failover)
    leaves nothing behind: the run says so and is retried with backoff, and after the last
    retry it fails with the same explanation.
    """
    try:
        run = ImportRun.objects.select_related("user").filter(pk=run_id).first()
        if run is None:
            log.warning("import run %s not found", run_id)
            return None
        if run.status in (ImportRun.Status.DONE, ImportRun.Status.FAILED):
            return {"status": run.status}  # redelivered: the work is done already
        run = answers_import_execute(run=run)
    except OperationalError as error:
        _import_interrupted(run_id, last=self.request.retries >= IMPORT_RETRIES)
        retry = self.retry(exc=error, countdown=2**self.request.retries, max_retries=IMPORT_RETRIES)
        raise retry from error
    return {"status": run.status, "created": run.created, "changed": run.changed}


def _import_interrupted(run_id: int, *, last: bool) -> None:
    """Say on the run what happened, on a fresh connection (the old one is gone)."""
    connection.close()
    status = ImportRun.Status.FAILED if last else ImportRun.Status.PENDING
    message = (
        _("数据库连接中断，导入已多次重试仍未完成，没有写入任何数据。请稍后重新导入。")
        if last
        else _("数据库连接中断，本次没有写入任何数据，正在自动重试……")
    )
    try:
        ImportRun.objects.filter(pk=run_id).update(status=status, progress=0, message=message)
    except OperationalError:
        log.exception("import run %s: the database is still unreachable", run_id)


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
    batch = (
        settings.WUXING_TALLY_BATCH_BRANCHES
        if run.county_id
        else settings.WUXING_TALLY_REGION_BATCH_BRANCHES
    )
    batches = tally_fan_out(run=run, batch_branches=batch)
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


@shared_task
def reminders_task() -> int:
    """Beat, every morning: the day's reminders, each told once (scoring.services.notices)."""
    return reminders_due()
