"""What the benchmarks share: a scratch PostgreSQL database made afresh, and a synthetic county."""

import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def scratch_database(name: str = "wuxing_bench", *, reuse: bool = False) -> bool:
    """Point Django at a new, empty, migrated database `name` on the DATABASE_URL server (or,
    with `reuse`, at the one an earlier run left). Returns False (and says why) when there is
    no PostgreSQL to use."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("skipped: set DATABASE_URL to a PostgreSQL server (its database is left alone)")
        return False
    import psycopg

    server = url.rsplit("/", 1)[0]
    if not reuse:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
    os.environ["DATABASE_URL"] = f"{server}/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return True


def county_with_branches(branches: int, per_town: int = 50):  # type: ignore[no-untyped-def]
    """A county of `branches` rural villages with branches, in townships of `per_town`."""
    from branches.models import Branch
    from villages.models import City, County, Township, Village
    from villages.services import province_of

    city = City.objects.create(code="419900000000", name="中原市", province=province_of("41"))
    county = County.objects.create(code="419921000000", name="基准县", city=city)
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
    return county, villages, made


RNG = random.Random(3)
