"""The workers' side of telling people (`notify()` in notifications.services is the one entry):
`deliveries_send_task` sends each delivery at most once: it locks the row, skips one already
sent, and on failure counts the attempt and retries the batch with exponential backoff, until
`WUXING_DELIVERY_ATTEMPTS` attempts have failed."""

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from notifications.channels import send_email, send_webhook
from notifications.choices import Channel, DeliveryState
from notifications.models import Delivery, Notification
from notifications.services import deliveries_enqueue

log = logging.getLogger(__name__)
SENDERS: dict[str, Callable[[Any], None]] = {
    Channel.EMAIL: send_email,
    Channel.WEBHOOK: send_webhook,
}


@shared_task(bind=True, acks_late=True, max_retries=None)
def deliveries_send_task(self: Any, ids: list[int]) -> dict[str, int]:
    failed = []
    counts = {"sent": 0, "skipped": 0, "failed": 0}
    for pk in ids:
        outcome = _send_one(pk)
        counts[outcome] += 1
        if outcome == "failed":
            failed.append(pk)
    if failed:
        attempts = max(Delivery.objects.filter(pk__in=failed).values_list("attempts", flat=True))
        if attempts < settings.WUXING_DELIVERY_ATTEMPTS:
            countdown = settings.WUXING_DELIVERY_BACKOFF * 2 ** (attempts - 1)
            raise self.retry(args=[failed], countdown=countdown)
        Delivery.objects.filter(pk__in=failed, state=DeliveryState.PENDING).update(
            state=DeliveryState.FAILED
        )
    return counts


def _send_one(pk: int) -> str:
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("notification__recipient")
            .filter(pk=pk, state=DeliveryState.PENDING)
            .first()
        )
        if delivery is None:
            return "skipped"  # sent already, given up, or being sent by another worker
        delivery.attempts += 1
        try:
            SENDERS[delivery.channel](delivery.notification)
        except Exception as error:
            delivery.error = str(error)[:300]
            delivery.save(update_fields=["attempts", "error"])
            log.warning("delivery %s failed: %s", pk, error)
            return "failed"
        delivery.state, delivery.sent_at, delivery.error = DeliveryState.SENT, timezone.now(), ""
        delivery.save(update_fields=["state", "sent_at", "attempts", "error"])
        return "sent"


@shared_task
def deliveries_sweep_task() -> int:
    """Beat, every minute: hand pending deliveries nobody is working on back to the workers (a
    broker that was down or restarted empty, a worker lost); each is still sent at most once
    (the send locks the row and skips one sent already). Two minutes is far longer than a
    county's 1,000 deliveries take (about 4 s), so work still queued is rarely handed twice."""
    stale = timezone.now() - timedelta(seconds=settings.WUXING_DELIVERY_SWEEP_AFTER)
    ids = list(
        Delivery.objects.filter(
            state=DeliveryState.PENDING, notification__created_at__lt=stale
        ).values_list("pk", flat=True)[:5000]
    )
    deliveries_enqueue(ids)
    return len(ids)


@shared_task(acks_late=True, max_retries=3, default_retry_delay=60)
def message_send_task(user_id: int, title: str, body: str, link: str = "") -> int:
    """Send a message that must not be kept (an activation code) by the person's channels,
    without recording it as a notification. Returns how many channels took it."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return 0
    message = Notification(recipient=user, kind="account", title=title, body=body, link=link)
    sent = 0
    if user.email:
        send_email(message)
        sent += 1
    if settings.WUXING_WEBHOOK_URL and user.phone:
        send_webhook(message)
        sent += 1
    return sent
