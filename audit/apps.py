from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("操作日志")

    def ready(self) -> None:
        from access.rules import rules_register
        from audit.rules import RULES

        rules_register(RULES)

        from audit.choices import AuditAction
        from audit.labels import actions_register

        actions_register(AuditAction)
