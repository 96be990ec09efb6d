"""Real-browser tests: Debian's Chromium driven by Playwright against pytest-django's live
server. No browser is downloaded; without /usr/bin/chromium these tests are skipped locally
(CI installs it)."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session", autouse=True)
def _plain_http():
    """The live server speaks plain HTTP on loopback. Its middleware is built once, when the
    server starts, so the production defaults (HTTPS redirect, secure cookies) are switched off
    for the whole session rather than per test."""
    from django.conf import settings

    saved = {}
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        saved[name] = getattr(settings, name)
        setattr(settings, name, False)
    saved["SECURE_HSTS_SECONDS"] = settings.SECURE_HSTS_SECONDS
    settings.SECURE_HSTS_SECONDS = 0
    yield
    for name, value in saved.items():
        setattr(settings, name, value)


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module. Playwright's sync API keeps an event loop in this thread,
    and Django then refuses ORM calls, although the tests' own set-up and the database flush are
    plain synchronous calls: allow them while the browser lives, and only then (the variable
    must not reach other modules, let alone a deploy check)."""
    if CHROMIUM is None:
        pytest.skip("needs Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def phone(browser, live_server):
    """A page at 375 px wide, as a secretary's phone."""
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, device_scale_factor=2, locale="zh-CN"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in(page, live_server, username: str, password: str = "correct-horse-9") -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button.primary")
    page.wait_for_load_state("networkidle")


def screenshot(page, name: str) -> None:
    """Refresh a README screenshot when asked to (WUXING_SCREENSHOTS=1), never by default."""
    if os.environ.get("WUXING_SCREENSHOTS"):
        page.screenshot(path=f"docs/screenshots/{name}")
