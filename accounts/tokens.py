"""API tokens that end: a lifetime (a working day by default), and revoked whenever the person's
password changes, the account is deactivated, they sign out, or they ask."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from access.gate import internal


def token_expired(token: Token) -> bool:
    return token.created <= timezone.now() - timedelta(hours=settings.WUXING_TOKEN_HOURS)


@internal("a person's own sign-in: issued for the credentials they gave")
def token_issue(*, user: Any) -> Token:
    """The user's live token, or a new one in place of an expired one."""
    token, _created = Token.objects.get_or_create(user=user)
    if token_expired(token):
        token.delete()
        token = Token.objects.create(user=user)
    return token


@internal("a person ends their own tokens (and every password change ends them)")
def tokens_revoke(*, user: Any) -> int:
    """End every API token of `user`; returns how many there were."""
    return Token.objects.filter(user_id=user.pk).delete()[0] if user.pk else 0


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            token.delete()
            raise AuthenticationFailed("令牌已过期，请重新获取（POST /api/v1/auth/token/）。")
        return user, token
