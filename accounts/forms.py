"""The forms of the activation and password-reset pages."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core import validators
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import Role


class ActivateForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("账号（书记为手机号）"), max_length=150)
    code = forms.CharField(label=gettext_lazy("激活码"), max_length=20)
    password1 = forms.CharField(
        label=gettext_lazy("新密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=gettext_lazy("再输入一次新密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return data


class StaffPasswordResetForm(PasswordResetForm):
    """Reset by e-mail is for staff; secretaries get a new activation code from their township
    (many have no e-mail, and the township knows them)."""

    def get_users(self, email: str) -> Any:
        return (u for u in super().get_users(email) if u.role != Role.SECRETARY)


class LoginForm(AuthenticationForm):
    """Django's sign-in form with its length limit enforced: it sets the username's max_length
    after the field is built, so the limit reaches the widget but not the validators, and a
    300-character name went on to the login throttle's 255-character column (a server error)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(validators.MaxLengthValidator(field.max_length or 150))
        self.fields["password"].validators.append(validators.MaxLengthValidator(4096))
