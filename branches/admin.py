from typing import Any

from django import forms
from django.contrib import admin

from audit.admin import RecordAdmin
from branches.models import Branch, Rating, Rectification
from branches.resources import BranchResource
from branches.weak_lax import weak_lax_register_refusal
from uploads.admin import ScopedImportExportAdmin


class BranchForm(forms.ModelForm):
    """The branch in the admin: a listing is the county's, a lifting only by procedure."""

    user: Any = None

    class Meta:
        model = Branch
        fields = "__all__"  # noqa: DJ007  (the admin's own field list decides what is shown)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        problem = weak_lax_register_refusal(
            user=self.user, branch=self.instance, listed=bool(data.get("weak_lax"))
        )
        if problem:
            self.add_error("weak_lax", problem)
        return data


@admin.register(Branch)
class BranchAdmin(ScopedImportExportAdmin):
    form = BranchForm
    resource_classes = [BranchResource]
    list_display = ["name", "village", "secretary", "members", "weak_lax", "first_secretary"]
    list_filter = ["weak_lax", "village__kind"]
    search_fields = ["name", "village__code", "village__name", "secretary__name"]
    list_select_related = ["village", "secretary"]
    raw_id_fields = ["secretary"]

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def save_model(self, request: Any, obj: Branch, form: Any, change: bool) -> None:
        obj.weak_lax_decider = request.user  # type: ignore[attr-defined]  # for its history
        super().save_model(request, obj, form, change)


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
