"""Reading uploaded spreadsheets safely: xlsx, xls and csv (UTF-8, UTF-8 with BOM, GBK).

Everything that reads a user's file goes through `read_table`, so size caps, magic-byte checks,
zip-bomb checks and encoding detection live in one place.
"""

import io
import re
import zipfile
from dataclasses import dataclass

import tablib
from django.conf import settings
from django.utils.translation import gettext as _

from uploads.formats import XLSRead

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An xlsx that would expand past this is refused before openpyxl sees it.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
# What Excel itself can hold; a cell addressed beyond is forged.
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
_SCAN_CHUNK = 1 << 20
# A cell or row start tag and its reference, e.g. <c r="B7" or <row r="7".
_REFERENCE = re.compile(rb'<(?:c|row)\s[^>]*?\br="([A-Z]*)([0-9]+)"')
_CELL_TAG = re.compile(rb"<c[\s/>]")


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read; the message is for the user, in Chinese."""


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes

    @property
    def extension(self) -> str:
        return self.name.rsplit(".", 1)[-1].lower() if "." in self.name else ""


@dataclass(frozen=True)
class Extent:
    """How far a sheet reaches (its last row and column, 1-based) and how many cells it really
    holds: what reading it will cost, known before it is read."""

    rows: int
    columns: int
    cells: int


def sheet_extent(upload: Upload) -> Extent:
    """The extent of the first sheet (of every sheet of an xlsx), read from the file itself:
    cell references and cell counts of the XML for xlsx, lines for csv, the file's size for
    xls (its cells are bounded by the file). A declared <dimension> is never trusted."""
    ext = upload.extension
    if ext == "csv":
        lines = upload.content.count(b"\n") + (0 if upload.content.endswith(b"\n") else 1)
        columns = upload.content.split(b"\n", 1)[0].count(b",") + 1
        return Extent(lines, columns, lines * columns)
    if ext == "xls":
        cells = len(upload.content) // 16
        return Extent(cells, 1, cells)
    rows = columns = cells = 0
    with zipfile.ZipFile(io.BytesIO(upload.content)) as archive:
        for name in archive.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            with archive.open(name) as stream:
                tail = b""
                while chunk := stream.read(_SCAN_CHUNK):
                    data = tail + chunk
                    # No tag straddles the last "<": what comes before it is complete.
                    cut = data.rfind(b"<")
                    cut = len(data) if cut < 0 else cut
                    done, tail = data[:cut], data[cut:]
                    r, c, n = _scan(done)
                    rows, columns, cells = max(rows, r), max(columns, c), cells + n
                r, c, n = _scan(tail)
                rows, columns, cells = max(rows, r), max(columns, c), cells + n
    return Extent(rows, columns, cells)


def _scan(xml: bytes) -> tuple[int, int, int]:
    rows = columns = 0
    for letters, number in _REFERENCE.findall(xml):
        rows = max(rows, int(number[:9]) if len(number) <= 9 else EXCEL_ROWS + 1)
        if letters:
            column = 0
            for ch in letters[:4]:
                column = column * 26 + ch - 64
            columns = max(columns, column if len(letters) <= 3 else EXCEL_COLUMNS + 1)
    return rows, columns, len(_CELL_TAG.findall(xml))


def check_extent(extent: Extent) -> None:
    """Refuse, before reading, a sheet beyond Excel's own limits or larger than any register
    or answer sheet (a tiny file can address a cell two million rows down)."""
    if extent.rows > EXCEL_ROWS or extent.columns > EXCEL_COLUMNS:
        raise SpreadsheetError(
            _(
                "表格中有单元格位于第%(rows)s行或第%(columns)s列，超出 Excel 的最大范围"
                "（1,048,576 行、16,384 列），文件已被篡改或损坏，已拒绝处理。"
            )
            % {"rows": extent.rows, "columns": extent.columns}
        )
    most = settings.WUXING_SHEET_MAX_CELLS
    if extent.rows > settings.WUXING_SHEET_MAX_ROWS or extent.rows * extent.columns > most:
        raise SpreadsheetError(
            _(
                "表格范围过大（%(rows)s 行 × %(columns)s 列）：每张表最多 %(max_rows)s 行、"
                "%(max_cells)s 个单元格。请删除多余的行列，或分成几张表导入。"
            )
            % {
                "rows": f"{extent.rows:,}",
                "columns": f"{extent.columns:,}",
                "max_rows": f"{settings.WUXING_SHEET_MAX_ROWS:,}",
                "max_cells": f"{most:,}",
            }
        )


def check_upload(upload: Upload) -> Extent:
    """The upload's extent, once its size, format (xlsx, xls or csv), bytes and extent are
    acceptable; SpreadsheetError in Chinese otherwise."""
    limit = settings.WUXING_UPLOAD_MAX_BYTES
    if len(upload.content) > limit:
        raise SpreadsheetError(
            _("文件过大（%(size).1f MB），上限为 %(limit).0f MB。")
            % {"size": len(upload.content) / 1e6, "limit": limit / 1e6}
        )
    if not upload.content:
        raise SpreadsheetError(_("文件是空的。"))
    ext = upload.extension
    if ext == "xlsx":
        _check_xlsx(upload.content)
    elif ext == "xls":
        if not upload.content.startswith(XLS_MAGIC):
            raise SpreadsheetError(_("文件扩展名是 .xls，但内容不是 Excel 97-2003 工作簿。"))
    elif ext != "csv":
        raise SpreadsheetError(
            _("不支持的文件类型“.%(ext)s”：请上传 .xlsx、.xls 或 .csv 文件。") % {"ext": ext}
        )
    extent = sheet_extent(upload)
    check_extent(extent)
    return extent


def read_table(upload: Upload) -> tablib.Dataset:
    """The first sheet of `upload` as a Dataset whose first row is the header."""
    check_upload(upload)
    ext = upload.extension
    if ext == "xlsx":
        return _read_xlsx(upload.content)
    if ext == "xls":
        if not upload.content.startswith(XLS_MAGIC):
            raise SpreadsheetError(_("文件扩展名是 .xls，但内容不是 Excel 97-2003 工作簿。"))
        return _read_xls(upload.content)
    if ext == "csv":
        return _load(decode_csv(upload.content), "csv")
    raise SpreadsheetError(
        _("不支持的文件类型“.%(ext)s”：请上传 .xlsx、.xls 或 .csv 文件。") % {"ext": ext}
    )


def _read_xlsx(content: bytes) -> tablib.Dataset:
    _check_xlsx(content)
    return _load(content, "xlsx")


def _check_xlsx(content: bytes) -> None:
    if not content.startswith(XLSX_MAGIC):
        raise SpreadsheetError(_("文件扩展名是 .xlsx，但内容不是 Excel 工作簿。"))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise SpreadsheetError(_("Excel 文件已损坏，无法打开。")) from exc
    expanded = sum(info.file_size for info in infos)
    compressed = max(sum(info.compress_size for info in infos), 1)
    if expanded > MAX_UNCOMPRESSED_BYTES or expanded / compressed > MAX_COMPRESSION_RATIO:
        raise SpreadsheetError(_("Excel 文件解压后异常巨大，已拒绝处理（疑似压缩炸弹）。"))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                with archive.open(info) as part:
                    head = part.read(4096)
                # A DOCTYPE comes before the root element; Excel never writes one, and its
                # entities are how an XML bomb (billion laughs) or external entity works.
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    message = _("Excel 文件中含有 XML 实体定义（DOCTYPE），已拒绝处理。")
                    raise SpreadsheetError(message)


def _read_xls(content: bytes) -> tablib.Dataset:
    try:
        return XLSRead().create_dataset(content)
    except Exception as exc:  # xlrd raises several types for a damaged file
        raise SpreadsheetError(_("无法读取文件内容：%(error)s") % {"error": exc}) from exc


def _load(content: bytes | str, fmt: str) -> tablib.Dataset:
    try:
        return tablib.Dataset().load(content, format=fmt)
    except Exception as exc:  # tablib wraps many parser errors; the user needs one message
        raise SpreadsheetError(_("无法读取文件内容：%(error)s") % {"error": exc}) from exc


def decode_csv(content: bytes) -> str:
    """CSV from Excel on a Chinese Windows is GBK; elsewhere UTF-8, often with a BOM."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(_("CSV 文件编码无法识别：请保存为 UTF-8 或 GBK 编码。"))
