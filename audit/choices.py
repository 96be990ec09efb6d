from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """What the audit trail records of its own (the admin's edits, register imports). Each app
    names its own actions in its choices module (`AuditAction` there too) and registers their
    words when it starts (audit.labels.actions_register): the trail's column holds any action,
    so a new feature adds no migration here."""

    REGISTER_IMPORT = "register.import", _("导入名册")
    RECORD_CHANGE = "record.change", _("后台修改")
    RECORD_DELETE = "record.delete", _("后台删除")
