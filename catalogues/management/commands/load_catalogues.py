from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from catalogues.services import catalogue_load_default
from villages.choices import VillageKind


class Command(BaseCommand):
    help = "加载本年度默认的农村、城市社区星级标准（可重复执行）。"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--year", type=int, default=None, help="年度，默认为当前年度")

    def handle(self, *args, year=None, **options):  # type: ignore[no-untyped-def]
        year = year or timezone.localdate().year
        for kind in VillageKind:
            try:
                catalogue, created = catalogue_load_default(branch_kind=kind, year=year)
            except ValidationError as exc:
                raise CommandError("\n".join(exc.messages)) from exc
            state = "已创建" if created else "已存在，未改动"
            count = catalogue.criteria.count()
            self.stdout.write(f"{catalogue.code}：{catalogue.name}，{count} 项指标（{state}）")
