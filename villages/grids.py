"""Wide sheets read cell by cell, keeping what each cell really is (text, number, date, a formula
and its cached value) and what is wrong with the workbook as a whole (hidden or extra sheets,
merged cells). The register imports read rows through tablib; a wide answer sheet needs this.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

import openpyxl
import xlrd
from django.utils.translation import gettext as _

from villages.spreadsheets import SpreadsheetError, Upload, check_upload, decode_csv

EMPTY, TEXT, NUMBER, BOOL, DATE = "empty", "text", "number", "bool", "date"
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


@dataclass(slots=True)
class Cell:
    value: Any
    kind: str
    formula: bool = False  # the value is a formula's cached result (None when there was none)


@dataclass
class Grid:
    rows: list[list[Cell]]
    sheet: str = ""
    problems: list[str] = field(default_factory=list)  # the workbook as a whole


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: how Excel names columns."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _kind(value: Any) -> str:
    if value is None or (isinstance(value, str) and value == ""):
        return EMPTY
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int | float):
        return NUMBER
    if isinstance(value, datetime | date | time):
        return DATE
    return TEXT


def read_grid(upload: Upload) -> Grid:
    """Every cell of the one sheet of `upload`; raises SpreadsheetError if it cannot be read."""
    ext = check_upload(upload)
    if ext == "xlsx":
        return _xlsx(upload.content)
    if ext == "xls":
        return _xls(upload.content)
    text = decode_csv(upload.content)
    rows = [
        [Cell(v, _kind(v.strip() or None)) for v in row] for row in csv.reader(io.StringIO(text))
    ]
    return Grid(rows=rows, sheet="CSV")


def _xlsx(content: bytes) -> Grid:
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise SpreadsheetError(_("Excel 文件已损坏，无法打开：%(error)s") % {"error": exc}) from exc
    try:
        sheets = book.worksheets
        problems = _sheet_problems([(s.title, s.sheet_state != "visible") for s in sheets])
        sheet = sheets[0]
        rows: list[list[Cell]] = []
        formulas: list[tuple[int, int]] = []
        for r, row in enumerate(sheet.iter_rows()):
            cells = []
            for c, cell in enumerate(row):
                if cell.data_type == "f":
                    formulas.append((r, c))
                    cells.append(Cell(None, EMPTY, formula=True))
                else:
                    cells.append(Cell(cell.value, _kind(cell.value)))
            rows.append(cells)
        title = sheet.title
    finally:
        book.close()
    if formulas:
        _cached_values(content, rows, formulas)
    merged = _merged_ranges(content)
    if merged:
        problems.append(
            _("工作表中有合并单元格（%(ranges)s）：答题表每格只能填一个值，请取消合并后再导入。")
            % {"ranges": "、".join(merged[:10]) + ("等" if len(merged) > 10 else "")}
        )
    return Grid(rows=rows, sheet=title, problems=problems)


def _cached_values(content: bytes, rows: list[list[Cell]], where: list[tuple[int, int]]) -> None:
    """Formulas count by the value Excel last computed and saved with the file."""
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        wanted = set(where)
        for r, row in enumerate(book.worksheets[0].iter_rows()):
            for c, cell in enumerate(row):
                if (r, c) in wanted:
                    rows[r][c] = Cell(cell.value, _kind(cell.value), formula=True)
    finally:
        book.close()


def _merged_ranges(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        found: list[str] = []
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                found += [m.decode() for m in _MERGE.findall(archive.read(name))]
    return found


def _xls(content: bytes) -> Grid:
    try:
        book = xlrd.open_workbook(file_contents=content, formatting_info=True)
    except Exception as exc:
        raise SpreadsheetError(_("Excel 文件已损坏，无法打开：%(error)s") % {"error": exc}) from exc
    sheets = book.sheets()
    problems = _sheet_problems([(s.name, bool(s.visibility)) for s in sheets])
    sheet = sheets[0]
    rows = []
    for r in range(sheet.nrows):
        cells = []
        for c in range(sheet.ncols):
            cell = sheet.cell(r, c)
            if cell.ctype == xlrd.XL_CELL_DATE:
                cells.append(Cell(xlrd.xldate_as_datetime(cell.value, book.datemode), DATE))
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                cells.append(Cell(bool(cell.value), BOOL))
            elif cell.ctype == xlrd.XL_CELL_ERROR:
                cells.append(Cell(xlrd.error_text_from_code.get(cell.value, "#ERR"), TEXT))
            else:
                cells.append(Cell(cell.value, _kind(cell.value)))
        rows.append(cells)
    if sheet.merged_cells:
        ranges = [
            f"{column_letter(c1)}{r1 + 1}:{column_letter(c2 - 1)}{r2}"
            for r1, r2, c1, c2 in sheet.merged_cells
        ]
        problems.append(
            _("工作表中有合并单元格（%(ranges)s）：答题表每格只能填一个值，请取消合并后再导入。")
            % {"ranges": "、".join(ranges[:10])}
        )
    return Grid(rows=rows, sheet=sheet.name, problems=problems)


def _sheet_problems(sheets: list[tuple[str, bool]]) -> list[str]:
    """A workbook holds one answer sheet; anything else might be answers we would not read."""
    problems = []
    hidden = [name for name, is_hidden in sheets if is_hidden]
    if hidden:
        problems.append(
            _("工作簿中有隐藏的工作表（%(names)s）：隐藏表里的内容不会被导入，请删除后再导入。")
            % {"names": "、".join(hidden)}
        )
    if len(sheets) > 1:
        problems.append(
            _("工作簿中有%(n)s个工作表（%(names)s）：答题表只能有一个工作表，请删除多余的表。")
            % {"n": len(sheets), "names": "、".join(name for name, _ in sheets)}
        )
    return problems


def estimate_cells(upload: Upload) -> int:
    """Roughly how many cells a sheet has, without reading them all (to choose between doing
    the work in the request and handing it to a worker)."""
    ext = check_upload(upload)
    if ext == "csv":
        lines = upload.content.count(b"\n") + 1
        first = upload.content.split(b"\n", 1)[0]
        return lines * (first.count(b",") + 1)
    if ext == "xls":
        return len(upload.content) // 16
    book = openpyxl.load_workbook(io.BytesIO(upload.content), read_only=True)
    try:
        sheet = book.worksheets[0]
        return (sheet.max_row or 0) * (sheet.max_column or 0)
    finally:
        book.close()
