"""Spreadsheet downloads: one way to turn a Dataset into a response, formula-safe."""

import io
import re
import unicodedata

import tablib
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
# Excel runs a cell that starts with these as a formula (CSV/formula injection, OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def dataset_response(dataset: tablib.Dataset, *, fmt: str, filename: str) -> HttpResponse:
    safe = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        safe.append([neutralise(value) for value in row])
    if fmt == "csv":
        # A BOM so that Excel on a Chinese Windows opens UTF-8 CSV with the right encoding.
        body: bytes = ("\ufeff" + safe.export("csv")).encode("utf-8")
    else:
        body = workbook_bytes(safe, title=safe.title or filename)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{filename}.{fmt}"
    )
    return response


# A count or a score exported as text ("30") becomes a number; codes (12 digits) and phone
# numbers (11) stay text, as Excel would otherwise show them as 4.19921E+11.
_NUMBER = re.compile(r"-?[0-9]{1,9}(\.[0-9]+)?")
_MAX_WIDTH = 60


def workbook_bytes(data: tablib.Dataset, *, title: str) -> bytes:
    """An .xlsx of `data` as people expect one: the sheet named for what it holds, a bold and
    frozen header, numbers as numbers, columns wide enough for their Chinese text, and set up to
    print on A4 landscape with the header repeated."""
    book = Workbook()
    sheet = book.active
    sheet.title = re.sub(r"[\\/*?:\[\]]", "-", title)[:31] or "Sheet1"
    headers = list(data.headers or [])
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [_width(h) for h in headers]
    for row in data:
        values = [_typed(value) for value in row]
        sheet.append(values)
        for index, value in enumerate(values):
            if index < len(widths):
                widths[index] = max(widths[index], _width(value))
            else:
                widths.append(_width(value))
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, _MAX_WIDTH)
    sheet.freeze_panes = "A2"
    # Printed as the programme's paper is: A4 landscape, a page wide, the header on each page.
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _typed(value: object) -> object:
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        return float(value) if "." in value else int(value)
    return value


def _width(value: object) -> int:
    """Display width in Excel's units: a Chinese character takes two."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
