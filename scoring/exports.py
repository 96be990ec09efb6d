"""Spreadsheets out, with Chinese headers, always for the caller's places: branch levels and
stars, shortfall lists, rectification tasks. Each is one or two queries whatever the size."""

from typing import Any

import tablib
from django.utils.translation import gettext as _

from access.scope import restrict
from branches.models import Rectification
from catalogues.models import Criterion, Cycle
from scoring.models import Checklist


def _checklists(user: Any, cycle: Cycle) -> list[Checklist]:
    return list(
        restrict(Checklist.objects.filter(cycle=cycle), user)
        .select_related("branch__village__township", "catalogue")
        .order_by("branch__village__code")
    )


def levels_dataset(*, user: Any, cycle: Cycle) -> tablib.Dataset:
    """One row per branch: its level, state and each star's score and verdict."""
    stars = ["ZB", "CY", "ST", "PA", "WM", "FW", "GJ"]
    headers = [_("乡镇(街道)"), _("区划代码"), _("村(社区)"), _("类型"), _("状态"), _("测算星级")]
    headers += [_("%(star)s得分") % {"star": s} for s in stars]
    headers += [_("获星")]
    data = tablib.Dataset(headers=headers, title=_("星级一览"))
    for c in _checklists(user, cycle):
        village = c.branch.village
        results = {s["code"]: s for s in c.result.get("stars", [])}
        data.append(
            [
                village.township.name,
                village.code,
                village.name,
                village.get_kind_display(),
                c.get_state_display(),
                c.level,
                *[results[s]["score"] if s in results else "" for s in stars],
                "、".join(s for s in results if results[s]["earned"]),
            ]
        )
    return data


def shortfalls_dataset(*, user: Any, cycle: Cycle) -> tablib.Dataset:
    """One row per unmet criterion of a star not earned (短板清单)."""
    headers = [
        _("乡镇(街道)"), _("区划代码"), _("村(社区)"), _("星"), _("指标编码"), _("指标内容"),
        _("短板类型"), _("该星得分"), _("差分"),
    ]  # fmt: skip
    data = tablib.Dataset(headers=headers, title=_("短板清单"))
    checklists = _checklists(user, cycle)
    texts = {
        (catalogue_id, code): text
        for catalogue_id, code, text in Criterion.objects.filter(
            catalogue_id__in={c.catalogue_id for c in checklists}
        ).values_list("catalogue_id", "code", "text")
    }
    for c in checklists:
        village = c.branch.village
        for star in c.result.get("stars", []):
            if star["earned"]:
                continue
            items = [(code, _("一票否决")) for code in star["vetoed_by"]]
            items += [
                (code, _("硬指标未达") if code in star["unmet_hard"] else _("未达标"))
                for code in star["unmet"]
            ]
            for code, why in items:
                data.append(
                    [
                        village.township.name,
                        village.code,
                        village.name,
                        star["code"],
                        code,
                        texts.get((c.catalogue_id, code), ""),
                        why,
                        star["score"],
                        star["points_short"],
                    ]
                )
    return data


def rectifications_dataset(*, user: Any) -> tablib.Dataset:
    headers = [
        _("乡镇(街道)"), _("区划代码"), _("村(社区)"), _("周期"), _("指标编码"), _("整改事项"),
        _("责任人"), _("完成时限"), _("状态"), _("整改情况"),
    ]  # fmt: skip
    data = tablib.Dataset(headers=headers, title=_("整改任务"))
    tasks = restrict(Rectification.objects.all(), user).select_related("branch__village__township")
    for t in tasks.order_by("branch__village__code", "deadline"):
        village = t.branch.village
        data.append(
            [
                village.township.name,
                village.code,
                village.name,
                t.cycle,
                t.criterion,
                t.title,
                t.owner,
                t.deadline.isoformat(),
                t.get_status_display(),
                t.note,
            ]
        )
    return data
