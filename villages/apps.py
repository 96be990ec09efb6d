from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillagesConfig(AppConfig):
    name = "villages"
    verbose_name = _("行政区划与账号")

    def ready(self) -> None:
        from villages import checks  # noqa: F401  (registers system checks)
