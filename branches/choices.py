from django.db import models
from django.utils.translation import gettext_lazy as _


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    DONE = "done", _("已完成")
    VERIFIED = "verified", _("已核验")
    CLOSED = "closed", _("已销号")
