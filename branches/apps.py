from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = _("党支部")

    def ready(self) -> None:
        from access.rules import rules_register
        from branches.rules import RULES

        rules_register(RULES)

        from audit.labels import actions_register
        from branches.choices import AuditAction

        actions_register(AuditAction)
        from audit.labels import register
        from branches.choices import RectificationStatus

        register("status", dict(RectificationStatus.choices))

        from django.db.models.signals import post_save

        from branches.models import Branch

        post_save.connect(_listing_changed, sender=Branch, dispatch_uid="branches-weak-lax")


def _listing_changed(sender: object, instance: Any, created: bool, **kwargs: object) -> None:
    # Every change of the listing leaves a step in the branch's history, however it was made.
    if created:
        instance.listed_when_read = instance.weak_lax
        if not instance.weak_lax:
            return
    if not created and getattr(instance, "listed_when_read", None) == instance.weak_lax:
        return
    from branches.weak_lax import weak_lax_recorded

    weak_lax_recorded(branch=instance)
