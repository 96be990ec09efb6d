"""Synthetic province-scale data for benchmarks: counties of rural branches with every answer
of a cycle, scored. Run it on a database of its own (see bench/tally.py)."""

import random
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from branches.models import Branch
from catalogues import engine
from catalogues.selectors import catalogue_current, catalogue_load
from catalogues.services import catalogue_load_default, cycle_get_or_create
from scoring.models import Checklist
from scoring.services.answers import answer_row, answers_upsert
from scoring.services.scores import checklists_rescore
from villages.models import City, County, Township, Village
from villages.services import province_of

PER_TOWNSHIP = 34
COUNTIES_PER_CITY = 10


class Command(BaseCommand):
    help = "生成省级规模的模拟数据（县、乡镇、村、支部、一个周期的全部答题并测算），供性能测试。"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--counties", type=int, required=True)
        parser.add_argument("--branches-per-county", type=int, required=True)
        parser.add_argument("--cycle", required=True, help="如 2026")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, counties, branches_per_county, cycle, seed, **options):  # type: ignore[no-untyped-def]
        if counties < 1 or not 1 <= branches_per_county <= PER_TOWNSHIP * 899:
            raise CommandError("县数须≥1，每县支部数须在1～3366之间。")
        found = cycle_get_or_create(code=cycle)
        catalogue_load_default(branch_kind="rural", year=found.year)
        catalogue = catalogue_current(branch_kind="rural", year=found.year)
        loaded = catalogue_load(catalogue=catalogue)
        rng = random.Random(seed)
        first = County.objects.filter(name__startswith="模拟县").count()
        started = time.perf_counter()
        answers = 0
        for n in range(first, first + counties):
            answers += self._county(n, branches_per_county, found, catalogue, loaded, rng)
            if (n - first + 1) % 10 == 0 or n == first + counties - 1:
                self.stdout.write(
                    f"{n - first + 1}/{counties} 个县，{answers:,} 条答题，"
                    f"{time.perf_counter() - started:.0f} 秒"
                )
        self.stdout.write(
            f"完成：{counties} 个县 × {branches_per_county} 个支部，{answers:,} 条答题。"
        )

    @transaction.atomic
    def _county(self, n, size, cycle, catalogue, loaded, rng) -> int:  # type: ignore[no-untyped-def]
        city_no, county_no = divmod(n, COUNTIES_PER_CITY)
        if city_no >= 99:
            raise CommandError("最多模拟 990 个县。")
        city, _ = City.objects.get_or_create(
            code=f"41{city_no + 1:02d}00000000",
            defaults={"name": f"模拟市{city_no + 1}", "province": province_of("41")},
        )
        county = County.objects.create(
            code=f"{city.code[:4]}{county_no + 1:02d}000000", name=f"模拟县{n + 1}", city=city
        )
        towns = Township.objects.bulk_create(
            Township(
                code=f"{county.code[:6]}{100 + t:03d}000", name=f"模拟镇{t + 1}", county=county
            )
            for t in range((size + PER_TOWNSHIP - 1) // PER_TOWNSHIP)
        )
        villages = Village.objects.bulk_create(
            Village(
                code=f"{towns[i // PER_TOWNSHIP].code[:9]}{200 + i % PER_TOWNSHIP:03d}",
                name=f"模拟村{i + 1}",
                township=towns[i // PER_TOWNSHIP],
                kind="rural",
            )
            for i in range(size)
        )
        branches = Branch.objects.bulk_create(
            Branch(village=v, name=f"中共{v.name}支部", target_level=rng.choice([3, 4, 5]))
            for v in villages
        )
        checklists = Checklist.objects.bulk_create(
            Checklist(branch=b, cycle=cycle, catalogue=catalogue) for b in branches
        )
        quality = {c.pk: rng.betavariate(6, 1.5) for c in checklists}
        known: dict[int, dict[str, engine.Value | None]] = {}
        rows = []
        for checklist in checklists:
            given: dict[str, engine.Value | None] = {}
            p = quality[checklist.pk]
            for spec in loaded.spec.criteria:
                value = _value(spec, p, rng)
                given[spec.code] = value
                rows.append(answer_row(checklist.pk, loaded.id_of[spec.code], value))
            known[checklist.pk] = given
        answers_upsert(rows=rows, user=None, new=True)  # COPY on PostgreSQL
        checklists_rescore(checklists=checklists, known=known)
        return len(rows)


def _value(spec: engine.CriterionSpec, p: float, rng: random.Random) -> engine.Value:
    if spec.veto:
        return rng.random() < 0.01
    met = rng.random() < p
    if spec.kind == engine.BOOL:
        return met
    threshold = spec.threshold or Decimal(0)
    if met:
        return threshold
    return max(Decimal(0), threshold - 1) if spec.direction == engine.AT_LEAST else threshold + 1
