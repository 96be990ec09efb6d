"""Background work of the scoring app: thin tasks that call services."""

import logging

from celery import shared_task
from django.db import OperationalError

from scoring.services.answer_import import answers_import_execute
from scoring.services.publicity import award_due
from villages.models import ImportRun

log = logging.getLogger(__name__)


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


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=600,
    time_limit=660,
)
def answers_import_task(run_id: int) -> dict | None:
    """Check and write an uploaded answer sheet recorded as an ImportRun."""
    run = ImportRun.objects.select_related("user").filter(pk=run_id).first()
    if run is None:
        log.warning("import run %s not found", run_id)
        return None
    if run.status in (ImportRun.Status.DONE, ImportRun.Status.FAILED):
        return {"status": run.status}  # redelivered: the work is done already
    run = answers_import_execute(run=run)
    return {"status": run.status, "created": run.created, "changed": run.changed}
