"""Admin of the rating process's records: read-only, they change only through its services."""

from typing import Any

from django.contrib import admin

from audit.admin import RecordAdmin
from scoring.models import Checklist, Objection, Publicity, Transition


class TransitionInline(admin.TabularInline):
    model = Transition
    extra = 0
    can_delete = False
    fields = ["at", "action", "from_state", "to_state", "user", "reason", "star", "level"]
    readonly_fields = fields

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Checklist)
class ChecklistAdmin(RecordAdmin):
    """Read-only: a checklist's state moves only through the workflow services."""

    list_display = ["branch", "cycle", "state", "level", "catalogue", "submitted_at"]
    list_filter = ["cycle", "state", "level"]
    search_fields = ["branch__name", "branch__village__code"]
    list_select_related = ["branch", "cycle", "catalogue"]
    inlines = [TransitionInline]


@admin.register(Objection)
class ObjectionAdmin(RecordAdmin):
    list_display = ["checklist", "name", "contact", "filed_at", "status"]
    list_filter = ["status"]
    list_select_related = ["checklist__branch", "checklist__cycle"]


@admin.register(Publicity)
class PublicityAdmin(RecordAdmin):
    list_display = ["county", "cycle", "starts_at", "ends_at"]
    list_select_related = ["county", "cycle"]
