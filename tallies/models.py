"""Tallies: a recorded run for a county, a city or a province, fanned out per township, its
parts, and the snapshots the dashboards read. A run above the county writes a snapshot for
every county and city under it and one for its own place, all in one transaction. Parts are
never read by pages; snapshots are written whole or not at all."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalogues.models import Cycle
from villages.models import City, County, Province, Township

_PLACE_PATHS = {
    "province": "province_id",
    "city": ("city_id", "county__city_id"),
    "county": "county_id",
}
_ONE_PLACE = (
    Q(province__isnull=False, city=None, county=None)
    | Q(province=None, city__isnull=False, county=None)
    | Q(province=None, city=None, county__isnull=False)
)


class PlacedTally(models.Model):
    """A tally's place: a province, a city or a county, exactly one."""

    PLACE_PATHS = _PLACE_PATHS

    province = models.ForeignKey(
        Province, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("省")
    )
    city = models.ForeignKey(
        City, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("市")
    )
    county = models.ForeignKey(
        County, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("县")
    )

    class Meta:
        abstract = True

    @property
    def place(self) -> Province | City | County:
        return self.county or self.city or self.province  # type: ignore[return-value]

    @property
    def place_filter(self) -> dict[str, int]:
        """The lookup selecting this place's runs and snapshots."""
        for field in ("county", "city", "province"):
            pk = getattr(self, f"{field}_id")
            if pk is not None:
                return {f"{field}_id": pk}
        raise ValueError("a tally without a place")


def place_filter(place: Province | City | County) -> dict[str, Province | City | County]:
    """The lookup selecting `place`'s runs or snapshots."""
    return {type(place).__name__.lower(): place}


class TallyRun(PlacedTally):
    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("统计中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    LIVE = (Status.PENDING, Status.RUNNING)

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
        db_table = "scoring_tallyrun"  # kept from before the move (docs/design.md)
        verbose_name = _("统计任务")
        verbose_name_plural = _("统计任务")
        ordering = ["-created_at"]
        constraints = [
            # One live run per place and cycle: a second request joins it.
            *(
                models.UniqueConstraint(
                    fields=[field, "cycle"],
                    condition=Q(status__in=["pending", "running"]),
                    name=name,
                )
                for field, name in (
                    ("county", "tally_one_live_run"),
                    ("city", "tally_one_live_run_city"),
                    ("province", "tally_one_live_run_province"),
                )
            ),
            models.CheckConstraint(condition=_ONE_PLACE, name="tally_run_one_place"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="tally_progress_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.place} {self.cycle} #{self.pk}"


class TallyPart(models.Model):
    """One township's figures within a run (kept apart until the run is gathered)."""

    run = models.ForeignKey(TallyRun, models.CASCADE, related_name="parts")
    township = models.ForeignKey(Township, models.CASCADE, related_name="+")
    data = models.JSONField(default=dict)
    finished_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "scoring_tallypart"  # kept from before the move (docs/design.md)
        constraints = [
            models.UniqueConstraint(fields=["run", "township"], name="tally_part_one_per_township")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.township_id}"


class TallySnapshot(PlacedTally):
    """A finished tally of one place as its dashboard shows it. `summary` holds the headline
    figures so that trends across cycles are read without the whole document. A run above the
    county writes one for each county and city under it as well as its own."""

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="+")
    run = models.ForeignKey(TallyRun, models.CASCADE, related_name="snapshots")
    created_at = models.DateTimeField(auto_now_add=True)
    summary = models.JSONField(default=dict)
    data = models.JSONField(default=dict)

    class Meta:
        db_table = "scoring_tallysnapshot"  # kept from before the move (docs/design.md)
        verbose_name = _("统计快照")
        verbose_name_plural = _("统计快照")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["county", "cycle", "-created_at"], name="snapshot_latest"),
            models.Index(fields=["city", "cycle", "-created_at"], name="snapshot_latest_city"),
            models.Index(
                fields=["province", "cycle", "-created_at"], name="snapshot_latest_province"
            ),
        ]
        constraints = [models.CheckConstraint(condition=_ONE_PLACE, name="snapshot_one_place")]

    def __str__(self) -> str:
        return f"{self.place} {self.cycle} {self.created_at:%Y-%m-%d %H:%M}"
