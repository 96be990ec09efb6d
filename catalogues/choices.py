from django.db import models
from django.utils.translation import gettext_lazy as _


class CriterionKind(models.TextChoices):
    BOOL = "bool", _("是否")
    NUMBER = "number", _("数值")
    PERCENT = "percent", _("百分比")


class Direction(models.TextChoices):
    AT_LEAST = "at_least", _("不低于")
    AT_MOST = "at_most", _("不高于")


class AuditAction(models.TextChoices):
    """What the audit trail records of the rulebook (audit.labels has their words)."""

    CATALOGUE = "catalogue.change", _("评定标准")
    CYCLE_OPEN = "cycle.open", _("开启周期")
    DEADLINE = "cycle.deadline", _("设定填报截止日")
