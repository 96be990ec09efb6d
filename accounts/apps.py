from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账号")

    def ready(self) -> None:
        from access.rules import rules_register
        from accounts.rules import RULES

        rules_register(RULES)

        from accounts.choices import AuditAction
        from audit.labels import actions_register

        actions_register(AuditAction)
