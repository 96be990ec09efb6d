"""Targets as a spreadsheet (创建目标表): the template a province, city or county fills in for
itself and the places one level below, and its import. Columns: 年度, 区划代码, 名称, 类型
(农村/社区), 五星目标数, 四星目标数, 三星以上占比(%). All or nothing, every bad cell named."""

from collections import defaultdict
from decimal import Decimal
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches.models import Target
from branches.selectors import targets_of
from branches.services import targets_save
from uploads.imports import CellError
from uploads.spreadsheets import SpreadsheetError, Upload, read_table
from uploads.widgets import parse_number
from villages.codes import normalise

HEADERS = ("年度", "区划代码", "名称", "类型", "五星目标数", "四星目标数", "三星以上占比(%)")
KIND_WORDS = {
    "农村": Target.Kind.RURAL, "村": Target.Kind.RURAL, "rural": Target.Kind.RURAL,
    "社区": Target.Kind.COMMUNITY, "城市社区": Target.Kind.COMMUNITY,
    "community": Target.Kind.COMMUNITY,
}  # fmt: skip


def targets_template(*, place: Any, year: int) -> tablib.Dataset:
    """The place and its children, a row per kind, with the year's targets filled in."""
    dataset = tablib.Dataset(headers=list(HEADERS), title=_("创建目标"))
    for row in targets_of(place=place, year=year):
        for kind in (Target.Kind.RURAL, Target.Kind.COMMUNITY):
            target = row.targets[kind]
            dataset.append(
                [year, row.place.code, row.place.name, str(kind.label),
                 target.five_star if target else 0, target.four_star if target else 0,
                 float(target.three_plus_share) if target else 0]
            )  # fmt: skip
    return dataset


def targets_import(*, user: Any, upload: Upload) -> tuple[int, list[CellError]]:
    """Read the sheet and save every row's targets, or nothing; returns (rows, errors)."""
    try:
        dataset = read_table(upload)
    except SpreadsheetError as exc:
        return 0, [CellError(0, "", "", str(exc))]
    headers = [str(h or "").strip() for h in dataset.headers or []]
    missing = [h for h in HEADERS if h != "名称" and h not in headers]
    if missing:
        message = _("缺少必需的列：%(columns)s（表头应在第1行）。") % {
            "columns": "、".join(missing)
        }
        return 0, [CellError(1, "", "", message)]
    by_year: dict[int, dict[tuple[str, str], tuple[int, int, Decimal]]] = defaultdict(dict)
    errors: list[CellError] = []
    for number, values in enumerate(dataset, start=2):
        row = dict(zip(headers, values, strict=False))
        if all(v in (None, "") for v in values):
            continue
        problems = len(errors)
        year = _integer(row, "年度", number, errors)
        code = normalise(row.get("区划代码"))
        kind = KIND_WORDS.get(str(row.get("类型") or "").strip())
        if kind is None:
            errors.append(CellError(number, "类型", str(row.get("类型") or ""),
                                    _("应为“农村”或“社区”。")))  # fmt: skip
        five = _integer(row, "五星目标数", number, errors)
        four = _integer(row, "四星目标数", number, errors)
        share = _decimal(row, "三星以上占比(%)", number, errors)
        if len(errors) > problems:
            continue
        if (code, kind) in by_year[year]:
            errors.append(CellError(number, "区划代码", code, _("同一年度、类型重复出现。")))
            continue
        by_year[year][(code, kind)] = (five, four, share)
    if errors:
        return 0, errors
    try:
        with transaction.atomic():
            for year, rows in by_year.items():
                targets_save(user=user, year=year, rows=rows)
    except ValidationError as error:
        return 0, [CellError(0, "", "", message) for message in error.messages]
    return sum(len(rows) for rows in by_year.values()), []


def _number(row: dict, column: str) -> tuple[Decimal | None, str]:
    """The cell's number as people type it (uploads.widgets.parse_number), None when it is
    blank or not a number, and its text for the error."""
    raw = row.get(column)
    try:
        return parse_number(raw), str(raw if raw is not None else "").strip()
    except ValueError:
        return None, str(raw).strip()


def _integer(row: dict, column: str, number: int, errors: list[CellError]) -> int:
    value, text = _number(row, column)
    if value is None or value != value.to_integral_value() or not 0 <= value <= 1_000_000:
        errors.append(CellError(number, column, text, _("应为不小于0的整数。")))
        return 0
    return int(value)


def _decimal(row: dict, column: str, number: int, errors: list[CellError]) -> Decimal:
    value, text = _number(row, column)
    if value is None or not 0 <= value <= 100:
        errors.append(CellError(number, column, text, _("应为0～100之间的数。")))
        return Decimal(0)
    return value.quantize(Decimal("0.1"))
