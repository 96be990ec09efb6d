"""Catalogue admin. A published catalogue is read-only here; changes go into a new version."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLS, XLSX

from audit.admin import AuditedAdmin
from catalogues.models import Catalogue, Criterion, Cycle, Star
from catalogues.resources import CriterionResource
from catalogues.services import catalogue_new_version, catalogue_publish


def _frozen(obj: Any) -> bool:
    catalogue = obj if isinstance(obj, Catalogue) else getattr(obj, "catalogue", None)
    return bool(catalogue and catalogue.is_published)


class StarInline(admin.TabularInline):
    model = Star
    extra = 0

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return not _frozen(obj) and super().has_change_permission(request, obj)

    has_add_permission = has_change_permission  # type: ignore[assignment]
    has_delete_permission = has_change_permission


@admin.register(Catalogue)
class CatalogueAdmin(AuditedAdmin):
    list_display = ["code", "name", "year", "branch_kind", "version", "pass_mark", "published_at"]
    list_filter = ["year", "branch_kind"]
    readonly_fields = ["published_at", "created_at"]
    inlines = [StarInline]
    actions = ["publish", "new_version"]

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return not _frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return not _frozen(obj) and super().has_delete_permission(request, obj)

    @admin.action(description=_("发布所选标准（发布后不可修改）"))
    def publish(self, request: Any, queryset: Any) -> None:
        for catalogue in queryset:
            try:
                catalogue_publish(catalogue=catalogue, user=request.user)
                self.message_user(request, _("已发布 %s") % catalogue.code)
            except ValidationError as exc:
                self.message_user(
                    request, f"{catalogue.code}：{'；'.join(exc.messages)}", messages.ERROR
                )

    @admin.action(description=_("以所选标准为底稿创建新版本"))
    def new_version(self, request: Any, queryset: Any) -> None:
        for catalogue in queryset:
            copy = catalogue_new_version(catalogue=catalogue, user=request.user)
            self.message_user(request, _("已创建新版本 %s（草稿）") % copy.code)


@admin.register(Criterion)
class CriterionAdmin(ImportExportModelAdmin, AuditedAdmin):
    resource_classes = [CriterionResource]
    import_formats = [XLSX, XLS, CSV]
    export_formats = [XLSX, CSV]
    list_display = ["code", "catalogue", "star", "text", "kind", "points", "hard", "veto"]
    list_filter = ["catalogue", "star__code", "kind", "hard", "veto"]
    search_fields = ["code", "text"]
    list_select_related = ["catalogue", "star"]

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return not _frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return not _frozen(obj) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        if db_field.name == "catalogue":
            kwargs["queryset"] = Catalogue.objects.filter(published_at__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Cycle)
class CycleAdmin(AuditedAdmin):
    list_display = ["code", "year", "quarter"]
