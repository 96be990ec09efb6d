from django.db import models
from django.utils.translation import gettext_lazy as _


class VillageKind(models.TextChoices):
    RURAL = "rural", _("农村")
    COMMUNITY = "community", _("城市社区")
