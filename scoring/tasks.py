"""Background work of the scoring app: thin tasks that call services."""

from celery import shared_task
from django.db import OperationalError

from scoring.services.publicity import award_due


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
