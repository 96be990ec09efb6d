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
