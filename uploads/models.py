"""The record of every uploaded spreadsheet (ImportRun)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from uploads.spreadsheets import Upload


class ImportRun(models.Model):
    """One uploaded spreadsheet and what became of it: who, when, which file, the counts and
    every error. Big files are imported by a Celery task that updates this record."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("处理中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    # A run is seen by those who may see its importer's place (access.scope follows the user).
    PLACE_VIA = "user"

    kind = models.CharField(_("类别"), max_length=20)
    # Empty when run from the shell without --as: the command line is trusted like a superuser.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("导入人"),
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
    # A dry run is confirmed (written) at most once; the write is a run of its own.
    confirmed_at = models.DateTimeField(_("确认导入时间"), null=True, blank=True)

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
