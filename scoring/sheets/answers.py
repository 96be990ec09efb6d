"""Reading a township answer sheet (DESIGN.md, "Township answer sheet") into answers per place,
with every problem found, not just the first.

Layout: row 1 holds criterion codes from the third column on; the first two columns are the
place code and name whatever their labels; a second header row of Chinese names may follow and
is recognised because its first cell is empty or not a place code. One row per village or
community. Blank means unanswered.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from access.scope import restrict
from branches.models import Branch
from catalogues import engine
from catalogues.models import Catalogue, Criterion, Cycle
from catalogues.selectors import LoadedCatalogue, catalogue_current, catalogue_load
from scoring.choices import EDITABLE_STATES, ChecklistState
from scoring.facts import fact_note, fact_values, refusal
from scoring.models import Checklist, VetoEvent
from scoring.selectors import answers_by_criterion, events_standing
from uploads.grids import BOOL, DATE, EMPTY, NUMBER, Cell, Grid
from uploads.imports import CellError
from uploads.widgets import parse_number, parse_yes_no
from villages.codes import Level, level_of, normalise
from villages.models import Village

FIRST_ANSWER_COLUMN = 2  # columns A and B hold the place code and name


@dataclass
class SheetRow:
    row: int  # as in the sheet, 1-based
    village: Village
    branch: Branch
    values: dict[str, engine.Value | None]


@dataclass
class AnswerSheet:
    """What a sheet says, and everything wrong with it. `ok` means it may be written."""

    catalogue: Catalogue | None = None
    loaded: LoadedCatalogue | None = None
    codes: list[str] = field(default_factory=list)
    rows: list[SheetRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    cells: int = 0
    # The veto events standing for the year, by branch id (they answer some items).
    events: dict[int, list[VetoEvent]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(cell: Cell) -> str:
    if cell.kind == EMPTY:
        return ""
    value = cell.value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _trim(grid: Grid) -> list[list[Cell]]:
    """Rows without the empty cells Excel leaves at their ends, and without trailing empty rows."""
    rows = []
    for row in grid.rows:
        end = len(row)
        while end and row[end - 1].kind == EMPTY and not row[end - 1].formula:
            end -= 1
        rows.append(row[:end])
    while rows and not rows[-1]:
        rows.pop()
    return rows


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
    rows = _trim(grid)
    header = rows[0] if rows else []
    header_codes = [_text(c).strip() for c in header[FIRST_ANSWER_COLUMN:]]
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
        return sheet
    if level_of(normalise(header[0].value)) is not None:
        sheet.errors.append(
            CellError(1, "", _text(header[0]), _("第1行是数据而不是表头：缺少指标编码表头行。"))
        )
        return sheet

    start = 1
    if len(rows) > 1 and _is_names_row(rows[1]):
        start = 2
    data = rows[start:]
    villages = _places(data, user)
    kinds = [v.kind for v in villages.values() if v is not None]
    # One catalogue per sheet: the one of the places' kind that knows the header's codes (rural
    # and community catalogues share ZB, PA and WM codes); places of another kind are errors.
    candidates = []
    for kind_ in sorted(set(kinds)):
        try:
            catalogue = catalogue_current(branch_kind=kind_, year=cycle.year)
        except ValidationError as error:  # no published catalogue for the year
            sheet.errors.append(CellError(0, "", "", "；".join(error.messages)))
            return sheet
        loaded = catalogue_load(catalogue=catalogue)
        known = sum(code.strip() in loaded.spec.by_code for code in header_codes)
        candidates.append((known, kinds.count(kind_), kind_, catalogue, loaded))
    kind = None
    if candidates:
        _known, _count, kind, sheet.catalogue, sheet.loaded = max(candidates, key=lambda c: c[:3])
    columns = _header_columns(sheet, header_codes)
    states = _states(villages, cycle)
    sheet.events = events_standing(
        branch_ids=[
            v.branch.pk for v in villages.values() if v is not None and hasattr(v, "branch")
        ],
        year=cycle.year,
    )
    seen: dict[str, int] = {}
    for offset, row in enumerate(data):
        number = start + offset + 1
        _parse_row(sheet, row, number, villages, kind, columns, seen, states)
        if progress and offset % 100 == 0:
            progress(int(100 * offset / max(len(data), 1)))
    if not data and not sheet.errors:
        sheet.errors.append(CellError(0, "", "", _("表中没有数据行。")))
    sheet.cells = sum(len(r.values) for r in sheet.rows)
    return sheet


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


@dataclass(frozen=True)
class Locked:
    """A checklist no longer open: its state and its answers, which the sheet must not change."""

    state: str
    answers: dict[str, engine.Value | None]

    @property
    def label(self) -> str:
        return str(ChecklistState(self.state).label)


def _states(villages: dict[str, Village | None], cycle: Cycle) -> dict[int, Locked | None]:
    """For each branch with a checklist of the cycle: None while it is open, else what it
    holds (two queries)."""
    ids = [v.branch.pk for v in villages.values() if v is not None and hasattr(v, "branch")]
    found: dict[int, Locked | None] = {}
    locked: dict[int, tuple[int, str]] = {}  # checklist id → branch id, state
    for pk, branch_id, state in Checklist.objects.filter(
        branch_id__in=ids, cycle=cycle
    ).values_list("pk", "branch_id", "state"):
        found[branch_id] = None
        if state not in EDITABLE_STATES:
            locked[pk] = (branch_id, state)
    if locked:
        codes = dict(Criterion.objects.values_list("pk", "code").filter(
            catalogue__checklists__pk__in=locked
        ))  # fmt: skip
        given = answers_by_criterion(list(locked))
        for pk, (branch_id, state) in locked.items():
            answers = {codes[c]: v for c, v in given.get(pk, {}).items() if c in codes}
            found[branch_id] = Locked(state, answers)
    return found


def same_value(a: engine.Value | None, b: engine.Value | None) -> bool:
    """Whether a sheet's value and a stored one are the same answer (是 and 1 are not)."""
    if a is None or b is None or isinstance(a, bool) or isinstance(b, bool):
        return a is b or (isinstance(a, bool) and isinstance(b, bool) and a == b)
    return Decimal(str(a)) == Decimal(str(b))


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


def _parse_row(
    sheet: AnswerSheet,
    row: list[Cell],
    number: int,
    villages: dict[str, Village | None],
    kind: str | None,
    columns: dict[int, engine.CriterionSpec | None],
    seen: dict[str, int],
    states: dict[int, Locked | None],
) -> None:
    def error(column: str, value: str, message: str, name: str = "", cell: str = "") -> None:
        sheet.errors.append(CellError(number, column, value, message, name, cell or f"A{number}"))

    if not row or all(c.kind == EMPTY for c in row):
        error("", "", _("空行：数据中间不能有空行，请删除后再导入。"))
        return
    raw_code = row[0].value
    code = normalise(raw_code)
    if code != _text(row[0]) and code:
        sheet.notices.append(_("第%(row)s行区划代码前后有空格，已自动去除。") % {"row": number})
    column_a = _("区划代码")
    if level_of(code) != Level.VILLAGE:
        error(column_a, _text(row[0]), _("不是村(社区)的12位区划代码。"))
        return
    if code in seen:
        error(
            column_a, code, _("与第%(row)s行重复：同一村(社区)只能出现一次。") % {"row": seen[code]}
        )
        return
    seen[code] = number
    village = villages.get(code)
    if village is None:
        error(column_a, code, _("区划代码不存在，或不属于您管辖的范围。"))
        return
    branch = getattr(village, "branch", None)
    if branch is None:
        error(
            column_a,
            code,
            _("%(name)s尚未登记党支部，请先导入党支部名册。") % {"name": village.name},
        )
        return
    if kind is not None and village.kind != kind:
        error(
            column_a,
            code,
            _("%(name)s是%(kind)s，与本表其他村(社区)类型不同，请分开导入。")
            % {"name": village.name, "kind": village.get_kind_display()},
        )
        return
    locked = states.get(branch.pk)
    values: dict[str, engine.Value | None] = {}
    ok = True
    for index, cell in enumerate(row[FIRST_ANSWER_COLUMN:], FIRST_ANSWER_COLUMN):
        letter = get_column_letter(index + 1)
        if index not in columns:
            if cell.kind != EMPTY:
                error(
                    letter,
                    _text(cell),
                    _("表头之外的列有内容：请删除或补上表头。"),
                    cell=f"{letter}{number}",
                )
                ok = False
            continue
        criterion = columns[index]
        if criterion is None:
            continue
        try:
            values[criterion.code] = _value(criterion, cell)
        except ValueError as problem:
            error(
                criterion.code,
                _text(cell),
                str(problem),
                name=_criterion_name(sheet, criterion.code),
                cell=f"{letter}{number}",
            )
            ok = False
    for index, criterion in columns.items():  # columns the row does not reach are blank
        if criterion is not None and criterion.code not in values and index >= len(row):
            values[criterion.code] = None
    if ok and sheet.loaded is not None:  # answers a register gives are not the sheet's to change
        events = sheet.events.get(branch.pk, [])
        facts = fact_values(branch=branch, loaded=sheet.loaded, events=events)
        letters = {c.code: get_column_letter(i + 1) for i, c in columns.items() if c is not None}
        for code, fact in facts.items():
            if values.get(code) is not None and values[code] != fact:
                note = fact_note(branch=branch, loaded=sheet.loaded, code=code, events=events)
                error(
                    code,
                    shown_value(values[code]),
                    refusal(note),
                    _criterion_name(sheet, code),
                    f"{letters.get(code, 'A')}{number}",
                )
                ok = False
            elif code in values:
                values[code] = fact
    if ok and locked is not None:
        _check_locked(sheet, locked, village, values, columns, number)
    elif ok:
        sheet.rows.append(SheetRow(number, village, branch, values))


def _check_locked(
    sheet: AnswerSheet,
    locked: Locked,
    village: Village,
    values: dict[str, engine.Value | None],
    columns: dict[int, engine.CriterionSpec | None],
    number: int,
) -> None:
    """A row of a checklist no longer open: skipped with a note when it says what the checklist
    holds (a template downloaded earlier and sent back), an error per changed cell otherwise."""
    letters = {c.code: get_column_letter(i + 1) for i, c in columns.items() if c is not None}
    changed = [c for c, v in values.items() if not same_value(v, locked.answers.get(c))]
    if not changed:
        sheet.notices.append(
            _("第%(row)s行%(name)s的清单%(state)s，内容未变，已跳过。")
            % {"row": number, "name": village.name, "state": locked.label}
        )
        return
    for code in changed:
        sheet.errors.append(
            CellError(
                number,
                code,
                shown_value(values[code]),
                _("%(name)s的清单%(state)s，不能再修改（原为“%(old)s”）；如需修改请先退回或重新打开。")
                % {"name": village.name, "state": locked.label,
                   "old": shown_value(locked.answers.get(code))},
                _criterion_name(sheet, code),
                f"{letters[code]}{number}",
            )
        )  # fmt: skip


def shown_value(value: engine.Value | None) -> str:
    """An answer as a person typed it."""
    if value is None:
        return _("未填")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    number = Decimal(str(value))
    return format(number.normalize(), "f") if number == number.to_integral_value() else str(number)


def _criterion_name(sheet: AnswerSheet, code: str) -> str:
    return sheet.loaded.text_of.get(code, "") if sheet.loaded else ""


def _value(criterion: engine.CriterionSpec, cell: Cell) -> engine.Value | None:
    if cell.formula and cell.kind == EMPTY:
        raise ValueError(
            _("这是公式，但文件里没有保存计算结果：请在Excel中打开、保存后再导入，或直接填写数值。")
        )
    if cell.kind == EMPTY:
        return None
    if cell.kind == DATE:
        raise ValueError(_("这里应填%(what)s，单元格却是日期格式。") % {"what": _what(criterion)})
    if criterion.kind == engine.BOOL:
        answer = parse_yes_no(cell.value)
        return answer
    if cell.kind == BOOL:
        raise ValueError(_("这里应填数字，不是是/否。"))
    number = parse_number(cell.value if cell.kind == NUMBER else str(cell.value))
    if number is None:
        return None
    problem = engine.number_problem(criterion, number)
    if problem:
        raise ValueError(problem)
    return number.quantize(Decimal("0.01"))  # what the database keeps


def _what(criterion: engine.CriterionSpec) -> str:
    if criterion.kind == engine.BOOL:
        return _("是/否")
    return _("百分比（0～100）") if criterion.kind == engine.PERCENT else _("数字")
