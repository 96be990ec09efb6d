"""Admin classes write the audit trail too, and go through the gate: changelists, edits and
choices scoped to the user's places."""

from typing import Any

from django.contrib import admin

from access.scope import restrict
from audit.choices import AuditAction
from audit.services import audit, audit_entry, audit_many, changed, place_of, record_fields


class AuditedAdmin(admin.ModelAdmin):
    """Every save and delete in the admin goes into the audit trail, with the record's fields
    before and after (Django's own LogEntry keeps only a message, and no place to scope it)."""

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        stored = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        before, after = changed(record_fields(stored), record_fields(obj))
        if after:
            audit(
                user=request.user,
                action=AuditAction.RECORD_CHANGE,
                target=f"{obj._meta.verbose_name}：{obj}",
                place=place_of(obj),
                before=before,
                after=after,
            )

    def delete_model(self, request: Any, obj: Any) -> None:
        self._audit_delete(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        self._audit_delete(request, list(queryset))
        super().delete_queryset(request, queryset)

    def _audit_delete(self, request: Any, objects: list[Any]) -> None:
        audit_many(
            audit_entry(
                user=request.user,
                action=AuditAction.RECORD_DELETE,
                target=f"{obj._meta.verbose_name}：{obj}",
                place=place_of(obj),
                before=record_fields(obj),
            )
            for obj in objects
        )


class ScopedAdmin(AuditedAdmin):
    """Lists, edits and foreign-key choices limited to the user's places."""

    def get_queryset(self, request: Any) -> Any:
        return restrict(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        related = db_field.related_model
        if hasattr(related, "PLACE_PATHS") or hasattr(related, "PLACE_VIA"):
            kwargs["queryset"] = restrict(related._default_manager.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RecordAdmin(ScopedAdmin):
    """Records that change only through services (workflow, awards, rulings): the admin lets
    staff find and read them, never edit, add or delete them."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
