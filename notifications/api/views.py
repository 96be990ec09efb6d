from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from notifications.api.serializers import NotificationSerializer
from notifications.selectors import inbox_of
from notifications.services import notifications_read


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """The caller's own notifications, unread first; another person's is a 404."""

    serializer_class = NotificationSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> Any:
        return inbox_of(self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        notification = get_object_or_404(self.get_queryset(), pk=pk)
        notifications_read(user=request.user, ids=[notification.pk])
        notification.refresh_from_db()
        return Response(self.get_serializer(notification).data)
