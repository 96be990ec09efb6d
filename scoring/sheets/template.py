"""The answer-sheet template handed out to townships: the contract layout, filled with their
places (and any answers already given), with drop-downs, number checks, frozen headers and the
code columns protected. Rows of checklists no longer open (submitted, passed, approved…) are
greyed and locked, their state written beside the name: sent back unchanged they are skipped,
changed they are refused cell by cell (scoring.sheets.answers)."""

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from catalogues import engine
from catalogues.models import Catalogue, Criterion, Cycle
from scoring.choices import EDITABLE_STATES, ChecklistState
from scoring.models import Answer, Checklist
from villages.models import Village

HEADER_FILL = PatternFill("solid", fgColor="F3E3E3")
NAME_FILL = PatternFill("solid", fgColor="FAF3F3")
CODE_FILL = PatternFill("solid", fgColor="EEEEEE")
LOCKED_FILL = PatternFill("solid", fgColor="D9D9D9")
LOCKED_FONT = Font(color="595959")
UNLOCKED = Protection(locked=False)


def _hint(criterion: Criterion) -> str:
    if criterion.veto:
        return "（是=发生了）"
    if criterion.kind == engine.BOOL:
        return "（是/否）"
    sign = "≥" if criterion.direction == engine.AT_LEAST else "≤"
    threshold = format(Decimal(criterion.threshold or 0).normalize(), "f")
    unit = "%" if criterion.kind == engine.PERCENT else ""
    return f"（{sign}{threshold}{unit}）"


def answer_template(*, catalogue: Catalogue, cycle: Cycle, villages: list[Village]) -> bytes:
    """An .xlsx for `villages` (all of the catalogue's kind) and `cycle`."""
    criteria = list(catalogue.criteria.select_related("star").order_by("star__order", "order"))
    answers = _answers(villages, cycle, criteria)
    closed = {
        village_id: ChecklistState(state).label
        for village_id, state in Checklist.objects.filter(
            cycle=cycle, branch__village__in=villages
        ).values_list("branch__village_id", "state")
        if state not in EDITABLE_STATES
    }
    book = Workbook()
    sheet = book.active
    sheet.title = f"{cycle.code}答题表"[:31]
    sheet.append(["区划代码", "名称", *[c.code for c in criteria]])
    sheet.append(["", "指标名称（本行可保留）", *[f"{c.text}{_hint(c)}" for c in criteria]])
    for village in villages:
        given = answers.get(village.pk, {})
        name = village.name
        if village.pk in closed:
            name = f"{village.name}（{closed[village.pk]}，不可修改）"
        sheet.append([village.code, name, *[given.get(c.pk) for c in criteria]])
    _headers_styled(sheet, wide_names=bool(closed))
    _columns_checked(sheet, criteria)
    _rows_locked(sheet, villages, closed)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _headers_styled(sheet: Any, *, wide_names: bool) -> None:
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    for cell in sheet[2]:
        cell.fill, cell.alignment = NAME_FILL, Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[2].height = 60
    sheet.column_dimensions["A"].width = 15
    sheet.column_dimensions["B"].width = 24 if wide_names else 14
    sheet.freeze_panes = "C3"


def _validation(kind: str) -> DataValidation:
    """What Excel and LibreOffice let a person type in a column of this kind of item."""
    if kind == engine.BOOL:
        return DataValidation(
            type="list",
            formula1='"是,否"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="请选择是或否",
            error="本列只能填“是”或“否”，也可以留空表示未填。",
        )
    if kind == engine.PERCENT:
        return DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2="100",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="请填写0～100之间的数字",
            error="本列是百分比，应填写0～100之间的数字，也可以留空表示未填。",
        )
    return DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="请填写数字",
        error="本列应填写数字（不能为负数），也可以留空表示未填。",
    )


def _columns_checked(sheet: Any, criteria: list[Criterion]) -> None:
    """Each item's column: its validation over the data rows and its star and text as a note."""
    last = sheet.max_row
    validations = {kind: _validation(kind) for kind in (engine.BOOL, engine.NUMBER, engine.PERCENT)}
    for validation in validations.values():
        sheet.add_data_validation(validation)
    for index, criterion in enumerate(criteria, 2):
        letter = get_column_letter(index + 1)
        sheet.column_dimensions[letter].width = 12
        if last >= 3:
            validations.get(criterion.kind, validations[engine.NUMBER]).add(
                f"{letter}3:{letter}{last}"
            )
        sheet.cell(1, index + 1).comment = Comment(
            f"{criterion.star.name}：{criterion.text}", "五星支部"
        )


def _rows_locked(sheet: Any, villages: list[Village], closed: dict[int, Any]) -> None:
    """Codes, names and the rows of closed checklists protected, so rows cannot be
    misattributed; no password, since this guards against slips, not people."""
    last = sheet.max_row
    for village, row in zip(villages, sheet.iter_rows(min_row=3, max_row=last), strict=True):
        row[0].fill = row[1].fill = CODE_FILL
        if village.pk in closed:
            for cell in row:  # greyed and left locked: the sheet protection keeps it as it is
                cell.fill, cell.font = LOCKED_FILL, LOCKED_FONT
            row[0].comment = Comment(
                f"清单{closed[village.pk]}，本行不能修改；原样上传时跳过。", "五星支部"
            )
            continue
        for cell in row[2:]:
            cell.protection = UNLOCKED
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _answers(
    villages: list[Village], cycle: Cycle, criteria: list[Criterion]
) -> dict[int, dict[int, Any]]:
    """Answers already given, as they would be typed: 是/否 and plain numbers."""
    found: dict[int, dict[int, Any]] = {}
    rows = Answer.objects.filter(
        checklist__cycle=cycle,
        checklist__branch__village__in=villages,
        criterion__in=criteria,
    ).values_list("checklist__branch__village_id", "criterion_id", "value_bool", "value_number")
    for village_id, criterion_id, vb, vn in rows.iterator(chunk_size=20000):
        if vb is not None:
            value: Any = "是" if vb else "否"
        elif vn is not None:
            value = int(vn) if vn == vn.to_integral_value() else float(vn)
        else:
            continue
        found.setdefault(village_id, {})[criterion_id] = value
    return found
