"""Reading uploaded spreadsheets safely: xlsx, xls and csv (UTF-8, UTF-8 with BOM, GBK).

Everything that reads a user's file goes through `read_table`, so size caps, magic-byte checks,
zip-bomb checks and encoding detection live in one place.
"""

import io
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


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read; the message is for the user, in Chinese."""


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes

    @property
    def extension(self) -> str:
        return self.name.rsplit(".", 1)[-1].lower() if "." in self.name else ""


def check_upload(upload: Upload) -> str:
    """The upload's format (xlsx, xls or csv) once its size, type and bytes are acceptable."""
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
    return ext


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
