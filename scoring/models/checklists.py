"""Checklists (one per branch and cycle), their answers and evidence, stored scores and the
transition log."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branches.models import Branch
from catalogues.models import Catalogue, Criterion, Cycle
from scoring.choices import EDITABLE_STATES, Action, ChecklistState

_BRANCH_PATHS = {level: f"branch__{path}" for level, path in Branch.PLACE_PATHS.items()}


class Checklist(models.Model):
    """A branch's answers for one cycle, scored against one catalogue version.

    `level` and `result` hold the engine's last verdict (stored, never computed in a request);
    `revision` rises with every write so that a page holding an older copy is told it is stale.
    """

    PLACE_PATHS = _BRANCH_PATHS

    branch = models.ForeignKey(
        Branch, models.PROTECT, related_name="checklists", verbose_name=_("党支部")
    )
    cycle = models.ForeignKey(
        Cycle, models.PROTECT, related_name="checklists", verbose_name=_("周期")
    )
    catalogue = models.ForeignKey(
        Catalogue, models.PROTECT, related_name="checklists", verbose_name=_("星级标准")
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=ChecklistState.choices, default=ChecklistState.DRAFT
    )
    level = models.PositiveSmallIntegerField(_("测算星级"), null=True, blank=True)
    result = models.JSONField(_("测算结果"), default=dict, blank=True)
    scored_at = models.DateTimeField(_("测算时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    publicity = models.ForeignKey(
        "scoring.Publicity",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="checklists",
        verbose_name=_("公示批次"),
    )
    revision = models.PositiveIntegerField(_("版本号"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("创星清单")
        verbose_name_plural = _("创星清单")
        ordering = ["cycle", "branch__village__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "cycle"], name="checklist_one_per_branch_cycle"
            ),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=0, level__lte=5),
                name="checklist_level_0_5",
            ),
            models.CheckConstraint(
                condition=Q(state__in=ChecklistState.values), name="checklist_state_valid"
            ),
        ]
        indexes = [models.Index(fields=["cycle", "state"], name="checklist_cycle_state")]

    def __str__(self) -> str:
        return f"{self.branch}（{self.cycle}）"

    @property
    def editable(self) -> bool:
        return self.state in EDITABLE_STATES


# Decimal places an answer keeps: a finer number is refused, not rounded, so a reload scores it
# as it was scored when saved.
ANSWER_PLACES = 2


class Answer(models.Model):
    """One criterion's answer. Both values empty means unanswered; `return_reason` is what the
    township wrote against this criterion when it returned the checklist."""

    checklist = models.ForeignKey(Checklist, models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, models.PROTECT, related_name="+")
    value_bool = models.BooleanField(_("是否"), null=True, blank=True)
    value_number = models.DecimalField(
        _("数值"), max_digits=14, decimal_places=ANSWER_PLACES, null=True, blank=True
    )
    return_reason = models.CharField(_("退回原因"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("答题")
        verbose_name_plural = _("答题")
        constraints = [
            models.UniqueConstraint(
                fields=["checklist", "criterion"], name="answer_one_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(value_bool__isnull=True) | Q(value_number__isnull=True),
                name="answer_one_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}={self.value}"

    @property
    def value(self) -> bool | object | None:
        return self.value_bool if self.value_bool is not None else self.value_number


def evidence_path(instance: "Evidence", filename: str) -> str:
    # Served only through a view that checks scope; the name on disk carries no user text.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    answer = instance.answer
    return f"evidence/{answer.checklist_id}/{answer.criterion_id}/{instance.sha256[:16]}.{suffix}"


class Evidence(models.Model):
    """A photo or PDF backing one answer (佐证材料)."""

    PLACE_PATHS = {level: f"answer__checklist__{path}" for level, path in _BRANCH_PATHS.items()}

    answer = models.ForeignKey(Answer, models.CASCADE, related_name="evidence")
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.name


class StarScore(models.Model):
    """One star's stored score, so that tallies count by star in the database."""

    checklist = models.ForeignKey(Checklist, models.CASCADE, related_name="star_scores")
    star = models.CharField(_("星"), max_length=4)
    score = models.DecimalField(_("得分"), max_digits=4, decimal_places=1)
    earned = models.BooleanField(_("达标"))
    vetoed = models.BooleanField(_("一票否决"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["checklist", "star"], name="star_score_one_per_star")
        ]

    def __str__(self) -> str:
        return f"{self.star} {self.score}"


class Transition(models.Model):
    """Who moved a checklist from which state to which, when and why (审核记录)."""

    PLACE_PATHS = {level: f"checklist__{path}" for level, path in _BRANCH_PATHS.items()}

    checklist = models.ForeignKey(Checklist, models.CASCADE, related_name="transitions")
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    from_state = models.CharField(_("原状态"), max_length=10, choices=ChecklistState.choices)
    to_state = models.CharField(_("新状态"), max_length=10, choices=ChecklistState.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    reason = models.TextField(_("原因"), blank=True)
    star = models.CharField(_("星"), max_length=4, blank=True)
    level = models.PositiveSmallIntegerField(_("星级"), null=True, blank=True)

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.from_state}→{self.to_state}"
