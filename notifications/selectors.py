"""The inbox: a person's own notifications, unread first."""

from typing import Any

from django.db.models import F, QuerySet

from notifications.models import Notification, Preference


def inbox_of(user: Any) -> QuerySet[Notification]:
    """Only ever the caller's own: unread first, newest first within each."""
    return Notification.objects.filter(recipient_id=getattr(user, "pk", None)).order_by(
        F("read_at").asc(nulls_first=True), "-created_at", "-pk"
    )


def unread_count(user: Any) -> int:
    return Notification.objects.filter(
        recipient_id=getattr(user, "pk", None), read_at__isnull=True
    ).count()


def preference_of(user: Any) -> Preference:
    try:
        return user.notification_preference
    except Preference.DoesNotExist:
        return Preference(user=user)  # both channels, until the person says otherwise
