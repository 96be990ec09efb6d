"""Tally speed at real scale, on PostgreSQL and Redis, with two real Celery workers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/14 .venv/bin/python bench/tally.py [--counties 150]

Builds a province in a scratch database `wuxing_bench` with `generate_load` (150 counties × 340
branches, about 4.6 million answers of 90 criteria, scored as they are written) plus one county
of 1,000 branches. Then, with two worker processes: the 1,000-branch county's tally, and every
county's tally at once (the province). In the same run, the SQL floor: one query grouping the
same answers into the same per-branch, per-star point sums. Targets: county ≤ 2 s, province
≤ 120 s, tally ÷ floor ≤ 5.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from common import scratch_database

ROOT = Path(__file__).resolve().parent.parent
FLOOR = """
    SELECT a.checklist_id, c.star_id,
           SUM(CASE WHEN (c.kind = 'bool' AND a.value_bool)
                      OR (c.direction = 'at_least' AND a.value_number >= c.threshold)
                      OR (c.direction = 'at_most' AND a.value_number <= c.threshold)
                    THEN c.points ELSE 0 END)
    FROM scoring_answer a JOIN scoring_criterion c ON c.id = a.criterion_id
    {where}
    GROUP BY a.checklist_id, c.star_id
"""


def workers(n: int) -> list[subprocess.Popen]:  # type: ignore[type-arg]
    env = {**os.environ, "DATABASE_CONN_MAX_AGE": "60"}
    return [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-P",
                "solo",
                "-n",
                f"bench{i}@%h",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
        )
        for i in range(n)
    ]


def wait(runs: list) -> float:  # type: ignore[type-arg]
    from tallies.models import TallyRun

    started = time.perf_counter()
    ids = [r.pk for r in runs]
    while TallyRun.objects.filter(pk__in=ids, status__in=TallyRun.LIVE).exists():
        time.sleep(0.05)
    failed = TallyRun.objects.filter(pk__in=ids, status=TallyRun.Status.FAILED).count()
    assert not failed, f"{failed} runs failed"
    return time.perf_counter() - started


def generate(counties: int, branches: int, cycle_code: str) -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command(
        "generate_load",
        counties=counties,
        branches_per_county=branches,
        cycle=cycle_code,
        stdout=open(os.devnull, "w"),  # noqa: SIM115
    )
    call_command("generate_load", counties=1, branches_per_county=1000, cycle=cycle_code)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def floor(where: str, params: list) -> float:  # type: ignore[type-arg]
    from django.db import connection

    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(FLOOR.format(where=where), params)
        rows = cursor.fetchall()
        elapsed = time.perf_counter() - started
    print(f"floor:   {len(rows):,} per-branch star sums in {elapsed:.2f} s")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counties", type=int, default=150)
    parser.add_argument("--branches", type=int, default=340)
    parser.add_argument(
        "--reuse", action="store_true", help="the data an earlier run generated, not anew"
    )
    args = parser.parse_args()
    if not os.environ.get("CELERY_BROKER_URL"):
        print("skipped: set CELERY_BROKER_URL to Redis (a database of its own, e.g. /14)")
        return
    if not scratch_database(reuse=args.reuse):
        return
    from django.utils import timezone

    from access.gate import SYSTEM
    from branches.models import Branch
    from catalogues.models import Cycle
    from config.celery import app
    from scoring.models import Answer
    from tallies.models import TallyRun
    from tallies.tasks import tally_start
    from villages.models import City, County, Province, Township

    app.control.purge()
    cycle_code = str(timezone.localdate().year)
    started = time.perf_counter()
    if args.reuse:
        TallyRun.objects.filter(status__in=TallyRun.LIVE).update(status=TallyRun.Status.FAILED)
    else:
        generate(args.counties, args.branches, cycle_code)
    print(
        f"load:    {County.objects.count()} counties, {Answer.objects.count():,} answers "
        f"generated and scored in {time.perf_counter() - started:.0f} s"
    )
    cycle = Cycle.objects.get(code=cycle_code)
    big = County.objects.order_by("-code").first()
    assert big is not None
    pool = workers(2)
    try:
        time.sleep(3)  # let the workers connect
        wait([tally_start(place=big, cycle=cycle, user=SYSTEM)[0]])  # warm the workers' connections
        run, _ = tally_start(place=big, cycle=cycle, user=SYSTEM)
        county_time = wait([run])
        print(f"county:  1,000 branches tallied by 2 workers in {county_time:.2f} s (target ≤ 2 s)")
        county_floor = floor(
            "JOIN scoring_checklist k ON k.id = a.checklist_id "
            "JOIN branches_branch b ON b.id = k.branch_id "
            "JOIN villages_village v ON v.id = b.village_id "
            "JOIN villages_township t ON t.id = v.township_id WHERE t.county_id = %s",
            [big.pk],
        )
        print(f"ratio:   county tally ÷ floor = {county_time / county_floor:.1f} (target ≤ 5)")
        started = time.perf_counter()
        runs = [tally_start(place=c, cycle=cycle, user=SYSTEM)[0] for c in County.objects.all()]
        wait(runs)
        total = time.perf_counter() - started
        print(
            f"province: {len(runs)} county tallies by 2 workers in {total:.1f} s (target ≤ 120 s)"
        )
        province_floor = floor("", [])
        print(f"ratio:   county tallies ÷ floor = {total / province_floor:.1f} (target ≤ 5)")
        province = Province.objects.get()
        started = time.perf_counter()
        wait([tally_start(place=province, cycle=cycle, user=SYSTEM)[0]])
        whole = time.perf_counter() - started
        print(
            f"province: one run over {Township.objects.count():,} townships in {whole:.1f} s, "
            f"÷ floor = {whole / province_floor:.1f} (target ≤ 3)"
        )
        city = City.objects.order_by("code").first()
        assert city is not None
        started = time.perf_counter()
        wait([tally_start(place=city, cycle=cycle, user=SYSTEM)[0]])
        branches = Branch.objects.filter(village__township__county__city=city).count()
        print(f"city:    {branches:,} branches in {time.perf_counter() - started:.2f} s")
        dashboards(province, city, cycle)
    finally:
        for worker in pool:
            worker.terminate()
        for worker in pool:
            worker.wait(30)


def dashboards(province, city, cycle) -> None:  # type: ignore[no-untyped-def]
    """The province's and a city's dashboards, through the whole Django stack."""
    from django.conf import settings
    from django.test import override_settings

    from accounts.choices import Role

    plain = {  # no collectstatic here: the manifest storage would refuse every page
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=plain):
        for place, role in ((province, Role.PROVINCE), (city, Role.CITY)):
            dashboard_of(place, role, cycle)


def dashboard_of(place, role, cycle) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from accounts.services import user_create

    """One dashboard as its staff open it: queries counted, server time the best of five."""
    user = User.objects.filter(username=f"bench-{place.code}").first() or user_create(
        username=f"bench-{place.code}", name="基准", role=role, place=place
    )
    client = Client()
    client.force_login(user)
    times = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(
                "/dashboard/", {"cycle": cycle.code}, secure=True, HTTP_HOST="127.0.0.1"
            )
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    print(
        f"dashboard: {place.name} {len(queries)} queries, {min(times) * 1000:.0f} ms "
        f"(targets ≤ 15, ≤ 300 ms)"
    )


if __name__ == "__main__":
    main()
