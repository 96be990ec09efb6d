"""The fast sheet reader agrees with openpyxl, cell by cell, on what Excel writes."""

import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from tests.hostile.corpus import huge_declared_dimension
from uploads.grids import (
    BOOL,
    DATE,
    EMPTY,
    NUMBER,
    TEXT,
    _xlsx_by_openpyxl,
    estimate_cells,
    read_grid,
)
from uploads.spreadsheets import SpreadsheetError, Upload

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# The hand-made package below has no named cell style; openpyxl says so and carries on.
pytestmark = pytest.mark.filterwarnings("ignore:Workbook contains no default style")


def excel_like(sheet_data: str, shared: list[str], date1904: bool = False) -> bytes:
    """A minimal package laid out as Excel lays it out: shared strings, styles with a date
    format, relative relationship targets."""
    pr = ' date1904="1"' if date1904 else ""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
            '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/'
            f'officeDocument/2006/relationships"><workbookPr{pr}/>'
            '<sheets><sheet name="答题表" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
            'Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org'
            '/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": (
            f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" '
            'formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>'
            '<fonts count="1"><font/></fonts><fills count="1">'
            '<fill><patternFill patternType="none"/></fill></fills><borders count="1">'
            '<border/></borders><cellStyleXfs count="1">'
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="4">'
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
            '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
            '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
            "</cellXfs></styleSheet>"
        ),
        "xl/sharedStrings.xml": f'<sst xmlns="{MAIN}">' + "".join(shared) + "</sst>",
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{MAIN}"><dimension ref="A1:F4"/><sheetData>{sheet_data}'
            "</sheetData></worksheet>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


SHARED = [
    "<si><t>区划代码</t></si>",
    '<si><t xml:space="preserve">是 </t></si>',
    '<si><r><t>富</t></r><r><rPr><b/></rPr><t>文本</t></r><rPh sb="0" eb="1"><t>ふ</t></rPh></si>',
    "<si><t>a&amp;b&lt;c&gt;</t></si>",
]
ROWS = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>名称</t></is></c>'
    '<c r="D1" t="s"><v>2</v></c></row>'
    '<row r="2"><c r="A2"><v>419921100201</v></c><c r="B2" t="s"><v>1</v></c>'
    '<c r="C2" s="1"><v>46024</v></c><c r="D2" s="2"><v>46025.5</v></c>'
    '<c r="E2" s="3"><v>1234567.25</v></c><c r="F2" t="b"><v>0</v></c></row>'
    '<row r="4"><c r="A4"><f>2*3</f><v>6</v></c><c r="B4" t="str"><f>"x"&amp;"y"</f><v>xy</v></c>'
    '<c r="C4"><f>1/0</f><v/></c><c r="D4" t="e"><v>#DIV/0!</v></c><c r="E4" t="s"><v>3</v></c>'
    '<c r="F4" s="1"/></row>'
)


def as_table(grid):
    return [[(c.value, c.kind, c.formula) for c in row] for row in grid.rows]


def test_the_fast_reader_agrees_with_openpyxl_on_an_excel_like_file():
    content = excel_like(ROWS, SHARED)
    fast = read_grid(Upload("a.xlsx", content))
    slow = _xlsx_by_openpyxl(content)
    assert fast.sheet == slow.sheet == "答题表"

    def trimmed(table):
        return [[cell for cell in row] for row in table]

    fast_table, slow_table = as_table(fast), as_table(slow)
    for r, (a, b) in enumerate(zip(fast_table, slow_table, strict=False)):
        width = max(len(a), len(b))
        a += [(None, EMPTY, False)] * (width - len(a))
        b += [(None, EMPTY, False)] * (width - len(b))
        assert a == b, f"row {r + 1}"
    assert len(fast_table) == len(slow_table)
    assert trimmed(fast_table)[1][2] == (datetime(2026, 1, 2), DATE, False)


def test_each_kind_of_cell_is_read_for_what_it_is():
    grid = read_grid(Upload("a.xlsx", excel_like(ROWS, SHARED)))
    row1, row2, row3, row4 = grid.rows
    assert [c.value for c in row1] == ["区划代码", "名称", None, "富文本"]
    assert (row2[0].value, row2[0].kind) == (419921100201, NUMBER)
    assert (row2[1].value, row2[1].kind) == ("是 ", TEXT)
    assert row2[2].kind == DATE and row2[3].value == datetime(2026, 1, 3, 12, 0)
    assert (row2[4].value, row2[5].value, row2[5].kind) == (1234567.25, False, BOOL)
    assert row3 == []
    assert (row4[0].value, row4[0].formula) == (6, True)
    assert (row4[1].value, row4[1].formula) == ("xy", True)
    assert (row4[2].value, row4[2].kind, row4[2].formula) == (None, EMPTY, True)
    assert row4[4].value == "a&b<c>"


def test_the_1904_date_system_is_honoured():
    row = '<row r="1"><c r="A1" s="1"><v>1</v></c></row>'
    grid = read_grid(Upload("a.xlsx", excel_like(row, [], date1904=True)))
    assert grid.rows[0][0].value.date() == date(1904, 1, 2)


def test_an_openpyxl_written_workbook_reads_the_same_both_ways():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["区划代码", "名称", "ZB-01", "ZB-02"])
    sheet.append(["419921100201", "王庄村", "是", 3.5])
    sheet.append([None, "=1+1", date(2026, 1, 1), True])
    buffer = io.BytesIO()
    book.save(buffer)
    fast = read_grid(Upload("a.xlsx", buffer.getvalue()))
    slow = _xlsx_by_openpyxl(buffer.getvalue())
    assert as_table(fast) == as_table(slow)


def test_entity_expansion_in_a_workbook_is_refused():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        f'<sst xmlns="{MAIN}"><si><t>&lol2;</t></si></sst>'
    )
    content = excel_like('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', [])
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = bomb.encode() if item.filename == "xl/sharedStrings.xml" else source.read(item)
            target.writestr(item, data)
    with pytest.raises(SpreadsheetError, match="XML 实体定义"):
        read_grid(Upload("a.xlsx", out.getvalue()))


def test_the_cell_estimate_counts_the_cells_the_sheet_really_holds():
    cells = ROWS.count("<c ")
    assert estimate_cells(Upload("a.xlsx", excel_like(ROWS, SHARED))) == cells
    # A <dimension> the writer (or an attacker) declared changes nothing.
    forged = huge_declared_dimension(excel_like(ROWS, SHARED))
    assert b"XFD1048576" in zipfile.ZipFile(io.BytesIO(forged)).read("xl/worksheets/sheet1.xml")
    assert estimate_cells(Upload("a.xlsx", forged)) == cells
