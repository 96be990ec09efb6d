"""Reward and penalty items of quarterly dynamic scoring (季度考评加分/扣分): recorded by the
township per branch with reason and evidence, counted once the county confirms them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branches.choices import DecisionState
from branches.models import Branch, Decided
from catalogues.models import AdjustmentKind, Cycle

_BRANCH_PATHS = {level: f"branch__{path}" for level, path in Branch.PLACE_PATHS.items()}


class Adjustment(Decided):
    PLACE_PATHS = _BRANCH_PATHS

    branch = models.ForeignKey(
        Branch, models.PROTECT, related_name="adjustments", verbose_name=_("党支部")
    )
    cycle = models.ForeignKey(Cycle, models.PROTECT, related_name="+", verbose_name=_("季度"))
    kind = models.ForeignKey(
        AdjustmentKind, models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    star = models.CharField(_("星"), max_length=4)
    reason = models.CharField(_("事由"), max_length=300)
    evidence = models.FileField(
        _("佐证材料"), upload_to="adjustments/%Y/", max_length=200, blank=True
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=DecisionState.choices, default=DecisionState.PROPOSED
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("季度考评加减分")
        verbose_name_plural = _("季度考评加减分")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=DecisionState.values), name="adjustment_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch} {self.cycle_id} {self.kind}"
