from django.core.management.base import BaseCommand, CommandError

from scoring.services.publicity import award_due
from villages.models import County


class Command(BaseCommand):
    help = "授星：公示期满且无未处理异议的评定结果授予星级（夜间计划任务也会执行）。"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--county", help="只处理该县（12位区划代码）")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        county_id = None
        if options["county"]:
            county = County.objects.filter(code=options["county"]).first()
            if county is None:
                raise CommandError(f"没有区划代码为 {options['county']} 的县。")
            county_id = county.pk
        awarded = award_due(county_id=county_id)
        self.stdout.write(f"已授星 {awarded} 个支部。")
