"""Our xlsx reader against python-calamine and openpyxl on the answer sheet of bench/import.py.

    .venv/bin/python bench/readers.py            (python-calamine is measured when installed)

A 1,000-row × 100-column sheet (a third numbers, the rest 是/否, plus a formula cell with its
cached value and one without), read five times by each reader; the best time is printed.
Each reader's cells are compared with openpyxl's, value by value, and on whether the reader can
tell a formula's cached result from a typed value (the answer import refuses a formula that was
never calculated, so a reader that cannot tell fails the comparison).
"""

import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgres://unused@/unused")  # nothing here connects

ROWS, COLUMNS, RUNS = 1000, 100, 5


def workbook() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "答题表"
    sheet.append(["区划代码", "名称", *[f"ZB-{n:03d}" for n in range(COLUMNS)]])
    for r in range(ROWS):
        values: list[object] = [f"4199211{r:05d}", f"村{r}"]
        values += [
            (r * n) % 97 if n % 3 == 0 else ("是" if (r + n) % 2 else "否") for n in range(COLUMNS)
        ]
        sheet.append(values)
    sheet["C2"] = "=1+1"  # a formula openpyxl writes without a cached value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def best(fn) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    import django

    django.setup()
    import openpyxl

    from uploads.grids import _xlsx_by_openpyxl, read_grid
    from uploads.spreadsheets import Upload

    content = workbook()
    upload = Upload("答题表.xlsx", content)
    reference = openpyxl.load_workbook(io.BytesIO(content), data_only=False).active
    expected = [[cell.value for cell in row] for row in reference.iter_rows()]
    formulas = {
        (r, c)
        for r, row in enumerate(expected)
        for c, value in enumerate(row)
        if isinstance(value, str) and value.startswith("=")
    }

    ours = read_grid(upload)
    ours_same = all(
        (cell.formula if (r, c) in formulas else cell.value == expected[r][c] or (
            cell.value in (None, "") and expected[r][c] in (None, "")))
        for r, row in enumerate(ours.rows)
        for c, cell in enumerate(row)
    )  # fmt: skip
    ours_time = best(lambda: read_grid(upload))
    print(f"our reader      {ours_time:6.3f} s   same cells as openpyxl: {ours_same}")
    print(f"openpyxl        {best(lambda: _xlsx_by_openpyxl(content)):6.3f} s")
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        print("python-calamine  not installed (pip install python-calamine to compare)")
        return

    def calamine() -> list[list[object]]:
        return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()

    rows = calamine()
    values_same = all(
        (value == expected[r][c] or (value in (None, "") and expected[r][c] in (None, "")))
        for r, row in enumerate(rows)
        for c, value in enumerate(row)
        if (r, c) not in formulas
    )
    # calamine gives a formula without a cached value as "", like an empty cell.
    formula_told = all(rows[r][c] not in (None, "") for r, c in formulas)
    print(
        f"python-calamine {best(calamine):6.3f} s   same values: {values_same}, "
        f"tells an uncalculated formula from an empty cell: {formula_told}"
    )


if __name__ == "__main__":
    main()
