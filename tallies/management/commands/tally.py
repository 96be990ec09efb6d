import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from access.gate import SYSTEM
from catalogues.models import Cycle
from tallies.models import TallyRun, TallySnapshot
from tallies.tasks import tally_start
from villages.models import City, County, Province

LEVELS = {"county": (County, "县"), "city": (City, "市"), "province": (Province, "省")}


class Command(BaseCommand):
    help = (
        "统计一个县（或市、省）一个周期的星级情况（经 Celery 按乡镇分发、汇总），并打印结果摘要。"
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--county", help="县的12位区划代码")
        where.add_argument("--city", help="市的12位区划代码（统计全市各县）")
        where.add_argument("--province", help="省的12位区划代码（统计全省各市、县）")
        parser.add_argument("--cycle", required=True, help="周期，如 2026 或 2026Q1")
        parser.add_argument("--timeout", type=int, default=600, help="最多等待秒数")

    def handle(self, *args, cycle, timeout, **options):  # type: ignore[no-untyped-def]
        level = next(name for name in LEVELS if options.get(name))
        model, label = LEVELS[level]
        place = model.objects.filter(code=options[level]).first()
        if place is None:
            raise CommandError(f"没有区划代码为 {options[level]} 的{label}。")
        found = Cycle.objects.filter(code=cycle).first()
        if found is None:
            raise CommandError(f"没有评定周期“{cycle}”。")
        run, started = tally_start(place=place, cycle=found, user=SYSTEM)
        if not started:
            self.stdout.write(f"已有进行中的统计 #{run.pk}，等待其完成……")
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            self.stdout.write(f"统计 #{run.pk} 已交给 Celery 工作进程。")
        deadline = time.monotonic() + timeout
        shown = -1
        while True:
            run.refresh_from_db()
            if run.progress != shown:
                shown = run.progress
                self.stdout.write(f"进度 {run.progress}%")
            if run.status not in TallyRun.LIVE:
                break
            if time.monotonic() > deadline:
                raise CommandError(f"等待超时：统计 #{run.pk} 仍在进行。", returncode=1)
            time.sleep(0.5)
        if run.status == TallyRun.Status.FAILED:
            raise CommandError(f"统计失败：{run.error}", returncode=1)
        data = TallySnapshot.objects.get(run=run, **run.place_filter).data
        self._summary(data, place)

    def _summary(self, data, place):  # type: ignore[no-untyped-def]
        projected, official = data["projected"], data["official"]
        self.stdout.write(f"{place.name} {data['cycle']['code']}：共 {data['branches']} 个党支部")
        for kind, label in (("rural", "农村"), ("community", "社区")):
            figures = data["kinds"][kind]
            self.stdout.write(
                f"  {label} {figures['branches']} 个：三星以上 "
                f"{figures['projected']['three_plus']} 个（{figures['projected']['share']}%）"
            )
        levels = "、".join(f"{n}星 {c}" for n, c in enumerate(projected["levels"]))
        self.stdout.write(
            f"测算星级：{levels}；三星以上 {projected['three_plus']} 个（{projected['share']}%）"
        )
        levels = "、".join(f"{n}星 {c}" for n, c in enumerate(official["levels"]))
        self.stdout.write(
            f"已授星级：{levels}；三星以上 {official['three_plus']} 个（{official['share']}%）"
        )
        for t in data.get("townships", data.get("children", [])):
            self.stdout.write(
                f"  第{t['rank']}名 {t['name']}：三星以上 {t['projected']['share']}%，"
                f"平均 {t['projected']['average']} 星，预警 {t['warning_count']} 条"
            )
        self.stdout.write(f"预警共 {sum(data['warning_counts'].values())} 条。")
