"""The audit trail page: county staff read who changed what in their county, filtered."""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from access.rules import may
from access.scope import place_models, restrict
from audit.labels import ACTIONS, changes
from audit.services import audit_list

PAGE_SIZE = 50


class AuditFilter(forms.Form):
    action = forms.ChoiceField(label=_("操作"), required=False, choices=())
    place = forms.ChoiceField(label=_("乡镇(街道)"), required=False)
    user = forms.CharField(label=_("账号"), required=False, max_length=150)
    since = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput({"type": "date"})
    )
    until = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput({"type": "date"})
    )
    text = forms.CharField(label=_("对象包含"), required=False, max_length=100)

    def __init__(self, *args: object, townships: list[Any], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["action"].choices = [("", _("全部")), *ACTIONS.items()]
        self.fields["place"].choices = [("", _("全县")), *[(t.code, t.name) for t in townships]]

    def clean(self) -> dict:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        return data


@login_required
def audit_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may(user, "audit.view"):
        raise PermissionDenied(_("操作日志只对县委组织部开放。"))
    townships = list(restrict(place_models()["township"].objects.order_by("code"), user))
    form = AuditFilter(request.GET or None, townships=townships)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    entries = audit_list(
        user=user,
        action=filters.get("action", ""),
        place_code=filters.get("place", ""),
        username=filters.get("user", ""),
        since=filters.get("since"),
        until=filters.get("until"),
        text=filters.get("text", ""),
    )
    page = Paginator(entries.select_related("user"), PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page:
        entry.changes = changes(entry.before, entry.after)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "audit/audit.html", context)
