"""Accounts for thousands: staff hand each secretary of their area a one-time activation code
(a sheet to print, and by e-mail or SMS where the person has one); the person chooses their own
password with it. Staff reset a forgotten password the same way. Codes are single-use, expire
after WUXING_ACTIVATION_DAYS, die after five wrong tries, and are kept only as a keyed hash; no
password or code is ever logged.

Writes are audited; the gate decides who may issue for whom ("accounts.activate": township and
county staff, for the secretaries of places they govern)."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.gate import gated
from access.rules import may
from accounts.choices import AuditAction, Role
from accounts.models import ActivationCode, User, keys_end
from audit.services import audit_entry, audit_many

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed on phones
LENGTH = 8
TRIES = 5


class CodeRefused(ValidationError):
    """The account or the code was wrong (a try the limits count; a weak password is not)."""


@dataclass(frozen=True)
class Issued:
    user: User
    code: str
    expires_at: datetime


def _digest(user_id: int, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{user_id}:{code}".encode(), hashlib.sha256).hexdigest()


def normalise_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def _governed(staff: Any, user: User) -> bool:
    return (
        user.role == Role.SECRETARY
        and user.village is not None
        and may(staff, "accounts.activate", user.village)
    )


@gated("accounts.activate", user="staff")  # each person by name, below
@transaction.atomic
def activation_issue(*, staff: Any, users: list[User], reset: bool = False) -> list[Issued]:
    """A new code for each of `users` (secretaries the staff member governs), replacing any
    earlier one; with `reset`, their current password stops working at once. All or none."""
    strangers = [
        u.username
        for u in users
        if u.role != Role.SECRETARY
        or u.village is None
        or not may(staff, "accounts.activate", u.village)
    ]
    if strangers:
        raise PermissionDenied(
            _("这些账号不是您管辖范围内的村(社区)书记：%(names)s") % {"names": "、".join(strangers)}
        )
    now = timezone.now()
    expires = now + timedelta(days=settings.WUXING_ACTIVATION_DAYS)
    ActivationCode.objects.filter(user__in=users, used_at__isnull=True).update(used_at=now)
    issued, codes, entries = [], [], []
    for user in users:
        code = "".join(secrets.choice(ALPHABET) for _n in range(LENGTH))
        issued.append(Issued(user, code, expires))
        codes.append(
            ActivationCode(
                user=user, digest=_digest(user.pk, code), created_by=staff, expires_at=expires
            )
        )
        entries.append(
            audit_entry(
                user=staff,
                action=AuditAction.ACCOUNT,
                target=user,
                place=user.village,
                after={
                    "activation": "reset" if reset else "issued",
                    "expires": expires.isoformat(),
                },
            )
        )
    ActivationCode.objects.bulk_create(codes)
    if reset:
        for user in users:
            user.set_unusable_password()
        User.objects.bulk_update(users, ["password"])
        keys_end(user_ids=[u.pk for u in users])  # bulk_update skips save(), where keys end
    audit_many(entries)
    return issued


def activation_redeem(*, username: str, code: str, password: str) -> User:
    """Set the person's password with a valid code. A wrong username or code gets the same
    answer, so the page tells nobody which accounts exist; a wrong code counts against the live
    one (outside the transaction that is refused, so the count stays)."""
    user = _redeem(username=username, code=code, password=password)
    if user is None:
        raise CodeRefused(
            _("账号或激活码不正确，或激活码已过期、已使用。请向乡镇(街道)索取新的激活码。")
        )
    return user


@transaction.atomic
def _redeem(*, username: str, code: str, password: str) -> User | None:
    user = User.objects.filter(username=username.strip(), is_active=True).first()
    if user is None:
        return None
    now = timezone.now()
    live = (
        ActivationCode.objects.select_for_update()
        .filter(user=user, used_at__isnull=True, expires_at__gt=now, failures__lt=TRIES)
        .order_by("-created_at")
        .first()
    )
    if live is None:
        return None
    if not hmac.compare_digest(live.digest, _digest(user.pk, normalise_code(code))):
        ActivationCode.objects.filter(pk=live.pk).update(failures=live.failures + 1)
        return None
    validate_password(password, user)  # a weak password is refused and the code stays good
    user.set_password(password)
    user.save(update_fields=["password"])
    live.used_at = now
    live.save(update_fields=["used_at"])
    audit_many(
        [
            audit_entry(
                user=user,
                action=AuditAction.ACCOUNT,
                target=user,
                place=user.village,
                after={"activation": "used"},
            )
        ]
    )
    return user
