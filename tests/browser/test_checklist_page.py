"""A secretary on a 375 px phone fills in the checklist: the star preview follows each answer
without reloading, a photo is attached, and the checklist is submitted."""

import pytest
from playwright.sync_api import expect

from access.gate import SYSTEM
from catalogues.services import cycle_get_or_create
from catalogues.tests.conftest import YEAR, answers_for, make_catalogue
from scoring.choices import ChecklistState
from scoring.models import Checklist, Evidence
from scoring.services.checklists import answers_save, checklist_open
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")


@pytest.fixture
def checklist(world):
    rural = make_catalogue("rural")
    checklist = checklist_open(
        branch=world.branch(world.v1), cycle=cycle_get_or_create(code=str(YEAR)), user=SYSTEM
    )
    answers = answers_for(rural)
    for code in ("CY-01", "CY-02", "ZB-01"):
        answers.pop(code)
    answers_save(checklist=checklist, user=world.sec_v1, answers=answers)
    return checklist


def star(page, code):
    return page.locator(f'#star-list [data-star="{code}"]')


def test_the_preview_follows_answers_then_the_secretary_attaches_a_photo_and_submits(
    phone, live_server, world, checklist
):
    page = phone
    sign_in(page, live_server, world.sec_v1.username)
    page.goto(f"{live_server.url}/checklists/{checklist.pk}/")
    page.evaluate("window.__sameDocument = true")
    page.click("#preview-details summary")  # the reasons fold open under the star strip
    # ZB-01 (a hard item of the base star) unanswered: no star yet, and the panel says why
    expect(page.locator("#suggestions > *").first).to_be_attached()
    assert page.locator("#level").inner_text() == "0"
    assert page.locator('[data-chip="ZB"]').is_visible()
    assert "硬指标未达：ZB-01" in star(page, "ZB").inner_text()

    page.check('input[name="a-ZB-01"][value="yes"]')
    expect(page.locator("#level")).to_have_text("4")
    assert "CY-01" in star(page, "CY").inner_text()  # collective income still missing
    assert "CY-01" in page.locator('#suggestions [data-suggestion="CY"]').inner_text()

    page.fill('input[name="a-CY-01"]', "150,000")
    page.check('input[name="a-CY-02"][value="yes"]')
    expect(page.locator('#star-list [data-star="CY"]')).to_contain_text("CY-01")
    page.fill('input[name="a-CY-01"]', "２５0,000")  # full-width digits, as phones type them
    expect(page.locator("#level")).to_have_text("5")
    assert "达标" in star(page, "CY").inner_text()
    page.fill('input[name="a-ZB-08"]', "120")
    expect(page.locator('[data-error-for="ZB-08"]')).to_contain_text("0～100")
    page.fill('input[name="a-ZB-08"]', "98")
    expect(page.locator('[data-error-for="ZB-08"]')).to_have_text("")
    screenshot(page, "checklist-phone.png")
    assert page.evaluate("window.__sameDocument") is True  # all of that without a reload

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px)"

    page.set_input_files(
        '#c-ZB-03 input[name="e-ZB-03"]:not([capture])',
        files=[{"name": "三会一课记录.jpg", "mimeType": "image/jpeg", "buffer": JPEG}],
    )
    # The photo goes up at once, with a progress bar (offline.js); the draft is saved after
    # any save already under way has landed.
    expect(page.locator("#c-ZB-03 .upload-progress")).to_contain_text("已上传")
    page.click("button[name=save]")
    expect(page.locator("main")).to_contain_text("已保存草稿")
    assert Evidence.objects.filter(answer__criterion__code="ZB-03").count() == 1
    assert page.locator("#c-ZB-03 .evidence a").first.inner_text().endswith("三会一课记录.jpg")

    # 提交审核 asks first (the township's review locks the answers): dismissed, nothing is sent.
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("button[name=submit]")
    page.wait_for_timeout(500)
    assert asked == ["提交后由乡镇审核，审核前不能再修改。确定提交吗？"]
    checklist.refresh_from_db()
    assert checklist.state == ChecklistState.DRAFT
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button[name=submit]")
    page.wait_for_load_state("networkidle")
    assert "已提交，等待乡镇审核" in page.content()
    checklist.refresh_from_db()
    assert checklist.state == ChecklistState.SUBMITTED and checklist.level == 5
    assert page.locator('input[name="a-ZB-01"]').count() == 0  # locked now
    assert Checklist.objects.count() == 1


def test_on_a_phone_the_bar_stays_small_and_an_item_reached_by_its_link_is_in_sight(
    phone, live_server, world, checklist
):
    """Issue 28.6: the bottom bar took a third of the screen, 保存草稿 and 提交审核 wrapped one
    character per line, and an item reached by its link scrolled under the sticky star strip."""
    page = phone
    sign_in(page, live_server, world.sec_v1.username)
    page.goto(f"{live_server.url}/checklists/{checklist.pk}/")
    height = page.viewport_size["height"]
    bar = page.locator(".bar").bounding_box()
    assert bar["height"] <= 0.2 * height, (bar, height)
    for name in ("save", "submit"):  # each button's words on one line
        lines = page.evaluate(
            f"""() => {{ const r = document.createRange();
            r.selectNodeContents(document.querySelector('.bar button[name="{name}"]'));
            return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }}"""
        )
        assert lines == 1, name
    page.evaluate("location.hash = '#c-PA-10'")  # as a tap on a link to the item does
    page.wait_for_timeout(300)
    strip = page.locator(".strip").bounding_box()
    item = page.locator("#c-PA-10").bounding_box()
    assert item["y"] >= strip["y"] + strip["height"] - 1, (item, strip)
