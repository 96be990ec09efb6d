"""Register imports: all-or-nothing, with every bad row reported (row, column, value, reason)."""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from import_export.resources import ModelResource

from access.gate import internal
from uploads.spreadsheets import SpreadsheetError, Upload, read_table


@dataclass(frozen=True)
class CellError:
    row: int  # as the user sees it in the sheet: the header is row 1; 0 for the whole file
    column: str  # the column's header (a register's column name, a criterion code)
    value: str
    message: str
    name: str = ""  # the column's Chinese name where the header is a code
    cell: str = ""  # where to mark it in the sheet, e.g. "D7"

    def __str__(self) -> str:
        where = _("第%(row)s行") % {"row": self.row} if self.row else _("文件")
        column = f"“{self.column}{f' {self.name}' if self.name else ''}”" if self.column else ""
        value = f"（{self.value}）" if self.value else ""
        return f"{where}{column}{value}：{self.message}"


@dataclass
class ImportReport:
    total: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[CellError] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFailed(Exception):
    """Raised inside the transaction to roll it back."""


@internal("its callers (gated record step, admin, command) ask the gate; the resource scopes rows")
def register_import(*, resource: ModelResource, upload: Upload, dry_run: bool) -> ImportReport:
    """Import `upload` through `resource`. Any bad row means nothing is written at all."""
    try:
        dataset = read_table(upload)
    except SpreadsheetError as exc:
        return ImportReport(errors=[CellError(0, "", "", str(exc))])
    missing = _missing_columns(resource, dataset.headers or [])
    if missing:
        message = _("缺少必需的列：%(columns)s（表头应在第1行）。") % {
            "columns": "、".join(missing)
        }
        return ImportReport(errors=[CellError(1, "", "", message)])
    report = ImportReport(total=len(dataset))
    try:
        with transaction.atomic():
            result = resource.import_data(
                dataset, dry_run=False, use_transactions=True, rollback_on_validation_errors=True
            )
            report.errors = _errors_of(resource, result, dataset.headers)
            counts = result.totals
            report.new, report.updated = counts["new"], counts["update"]
            report.unchanged = counts["skip"]
            if dry_run or report.errors:
                raise ImportFailed
            report.written = True
    except ImportFailed:
        pass
    return report


def _missing_columns(resource: ModelResource, headers: list[str]) -> list[str]:
    present = {str(h).strip() for h in headers if h is not None}
    required = [resource.fields[name].column_name for name in resource.get_import_id_fields()]
    return [column for column in required if column not in present]


def _errors_of(resource: ModelResource, result: Any, headers: list[str]) -> list[CellError]:
    columns = {name: f.column_name for name, f in resource.fields.items()}
    errors: list[CellError] = []
    for error in result.base_errors:
        errors.append(CellError(0, "", "", str(error.error)))
    for number, row_errors in result.row_errors():
        for error in row_errors:
            errors.append(CellError(number + 1, "", "", str(error.error)))
    for invalid in result.invalid_rows:
        values = dict(zip(headers, invalid.values, strict=False))
        for field_name, messages in invalid.error_dict.items():
            column = columns.get(field_name, "" if field_name == "__all__" else field_name)
            raw = values.get(column, "")
            for message in messages:
                errors.append(CellError(invalid.number + 1, column, _text(raw), str(message)))
    return sorted(errors, key=lambda e: (e.row, e.column))


def _text(value: Any) -> str:
    return "" if value is None else str(value)
