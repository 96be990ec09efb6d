"""Star catalogues (stars and criteria, versioned per year and branch kind) and cycles."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from catalogues.choices import CriterionKind, Direction
from villages.choices import VillageKind


class Catalogue(models.Model):
    """A versioned list of criteria for one branch kind and year (e.g. `rural-2026`).

    Once published it is frozen: results name the version they were scored with, so a change
    is made as a new version (scoring.services.catalogues.catalogue_new_version), never in place.
    """

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"))
    branch_kind = models.CharField(_("支部类型"), max_length=10, choices=VillageKind.choices)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    pass_mark = models.DecimalField(_("合格分"), max_digits=4, decimal_places=1)
    base_star = models.ForeignKey(
        "Star",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("基础星"),
        help_text=_("须先获得此星，其他星才能计入。"),
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        db_table = "scoring_catalogue"  # kept from before the move (docs/design.md)
        verbose_name = _("星级标准")
        verbose_name_plural = _("星级标准")
        ordering = ["-year", "branch_kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "branch_kind", "version"], name="catalogue_one_per_version"
            ),
            models.CheckConstraint(
                condition=Q(pass_mark__gte=0, pass_mark__lte=100), name="catalogue_pass_mark_0_100"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="catalogue_year_plausible"
            ),
            models.CheckConstraint(
                condition=Q(branch_kind__in=VillageKind.values), name="catalogue_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Star(models.Model):
    """One of the five stars of a catalogue (e.g. ZB 支部过硬星)."""

    catalogue = models.ForeignKey(Catalogue, models.CASCADE, related_name="stars")
    code = models.CharField(_("编码"), max_length=4)
    name = models.CharField(_("名称"), max_length=30)
    order = models.PositiveSmallIntegerField(_("顺序"))

    class Meta:
        db_table = "scoring_star"  # kept from before the move (docs/design.md)
        verbose_name = _("星")
        verbose_name_plural = _("星")
        ordering = ["catalogue", "order"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "code"], name="star_code_unique"),
            models.UniqueConstraint(fields=["catalogue", "order"], name="star_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Criterion(models.Model):
    """One item of a catalogue: how it is answered, what it is worth, and whether it is hard or
    a veto (负面清单: "yes, it happened" removes the star; carries no points)."""

    catalogue = models.ForeignKey(Catalogue, models.CASCADE, related_name="criteria")
    star = models.ForeignKey(Star, models.CASCADE, related_name="criteria", verbose_name=_("星"))
    code = models.CharField(_("编码"), max_length=12)
    text = models.CharField(_("内容"), max_length=300)
    kind = models.CharField(_("类型"), max_length=10, choices=CriterionKind.choices)
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=1, default=0)
    threshold = models.DecimalField(
        _("阈值"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    direction = models.CharField(
        _("方向"), max_length=10, choices=Direction.choices, blank=True, default=""
    )
    hard = models.BooleanField(_("硬指标"), default=False)
    veto = models.BooleanField(_("一票否决"), default=False)
    # A criterion whose answer is a fact of a register, not the branch's to give: "weak_lax"
    # is answered by the county's list of weak and lax branches (软弱涣散), the three zeros by
    # the veto events recorded for the year.
    fact = models.CharField(
        _("由名册决定"),
        max_length=20,
        blank=True,
        choices=[
            ("", _("否")),
            ("weak_lax", _("软弱涣散名册")),
            ("zero_petition", _("三零事件：越级上访")),
            ("zero_accident", _("三零事件：安全事故")),
            ("zero_crime", _("三零事件：刑事案件")),
        ],
    )
    # Numbers count things and are never negative, unless the item is a rate that may fall.
    signed = models.BooleanField(_("可为负数"), default=False)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        db_table = "scoring_criterion"  # kept from before the move (docs/design.md)
        verbose_name = _("评定指标")
        verbose_name_plural = _("评定指标")
        ordering = ["catalogue", "star__order", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "code"], name="criterion_code_unique"),
            models.CheckConstraint(
                condition=Q(points__gte=0), name="criterion_points_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=CriterionKind.values), name="criterion_kind_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=CriterionKind.BOOL, threshold__isnull=True, direction="")
                    | Q(
                        kind__in=[CriterionKind.NUMBER, CriterionKind.PERCENT],
                        threshold__isnull=False,
                        direction__in=Direction.values,
                    )
                ),
                name="criterion_threshold_matches_kind",
            ),
            models.CheckConstraint(
                condition=~Q(kind=CriterionKind.PERCENT) | Q(threshold__gte=0, threshold__lte=100),
                name="criterion_percent_threshold_0_100",
            ),
            models.CheckConstraint(
                condition=Q(veto=False) | Q(kind=CriterionKind.BOOL, points=0, hard=False),
                name="criterion_veto_is_plain_bool",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.kind not in CriterionKind.values:
            return  # the field's own validation names the bad kind; nothing else can be judged
        if self.star_id and self.catalogue_id and self.star.catalogue_id != self.catalogue_id:
            errors["star"] = _("所选的星不属于本标准。")
        if self.kind == CriterionKind.BOOL:
            if self.threshold is not None:
                errors["threshold"] = _("是否类指标不设阈值。")
            if self.direction:
                errors["direction"] = _("是否类指标不设方向。")
        else:
            if self.threshold is None:
                errors["threshold"] = _("数值、百分比类指标必须设置阈值。")
            elif self.kind == CriterionKind.PERCENT and not 0 <= self.threshold <= 100:
                errors["threshold"] = _("百分比阈值须在0～100之间。")
            if not self.direction:
                errors["direction"] = _("数值、百分比类指标必须设置方向（不低于/不高于）。")
        if self.veto:
            if self.kind != CriterionKind.BOOL:
                errors["kind"] = _("一票否决项须为是否类（“是”表示发生了否决事项）。")
            if self.points:
                errors["points"] = _("一票否决项不计分值，分值须为0。")
            if self.hard:
                errors["hard"] = _("一票否决项不能同时是硬指标。")
        if errors:
            raise ValidationError(errors)


class Cycle(models.Model):
    """A rating cycle: a year (`2026`, awards stars) or a quarter (`2026Q1`, ranks only)."""

    code = models.CharField(_("编码"), max_length=6, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"), null=True, blank=True)
    due = models.DateField(
        _("填报截止"), null=True, blank=True, help_text=_("过期未提交的支部列入预警")
    )

    class Meta:
        db_table = "scoring_cycle"  # kept from before the move (docs/design.md)
        verbose_name = _("评定周期")
        verbose_name_plural = _("评定周期")
        ordering = ["-year", "quarter"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4),
                name="cycle_quarter_1_4",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_annual(self) -> bool:
        return self.quarter is None


class Deadline(models.Model):
    """A county's submission deadline (填报截止日) for a cycle. Counties run the programme on
    their own calendars, so the date is the county's; a cycle's own `due` (set in the admin)
    stands where a county set none."""

    PLACE_PATHS = {"city": "county__city_id", "county": "county_id"}

    county = models.ForeignKey(
        "villages.County", models.CASCADE, related_name="+", verbose_name=_("县")
    )
    cycle = models.ForeignKey(
        Cycle, models.CASCADE, related_name="deadlines", verbose_name=_("周期")
    )
    due = models.DateField(_("填报截止日"))

    class Meta:
        db_table = "scoring_deadline"  # kept from before the move (docs/design.md)
        verbose_name = _("填报截止日")
        verbose_name_plural = _("填报截止日")
        constraints = [
            models.UniqueConstraint(fields=["county", "cycle"], name="deadline_one_per_county")
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.cycle} {self.due}"


class AdjustmentKind(models.Model):
    """A named reason for reward or penalty points in quarterly scoring (季度考评加分/扣分
    项目), defined by the catalogue: points per item and a cap per star and quarter."""

    catalogue = models.ForeignKey(Catalogue, models.CASCADE, related_name="adjustment_kinds")
    code = models.CharField(_("编码"), max_length=12)
    name = models.CharField(_("名称"), max_length=100)
    sign = models.CharField(
        _("加分或扣分"), max_length=10, choices=[("reward", _("加分")), ("penalty", _("扣分"))]
    )
    points = models.DecimalField(_("每项分值"), max_digits=4, decimal_places=1)
    cap = models.DecimalField(_("每季度上限"), max_digits=4, decimal_places=1)
    star = models.CharField(_("限定星"), max_length=4, blank=True, help_text=_("空：任一星"))

    class Meta:
        db_table = "scoring_adjustmentkind"  # kept from before the move (docs/design.md)
        verbose_name = _("季度考评加减分项目")
        verbose_name_plural = _("季度考评加减分项目")
        ordering = ["catalogue", "code"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "code"], name="adjustment_kind_unique"),
            models.CheckConstraint(
                condition=Q(points__gt=0, cap__gte=F("points")), name="adjustment_kind_capped"
            ),
            models.CheckConstraint(
                condition=Q(sign__in=["reward", "penalty"]), name="adjustment_kind_sign_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
