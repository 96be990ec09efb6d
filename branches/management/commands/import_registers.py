from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from access.gate import SYSTEM
from access.rules import may
from accounts.models import User
from branches.registers import REGISTERS
from uploads.imports import register_import
from uploads.spreadsheets import Upload


class Command(BaseCommand):
    help = (
        "导入名录（乡镇、村(社区)、党支部及书记）。任何一行有错则全部不写入，并列出每个错误；"
        "出错时退出码为1。"
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("kind", choices=sorted(REGISTERS), help="名录类别")
        parser.add_argument("file", help=".xlsx、.xls 或 .csv 文件")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument(
            "--as", dest="username", help="以该用户的管辖范围导入（默认不限范围，供管理员使用）"
        )

    def handle(self, *args, kind, file, dry_run, username, **options):  # type: ignore[no-untyped-def]
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        user = None
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"没有用户“{username}”。")
            if not may(user, "registers.import"):
                raise CommandError(f"用户“{username}”的岗位不能导入名录。")
        else:
            user = SYSTEM  # the shell is trusted: see everything
        report = register_import(
            resource=REGISTERS[kind](user=user),
            upload=Upload(path.name, path.read_bytes()),
            dry_run=dry_run,
        )
        for error in report.errors:
            self.stderr.write(str(error))
        summary = (
            f"共 {report.total} 行：新增 {report.new}，修改 {report.updated}，"
            f"未变 {report.unchanged}，错误 {len(report.errors)}。"
        )
        if not report.ok:
            raise CommandError(summary + "有错误，未写入任何数据。", returncode=1)
        state = "校验通过（未写入，--dry-run）" if dry_run else "已写入"
        self.stdout.write(f"{summary}{state}")
