"""Admin for places, scoped like everything else: county staff see their county."""

from typing import Any

from django.contrib import admin

from audit.admin import ScopedAdmin
from uploads.admin import ScopedImportExportAdmin
from villages.models import City, County, Province, Township, Village
from villages.resources import TownshipResource, VillageResource


@admin.register(Province)
class ProvinceAdmin(ScopedAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]

    def has_add_permission(self, request: Any) -> bool:
        return request.user.is_superuser


@admin.register(City)
class CityAdmin(ScopedAdmin):
    list_display = ["code", "name", "province"]
    search_fields = ["code", "name"]
    list_select_related = ["province"]

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
