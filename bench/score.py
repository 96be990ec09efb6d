"""Scoring speed: the pure engine, and re-scoring a whole county from PostgreSQL.

    .venv/bin/python bench/score.py                     # engine only
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/score.py

Part 1 scores 10,000 synthetic checklists of 100 answers on one core (target ≥ 5,000 a second).
Part 2 builds a 1,000-branch county in a scratch database `wuxing_bench` (dropped and made
afresh), then times `checklists_rescore` over it: load answers, score, store results (target
≤ 2 s), and counts its queries at 250 and 1,000 branches to show that the number is fixed.
"""

import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scoring import engine

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
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("database: skipped (set DATABASE_URL to a PostgreSQL server)")
        return
    import psycopg

    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS wuxing_bench")
        conn.execute("CREATE DATABASE wuxing_bench")
    os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/wuxing_bench"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    county, checklists = build_county(branches)
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from scoring.models import Answer, Checklist
    from scoring.selectors import _loaded
    from scoring.services.checklists import checklists_rescore

    for size in (250, branches):
        _loaded.clear()  # a cold process: the catalogue is read from the database too
        queryset = Checklist.objects.filter(pk__in=checklists[:size]).select_related("catalogue")
        reset_queries()
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
    del county


def build_county(branches: int):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from branches.models import Branch
    from scoring.models import Answer, Checklist
    from scoring.selectors import catalogue_load
    from scoring.services.catalogues import catalogue_load_default, cycle_get_or_create
    from villages.models import City, County, Township, Village

    rng = random.Random(2)
    year = timezone.localdate().year
    catalogue, _ = catalogue_load_default(branch_kind="rural", year=year)
    loaded = catalogue_load(catalogue=catalogue)
    cycle = cycle_get_or_create(code=str(year))
    city = City.objects.create(code="419900000000", name="中原市")
    county = County.objects.create(code="419921000000", name="基准县", city=city)
    per_town = 50
    towns = Township.objects.bulk_create(
        Township(code=f"419921{100 + t:03d}000", name=f"第{t + 1}镇", county=county)
        for t in range((branches + per_town - 1) // per_town)
    )
    villages = Village.objects.bulk_create(
        Village(
            code=f"{towns[n // per_town].code[:9]}{200 + n % per_town:03d}",
            name=f"第{n + 1}村",
            township=towns[n // per_town],
            kind="rural",
        )
        for n in range(branches)
    )
    made = Branch.objects.bulk_create(Branch(village=v, name=f"中共{v.name}支部") for v in villages)
    lists = Checklist.objects.bulk_create(
        Checklist(branch=b, cycle=cycle, catalogue=catalogue) for b in made
    )
    rows = []
    for checklist in lists:
        for spec in loaded.spec.criteria:
            if spec.kind == "bool":
                value: object = rng.random() < (0.02 if spec.veto else 0.8)
                rows.append(
                    Answer(
                        checklist=checklist, criterion_id=loaded.id_of[spec.code], value_bool=value
                    )
                )
            else:
                rows.append(
                    Answer(
                        checklist=checklist,
                        criterion_id=loaded.id_of[spec.code],
                        value_number=Decimal(rng.randint(0, 100)),
                    )
                )
    Answer.objects.bulk_create(rows, batch_size=10_000)
    print(f"database: built {branches:,} branches with {len(rows):,} answers")
    return county, [c.pk for c in lists]


if __name__ == "__main__":
    bench_engine()
    bench_database()
