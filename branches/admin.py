from django.contrib import admin

from branches.models import Branch
from branches.resources import BranchResource
from villages.admin import ScopedImportExportAdmin


@admin.register(Branch)
class BranchAdmin(ScopedImportExportAdmin):
    resource_classes = [BranchResource]
    list_display = ["name", "village", "secretary", "members", "weak_lax", "first_secretary"]
    list_filter = ["weak_lax", "village__kind"]
    search_fields = ["name", "village__code", "village__name", "secretary__name"]
    list_select_related = ["village", "secretary"]
    raw_id_fields = ["secretary"]
