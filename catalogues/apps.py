from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CataloguesConfig(AppConfig):
    name = "catalogues"
    verbose_name = gettext_lazy("星级标准")

    def ready(self) -> None:
        from access.rules import rules_register
        from audit.labels import actions_register
        from catalogues.choices import AuditAction
        from catalogues.rules import RULES

        rules_register(RULES)
        actions_register(AuditAction)
