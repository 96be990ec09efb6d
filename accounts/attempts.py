"""Limits on the doors that need no account: activation with a one-time code and the password
reset by e-mail. Five wrong codes void a secretary's code, by design; so one client (address)
must not be able to void a county's codes by trying names in turn. Each client gets a few failed
tries an hour, on a few accounts at most; each account a few tries an hour from anywhere. Past a
limit the door answers 429 in Chinese, and the township sees the failed tries on its activation
page (when, how many, from how many addresses) and can hand out a fresh code at once."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from access.gate import internal
from accounts.models import AccessAttempt

HOUR = timedelta(hours=1)
LIMITS = {
    # kind → (failed tries per client an hour, accounts per client an hour, tries per account)
    AccessAttempt.Kind.ACTIVATE: (8, 3, 8),
    AccessAttempt.Kind.RESET: (5, 5, 3),
}


class TooMany(Exception):
    """Refused before the door is tried: too many tries from this client or on this account."""


def attempts_refusal(*, kind: str, client: str, username: str) -> str:
    """Why this try is refused before it is made (empty: it may go ahead)."""
    per_client, accounts, per_account = LIMITS[AccessAttempt.Kind(kind)]
    if kind == AccessAttempt.Kind.RESET:
        return _reset_refusal(client=client, username=username)
    since = timezone.now() - HOUR
    recent = AccessAttempt.objects.filter(kind=kind, at__gte=since)
    mine = recent.filter(client=client, failed=True)
    tried = set(mine.values_list("username", flat=True).distinct()[: accounts + 1])
    if len(tried) >= accounts and username not in tried:
        return _(
            "本机一小时内已在%(n)s个账号上尝试失败，请稍后再试，或请乡镇(街道)重新发放激活码。"
        ) % {"n": len(tried)}
    if mine.count() >= per_client:
        return _("尝试次数过多，请一小时后再试，或请乡镇(街道)重新发放激活码。")
    if username and recent.filter(username=username).count() >= per_account:
        return _("该账号一小时内尝试次数过多，请稍后再试，或请乡镇(街道)重新发放激活码。")
    return ""


def _reset_refusal(*, client: str, username: str) -> str:
    per_client, _accounts, per_account = LIMITS[AccessAttempt.Kind.RESET]
    recent = AccessAttempt.objects.filter(
        kind=AccessAttempt.Kind.RESET, at__gte=timezone.now() - HOUR
    )
    if recent.filter(client=client).count() >= per_client or (
        recent.filter(username=username).count() >= per_account
    ):
        return _("尝试次数过多，请一小时后再试；仍收不到邮件的，请联系县委组织部。")
    return ""


@internal("the record of a try at a door that needs no account (the limits count them)")
def attempt_record(*, kind: str, client: str, username: str, failed: bool) -> None:
    AccessAttempt.objects.create(kind=kind, client=client, username=username[:254], failed=failed)


@dataclass(frozen=True)
class Failures:
    count: int
    addresses: int
    last: datetime


def failures_of(usernames: Iterable[str], *, days: int = 7) -> dict[str, Failures]:
    """Failed activation tries on these accounts in the last `days` days, for the staff who
    hand out their codes: username → how many, from how many addresses, the last one."""
    rows = (
        AccessAttempt.objects.filter(
            kind=AccessAttempt.Kind.ACTIVATE,
            failed=True,
            username__in=list(usernames),
            at__gte=timezone.now() - timedelta(days=days),
        )
        .values("username")
        .annotate(n=Count("pk"), addresses=Count("client", distinct=True), last=Max("at"))
    )
    return {r["username"]: Failures(r["n"], r["addresses"], r["last"]) for r in rows}
