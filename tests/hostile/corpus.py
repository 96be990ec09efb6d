"""Hostile spreadsheets, each named for what it attacks, built from a valid answer sheet by
rewriting the parts of the file an attacker controls. Used by tests/hostile/test_corpus.py
(each is refused with its own message, nothing written) and bench/hostile.py (how long and how
much memory each refusal takes).

Each case is (file name, bytes, a fragment of the message that must refuse it).
"""

import io
import re
import zipfile
from collections.abc import Callable

import openpyxl

CODES = ["ZB-01", "ZB-03", "ZB-08", "CY-01"]
SHEET = "xl/worksheets/sheet1.xml"


def answer_sheet(village_code: str, village_name: str, formula: str | None = None) -> bytes:
    """A valid township answer sheet with one row, as openpyxl writes it (`formula` in D2)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "答题表"
    sheet.append(["区划代码", "名称", *CODES])
    sheet.append([village_code, village_name, "是", formula or 6, 98, 250000])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewritten(content: bytes, member: str, change: Callable[[bytes], bytes]) -> bytes:
    """`content` with one part of the package replaced by `change(part)`."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, change(data) if info.filename == member else data)
    return out.getvalue()


def _add_cells(cells: str) -> Callable[[bytes], bytes]:
    return lambda xml: xml.replace(b"</sheetData>", cells.encode() + b"</sheetData>")


def far_row_reference(base: bytes) -> bytes:
    """One cell two million rows down: past Excel's limit, in a file of a few KB."""
    return rewritten(base, SHEET, _add_cells('<row r="2000000"><c r="A2000000"><v>1</v></c></row>'))


def far_row_within_excel(base: bytes) -> bytes:
    """One cell a million rows down: Excel could hold it, no answer sheet needs it."""
    return rewritten(base, SHEET, _add_cells('<row r="1000000"><c r="A1000000"><v>1</v></c></row>'))


def far_column_reference(base: bytes) -> bytes:
    """One cell in column XFE, one past Excel's last column."""
    return rewritten(base, SHEET, _add_cells('<row r="3"><c r="XFE3"><v>1</v></c></row>'))


def huge_declared_dimension(base: bytes) -> bytes:
    """A small sheet that declares itself the whole grid: read by its real content, so it is
    accepted and checked in the request, not refused and not sent to a worker."""
    return rewritten(
        base,
        SHEET,
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml),
    )


def non_numeric_typed_cell(base: bytes) -> bytes:
    """A cell typed as a number holding text (Excel never writes this; a script does)."""
    return rewritten(
        base,
        SHEET,
        lambda xml: re.sub(rb'<c r="D2"([^>]*)><v>6</v>', rb'<c r="D2"\1><v>abc</v>', xml),
    )


def entity_expansion(base: bytes) -> bytes:
    """A billion-laughs DOCTYPE in the sheet, its entity used in a cell."""
    entities = b"".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">'.encode() for n in range(1, 10))
    doctype = b'<!DOCTYPE worksheet [<!ENTITY lol0 "lol">' + entities + b"]>"

    def change(xml: bytes) -> bytes:
        xml = xml.replace(b"<worksheet", doctype + b"<worksheet", 1)
        return xml.replace(b"<t>ZB-01</t>", b"<t>&lol9;</t>", 1)

    return rewritten(base, SHEET, change)


def zip_bomb(base: bytes) -> bytes:
    """A sheet that inflates a thousand times over (20 MB from some 20 KB)."""
    padding = b"<!--" + b" " * (20 * 1024 * 1024) + b"-->"
    return rewritten(base, SHEET, lambda xml: xml.replace(b"<sheetData>", padding + b"<sheetData>"))


def formula_cells(base: bytes) -> bytes:
    """An answer given as a formula that was never calculated (no saved result)."""
    book = openpyxl.load_workbook(io.BytesIO(base))
    book.active["D2"] = "=1+5"  # openpyxl saves formulas without a result
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def million_row_csv(village_code: str, village_name: str) -> bytes:
    """A CSV of a million short rows: 2 MB, under the upload limit."""
    header = ("区划代码,名称," + ",".join(CODES) + "\n").encode()
    return header + f"{village_code},{village_name},是,6,98,1\n".encode() + b"1\n" * 1_000_000


CASES: dict[str, tuple[str, Callable[[bytes], bytes], str]] = {
    # name: (file name, builder from the valid sheet, what the refusal says)
    "far_row_reference": ("答题表.xlsx", far_row_reference, "超出 Excel 的最大范围"),
    "far_row_within_excel": ("答题表.xlsx", far_row_within_excel, "表格范围过大"),
    "far_column_reference": ("答题表.xlsx", far_column_reference, "超出 Excel 的最大范围"),
    "non_numeric_typed_cell": ("答题表.xlsx", non_numeric_typed_cell, "单元格D2的内容无法读取"),
    "entity_expansion": ("答题表.xlsx", entity_expansion, "XML 实体定义"),
    "zip_bomb": ("答题表.xlsx", zip_bomb, "压缩炸弹"),
    "formula_cells": ("答题表.xlsx", formula_cells, "公式"),
}
