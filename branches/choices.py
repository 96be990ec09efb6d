from django.db import models
from django.utils.translation import gettext_lazy as _


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    DONE = "done", _("已完成")
    VERIFIED = "verified", _("已核验")
    CLOSED = "closed", _("已销号")


class WeakLaxStep(models.TextChoices):
    """A step in a branch's weak-and-lax history (软弱涣散: 认定, 整顿转化)."""

    LISTED = "listed", _("列为软弱涣散")
    LIFTED = "lifted", _("整顿转化（销号）")


class DecisionState(models.TextChoices):
    """A proposal waiting for the county, and how the county decided it."""

    PROPOSED = "proposed", _("待县委组织部确认")
    CONFIRMED = "confirmed", _("已确认")
    REFUSED = "refused", _("未通过")


class Duty(models.TextChoices):
    """A place in the responsibility chain (五级分包). The first two answer for a township, the
    next two for a branch; the township Party secretary and the branch secretary come from the
    registers."""

    LEADER = "leader", _("包乡县级领导")
    CONTACT = "contact", _("组织部联系人")
    UNIT = "unit", _("帮建单位")
    CADRE = "cadre", _("包村责任干部")


TOWNSHIP_DUTIES = (Duty.LEADER, Duty.CONTACT)
BRANCH_DUTIES = (Duty.UNIT, Duty.CADRE)


class AuditAction(models.TextChoices):
    """What the audit trail records of branches (audit.labels has their words)."""

    TARGET_SAVE = "target.save", _("设定目标")
    RECTIFICATION = "rectification.step", _("整改任务")
    WEAK_LAX = "branch.weak_lax", _("软弱涣散认定与转化")
    RESPONSIBILITY = "responsibility.set", _("设定责任分工")
