"""Signing in and out, and accounts for thousands: activation codes for secretaries, handed out
by their township or county in bulk. Signing out ends the person's API tokens too: a shared or
lost device keeps no way in."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from access.rules import may
from accounts.activation import CodeRefused, activation_issue, activation_redeem
from accounts.attempts import attempt_record, attempts_refusal, failures_of
from accounts.forms import ActivateForm, StaffPasswordResetForm
from accounts.models import AccessAttempt
from accounts.selectors import secretaries_of
from accounts.tokens import tokens_revoke
from core.client import client_address, client_key
from core.forms import ids_from
from core.tasks import enqueue
from printing.pdf import pdf_response


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            tokens_revoke(user=request.user)
        response = super().post(request, *args, **kwargs)
        # A phone is often shared: the offline copies of pages go with the session. Answers
        # not yet saved stay (localStorage), and are sent once their owner signs in again.
        response["Clear-Site-Data"] = '"cache"'
        return response


@never_cache
def activate(request: HttpRequest) -> HttpResponse:
    """A secretary chooses their password with the one-time code from their township. Tries are
    limited per client and per account (accounts.attempts): past a limit, 429."""
    form = ActivateForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        client = client_key(client_address(request))
        username = form.cleaned_data["username"].strip()
        kind = AccessAttempt.Kind.ACTIVATE
        refused = attempts_refusal(kind=kind, client=client, username=username)
        if refused:
            form.add_error(None, refused)
            status = 429
        else:
            try:
                activation_redeem(
                    username=username,
                    code=form.cleaned_data["code"],
                    password=form.cleaned_data["password1"],
                )
            except CodeRefused as error:
                attempt_record(kind=kind, client=client, username=username, failed=True)
                form.add_error(None, error.messages)
            except ValidationError as error:  # a weak password: the code stays good
                form.add_error(None, error.messages)
            else:
                attempt_record(kind=kind, client=client, username=username, failed=False)
                messages.success(request, _("密码已设置，请用新密码登录。"))
                return redirect("login")
    if form.errors and status == 200:
        status = 400
    # The rules are said before the first try, not only after a refusal.
    rules = password_validators_help_texts()
    return render(
        request, "registration/activate.html", {"form": form, "rules": rules}, status=status
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Staff reset their own password by e-mail; a few requests an hour per client and per
    address asked for, so nobody can flood a mailbox or probe addresses (429 past that)."""

    form_class = StaffPasswordResetForm

    def form_valid(self, form: Any) -> HttpResponse:
        client = client_key(client_address(self.request))
        email = form.cleaned_data["email"].strip().lower()
        kind = AccessAttempt.Kind.RESET
        refused = attempts_refusal(kind=kind, client=client, username=email)
        if refused:
            form.add_error(None, refused)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        # Every request counts: whether the address is known is never told.
        attempt_record(kind=kind, client=client, username=email, failed=True)
        return super().form_valid(form)


def _secretaries(request: HttpRequest) -> list[Any]:
    if not may(request.user, "accounts.activate"):
        raise PermissionDenied
    return secretaries_of(request.user)


@login_required
def activation_page(request: HttpRequest) -> HttpResponse:
    """Staff give the secretaries of their area activation codes, in bulk, as a sheet to print
    (and by e-mail or SMS where the person has one); or reset a secretary's access."""
    people = _secretaries(request)
    failures = failures_of(p.username for p in people)
    for person in people:
        person.failures = failures.get(person.username)  # type: ignore[attr-defined]
    return render(request, "accounts/activation.html", {"people": people})


@login_required
@require_POST
def activation_inactive(request: HttpRequest) -> HttpResponse:
    """Codes for every secretary of the area who has not set a password yet."""
    chosen = [u for u in _secretaries(request) if not u.has_usable_password()]
    return _codes_sheet(request, chosen, reset=False)


@login_required
@require_POST
def activation_issue_chosen(request: HttpRequest) -> HttpResponse:
    """Codes for the secretaries ticked."""
    return _codes_sheet(request, _ticked(request), reset=False)


@login_required
@require_POST
def activation_reset(request: HttpRequest) -> HttpResponse:
    """The ticked secretaries' passwords end now, and each gets a new code."""
    return _codes_sheet(request, _ticked(request), reset=True)


def _ticked(request: HttpRequest) -> list[Any]:
    wanted = set(ids_from(request.POST.getlist("user")))
    return [u for u in _secretaries(request) if u.pk in wanted]


def _codes_sheet(request: HttpRequest, chosen: list[Any], *, reset: bool) -> HttpResponse:
    """Issue codes to `chosen`, send each where the person has a channel, and print the sheet."""
    if not chosen:
        messages.error(request, _("请先勾选账号，或选择“为所有未激活的账号生成”。"))
        return redirect("activation")
    issued = activation_issue(staff=request.user, users=chosen, reset=reset)
    for one in issued:
        transaction.on_commit(
            lambda one=one: enqueue(
                "notifications.tasks.message_send_task",  # accounts know no notifications
                one.user.pk,
                _("您的账号激活码"),
                _("您的五星支部创建管理平台账号：%(user)s，激活码：%(code)s，%(until)s前有效。")
                % {
                    "user": one.user.username,
                    "code": one.code,
                    "until": timezone.localtime(one.expires_at).strftime("%Y-%m-%d"),
                },
                reverse("activate"),
            )
        )
    context = {
        "issued": issued,
        "staff": request.user,
        "activate_url": request.build_absolute_uri(reverse("activate")),
    }
    return pdf_response("print/activation_sheet.html", context, request, filename="账号激活码")
