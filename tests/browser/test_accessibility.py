"""Every main page, as each role sees it on the demo, checked by axe-core (WCAG 2.0/2.1 A and
AA) in Chromium. axe-core comes from npm (package.json; `make test` installs it) and is served
to each page by the test itself, bypassing the Content-Security-Policy only for that."""

import os
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSWORD = "wuxing2026"
LAST_YEAR = date.today().year - 1  # the demo's events and revocation happened last year
SHOTS = {  # README screenshots taken on the way (WUXING_SCREENSHOTS=1)
    ("province", "/dashboard/"): "province-dashboard.png",
    ("city", "/dashboard/"): "city-dashboard.png",
    ("city", "/bulletin/419900000000/"): "city-bulletin.png",
    ("city", "/targets/"): "city-targets.png",
    ("county", "/ratings/"): "county-ratings.png",
    ("county", "/dashboard/"): "dashboard.png",
    ("county", "/dashboard/419921100000/"): "dashboard-township.png",
    ("county", "/bulletin/"): "bulletin.png",
    ("county", "/branches/419921100201/"): "branch-record.png",
    ("county", "/audit/"): "audit.png",
    ("county", "/revocations/"): "revocations.png",
    ("county", f"/zeros/?year={LAST_YEAR}"): "zeros.png",
    ("county", "/quarters/?township=419921100000"): "quarters.png",
    ("county", "/responsibility/?duty=unit"): "responsibility.png",
    ("town03", "/"): "township-home.png",
    ("13921100201", "/notifications/"): "inbox.png",
    ("county", "/accounts/activation/"): "activation.png",
    ("town03", "/review/"): "review-queue.png",
}


def pages_of(username: str) -> list[str]:
    from scoring.models import Checklist

    secretary = Checklist.objects.filter(branch__village__code="419921100201").latest("pk").pk
    return {
        "province": [
            "/dashboard/", "/dashboard/419900000000/", "/bulletin/410000000000/", "/targets/",
            "/divisions/",
        ],
        "city": ["/dashboard/", "/bulletin/419900000000/", "/targets/"],
        "county": [
            "/", "/dashboard/", "/dashboard/419921100000/", "/ratings/", "/targets/",
            "/bulletin/", "/audit/", "/answers/", "/branches/419921100201/",
            f"/zeros/?year={LAST_YEAR}", "/revocations/", "/responsibility/?duty=unit",
            "/quarters/?township=419921100000", "/notifications/", "/accounts/activation/",
        ],
        "town03": ["/", "/review/", "/answers/", "/zeros/", "/notifications/"],
        "13921100201": ["/", f"/checklists/{secretary}/", "/notifications/"],
    }[username]  # fmt: skip


def violations_on(page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [
        f"{url}: {v['id']} ({v['impact']}) {v['help']} at "
        + ", ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in result["violations"]
    ]


def test_the_main_pages_of_every_role_have_no_wcag_violations(browser, live_server):
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{AXE} is missing: make test installs it with npm")
        pytest.skip("needs axe-core from npm (make test installs it when npm is there)")
    md5 = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with override_settings(PASSWORD_HASHERS=md5):
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    found = []
    for username in ("province", "city", "county", "town03", "13921100201", None):
        context = browser.new_context(bypass_csp=True, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        if username is None:
            urls = ["/login/", "/public/419921000000/", "/activate/", "/password/reset/"]
        else:
            sign_in(page, live_server, username, PASSWORD)
            urls = pages_of(username)
        for url in urls:
            found += violations_on(page, f"{live_server.url}{url}")
            if (username, url) in SHOTS:
                page.set_viewport_size({"width": 1280, "height": 900})
                screenshot(page, SHOTS[(username, url)])
        context.close()
    assert not found, "\n".join(found)
