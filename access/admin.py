"""Admin base classes that go through the gate: changelists, edits and choices scoped."""

from typing import Any

from import_export.admin import ImportExportModelAdmin

from access.scope import restrict
from audit.admin import AuditedAdmin
from uploads.formats import EXPORT_FORMATS, IMPORT_FORMATS


class ScopedAdmin(AuditedAdmin):
    """Lists, edits and foreign-key choices limited to the user's places."""

    def get_queryset(self, request: Any) -> Any:
        return restrict(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        related = db_field.related_model
        if hasattr(related, "PLACE_PATHS"):
            kwargs["queryset"] = restrict(related._default_manager.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedImportExportAdmin(ImportExportModelAdmin, ScopedAdmin):
    """Register import/export in the admin: the resource gets the user, so rows outside their
    place are refused, and exports hold only what the changelist shows."""

    import_formats = IMPORT_FORMATS
    export_formats = EXPORT_FORMATS

    def get_resource_kwargs(self, request: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return {"user": request.user}


class RecordAdmin(ScopedAdmin):
    """Records that change only through services (workflow, awards, rulings): the admin lets
    staff find and read them, never edit, add or delete them."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
