"""Accounts: a person who signs in, bound by their role to one place."""

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from accounts.choices import Role
from villages.models import City, County, Province, Township, Village

_PLACE_FIELDS = ("province", "city", "county", "township", "village")


def _bound_to(field: str | None) -> dict[str, Any]:
    """The lookups saying a user is bound to `field`'s place and to no other."""
    return {
        f"{f}__isnull" if f == field else f: False if f == field else None for f in _PLACE_FIELDS
    }


class User(AbstractUser):
    """A person who signs in. Their role fixes the level of the one place they are bound to."""

    PLACE_PATHS = {
        "province": ("province_id",),
        "city": (
            "city_id",
            "county__city_id",
            "township__county__city_id",
            "village__township__county__city_id",
        ),
        "county": ("county_id", "township__county_id", "village__township__county_id"),
        "township": ("township_id", "village__township_id"),
        "village": ("village_id",),
    }

    name = models.CharField(_("姓名"), max_length=30, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices, blank=True)
    province = models.ForeignKey(
        Province, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("所属省")
    )
    city = models.ForeignKey(
        City, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("所属市")
    )
    county = models.ForeignKey(
        County, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("所属县")
    )
    township = models.ForeignKey(
        Township,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所属乡镇"),
    )
    village = models.ForeignKey(
        Village,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所属村(社区)"),
    )

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role=Role.NONE, **_bound_to(None))
                    | Q(role=Role.PROVINCE, **_bound_to("province"))
                    | Q(role=Role.CITY, **_bound_to("city"))
                    | Q(role=Role.COUNTY, **_bound_to("county"))
                    | Q(role=Role.TOWNSHIP, **_bound_to("township"))
                    | Q(role=Role.SECRETARY, **_bound_to("village"))
                ),
                name="user_role_matches_place",
            )
        ]

    def __str__(self) -> str:
        return self.name or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Every way a password changes (the password page, the admin, changepassword) and every
        # way an account is switched off ends in save(): API tokens end with them.
        password_changed = getattr(self, "_password", None) is not None
        super().save(*args, **kwargs)
        if password_changed or not self.is_active:
            keys_end(user_ids=[self.pk])

    @property
    def place(self) -> Province | City | County | Township | Village | None:
        return self.province or self.city or self.county or self.township or self.village


class ActivationCode(models.Model):
    """A one-time code that lets a person set their own password at first sign-in (or after
    staff reset their access). Only its keyed hash is kept; the code itself exists on the sheet
    handed out and in the message sent. Single use; void after it expires or is guessed wrong
    too often."""

    user = models.ForeignKey(User, models.CASCADE, related_name="activation_codes")
    digest = models.CharField(max_length=64)
    created_by = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"))
    used_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("激活码")
        verbose_name_plural = _("激活码")
        indexes = [models.Index(fields=["user", "used_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.expires_at:%Y-%m-%d}"


class AccessAttempt(models.Model):
    """A try at a door that needs no account (activation with a code, a password reset by
    e-mail): what the limits count, and what the township sees of failed tries on its people."""

    class Kind(models.TextChoices):
        ACTIVATE = "activate", _("账号激活")
        RESET = "reset", _("找回密码")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    client = models.CharField(max_length=64)  # a salted hash of the address (core.client)
    username = models.CharField(max_length=254, blank=True)  # as typed: account or e-mail
    failed = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("访问尝试")
        verbose_name_plural = _("访问尝试")
        indexes = [
            models.Index(fields=["kind", "client", "at"], name="attempt_client_at"),
            models.Index(fields=["kind", "username", "at"], name="attempt_username_at"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.username} {self.at:%Y-%m-%d %H:%M}"


def keys_end(*, user_ids: list[int]) -> int:
    """End every API token of these people: the one place a changed password or a switched-off
    account ends its keys, whether one account was saved or many were written at once (a bulk
    write skips save()). Their sessions end by themselves: Django checks each session against
    the password's hash and refuses an inactive account."""
    return Token.objects.filter(user_id__in=user_ids).delete()[0]
