"""Accounts: login throttling, password rules, session and CSRF cookies, security headers."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

GOOD = "correct-horse-9"  # the world's password
NEW = "黄寨镇-审核-2026"


def log_in(client, username: str, password: str, address: str = "10.0.0.7"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_five_wrong_passwords_lock_that_username_from_that_address(client, world):
    for _ in range(4):
        assert log_in(client, "town1", "wrong-password").status_code == 200
    locked = log_in(client, "town1", "wrong-password")
    assert locked.status_code == 429
    assert "登录已暂停" in locked.content.decode() and "15 分钟" in locked.content.decode()
    # Even the right password is refused while the lock lasts.
    again = log_in(client, "town1", GOOD)
    assert again.status_code == 429 and "_auth_user_id" not in client.session


def test_a_lockout_touches_neither_other_accounts_nor_other_addresses(client, world):
    for _ in range(5):
        log_in(client, "town1", "wrong-password")
    assert log_in(client, "town2", GOOD).status_code == 302
    client.logout()
    assert log_in(client, "town1", GOOD, address="10.0.0.8").status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, world):
    for _ in range(5):
        log_in(client, "town1", "wrong-password")
    assert log_in(client, "town1", GOOD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert log_in(client, "town1", GOOD).status_code == 302


def test_the_api_token_endpoint_is_throttled_too(api, world):
    def token(password: str):
        return api.post(
            "/api/v1/auth/token/",
            {"username": "town1", "password": password},
            REMOTE_ADDR="10.0.0.9",
        )

    for _ in range(5):
        assert token("wrong-password").status_code == 400
    assert token(GOOD).status_code == 400  # locked: no token, even with the right password
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert "token" in token(GOOD).json()


def test_a_weak_new_password_is_refused_in_chinese_and_a_strong_one_taken(client, world):
    client.force_login(world.town1_user)
    page = client.post(
        reverse("password_change"),
        {"old_password": GOOD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "太短" in text and "常见" in text and "数字" in text
    done = client.post(
        reverse("password_change"),
        {
            "old_password": GOOD,
            "new_password1": "黄寨镇-审核-2026",
            "new_password2": "黄寨镇-审核-2026",
        },
    )
    assert done.status_code == 302
    client.logout()
    assert log_in(client, "town1", NEW).status_code == 302


def test_session_and_csrf_cookies_are_secure_httponly_and_same_site(client, world, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    client.get(reverse("login"), secure=True)
    response = client.post(reverse("login"), {"username": "town1", "password": GOOD}, secure=True)
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    csrf = client.get(reverse("login"), secure=True).cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] and csrf["httponly"]


def test_a_post_without_the_csrf_token_is_refused(world):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.county_user)
    assert strict.post(reverse("tally-request"), {"cycle": "2026"}).status_code == 403


def test_every_page_carries_the_security_headers(client, world):
    client.force_login(world.county_user)
    for url in (
        reverse("login"),
        reverse("home"),
        "/api/v1/docs/",
        reverse("public", args=[world.county.code]),
    ):
        headers = client.get(url).headers
        policy = headers["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"] == "'self'" and directives["default-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "microphone=()" in headers["Permissions-Policy"]


def test_the_api_docs_run_no_inline_script(client, world):
    client.force_login(world.county_user)
    page = client.get("/api/v1/docs/").content.decode()
    assert "<script>" not in page.replace(" ", "")
