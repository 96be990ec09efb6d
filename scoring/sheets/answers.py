"""Reading a township answer sheet (DESIGN.md, "Township answer sheet") into answers per place,
with every problem found, not just the first.

Layout: row 1 holds criterion codes from the third column on; the first two columns are the
place code and name whatever their labels; a second header row of Chinese names may follow and
is recognised because its first cell is empty or not a place code. One row per village or
community. Blank means unanswered.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from access.scope import restrict
from branches.models import Branch
from catalogues import engine
from catalogues.models import Cycle
from catalogues.selectors import catalogue_current, catalogue_load
from scoring.facts import fact_note, fact_values, refusal
from scoring.selectors import events_standing
from scoring.sheets.cells import cell_text, cell_value, shown_value, trimmed
from scoring.sheets.locked import Locked, check_locked, locked_states
from scoring.sheets.result import AnswerSheet, SheetRow
from uploads.grids import EMPTY, Cell, Grid
from uploads.imports import CellError
from villages.codes import Level, level_of, normalise
from villages.models import Village

FIRST_ANSWER_COLUMN = 2  # columns A and B hold the place code and name


def parse_answer_sheet(
    *,
    grid: Grid,
    user: Any,
    cycle: Cycle,
    progress: Callable[[int], None] | None = None,
) -> AnswerSheet:
    sheet = AnswerSheet()
    for problem in grid.problems:
        sheet.errors.append(CellError(0, "", "", problem))
    rows = trimmed(grid)
    header = rows[0] if rows else []
    header_codes = [cell_text(c).strip() for c in header[FIRST_ANSWER_COLUMN:]]
    if not _header_ok(sheet, header, header_codes):
        return sheet
    start = 2 if len(rows) > 1 and _is_names_row(rows[1]) else 1
    data = rows[start:]
    villages = _places(data, user)
    chosen, kind = _catalogue_chosen(sheet, villages, header_codes, cycle.year)
    if not chosen:
        return sheet  # no published catalogue for the year: nothing to check against
    branch_ids = _branch_ids(villages)
    reading = _Reading(
        sheet=sheet,
        villages=villages,
        kind=kind,
        columns=_header_columns(sheet, header_codes),
        states=locked_states(branch_ids, cycle),
    )
    sheet.events = events_standing(branch_ids=branch_ids, year=cycle.year)
    for offset, row in enumerate(data):
        _parse_row(reading, row, start + offset + 1)
        if progress and offset % 100 == 0:
            progress(int(100 * offset / max(len(data), 1)))
    if not data and not sheet.errors:
        sheet.errors.append(CellError(0, "", "", _("表中没有数据行。")))
    sheet.cells = sum(len(r.values) for r in sheet.rows)
    return sheet


def _header_ok(sheet: AnswerSheet, header: list[Cell], header_codes: list[str]) -> bool:
    if len(header) <= FIRST_ANSWER_COLUMN or not any(header_codes):
        sheet.errors.append(
            CellError(
                1,
                "",
                "",
                _(
                    "第1行应为表头：A列区划代码、B列名称，从C列起每列一个指标编码（如 ZB-01）。"
                    "请使用系统下载的答题表模板。"
                ),
            )
        )
        return False
    if level_of(normalise(header[0].value)) is not None:
        sheet.errors.append(
            CellError(1, "", cell_text(header[0]), _("第1行是数据而不是表头：缺少指标编码表头行。"))
        )
        return False
    return True


def _catalogue_chosen(
    sheet: AnswerSheet, villages: dict[str, Village | None], header_codes: list[str], year: int
) -> tuple[bool, str | None]:
    """One catalogue per sheet: the one of the places' kind that knows the header's codes (rural
    and community catalogues share ZB, PA and WM codes); places of another kind are errors.
    Sets it on `sheet`; returns whether one could be chosen, and its kind (None: no places)."""
    kinds = [v.kind for v in villages.values() if v is not None]
    candidates = []
    for kind in sorted(set(kinds)):
        try:
            catalogue = catalogue_current(branch_kind=kind, year=year)
        except ValidationError as error:  # no published catalogue for the year
            sheet.errors.append(CellError(0, "", "", "；".join(error.messages)))
            return False, None
        loaded = catalogue_load(catalogue=catalogue)
        known = sum(code.strip() in loaded.spec.by_code for code in header_codes)
        candidates.append((known, kinds.count(kind), kind, catalogue, loaded))
    if not candidates:
        return True, None
    _known, _count, kind, sheet.catalogue, sheet.loaded = max(candidates, key=lambda c: c[:3])
    return True, kind


def _branch_ids(villages: dict[str, Village | None]) -> list[int]:
    return [v.branch.pk for v in villages.values() if v is not None and hasattr(v, "branch")]


def _is_names_row(row: list[Cell]) -> bool:
    first = normalise(row[0].value) if row else ""
    return first == "" or level_of(first) is None


def _places(data: list[list[Cell]], user: Any) -> dict[str, Village | None]:
    """Each code in column A → the village if the user may import for it (None if not)."""
    codes = {normalise(row[0].value) for row in data if row}
    codes.discard("")
    visible = {
        v.code: v
        for v in restrict(
            Village.objects.filter(code__in=codes).select_related("township", "branch"), user
        )
    }
    return {code: visible.get(code) for code in codes}


def _header_columns(
    sheet: AnswerSheet, header_codes: list[str]
) -> dict[int, engine.CriterionSpec | None]:
    """Column index → criterion; unknown and repeated codes are reported once, on row 1."""
    columns: dict[int, engine.CriterionSpec | None] = {}
    by_code = sheet.loaded.spec.by_code if sheet.loaded else {}
    first_seen: dict[str, int] = {}
    stripped = []
    for i, raw in enumerate(header_codes):
        index = FIRST_ANSWER_COLUMN + i
        letter = get_column_letter(index + 1)
        code = raw.strip()
        if raw != code:
            stripped.append(letter)
        if not code:
            sheet.errors.append(
                CellError(1, letter, "", _("表头为空：这一列没有指标编码。"), cell=f"{letter}1")
            )
            columns[index] = None
            continue
        if code in first_seen:
            sheet.errors.append(
                CellError(
                    1,
                    code,
                    code,
                    _("指标编码重复：与%(col)s列相同。")
                    % {"col": get_column_letter(first_seen[code] + 1)},
                    cell=f"{letter}1",
                )
            )
            columns[index] = None
            continue
        first_seen[code] = index
        criterion = by_code.get(code)
        if criterion is None and sheet.loaded is not None:
            sheet.errors.append(
                CellError(
                    1,
                    code,
                    code,
                    _("本年度标准（%(catalogue)s）中没有这个指标编码。")
                    % {"catalogue": sheet.loaded.spec.code},
                    cell=f"{letter}1",
                )
            )
        columns[index] = criterion
        if criterion is not None:
            sheet.codes.append(code)
    if stripped:
        sheet.notices.append(
            _("表头%(cols)s列的编码前后有空格，已自动去除。") % {"cols": "、".join(stripped)}
        )
    return columns


@dataclass
class _Reading:
    """What every row of a sheet is read against."""

    sheet: AnswerSheet
    villages: dict[str, Village | None]
    kind: str | None
    columns: dict[int, engine.CriterionSpec | None]
    states: dict[int, Locked | None]
    seen: dict[str, int] = field(default_factory=dict)  # place code → the row it was on

    def error(
        self, number: int, column: str, value: str, message: str, name: str = "", cell: str = ""
    ) -> None:
        self.sheet.errors.append(
            CellError(number, column, value, message, name, cell or f"A{number}")
        )

    @property
    def letters(self) -> dict[str, str]:
        return {c.code: get_column_letter(i + 1) for i, c in self.columns.items() if c is not None}


def _parse_row(reading: _Reading, row: list[Cell], number: int) -> None:
    if not row or all(c.kind == EMPTY for c in row):
        reading.error(number, "", "", _("空行：数据中间不能有空行，请删除后再导入。"))
        return
    village = _row_village(reading, row, number)
    if village is None:
        return
    values = _row_values(reading, row, number)
    if values is None or not _row_facts_kept(reading, village.branch, values, number):
        return
    locked = reading.states.get(village.branch.pk)
    if locked is not None:
        check_locked(reading.sheet, reading.letters, locked, village, values, number)
    else:
        reading.sheet.rows.append(SheetRow(number, village, village.branch, values))


def _row_village(reading: _Reading, row: list[Cell], number: int) -> Village | None:
    """The row's village, if it is one the user may import for, once, with a branch and of the
    sheet's kind; else None, with the error said."""
    code = normalise(row[0].value)
    if code != cell_text(row[0]) and code:
        reading.sheet.notices.append(
            _("第%(row)s行区划代码前后有空格，已自动去除。") % {"row": number}
        )
    column_a = _("区划代码")
    if level_of(code) != Level.VILLAGE:
        reading.error(number, column_a, cell_text(row[0]), _("不是村(社区)的12位区划代码。"))
        return None
    if code in reading.seen:
        message = _("与第%(row)s行重复：同一村(社区)只能出现一次。") % {"row": reading.seen[code]}
        reading.error(number, column_a, code, message)
        return None
    reading.seen[code] = number
    village = reading.villages.get(code)
    if village is None:
        reading.error(number, column_a, code, _("区划代码不存在，或不属于您管辖的范围。"))
        return None
    if getattr(village, "branch", None) is None:
        message = _("%(name)s尚未登记党支部，请先导入党支部名册。") % {"name": village.name}
        reading.error(number, column_a, code, message)
        return None
    if reading.kind is not None and village.kind != reading.kind:
        message = _("%(name)s是%(kind)s，与本表其他村(社区)类型不同，请分开导入。") % {
            "name": village.name,
            "kind": village.get_kind_display(),
        }
        reading.error(number, column_a, code, message)
        return None
    return village


def _row_values(
    reading: _Reading, row: list[Cell], number: int
) -> dict[str, engine.Value | None] | None:
    """The row's answers by criterion code; None when a cell is wrong (each one said)."""
    values: dict[str, engine.Value | None] = {}
    ok = True
    for index, cell in enumerate(row[FIRST_ANSWER_COLUMN:], FIRST_ANSWER_COLUMN):
        letter = get_column_letter(index + 1)
        if index not in reading.columns:
            if cell.kind != EMPTY:
                message = _("表头之外的列有内容：请删除或补上表头。")
                reading.error(number, letter, cell_text(cell), message, cell=f"{letter}{number}")
                ok = False
            continue
        criterion = reading.columns[index]
        if criterion is None:
            continue
        try:
            values[criterion.code] = cell_value(criterion, cell)
        except ValueError as problem:
            name = reading.sheet.criterion_name(criterion.code)
            reading.error(
                number, criterion.code, cell_text(cell), str(problem), name, f"{letter}{number}"
            )
            ok = False
    for index, criterion in reading.columns.items():  # columns the row does not reach are blank
        if criterion is not None and criterion.code not in values and index >= len(row):
            values[criterion.code] = None
    return values if ok else None


def _row_facts_kept(
    reading: _Reading, branch: Branch, values: dict[str, engine.Value | None], number: int
) -> bool:
    """Answers a register or an event gives are not the sheet's to change: a cell that says
    otherwise is an error, one that agrees (or is blank) takes the fact."""
    loaded = reading.sheet.loaded
    if loaded is None:
        return True
    events = reading.sheet.events.get(branch.pk, [])
    letters = reading.letters
    ok = True
    for code, fact in fact_values(branch=branch, loaded=loaded, events=events).items():
        if values.get(code) is not None and values[code] != fact:
            note = fact_note(branch=branch, loaded=loaded, code=code, events=events)
            reading.error(
                number,
                code,
                shown_value(values[code]),
                refusal(note),
                reading.sheet.criterion_name(code),
                f"{letters.get(code, 'A')}{number}",
            )
            ok = False
        elif code in values:
            values[code] = fact
    return ok
