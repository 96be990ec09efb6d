from django.contrib import admin

from access.admin import RecordAdmin, ScopedImportExportAdmin
from branches.models import Branch, Rating, Rectification
from branches.resources import BranchResource


@admin.register(Branch)
class BranchAdmin(ScopedImportExportAdmin):
    resource_classes = [BranchResource]
    list_display = ["name", "village", "secretary", "members", "weak_lax", "first_secretary"]
    list_filter = ["weak_lax", "village__kind"]
    search_fields = ["name", "village__code", "village__name", "secretary__name"]
    list_select_related = ["village", "secretary"]
    raw_id_fields = ["secretary"]


@admin.register(Rating)
class RatingAdmin(RecordAdmin):
    """Awarded levels change only by the award and revoke services."""

    list_display = ["branch", "year", "level", "stars", "catalogue", "awarded_at"]
    list_filter = ["year", "level"]
    search_fields = ["branch__name", "branch__village__code"]
    list_select_related = ["branch"]


@admin.register(Rectification)
class RectificationAdmin(RecordAdmin):
    list_display = ["branch", "criterion", "title", "owner", "deadline", "status"]
    list_filter = ["status", "cycle"]
    list_select_related = ["branch"]
