"""System checks for production settings that Django's own deploy checks do not cover."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def development_secret_key(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        return [
            Error(
                "SECRET_KEY is the development key.",
                hint="Set the SECRET_KEY environment variable to a long random value.",
                id="wuxing.E001",
            )
        ]
    return []
