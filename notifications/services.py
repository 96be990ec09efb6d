"""Recording notifications: who is told what, idempotently, with a delivery per channel the
person chose. Sending is notifications.tasks (after the transaction commits)."""

import logging
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from access.gate import internal
from access.scope import governs_place
from accounts.models import User
from accounts.selectors import staff_key, staff_wanted
from core.tasks import enqueue
from notifications.choices import Channel
from notifications.models import Notification, Preference
from notifications.selectors import preference_of


@dataclass(frozen=True)
class Note:
    """One event to tell people about. `key` names the event (the recipient is added), so the
    same event told twice makes one notification each. Recipients are given as user ids
    (`users`, e.g. a branch's secretary) and as the staff of a place (`staff`: pairs of role and
    place id, e.g. ("township", 12)); any who do not work at `place` or above are dropped, so a
    notification never names another place's object."""

    kind: str
    key: str
    title: str
    place: Any
    body: str = ""
    link: str = ""
    users: tuple[int, ...] = ()
    staff: tuple[tuple[str, int], ...] = ()


@internal("the delivery step of notify(), called on commit of a gated step")
def notifications_record(notes: Sequence[Note]) -> list[int]:
    """Record the notes for their recipients and the deliveries their preferences ask for.
    Set-based: five queries for any number of notes. Returns the new deliveries' ids."""
    if not notes:
        return []
    recipients = _recipients(notes)
    staff: dict[tuple[str, int], list[User]] = defaultdict(list)  # (role, place id) → people
    for user in recipients.values():
        key = staff_key(user)
        if key is not None:
            staff[key].append(user)
    rows = []  # (recipient, kind, key, title, body, link)
    for note in notes:
        for user in _audience(note, recipients, staff):
            rows.append((user.pk, note.kind, note.key, note.title, note.body, note.link))
    created = _insert_notifications(rows)
    return _insert_deliveries(created, recipients)


def _recipients(notes: Sequence[Note]) -> dict[int, User]:
    ids = {pk for note in notes for pk in note.users}
    wanted = Q(pk__in=ids) | staff_wanted({pair for note in notes for pair in note.staff})
    users = User.objects.filter(wanted, is_active=True).select_related("notification_preference")
    return {user.pk: user for user in users}


def _audience(
    note: Note, recipients: dict[int, User], staff: dict[tuple[str, int], list[User]]
) -> Iterable[User]:
    chosen = [recipients[pk] for pk in note.users if pk in recipients]
    for pair in note.staff:
        chosen += staff.get(pair, [])
    seen = set()
    for user in chosen:
        if user.pk not in seen and governs_place(user, note.place):
            seen.add(user.pk)
            yield user


def _insert_notifications(rows: list[tuple[Any, ...]]) -> list[tuple[int, int]]:
    if not rows:
        return []
    columns = list(zip(*rows, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO notifications_notification
                (recipient_id, kind, key, title, body, link, created_at)
            SELECT r, k, e, t, b, l, %s
            FROM unnest(%s::bigint[], %s::varchar[], %s::varchar[], %s::varchar[], %s::text[],
                        %s::varchar[]) AS x(r, k, e, t, b, l)
            ON CONFLICT (recipient_id, key) DO NOTHING
            RETURNING id, recipient_id
            """,
            [timezone.now(), *[list(c) for c in columns]],
        )
        return [(pk, recipient) for pk, recipient in cursor.fetchall()]


def _insert_deliveries(created: list[tuple[int, int]], users: dict[int, User]) -> list[int]:
    webhook = bool(settings.WUXING_WEBHOOK_URL)
    rows = []
    for notification, recipient in created:
        user = users[recipient]
        wants = preference_of(user)
        if wants.by_email and user.email:
            rows.append((notification, Channel.EMAIL.value))
        if webhook and wants.by_webhook and user.phone:
            rows.append((notification, Channel.WEBHOOK.value))
    if not rows:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO notifications_delivery (notification_id, channel, state, attempts, error)
            SELECT n, c, 'pending', 0, '' FROM unnest(%s::bigint[], %s::varchar[]) AS x(n, c)
            ON CONFLICT (notification_id, channel) DO NOTHING
            RETURNING id
            """,
            [[n for n, _c in rows], [c for _n, c in rows]],
        )
        return [pk for (pk,) in cursor.fetchall()]


@internal("a person marks their own notifications read (the ids are filtered to theirs)")
def notifications_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all of them when `ids` is None)."""
    mine = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        mine = mine.filter(pk__in=list(ids))
    return mine.update(read_at=timezone.now())


@internal("a person's own notification preferences, only ever their own")
def preference_save(*, user: Any, by_email: bool, by_webhook: bool, email: str) -> Preference:
    """A person's channels, and the address e-mail goes to."""
    preference, _created = Preference.objects.update_or_create(
        user=user, defaults={"by_email": by_email, "by_webhook": by_webhook}
    )
    if email != user.email:
        user.email = email
        user.save(update_fields=["email"])
    return preference


# Telling: the notes of a transaction are recorded together when it commits, and their
# deliveries handed to the workers in batches; nothing is told of work rolled back.
BATCH = 100  # deliveries per task
SEND_TASK = "notifications.tasks.deliveries_send_task"
log = logging.getLogger(__name__)


class _Batch:
    """The notes told within one atomic block, recorded together when the transaction commits
    (a batch approval of 300 checklists is five queries, not five per checklist)."""

    def __init__(self, savepoints: frozenset[str]):
        self.savepoints = savepoints
        self.notes: list[Note] = []

    def __call__(self) -> None:
        deliveries_enqueue(notifications_record(self.notes))


# Per thread, as Django's connections are: a threaded server never mixes two requests' notes.
_local = threading.local()


@internal("tells people of a step a gated service took; scoped to the note's place")
def notify(note: Note) -> None:
    """Tell the note's recipients once the current transaction commits (at once outside one);
    a rolled-back transaction tells nobody."""
    savepoints = frozenset(connection.savepoint_ids)
    batch: _Batch | None = getattr(_local, "batch", None)
    pending = batch is not None and any(entry[1] is batch for entry in connection.run_on_commit)
    if batch is None or not pending or batch.savepoints != savepoints:
        batch = _local.batch = _Batch(savepoints)
        batch.notes.append(note)
        transaction.on_commit(batch)
        return
    batch.notes.append(note)


@internal("the beat's reminders and the gated one-click reminders")
def notify_now(notes: list[Note]) -> int:
    """Record and send many notes at once (beat and bulk reminders); returns deliveries queued."""
    deliveries = notifications_record(notes)
    transaction.on_commit(lambda: deliveries_enqueue(deliveries))
    return len(deliveries)


@internal("hands recorded deliveries to the workers (each is sent at most once)")
def deliveries_enqueue(ids: list[int]) -> None:
    # By the task's name: services never import tasks (the tasks import this module).
    for start in range(0, len(ids), BATCH):
        if enqueue(SEND_TASK, ids[start : start + BATCH]) is None:
            log.error("broker unreachable: %s deliveries wait for the next sweep", len(ids))
            return
