from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = _("党支部")

    def ready(self) -> None:
        from audit.labels import register
        from branches.choices import RectificationStatus

        register("status", dict(RectificationStatus.choices))
