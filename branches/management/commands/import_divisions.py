import time
import tracemalloc
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from access.gate import SYSTEM
from branches.divisions import divisions_import
from uploads.spreadsheets import Upload


class Command(BaseCommand):
    help = (
        "按国家统计用区划代码表设立省、市、县、乡镇、村(社区)及各村(社区)党支部。"
        "任何一行有错则全部不写入并列出每个错误（退出码1）；重复导入不做改动；"
        "系统中有而表中没有的地点只报告、不删除。"
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("file", help=".xlsx、.xls 或 .csv 文件（表头：统计用区划代码, 名称）")
        parser.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入")
        parser.add_argument("--measure", action="store_true", help="报告用时和内存峰值")

    def handle(self, *args, file, dry_run, measure, **options):  # type: ignore[no-untyped-def]
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        if measure:
            tracemalloc.start()
        started = time.perf_counter()
        report = divisions_import(
            upload=Upload(path.name, path.read_bytes()), dry_run=dry_run, user=SYSTEM
        )
        for error in report.errors:
            self.stderr.write(str(error))
        for line in report.lines():
            self.stdout.write(line)
        if measure:
            peak = tracemalloc.get_traced_memory()[1]
            self.stdout.write(
                f"用时 {time.perf_counter() - started:.1f} 秒，Python 内存峰值 {peak / 1e6:.0f} MB"
            )
        if not report.ok:
            raise CommandError(f"{len(report.errors)} 处错误，未写入任何数据。", returncode=1)
        self.stdout.write("校验通过（未写入，--dry-run）。" if dry_run else "已写入。")
