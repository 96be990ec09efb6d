"""Background work of the scoring app: thin tasks that call services."""

import logging
from typing import Any

from celery import Task, shared_task
from django.db import OperationalError, connection, transaction
from django.utils.translation import gettext as _

from catalogues.models import Cycle
from scoring.services.answer_import import (
    answers_import_confirm_record,
    answers_import_execute,
    answers_import_record,
    answers_import_runs_inline,
)
from scoring.services.notices import reminders_due
from scoring.services.publicity import award_due
from uploads.models import ImportRun
from uploads.spreadsheets import Upload
from uploads.tasks import import_enqueue

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


@shared_task
def reminders_task() -> int:
    """Beat, every morning: the day's reminders, each told once (scoring.services.notices)."""
    return reminders_due()
