"""The inbox (消息) and each person's choice of channels."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from notifications.selectors import inbox_of, preference_of
from notifications.services import notifications_read, preference_save


class PreferenceForm(forms.Form):
    by_email = forms.BooleanField(label=gettext_lazy("通过电子邮件接收"), required=False)
    email = forms.EmailField(label=gettext_lazy("电子邮箱"), required=False)
    by_webhook = forms.BooleanField(label=gettext_lazy("通过短信或企业微信接收"), required=False)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("by_email") and not data.get("email"):
            self.add_error("email", _("要接收电子邮件，请填写电子邮箱。"))
        return data


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(inbox_of(request.user), 30).get_page(request.GET.get("page"))
    preference = preference_of(request.user)
    form = PreferenceForm(
        request.POST or None,
        initial={
            # Without an address nothing can be sent: shown unticked, and the page says why.
            "by_email": preference.by_email and bool(request.user.email),
            "email": request.user.email,
            "by_webhook": preference.by_webhook,
        },
    )
    if request.method == "POST" and form.is_valid():
        preference_save(
            user=request.user,
            by_email=form.cleaned_data["by_email"],
            by_webhook=form.cleaned_data["by_webhook"],
            email=form.cleaned_data["email"],
        )
        messages.success(request, _("通知设置已保存。"))
        return redirect("inbox")
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "form": form,
            "phone": request.user.phone,
            "no_email": not request.user.email,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go to what it is about (a path of this site only)."""
    notification = get_object_or_404(inbox_of(request.user), pk=pk)
    notifications_read(user=request.user, ids=[notification.pk])
    target = notification.link
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "inbox"
    return redirect(target or "inbox")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    notifications_read(user=request.user)
    return redirect("inbox")
