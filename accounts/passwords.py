from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MinimumLength(MinimumLengthValidator):
    """Django's own rule, with the message in our working language: Django's Simplified Chinese
    catalogue has no translation of it, and a clerk would get the only English line on the page."""

    def validate(self, password: str, user: object = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(self.get_error_message(), code="password_too_short")

    def get_error_message(self) -> str:
        return _("密码太短，至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return _("密码至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}
