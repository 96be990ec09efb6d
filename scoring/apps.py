from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = gettext_lazy("创星评定")

    def ready(self) -> None:
        from access.rules import rules_register
        from scoring.rules import RULES

        rules_register(RULES)

        from audit.labels import actions_register
        from scoring.choices import AuditAction

        actions_register(AuditAction)
        from audit.labels import register
        from scoring.choices import Action, ChecklistState

        register("state", dict(ChecklistState.choices))
        register("action", dict(Action.choices))

        from django.db.models.signals import post_save

        from branches.models import Branch

        # A branch listed or lifted as weak and lax (admin, register import, services): its
        # open checklists follow the register at once.
        post_save.connect(_register_changed, sender=Branch, dispatch_uid="scoring-facts")


def _register_changed(sender: object, instance: Any, created: bool, **kwargs: object) -> None:
    # A new branch has no checklist yet; a save that left the listing as it was read changes
    # nothing (a register import saves every row: no query each for those).
    if created or getattr(instance, "listed_when_read", None) == instance.weak_lax:
        return
    from access.gate import SYSTEM
    from scoring.services.events import revocations_for_listing
    from scoring.services.facts import facts_apply_branches

    decision = getattr(instance, "weak_lax_decision", None)
    facts_apply_branches(
        branch_ids=[instance.pk],
        user=getattr(decision, "decided_by", None) or SYSTEM,
        reason=(
            _("列为软弱涣散党组织：%(why)s") % {"why": instance.weak_lax_reason}
            if instance.weak_lax
            else _("软弱涣散整顿转化，已销号")
        ),
    )
    if instance.weak_lax and decision is not None:
        revocations_for_listing(listing=decision)
    instance.listed_when_read = instance.weak_lax
    instance.weak_lax_decision = None
