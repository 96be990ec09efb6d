"""Notifications: one per event and person, read in the inbox, and their deliveries by e-mail
or the outbound webhook (SMS gateways, WeChat Work group robots), each delivered at most once."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from notifications.choices import Channel, DeliveryState, Kind


class Notification(models.Model):
    """What one person is told about one event. `key` names the event for that person, so the
    same event (a retried task, a beat run repeated) never makes a second notification."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类别"), max_length=24, choices=Kind.choices)
    key = models.CharField(_("事件"), max_length=120)
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="notification_kind"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """A notification sent by one channel: pending until sent once, failed after its retries."""

    notification = models.ForeignKey(Notification, models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    state = models.CharField(
        _("状态"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    error = models.CharField(_("错误"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once"),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="delivery_channel"
            ),
            models.CheckConstraint(
                condition=Q(state__in=DeliveryState.values), name="delivery_state"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} {self.channel} {self.state}"


class Preference(models.Model):
    """The channels a person wants besides the inbox (which is always on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notification_preference"
    )
    by_email = models.BooleanField(_("发送电子邮件"), default=True)
    by_webhook = models.BooleanField(_("发送短信或企业微信"), default=True)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")

    def __str__(self) -> str:
        return f"{self.user_id}"
