from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class TalliesConfig(AppConfig):
    name = "tallies"
    verbose_name = gettext_lazy("统计分析")

    def ready(self) -> None:
        from access.rules import rules_register
        from tallies.rules import RULES

        rules_register(RULES)
