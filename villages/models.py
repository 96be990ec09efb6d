"""Places (City → County → Township → Village) and the users bound to them.

Places are a fixed chain of foreign keys, each keyed by its 12-digit statistical division
code. `PLACE_PATHS` on each model tells villages.scope how to reach each level's id from it.
"""

from django.contrib.auth.models import AbstractUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from villages.choices import Role, VillageKind
from villages.codes import Level, validate_code
from villages.spreadsheets import Upload

_DIGITS = Q(code__regex=r"^[0-9]{12}$")


class Place(models.Model):
    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=60)

    LEVEL: Level
    PARENT_FIELD: str | None = None

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def clean(self) -> None:
        parent = getattr(self, self.PARENT_FIELD, None) if self.PARENT_FIELD else None
        validate_code(self.code, level=self.LEVEL, parent_code=parent.code if parent else None)


class City(Place):
    LEVEL = Level.CITY
    PLACE_PATHS = {"city": "pk"}

    class Meta(Place.Meta):
        verbose_name = _("市")
        verbose_name_plural = _("市")
        constraints = [
            models.CheckConstraint(
                condition=_DIGITS & Q(code__endswith="00000000"), name="city_code_format"
            )
        ]


class County(Place):
    LEVEL = Level.COUNTY
    PARENT_FIELD = "city"
    PLACE_PATHS = {"city": "city_id", "county": "pk"}

    city = models.ForeignKey(City, models.PROTECT, related_name="counties", verbose_name=_("市"))

    class Meta(Place.Meta):
        verbose_name = _("县(市、区)")
        verbose_name_plural = _("县(市、区)")
        constraints = [
            models.CheckConstraint(
                condition=_DIGITS & Q(code__endswith="000000") & ~Q(code__endswith="00000000"),
                name="county_code_format",
            )
        ]


class Township(Place):
    LEVEL = Level.TOWNSHIP
    PARENT_FIELD = "county"
    PLACE_PATHS = {"city": "county__city_id", "county": "county_id", "township": "pk"}

    county = models.ForeignKey(
        County, models.PROTECT, related_name="townships", verbose_name=_("县(市、区)")
    )

    class Meta(Place.Meta):
        verbose_name = _("乡镇(街道)")
        verbose_name_plural = _("乡镇(街道)")
        constraints = [
            models.CheckConstraint(
                condition=_DIGITS & Q(code__endswith="000") & ~Q(code__endswith="000000"),
                name="township_code_format",
            )
        ]


class Village(Place):
    """A rural village (村) or an urban community (社区): each has one Party branch."""

    LEVEL = Level.VILLAGE
    PARENT_FIELD = "township"
    PLACE_PATHS = {
        "city": "township__county__city_id",
        "county": "township__county_id",
        "township": "township_id",
        "village": "pk",
    }

    township = models.ForeignKey(
        Township, models.PROTECT, related_name="villages", verbose_name=_("乡镇(街道)")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=VillageKind.choices)

    class Meta(Place.Meta):
        verbose_name = _("村(社区)")
        verbose_name_plural = _("村(社区)")
        constraints = [
            models.CheckConstraint(
                condition=_DIGITS & ~Q(code__endswith="000"), name="village_code_format"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=VillageKind.values), name="village_kind_valid"
            ),
        ]


class User(AbstractUser):
    """A person who signs in. Their role fixes the level of the one place they are bound to."""

    PLACE_PATHS = {
        "city": (
            "county__city_id",
            "township__county__city_id",
            "village__township__county__city_id",
        ),
        "county": ("county_id", "township__county_id", "village__township__county_id"),
        "township": ("township_id", "village__township_id"),
        "village": ("village_id",),
    }

    name = models.CharField(_("姓名"), max_length=30, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices, blank=True)
    county = models.ForeignKey(
        County, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("所属县")
    )
    township = models.ForeignKey(
        Township,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所属乡镇"),
    )
    village = models.ForeignKey(
        Village,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所属村(社区)"),
    )

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role=Role.NONE, county=None, township=None, village=None)
                    | Q(role=Role.COUNTY, county__isnull=False, township=None, village=None)
                    | Q(role=Role.TOWNSHIP, county=None, township__isnull=False, village=None)
                    | Q(role=Role.SECRETARY, county=None, township=None, village__isnull=False)
                ),
                name="user_role_matches_place",
            )
        ]

    def __str__(self) -> str:
        return self.name or self.username

    @property
    def place(self) -> County | Township | Village | None:
        return self.county or self.township or self.village


class ImportRun(models.Model):
    """One uploaded spreadsheet and what became of it: who, when, which file, the counts and
    every error. Big files are imported by a Celery task that updates this record."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("处理中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    # A run is seen by those who may see its importer's place.
    PLACE_PATHS = {
        level: tuple(f"user__{path}" for path in paths) for level, paths in User.PLACE_PATHS.items()
    }

    kind = models.CharField(_("类别"), max_length=20)
    # Empty when run from the shell without --as: the command line is trusted like a superuser.
    user = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("导入人")
    )
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    dry_run = models.BooleanField(_("仅校验"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    task_id = models.CharField(max_length=50, blank=True)
    total = models.PositiveIntegerField(_("总行数"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    changed = models.PositiveIntegerField(_("修改"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    notices = models.JSONField(_("提示"), default=list, blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)  # e.g. {"cycle": "2026"}
    message = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="import_run_progress_0_100")
        ]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"

    def upload(self) -> Upload:
        """The stored file as it was uploaded, under its original name."""
        with self.file.open("rb") as stored:
            return Upload(self.file_name, stored.read())


class AuditAction(models.TextChoices):
    ANSWERS_SAVE = "answers.save", _("修改答题")
    ANSWERS_IMPORT = "answers.import", _("导入答题")
    EVIDENCE_ADD = "evidence.add", _("上传佐证")
    EVIDENCE_REMOVE = "evidence.remove", _("删除佐证")
    TRANSITION = "checklist.transition", _("流程流转")
    TARGET_SAVE = "target.save", _("设定目标")
    CATALOGUE = "catalogue.change", _("评定标准")
    REGISTER_IMPORT = "register.import", _("导入名册")
    RECORD_CHANGE = "record.change", _("后台修改")
    RECORD_DELETE = "record.delete", _("后台删除")
    IMPORT_RUN = "import.run", _("导入文件")
    RECTIFICATION = "rectification.step", _("整改任务")
    OBJECTION = "objection.rule", _("异议处理")
    CYCLE_OPEN = "cycle.open", _("开启周期")


class AuditEntry(models.Model):
    """One change to the county's records: who, when, what, and the values before and after.

    Written in the same transaction as the change, so a rolled-back change leaves no entry and
    a committed one always has its entry. The place is kept as foreign keys (for scoping) and as
    code and name (for reading, even after the place is renamed or removed).
    """

    PLACE_PATHS = {
        "city": "county__city_id",
        "county": "county_id",
        "township": "township_id",
        "village": "village_id",
    }

    at = models.DateTimeField(_("时间"), db_index=True)
    user = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("操作人")
    )
    username = models.CharField(_("账号"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=30, choices=AuditAction.choices)
    target = models.CharField(_("对象"), max_length=200)
    county = models.ForeignKey(County, models.SET_NULL, null=True, blank=True, related_name="+")
    township = models.ForeignKey(Township, models.SET_NULL, null=True, blank=True, related_name="+")
    village = models.ForeignKey(Village, models.SET_NULL, null=True, blank=True, related_name="+")
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
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.target}"
