from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from branches.registers import REGISTERS
from uploads.exports import dataset_response


class Command(BaseCommand):
    help = "导出名录为 .xlsx 或 .csv（按文件扩展名）。"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("kind", choices=sorted(REGISTERS), help="名录类别")
        parser.add_argument("file", help="输出文件，.xlsx 或 .csv")
        parser.add_argument("--as", dest="username", help="只导出该用户可见的范围")

    def handle(self, *args, kind, file, username, **options):  # type: ignore[no-untyped-def]
        path = Path(file)
        fmt = path.suffix.lstrip(".").lower()
        if fmt not in ("xlsx", "csv"):
            raise CommandError("输出文件须为 .xlsx 或 .csv。")
        user = User.objects.filter(username=username).first() if username else None
        if username and user is None:
            raise CommandError(f"没有用户“{username}”。")
        resource = REGISTERS[kind](user=user or User(is_superuser=True, is_active=True))
        dataset = resource.export(queryset=resource.get_queryset())
        path.write_bytes(dataset_response(dataset, fmt=fmt, filename=path.stem).content)
        self.stdout.write(f"已导出 {len(dataset)} 行到 {path}")
