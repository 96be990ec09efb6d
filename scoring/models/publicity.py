"""Publicity periods (公示) and the objections (异议) the public files during them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from branches.models import Branch
from catalogues.models import Cycle
from scoring.choices import ObjectionStatus
from villages.models import County


class Publicity(models.Model):
    """A batch of approved ratings a county puts before the public until `ends_at`."""

    PLACE_PATHS = {"city": "county__city_id", "county": "county_id"}

    county = models.ForeignKey(County, models.PROTECT, related_name="+", verbose_name=_("县"))
    cycle = models.ForeignKey(Cycle, models.PROTECT, related_name="+", verbose_name=_("周期"))
    starts_at = models.DateTimeField(_("公示开始"))
    ends_at = models.DateTimeField(_("公示结束"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("结束处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="publicity_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.cycle} {self.starts_at:%Y-%m-%d}"


class Objection(models.Model):
    """An objection to a rating under publicity, with the objector's contact and the ruling."""

    PLACE_PATHS = {
        level: f"checklist__branch__{path}" for level, path in Branch.PLACE_PATHS.items()
    }

    checklist = models.ForeignKey(
        "scoring.Checklist", models.CASCADE, related_name="objections", verbose_name=_("清单")
    )
    name = models.CharField(_("姓名"), max_length=30)
    contact = models.CharField(_("联系电话"), max_length=30)
    text = models.TextField(_("异议内容"), max_length=2000)
    filed_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    client = models.CharField(max_length=64, blank=True)  # hashed address, for throttling only
    status = models.CharField(
        _("处理结果"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    ruling = models.TextField(_("处理意见"), blank=True)
    ruled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ruled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-filed_at"]
        indexes = [models.Index(fields=["client", "filed_at"], name="objection_client_recent")]

    def __str__(self) -> str:
        return f"{self.name}：{self.text[:20]}"
