"""Scoring speed: the pure engine, and re-scoring a whole county from PostgreSQL.

    .venv/bin/python bench/score.py                     # engine only
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/score.py

Part 1 scores 10,000 synthetic checklists of 100 answers on one core (target ≥ 5,000 a second).
Part 2 builds a 1,000-branch county in a scratch database `wuxing_bench` (dropped and made
afresh), then times `checklists_rescore` over it: load answers, score, store results (target
≤ 2 s), and counts its queries at 250 and 1,000 branches to show that the number is fixed.
"""

import random
import time
from decimal import Decimal

from common import county_with_branches, scratch_database

from catalogues import engine

STARS = ("ZB", "CY", "ST", "PA", "WM")


def synthetic_catalogue(rng: random.Random) -> engine.CatalogueSpec:
    criteria = []
    for star in STARS:
        for i in range(20):
            code = f"{star}-{i:02d}"
            if i >= 18:
                criteria.append(engine.CriterionSpec(code, star, "bool", veto=True))
                continue
            kind = rng.choice(["bool", "bool", "number", "percent"])
            points = Decimal(rng.choice([4, 5, 6, 8]))
            if kind == "bool":
                criteria.append(engine.CriterionSpec(code, star, kind, points, hard=i < 2))
            else:
                criteria.append(
                    engine.CriterionSpec(
                        code,
                        star,
                        kind,
                        points,
                        Decimal(rng.randint(10, 90)),
                        rng.choice(["at_least", "at_most"]),
                        hard=i < 2,
                    )
                )
    return engine.CatalogueSpec("bench", Decimal(80), STARS, tuple(criteria), base_star="ZB")


def synthetic_value(c: engine.CriterionSpec, rng: random.Random) -> bool | Decimal:
    """Each scored criterion met nine times in ten; a veto triggered one time in a hundred."""
    if c.kind == "bool":
        return rng.random() < (0.01 if c.veto else 0.9)
    threshold = c.threshold or Decimal(0)
    if rng.random() < 0.9:
        return threshold
    return threshold - 5 if c.direction == "at_least" else threshold + 5


def synthetic_answers(spec: engine.CatalogueSpec, rng: random.Random) -> dict:
    return {c.code: synthetic_value(c, rng) for c in spec.criteria}


def bench_engine(n: int = 10_000) -> None:
    rng = random.Random(1)
    spec = synthetic_catalogue(rng)
    many = [synthetic_answers(spec, rng) for _ in range(n)]
    engine.score(spec, many[0])  # build the catalogue's plan once, as a warm process would have
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        results = [engine.score(spec, answers) for answers in many]
        best = min(best, time.perf_counter() - started)
    levels = [0] * 6
    for result in results:
        levels[result.level] += 1
    print(f"engine: {n:,} checklists × {len(spec.criteria)} answers in {best:.3f} s (best of 3)")
    print(f"engine: {n / best:,.0f} checklists/s on one core (target ≥ 5,000)")
    print(f"engine: levels 0–5 → {levels}")


def bench_database(branches: int = 1000) -> None:
    if not scratch_database():
        return
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from catalogues.selectors import _loaded
    from scoring.models import Answer, Checklist
    from scoring.services.scores import checklists_rescore

    checklists = build_county(branches)
    for size in (250, branches):
        _loaded.clear()  # a cold process: the catalogue is read from the database too
        queryset = Checklist.objects.filter(pk__in=checklists[:size]).select_related("catalogue")
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            scored = checklists_rescore(checklists=queryset)
        elapsed = time.perf_counter() - started
        answers = Answer.objects.filter(checklist_id__in=checklists[:size]).count()
        print(
            f"database: rescored {scored:,} checklists ({answers:,} answers) in "
            f"{elapsed:.2f} s with {len(queries)} queries"
        )
    print("database: target ≤ 2 s for 1,000 branches, queries independent of size")


def build_county(branches: int) -> list[int]:
    """A county of `branches` rural branches with every answer of this year's cycle (unscored)."""
    from django.utils import timezone

    from catalogues.selectors import catalogue_load
    from catalogues.services import catalogue_load_default, cycle_get_or_create
    from scoring.models import Checklist
    from scoring.services.answers import answer_row, answers_upsert

    rng = random.Random(2)
    year = timezone.localdate().year
    catalogue, _ = catalogue_load_default(branch_kind="rural", year=year)
    loaded = catalogue_load(catalogue=catalogue)
    cycle = cycle_get_or_create(code=str(year))
    _county, _villages, made = county_with_branches(branches)
    lists = Checklist.objects.bulk_create(
        Checklist(branch=b, cycle=cycle, catalogue=catalogue) for b in made
    )
    rows = []
    for checklist in lists:
        for spec in loaded.spec.criteria:
            value = synthetic_value(spec, rng)
            rows.append(answer_row(checklist.pk, loaded.id_of[spec.code], value))
    answers_upsert(rows=rows, user=None, new=True)
    print(f"database: built {branches:,} branches with {len(rows):,} answers")
    return [c.pk for c in lists]


if __name__ == "__main__":
    bench_engine()
    bench_database()
