import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from scoring.models import Cycle, TallyRun, TallySnapshot
from scoring.tasks import tally_start
from villages.models import County


class Command(BaseCommand):
    help = "统计一个县一个周期的星级情况（经 Celery 按乡镇分发、汇总），并打印结果摘要。"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--county", required=True, help="县的12位区划代码")
        parser.add_argument("--cycle", required=True, help="周期，如 2026 或 2026Q1")
        parser.add_argument("--timeout", type=int, default=600, help="最多等待秒数")

    def handle(self, *args, county, cycle, timeout, **options):  # type: ignore[no-untyped-def]
        place = County.objects.filter(code=county).first()
        if place is None:
            raise CommandError(f"没有区划代码为 {county} 的县。")
        found = Cycle.objects.filter(code=cycle).first()
        if found is None:
            raise CommandError(f"没有评定周期“{cycle}”。")
        run, started = tally_start(county=place, cycle=found)
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
        data = TallySnapshot.objects.get(run=run).data
        self._summary(data)

    def _summary(self, data):  # type: ignore[no-untyped-def]
        projected, official = data["projected"], data["official"]
        self.stdout.write(
            f"{data['county']['name']} {data['cycle']['code']}：共 {data['branches']} 个党支部"
        )
        levels = "、".join(f"{n}星 {c}" for n, c in enumerate(projected["levels"]))
        self.stdout.write(
            f"测算星级：{levels}；三星以上 {projected['three_plus']} 个（{projected['share']}%）"
        )
        levels = "、".join(f"{n}星 {c}" for n, c in enumerate(official["levels"]))
        self.stdout.write(
            f"已授星级：{levels}；三星以上 {official['three_plus']} 个（{official['share']}%）"
        )
        for t in data["townships"]:
            self.stdout.write(
                f"  第{t['rank']}名 {t['name']}：三星以上 {t['projected']['share']}%，"
                f"平均 {t['projected']['average']} 星，预警 {t['warning_count']} 条"
            )
        self.stdout.write(f"预警共 {len(data['warnings'])} 条。")
