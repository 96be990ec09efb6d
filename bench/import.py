"""Answer-sheet import speed on PostgreSQL, against COPY of the same answers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/import.py

Builds a 1,000-village county and a catalogue of 100 criteria in a scratch database
`wuxing_bench`, writes a 1,000-row × 100-column .xlsx (100,000 answers), then times the whole
import as `import_answers` does it (read, check every cell, write all in one transaction,
rescore) and reports peak memory (RSS of this process). In the same run, COPY loads the same
100,000 answers into a table shaped like the answers table; the ratio is printed.
COPY is timed twice: into the answers table itself (its unique key and foreign keys checked,
as any real load must) and into a bare table of the same shape. Targets: ≤ 20 s, ≤ 500 MB,
import ÷ COPY ≤ 10.
"""

import io
import resource
import time
from decimal import Decimal

from common import RNG, county_with_branches, scratch_database

CRITERIA = 100


def bench_catalogue(year: int):  # type: ignore[no-untyped-def]
    """A published rural catalogue of 100 criteria (20 per star, a third of them numbers)."""
    from django.utils import timezone

    from catalogues.models import Catalogue, Criterion, Star

    catalogue = Catalogue.objects.create(
        code=f"bench-{year}", name="基准标准", year=year, branch_kind="rural", version=9,
        pass_mark=80, published_at=timezone.now(),
    )  # fmt: skip
    stars = [
        Star.objects.create(catalogue=catalogue, code=code, name=code, order=n)
        for n, code in enumerate(["ZB", "CY", "ST", "PA", "WM"], 1)
    ]
    criteria = []
    for n in range(CRITERIA):
        star = stars[n // 20]
        number = n % 3 == 0
        criteria.append(
            Criterion(
                catalogue=catalogue, star=star, code=f"{star.code}-{n % 20 + 1:02d}",
                text=f"指标{n + 1}", kind="number" if number else "bool", points=5,
                threshold=Decimal(10) if number else None, direction="at_least" if number else "",
                order=n,
            )
        )  # fmt: skip
    Criterion.objects.bulk_create(criteria)
    return catalogue, criteria


def sheet(villages, criteria) -> bytes:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet("答题表")
    ws.append(["区划代码", "名称", *[c.code for c in criteria]])
    ws.append(["", "指标名称", *[c.text for c in criteria]])
    for village in villages:
        ws.append(
            [village.code, village.name]
            + [
                (f"{RNG.randint(0, 30):,}" if c.kind == "number" else RNG.choice(["是", "否"]))
                for c in criteria
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def copy_floor(rows: list[tuple[int, int, object, object]]) -> tuple[float, float]:
    """COPY the same answers (1) into the answers table itself, for a second set of 1,000
    checklists, committed, so its unique key and deferred foreign keys are checked as in any
    real load; (2) into a bare table of the same shape with only its primary and unique keys."""
    from django.db import connection, transaction

    from catalogues.services import cycle_get_or_create
    from scoring.models import Answer, Checklist

    other = cycle_get_or_create(code="2099")
    originals = list(Checklist.objects.filter(pk__in={r[0] for r in rows}))
    twins = Checklist.objects.bulk_create(
        Checklist(branch_id=c.branch_id, cycle=other, catalogue_id=c.catalogue_id)
        for c in originals
    )
    twin_of = {c.pk: t.pk for c, t in zip(originals, twins, strict=True)}
    started = time.perf_counter()
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.copy(
            "COPY scoring_answer (checklist_id, criterion_id, value_bool, value_number, "
            "return_reason, updated_at) FROM STDIN"
        ) as copy,
    ):
        for checklist_id, criterion_id, vb, vn in rows:
            copy.write_row(
                (twin_of[checklist_id], criterion_id, vb, vn, "", "2026-01-01T00:00:00Z")
            )
    real = time.perf_counter() - started  # including COMMIT, where the foreign keys are checked
    Answer.objects.filter(checklist__cycle=other).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE answer_copy (LIKE scoring_answer INCLUDING DEFAULTS "
            "INCLUDING CONSTRAINTS INCLUDING INDEXES)"
        )
        started = time.perf_counter()
        with cursor.copy(
            "COPY answer_copy (id, checklist_id, criterion_id, value_bool, value_number, "
            "return_reason, updated_at) FROM STDIN"
        ) as copy:
            for n, (checklist_id, criterion_id, vb, vn) in enumerate(rows, 1):
                copy.write_row((n, checklist_id, criterion_id, vb, vn, "", "2026-01-01T00:00:00Z"))
        return real, time.perf_counter() - started


def main() -> None:
    if not scratch_database():
        return
    from django.utils import timezone

    from catalogues.services import cycle_get_or_create
    from scoring.models import Answer
    from scoring.services.answer_import import SHELL
    from scoring.tasks import answers_import_start
    from uploads.spreadsheets import Upload

    year = timezone.localdate().year
    _county, villages, _branches = county_with_branches(1000)
    _catalogue, criteria = bench_catalogue(year)
    cycle = cycle_get_or_create(code=str(year))
    content = sheet(villages, criteria)
    print(f"sheet: {len(villages):,} rows × {len(criteria)} columns, {len(content) / 1e6:.1f} MB")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    run = answers_import_start(
        upload=Upload("bench.xlsx", content), user=SHELL, cycle=cycle, dry_run=False, inline=True
    )
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert run.status == run.Status.DONE, run.errors[:5]
    answers = Answer.objects.count()
    print(f"import: {run.message}")
    print(
        f"import: {answers:,} answers read, checked and written in {elapsed:.2f} s (target ≤ 20 s)"
    )
    print(
        f"import: peak RSS {peak:.0f} MB (before the import {rss_before:.0f} MB; target ≤ 500 MB)"
    )
    rows = list(
        Answer.objects.values_list("checklist_id", "criterion_id", "value_bool", "value_number")
    )
    real, bare = copy_floor(rows)
    print(f"COPY:   the same {len(rows):,} answers into the answers table: {real:.2f} s")
    print(f"COPY:   into a bare table of the same shape, no foreign keys: {bare:.2f} s")
    print(f"ratio:  import ÷ COPY = {elapsed / real:.1f} into the answers table (target ≤ 10);")
    print(f"        {elapsed / bare:.1f} against the bare table")


if __name__ == "__main__":
    main()
