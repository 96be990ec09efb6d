"""Admin for places and accounts, scoped like everything else: county staff see their county."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLS, XLSX

from villages.audit import audit, audit_entry, audit_many, changed, place_of, record_fields
from villages.models import AuditAction, City, County, Township, User, Village
from villages.resources import TownshipResource, VillageResource
from villages.scope import restrict


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
        if hasattr(related, "PLACE_PATHS"):
            kwargs["queryset"] = restrict(related._default_manager.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedImportExportAdmin(ImportExportModelAdmin, ScopedAdmin):
    """Register import/export in the admin: the resource gets the user, so rows outside their
    place are refused, and exports hold only what the changelist shows."""

    import_formats = [XLSX, XLS, CSV]
    export_formats = [XLSX, CSV]

    def get_resource_kwargs(self, request: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return {"user": request.user}


@admin.register(City)
class CityAdmin(ScopedAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]

    def has_add_permission(self, request: Any) -> bool:
        return request.user.is_superuser


@admin.register(County)
class CountyAdmin(ScopedAdmin):
    list_display = ["code", "name", "city"]
    search_fields = ["code", "name"]
    list_select_related = ["city"]

    def has_add_permission(self, request: Any) -> bool:
        return request.user.is_superuser


@admin.register(Township)
class TownshipAdmin(ScopedImportExportAdmin):
    resource_classes = [TownshipResource]
    list_display = ["code", "name", "county"]
    search_fields = ["code", "name"]
    list_select_related = ["county"]


@admin.register(Village)
class VillageAdmin(ScopedImportExportAdmin):
    resource_classes = [VillageResource]
    list_display = ["code", "name", "kind", "township"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    list_select_related = ["township"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin, ScopedAdmin):
    """Accounts are for superusers to change: a role or staff flag is a grant of access."""

    list_display = ["username", "name", "role", "place", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "name", "phone"]
    list_select_related = ["county", "township", "village"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("name", "phone", "email")}),
        (_("角色与地点"), {"fields": ("role", "county", "township", "village")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("日期"), {"fields": ("last_login", "date_joined")}),
    )

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: Any) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return request.user.is_superuser


class RecordAdmin(ScopedAdmin):
    """Records that change only through services (workflow, awards, rulings): the admin lets
    staff find and read them, never edit, add or delete them."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
