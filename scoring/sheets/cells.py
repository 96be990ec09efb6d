"""The cells of an answer sheet as answers: what a cell says, and how a person wrote it."""

from decimal import Decimal

from django.utils.translation import gettext as _

from catalogues import engine
from uploads.grids import BOOL, DATE, EMPTY, NUMBER, Cell, Grid
from uploads.widgets import parse_number, parse_yes_no


def cell_text(cell: Cell) -> str:
    if cell.kind == EMPTY:
        return ""
    value = cell.value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def trimmed(grid: Grid) -> list[list[Cell]]:
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


def same_value(a: engine.Value | None, b: engine.Value | None) -> bool:
    """Whether a sheet's value and a stored one are the same answer (是 and 1 are not)."""
    if a is None or b is None or isinstance(a, bool) or isinstance(b, bool):
        return a is b or (isinstance(a, bool) and isinstance(b, bool) and a == b)
    return Decimal(str(a)) == Decimal(str(b))


def shown_value(value: engine.Value | None) -> str:
    """An answer as a person typed it."""
    if value is None:
        return _("未填")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    number = Decimal(str(value))
    return format(number.normalize(), "f") if number == number.to_integral_value() else str(number)


def cell_value(criterion: engine.CriterionSpec, cell: Cell) -> engine.Value | None:
    if cell.formula and cell.kind == EMPTY:
        raise ValueError(
            _("这是公式，但文件里没有保存计算结果：请在Excel中打开、保存后再导入，或直接填写数值。")
        )
    if cell.kind == EMPTY:
        return None
    if cell.kind == DATE:
        raise ValueError(
            _("这里应填%(what)s，单元格却是日期格式。") % {"what": what_is_wanted(criterion)}
        )
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


def what_is_wanted(criterion: engine.CriterionSpec) -> str:
    if criterion.kind == engine.BOOL:
        return _("是/否")
    return _("百分比（0～100）") if criterion.kind == engine.PERCENT else _("数字")
