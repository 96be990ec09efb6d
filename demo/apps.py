from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo county (seed_demo) and the synthetic province of the benches (generate_load):
    they touch every app, so they live above them all, and no app imports them."""

    name = "demo"
    verbose_name = _("演示数据")
