from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from catalogues.models import Cycle
from scoring.services.answer_import import SHELL
from scoring.tasks import answers_import_start
from uploads.spreadsheets import Upload


class Command(BaseCommand):
    help = (
        "导入乡镇答题表（每村一行、每个指标一列）。任何一处有错则全部不写入，并列出每个错误"
        "（行、列、指标名称、内容、原因）；出错时退出码为1。"
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("file", help=".xlsx、.xls 或 .csv 文件")
        parser.add_argument("--cycle", required=True, help="评定周期，如 2026 或 2026Q1")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument(
            "--as", dest="username", help="以该用户的管辖范围导入（默认不限范围，记为命令行导入）"
        )

    def handle(self, *args, file, cycle, dry_run, username, **options):  # type: ignore[no-untyped-def]
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        found = Cycle.objects.filter(code=cycle).first()
        if found is None:
            raise CommandError(f"没有评定周期“{cycle}”。")
        user = SHELL
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"没有用户“{username}”。")
        run = answers_import_start(
            upload=Upload(path.name, path.read_bytes()),
            user=user,
            cycle=found,
            dry_run=dry_run,
            inline=True,
        )
        for error in run.errors:
            where = f"第{error['row']}行" if error["row"] else "文件"
            column = f" {error['column']}" if error["column"] else ""
            name = f"（{error['name']}）" if error.get("name") else ""
            value = f" “{error['value']}”" if error["value"] else ""
            self.stderr.write(f"{where}{column}{name}{value}：{error['message']}")
        for notice in run.notices:
            self.stdout.write(f"提示：{notice}")
        if run.status != run.Status.DONE:
            raise CommandError(run.message, returncode=1)
        suffix = "（--dry-run：只检查，未写入）" if dry_run else ""
        self.stdout.write(f"{run.message}{suffix} 导入记录 #{run.pk}，SHA-256 {run.sha256[:16]}…")
