"""The audit trail (操作日志): who changed what, where, when, with the values before and after."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.labels import action_label


class AuditEntry(models.Model):
    """One change to the county's records: who, when, what, and the values before and after.

    Written in the same transaction as the change, so a rolled-back change leaves no entry and
    a committed one always has its entry. The place is kept as foreign keys (for scoping) and as
    code and name (for reading, even after the place is renamed or removed).
    """

    PLACE_PATHS = {
        "province": "province_id",
        "city": ("city_id", "county__city_id"),
        "county": "county_id",
        "township": "township_id",
        "village": "village_id",
    }

    at = models.DateTimeField(_("时间"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    username = models.CharField(_("账号"), max_length=150, blank=True)
    # Any app's action: each names its own and registers their words (audit.labels), so a
    # feature adds no migration here.
    action = models.CharField(_("操作"), max_length=30)
    target = models.CharField(_("对象"), max_length=200)
    province = models.ForeignKey(
        "villages.Province", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    city = models.ForeignKey(
        "villages.City", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    county = models.ForeignKey(
        "villages.County", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    township = models.ForeignKey(
        "villages.Township", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    village = models.ForeignKey(
        "villages.Village", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    place_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    place_name = models.CharField(_("地点"), max_length=60, blank=True)
    before = models.JSONField(_("修改前"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("修改后"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("操作日志")
        verbose_name_plural = _("操作日志")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["county", "-at"], name="audit_county_at"),
            models.Index(fields=["township", "-at"], name="audit_township_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action_label} {self.target}"

    @property
    def action_label(self) -> str:
        return action_label(self.action)
