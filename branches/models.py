"""Party branches (党支部): one per village or community, with their leadership."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.choices import DecisionState, Duty, RectificationStatus, WeakLaxStep
from villages.models import Township, Village


class Branch(models.Model):
    """The Party branch of one village or community, the unit that is rated."""

    PLACE_PATHS = {
        "city": "village__township__county__city_id",
        "county": "village__township__county_id",
        "township": "village__township_id",
        "village": "village_id",
    }

    village = models.OneToOneField(
        Village, models.PROTECT, related_name="branch", verbose_name=_("村(社区)")
    )
    name = models.CharField(_("支部名称"), max_length=80)
    secretary = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="branch",
        verbose_name=_("党组织书记"),
    )
    members = models.PositiveIntegerField(_("党员人数"), default=0)
    weak_lax = models.BooleanField(_("软弱涣散"), default=False)
    weak_lax_since = models.DateField(_("软弱涣散认定日期"), null=True, blank=True)
    weak_lax_reason = models.CharField(_("软弱涣散原因"), max_length=200, blank=True)
    first_secretary = models.CharField(_("驻村第一书记"), max_length=30, blank=True)
    first_secretary_unit = models.CharField(_("第一书记派出单位"), max_length=80, blank=True)
    first_secretary_from = models.DateField(_("第一书记任职开始"), null=True, blank=True)
    first_secretary_until = models.DateField(_("第一书记任职结束"), null=True, blank=True)
    target_level = models.PositiveSmallIntegerField(
        _("创星目标"), null=True, blank=True, help_text=_("本支部申报的目标星级（0～5）")
    )

    class Meta:
        verbose_name = _("党支部")
        verbose_name_plural = _("党支部")
        ordering = ["village__code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weak_lax=False) | Q(weak_lax_since__isnull=False),
                name="branch_weak_lax_has_date",
            ),
            models.CheckConstraint(
                condition=Q(first_secretary="")
                | Q(first_secretary_from__isnull=False, first_secretary_until__isnull=False),
                name="branch_first_secretary_has_posting",
            ),
            models.CheckConstraint(
                condition=Q(first_secretary_until__isnull=True)
                | Q(first_secretary_from__isnull=True)
                | Q(first_secretary_until__gte=F("first_secretary_from")),
                name="branch_first_secretary_posting_ordered",
            ),
            models.CheckConstraint(
                condition=Q(target_level__isnull=True) | Q(target_level__lte=5),
                name="branch_target_level_0_5",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> "Branch":
        branch = super().from_db(db, field_names, values)
        # Whether it was listed as weak and lax when read: a save that changes the listing, and
        # only such a save, is followed by its checklists (scoring.apps).
        branch.listed_when_read = branch.__dict__.get("weak_lax")  # type: ignore[attr-defined]
        return branch


_BRANCH_PATHS = {level: f"branch__{path}" for level, path in Branch.PLACE_PATHS.items()}


class Rating(models.Model):
    """The star level awarded (授星) to a branch for a year, and what is left of it after any
    star is revoked (摘星). The transitions that made it are on the annual checklist."""

    PLACE_PATHS = _BRANCH_PATHS

    branch = models.ForeignKey(Branch, models.PROTECT, related_name="ratings")
    year = models.PositiveSmallIntegerField(_("年度"))
    catalogue = models.CharField(_("星级标准"), max_length=40)
    level = models.PositiveSmallIntegerField(_("星级"))
    stars = models.JSONField(_("所获星"), default=list)
    awarded_at = models.DateTimeField(_("授星时间"))

    class Meta:
        verbose_name = _("星级评定结果")
        verbose_name_plural = _("星级评定结果")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "year"], name="rating_one_per_branch_year"),
            models.CheckConstraint(
                condition=Q(level__gte=0, level__lte=5), name="rating_level_0_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch} {self.year}年 {self.level}星"


class Rectification(models.Model):
    """A rectification task (整改任务) made from one shortfall item: who fixes it, by when, and
    its evidence. Open → done (secretary) → verified (township) → closed."""

    PLACE_PATHS = _BRANCH_PATHS

    branch = models.ForeignKey(Branch, models.PROTECT, related_name="rectifications")
    cycle = models.CharField(_("周期"), max_length=6)
    star = models.CharField(_("星"), max_length=4)
    criterion = models.CharField(_("指标"), max_length=12)
    title = models.CharField(_("整改事项"), max_length=300)
    owner = models.CharField(_("责任人"), max_length=30)
    deadline = models.DateField(_("完成时限"))
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=RectificationStatus.choices,
        default=RectificationStatus.OPEN,
    )
    note = models.TextField(_("整改情况"), blank=True)
    evidence = models.FileField(
        _("整改佐证"), upload_to="rectification/%Y/", max_length=200, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("整改任务")
        verbose_name_plural = _("整改任务")
        ordering = ["deadline", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "cycle", "criterion"],
                name="rectification_one_per_shortfall_item",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RectificationStatus.values),
                name="rectification_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion} {self.title}"


class Target(models.Model):
    """A year's targets (创建目标) for one place (a province, city, county or township) and one
    kind of branch: how many five-star and four-star branches, and the share of branches at
    three stars or more. Cities plan rural villages and urban communities separately; a
    target of kind "all" is one set before targets had kinds, for both together."""

    class Kind(models.TextChoices):
        RURAL = "rural", _("农村")
        COMMUNITY = "community", _("城市社区")
        ALL = "all", _("合计")

    PLACE_FIELDS = ("province", "city", "county", "township")
    PLACE_PATHS = {
        "province": ("province_id",),
        "city": ("city_id", "county__city_id", "township__county__city_id"),
        "county": ("county_id", "township__county_id"),
        "township": "township_id",
    }

    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    province = models.ForeignKey(
        "villages.Province", models.CASCADE, null=True, blank=True, related_name="+"
    )
    city = models.ForeignKey(
        "villages.City", models.CASCADE, null=True, blank=True, related_name="+"
    )
    county = models.ForeignKey(
        "villages.County", models.CASCADE, null=True, blank=True, related_name="+"
    )
    township = models.ForeignKey(
        "villages.Township", models.CASCADE, null=True, blank=True, related_name="targets"
    )
    five_star = models.PositiveIntegerField(_("五星支部目标数"), default=0)
    four_star = models.PositiveIntegerField(_("四星支部目标数"), default=0)
    three_plus_share = models.DecimalField(
        _("三星以上占比目标(%)"), max_digits=4, decimal_places=1, default=0
    )

    class Meta:
        verbose_name = _("创建目标")
        verbose_name_plural = _("创建目标")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(province__isnull=False, city=None, county=None, township=None)
                | Q(province=None, city__isnull=False, county=None, township=None)
                | Q(province=None, city=None, county__isnull=False, township=None)
                | Q(province=None, city=None, county=None, township__isnull=False),
                name="target_for_one_place",
            ),
            *(
                models.UniqueConstraint(
                    fields=["year", "kind", field], name=f"target_one_per_{field}_kind_year"
                )
                for field in ("province", "city", "county", "township")
            ),
            models.CheckConstraint(
                condition=Q(three_plus_share__gte=0, three_plus_share__lte=100),
                name="target_share_0_100",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["rural", "community", "all"]), name="target_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.place} {self.get_kind_display()}"

    @property
    def place(self) -> Any:
        return self.province or self.city or self.county or self.township


class Decided(models.Model):
    """Something the county decides (a lift of a listing, a revocation, a quarter's reward):
    who decided, when and what they wrote. The model has its own `state`."""

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_note = models.CharField(_("处理意见"), max_length=300, blank=True)

    class Meta:
        abstract = True

    def decide(self, *, user: Any, state: str, note: str = "") -> None:
        self.state = state
        self.decided_by, self.decided_at = user, timezone.now()
        self.decision_note = note.strip()[:300]
        self.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])


class WeakLaxDecision(Decided):
    """One step of a branch's weak-and-lax history: listed (认定) or lifted (整顿转化). A lift
    is proposed by the township with evidence and takes effect when the county confirms it; a
    listing made by the county (or by its register import) is recorded as confirmed."""

    PLACE_PATHS = _BRANCH_PATHS

    branch = models.ForeignKey(Branch, models.PROTECT, related_name="weak_lax_history")
    step = models.CharField(_("事项"), max_length=10, choices=WeakLaxStep.choices)
    state = models.CharField(
        _("状态"), max_length=10, choices=DecisionState.choices, default=DecisionState.PROPOSED
    )
    effective_on = models.DateField(_("认定或转化日期"))
    reason = models.CharField(_("原因或整顿情况"), max_length=300)
    evidence = models.FileField(_("佐证材料"), upload_to="weak_lax/%Y/", max_length=200, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("软弱涣散认定与转化")
        verbose_name_plural = _("软弱涣散认定与转化")
        ordering = ["-effective_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(step__in=WeakLaxStep.values), name="weak_lax_step_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=DecisionState.values), name="weak_lax_state_valid"
            ),
            # One open proposal per branch: a second would race the first.
            models.UniqueConstraint(
                fields=["branch"],
                condition=Q(state="proposed"),
                name="weak_lax_one_open_proposal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch} {self.get_step_display()}"


class Assignment(models.Model):
    """Who answers for a township or a branch in a year (五级分包): a county leader and an
    organisation-department contact per township, a helping unit and responsible cadres per
    branch. A person is known by name within the county (the sheet's way)."""

    PLACE_PATHS = {
        "city": "township__county__city_id",
        "county": "township__county_id",
        "township": "township_id",
        "village": "branch__village_id",
    }

    year = models.PositiveSmallIntegerField(_("年度"))
    township = models.ForeignKey(Township, models.PROTECT, related_name="+")
    branch = models.ForeignKey(
        Branch, models.CASCADE, null=True, blank=True, related_name="assignments"
    )
    duty = models.CharField(_("责任"), max_length=10, choices=Duty.choices)
    name = models.CharField(_("姓名或单位"), max_length=60)
    post = models.CharField(_("职务"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("责任分工")
        verbose_name_plural = _("责任分工")
        ordering = ["year", "township", "branch", "duty", "pk"]
        indexes = [models.Index(fields=["year", "duty", "name"])]
        constraints = [
            models.CheckConstraint(condition=Q(duty__in=Duty.values), name="assignment_duty_valid"),
            models.CheckConstraint(
                condition=Q(duty__in=["leader", "contact"], branch__isnull=True)
                | Q(duty__in=["unit", "cadre"], branch__isnull=False),
                name="assignment_duty_matches_place",
            ),
            models.UniqueConstraint(
                fields=["year", "township", "branch", "duty", "name"],
                name="assignment_once",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_duty_display()} {self.name}"
