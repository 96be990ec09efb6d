"""API tokens end: after their lifetime, when the password changes, when the account is
switched off, when the person signs out, and when they ask."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-9"  # the world's


def token_for(api, username: str) -> str:
    response = api.post("/api/v1/auth/token/", {"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def works(api, token: str) -> bool:
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    status = api.get("/api/v1/villages/").status_code
    api.credentials()
    return status == 200


def test_a_token_works_for_a_working_day_and_then_is_refused(api, world, settings):
    settings.WUXING_TOKEN_HOURS = 10
    token = token_for(api, "town1")
    assert works(api, token)
    Token.objects.filter(key=token).update(created=timezone.now() - timedelta(hours=10, seconds=1))
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api.get("/api/v1/villages/")
    assert response.status_code in (401, 403) and "令牌已过期" in response.json()["detail"]
    api.credentials()
    fresh = token_for(api, "town1")
    assert fresh != token and works(api, fresh)


def test_changing_the_password_ends_every_token(api, client, world):
    token = token_for(api, "town1")
    client.force_login(world.town1_user)
    client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-horse-77",
            "new_password2": "another-horse-77",
        },
    )
    assert not works(api, token)


def test_switching_an_account_off_ends_its_tokens(api, world):
    token = token_for(api, "town1")
    world.town1_user.is_active = False
    world.town1_user.save()
    assert not works(api, token)


def test_signing_out_ends_the_tokens_and_a_user_can_revoke_their_own(api, client, world):
    token = token_for(api, "town1")
    client.force_login(world.town1_user)
    response = client.post(reverse("logout"))
    assert not works(api, token)
    assert response["Clear-Site-Data"] == '"cache"'  # the offline copies go with the session
    token = token_for(api, "town1")
    other = token_for(api, "county")
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.post("/api/v1/auth/token/revoke/").json() == {"revoked": 1}
    api.credentials()
    assert not works(api, token)
    assert works(api, other)  # only the caller's own
