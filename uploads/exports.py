"""Spreadsheet downloads: one way to turn a Dataset into a response, formula-safe."""

import tablib
from django.http import HttpResponse
from django.utils.http import content_disposition_header

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
        body = safe.export("xlsx")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{filename}.{fmt}"
    )
    return response
