"""County tallies: a recorded run fanned out per township, its parts, and the snapshot the
dashboard reads. Parts are never read by pages; a snapshot is written whole or not at all."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scoring.models.catalogues import Cycle
from villages.models import County, Township


class TallyRun(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("统计中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    LIVE = (Status.PENDING, Status.RUNNING)
    PLACE_PATHS = {"city": "county__city_id", "county": "county_id"}

    county = models.ForeignKey(County, models.CASCADE, related_name="+", verbose_name=_("县"))
    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="+", verbose_name=_("周期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    parts_total = models.PositiveIntegerField(default=0)
    parts_done = models.PositiveIntegerField(default=0)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("统计任务")
        verbose_name_plural = _("统计任务")
        ordering = ["-created_at"]
        constraints = [
            # One live run per county and cycle: a second request joins it.
            models.UniqueConstraint(
                fields=["county", "cycle"],
                condition=Q(status__in=["pending", "running"]),
                name="tally_one_live_run",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="tally_progress_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.cycle} #{self.pk}"


class TallyPart(models.Model):
    """One township's figures within a run (kept apart until the run is gathered)."""

    run = models.ForeignKey(TallyRun, models.CASCADE, related_name="parts")
    township = models.ForeignKey(Township, models.CASCADE, related_name="+")
    data = models.JSONField(default=dict)
    finished_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "township"], name="tally_part_one_per_township")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.township_id}"


class TallySnapshot(models.Model):
    """A finished tally as the dashboard shows it. `summary` holds the headline figures so that
    trends across cycles are read without the whole document."""

    PLACE_PATHS = {"city": "county__city_id", "county": "county_id"}

    county = models.ForeignKey(County, models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="+")
    run = models.OneToOneField(TallyRun, models.CASCADE, related_name="snapshot")
    created_at = models.DateTimeField(auto_now_add=True)
    summary = models.JSONField(default=dict)
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("统计快照")
        verbose_name_plural = _("统计快照")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["county", "cycle", "-created_at"], name="snapshot_latest")]

    def __str__(self) -> str:
        return f"{self.county} {self.cycle} {self.created_at:%Y-%m-%d %H:%M}"
