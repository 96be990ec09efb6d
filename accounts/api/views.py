"""Getting and giving back an API token."""

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.tokens import token_issue, tokens_revoke


class TokenRequestSerializer(AuthTokenSerializer):
    """The credentials within the lengths an account can have: a longer name is a 400 here,
    before the login throttle records it (its columns hold 255 characters)."""

    username = serializers.CharField(label="用户名", max_length=150, write_only=True)
    password = serializers.CharField(
        label="密码", max_length=128, style={"input_type": "password"}, trim_whitespace=False,
        write_only=True,
    )  # fmt: skip


class TokenObtainView(ObtainAuthToken):
    """`POST username, password` → `{"token": …}`, valid for `WUXING_TOKEN_HOURS` hours."""

    serializer_class = TokenRequestSerializer

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = token_issue(user=serializer.validated_data["user"])
        return Response({"token": token.key})


@extend_schema(
    request=None,
    responses={200: inline_serializer("Revoked", {"revoked": serializers.IntegerField()})},
)
@api_view(["POST"])
def token_revoke(request: Request) -> Response:
    """End the caller's API tokens (every one of them), e.g. on a lost phone."""
    return Response({"revoked": tokens_revoke(user=request.user)}, status=status.HTTP_200_OK)
