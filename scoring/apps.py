from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("创星评定")

    def ready(self) -> None:
        from audit.labels import register
        from scoring.choices import Action, ChecklistState

        register("state", dict(ChecklistState.choices))
        register("action", dict(Action.choices))
