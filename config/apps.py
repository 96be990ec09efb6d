from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project itself as an app, so that its system checks are registered on start-up."""

    name = "config"
    verbose_name = "Wuxing"

    def ready(self) -> None:
        from config import checks  # noqa: F401  (registers system checks)
