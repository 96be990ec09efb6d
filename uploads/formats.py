"""Spreadsheet formats for django-import-export: .xls is read, never written.

The library's XLS format counts as available only when tablib can write .xls too (xlwt); we
read it with xlrd alone, as the library itself does, and write only .xlsx and .csv.
"""

from importlib.util import find_spec

from import_export.formats.base_formats import CSV, XLS, XLSX


class XLSRead(XLS):
    def is_available(self) -> bool:
        return find_spec("xlrd") is not None

    def can_export(self) -> bool:
        return False


IMPORT_FORMATS = [XLSX, XLSRead, CSV]
EXPORT_FORMATS = [XLSX, CSV]
