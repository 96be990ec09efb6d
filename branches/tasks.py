"""Background work for registers: thin tasks that load a run record and call a service."""

import logging

from celery import shared_task
from django.db import OperationalError, transaction

from accounts.models import User
from branches.imports import register_import_execute, register_import_record
from uploads.models import ImportRun
from uploads.spreadsheets import Upload
from uploads.tasks import import_enqueue

log = logging.getLogger(__name__)


def register_import_start(
    *, kind: str, upload: Upload, user: User, dry_run: bool = False
) -> ImportRun:
    """Record the upload and hand it to a worker once the record is committed."""
    run = register_import_record(kind=kind, upload=upload, user=user, dry_run=dry_run)
    transaction.on_commit(lambda: import_enqueue(register_import_task, run))
    return run


@shared_task(
    bind=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=600,
    time_limit=660,
)
def register_import_task(self, run_id: int) -> dict | None:  # type: ignore[no-untyped-def]
    run = ImportRun.objects.select_related("user").filter(pk=run_id).first()
    if run is None:  # the upload was deleted, or the message belongs to another database
        log.warning("import run %s not found", run_id)
        return None
    if run.status in (ImportRun.Status.DONE, ImportRun.Status.FAILED):
        return {"status": run.status}  # a redelivered message: the work is done already
    run = register_import_execute(run=run)
    return {"status": run.status, "created": run.created, "errors": len(run.errors)}
