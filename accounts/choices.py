from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a user does in the programme; each role is bound to a place of its own level."""

    NONE = "", _("无")
    PROVINCE = "province", _("省委组织部")
    CITY = "city", _("市委组织部")
    COUNTY = "county", _("县委组织部")
    TOWNSHIP = "township", _("乡镇(街道)")
    SECRETARY = "secretary", _("村(社区)党组织书记")


class AuditAction(models.TextChoices):
    """What the audit trail records of accounts (audit.labels has their words)."""

    ACCOUNT = "account.activation", _("账号激活与重置")
