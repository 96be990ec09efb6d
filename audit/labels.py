"""How the audit page reads an entry: field names and coded values in the words people use.

Audit knows no app above it, so the apps tell it their words when they start (`register`):
the workflow its state and action names, branches their rectification statuses. What no app
named is shown as it was stored."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

FIELDS: dict[str, Any] = {
    "state": _("状态"), "action": _("操作"), "reason": _("原因"), "star": _("星"),
    "status": _("状态"), "step": _("步骤"), "note": _("说明"), "owner": _("责任人"),
    "deadline": _("完成时限"), "due": _("填报截止日"), "cycle": _("周期"),
    "five_star": _("五星支部目标数"), "four_star": _("四星支部目标数"),
    "three_plus_share": _("三星以上占比目标(%)"), "published": _("已发布"),
    "draft_of": _("草稿来源"), "version": _("版本"), "ruling": _("处理意见"),
    "objection": _("异议"), "upheld": _("异议成立"), "rows": _("行数"), "new": _("新增"),
    "renamed": _("改名"), "created": _("新填"), "changed": _("修改"), "unchanged": _("未变"),
    "sha256": _("文件指纹"), "level": _("星级"), "stars": _("所获星"), "days": _("公示天数"),
    "target_level": _("创星目标"), "weak_lax": _("软弱涣散"), "secretary": _("书记"),
    "members": _("党员人数"), "name": _("名称"), "criteria": _("指标"), "criterion": _("指标"),
}  # fmt: skip
VALUES: dict[str, dict[str, Any]] = {}  # field → stored value → label
ACTIONS: dict[str, Any] = {}  # audit action → its words, as the apps registered them


def actions_register(choices: Any) -> None:
    """Name an app's audit actions (its `AuditAction` choices) for the trail and its filter."""
    ACTIONS.update(dict(choices.choices))


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


def register(field: str, labels: Mapping[str, Any]) -> None:
    """Name the coded values of `field` (an app's choices) for the audit page."""
    VALUES.setdefault(field, {}).update(labels)


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str
    was: bool  # the field had a value before
    now: bool  # and has one after


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """Each field an entry touched, with its value before and after in words."""
    keys = list(dict.fromkeys([*before, *after]))
    return [
        Change(
            field=str(FIELDS.get(key, key)),
            before=_shown(key, before.get(key)),
            after=_shown(key, after.get(key)),
            was=key in before,
            now=key in after,
        )
        for key in keys
    ]


def _shown(key: str, value: Any) -> str:
    if value is None or value == "":
        return str(_("（空）"))
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, list):
        return "、".join(_shown(key, v) for v in value) or str(_("（空）"))
    labels = VALUES.get(key, {})
    return str(labels.get(value, value))
