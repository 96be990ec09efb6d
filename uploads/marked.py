"""The user's own sheet handed back with every bad cell marked: a fill colour and a comment in
Chinese saying what is wrong, so they fix it where they work."""

import io
from collections import defaultdict
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from uploads.grids import read_grid
from uploads.spreadsheets import Upload

BAD = PatternFill("solid", fgColor="FFC7CE")
AUTHOR = "五星支部"


def marked_workbook(upload: Upload, errors: list[dict[str, Any]]) -> bytes:
    """`upload` with `errors` (CellError as dicts) marked. An .xlsx keeps its own formatting;
    a .csv or .xls comes back as an .xlsx with the same cells."""
    if upload.extension == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(upload.content))
    else:
        grid = read_grid(upload)
        book = openpyxl.Workbook()
        for row in grid.rows:
            book.active.append([cell.value for cell in row])
    sheet = book.worksheets[0]
    by_cell: dict[str, list[str]] = defaultdict(list)
    whole_file = []
    for error in errors:
        where = error.get("cell") or (f"A{error['row']}" if error.get("row") else "")
        if where:
            by_cell[where].append(error["message"])
        else:
            whole_file.append(error["message"])
    for where, messages in by_cell.items():
        cell = sheet[where]
        cell.fill = BAD
        cell.comment = Comment("\n".join(messages), AUTHOR, width=300, height=120)
    if whole_file:
        sheet["A1"].fill = BAD
        sheet["A1"].comment = Comment("\n".join(whole_file), AUTHOR, width=400, height=160)
    sheet.protection.sheet = False  # let them fix it
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
