"""Nothing a secretary types is lost (issue 14.2), in Chromium at 375 px with the network cut
and restored (Playwright's offline mode): answers are kept in the browser and saved by
themselves, the page opens from the installed app's cache without a signal, a change saved by
someone else meanwhile is put to the secretary item by item, and a photo sent on a dropped
line goes up when the line returns."""

import pytest
from playwright.sync_api import expect

from access.gate import SYSTEM
from catalogues.services import cycle_get_or_create
from catalogues.tests.conftest import YEAR, make_catalogue
from scoring.models import Answer, Checklist, Evidence
from scoring.services.checklists import answers_save, checklist_open
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")


@pytest.fixture
def checklist(world):
    make_catalogue("rural")
    found = checklist_open(
        branch=world.branch(world.v1), cycle=cycle_get_or_create(code=str(YEAR)), user=SYSTEM
    )
    answers_save(checklist=found, user=world.sec_v1, answers={"CY-01": 100000})
    return found


def value(checklist, code):
    answer = Answer.objects.filter(checklist=checklist, criterion__code=code).first()
    return answer.value if answer else None


def installed(page, url):
    """Open `url` under the service worker: the first visit installs it, the second is served
    through it and leaves a copy in its cache."""
    page.goto(url)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def test_answers_typed_without_signal_survive_a_reload_and_are_saved_when_it_returns(
    phone, live_server, world, checklist
):
    page = phone
    sign_in(page, live_server, world.sec_v1.username)
    url = f"{live_server.url}/checklists/{checklist.pk}/"
    installed(page, url)
    assert page.evaluate(f"caches.match('/checklists/{checklist.pk}/').then(r => !!r)")
    manifest = page.evaluate("fetch('/manifest.webmanifest').then(r => r.json())")
    assert manifest["display"] == "standalone" and manifest["icons"][0]["sizes"] == "192x192"

    # Online: a change is saved by itself, and the page says so.
    page.fill('input[name="a-CY-01"]', "150,000")
    expect(page.locator("#save-status")).to_contain_text("保存到服务器", timeout=10_000)
    expect(page.locator("#save-status")).to_contain_text("所有答题已于")
    assert value(checklist, "CY-01") == 150000

    # The signal goes: answers stay on the phone, and the page says where they are.
    page.context.set_offline(True)
    page.check('input[name="a-ZB-01"][value="no"]')
    page.fill('input[name="a-ZB-03"]', "8")
    expect(page.locator("#save-status")).to_contain_text("暂存在本机")
    expect(page.locator("#save-status")).to_contain_text("没有网络")
    assert value(checklist, "ZB-01") is None

    # Leaving is warned about while something is only on the phone; the secretary leaves.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    page.reload()  # still offline: the installed app serves the page from its cache
    assert asked == ["beforeunload"]
    expect(page.locator('input[name="a-ZB-03"]')).to_have_value("8")
    assert page.locator('input[name="a-ZB-01"][value="no"]').is_checked()
    expect(page.locator("#save-status")).to_contain_text("暂存在本机")

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#save-status")).to_contain_text("所有答题已于", timeout=10_000)
    assert value(checklist, "ZB-01") is False and value(checklist, "ZB-03") == 8
    kept = page.evaluate(f"JSON.parse(localStorage.getItem('wuxing:checklist:{checklist.pk}'))")
    assert kept["answers"] == {}  # nothing left only on the phone


def test_an_answer_saved_meanwhile_by_someone_else_is_put_to_the_secretary_to_choose(
    phone, live_server, world, checklist
):
    page = phone
    sign_in(page, live_server, world.sec_v1.username)
    page.goto(f"{live_server.url}/checklists/{checklist.pk}/")
    # The township clerk saves from the answer sheet while the page is open.
    answers_save(
        checklist=Checklist.objects.get(pk=checklist.pk),
        user=world.town1_user,
        answers={"CY-01": 120000, "ZB-03": 5},
    )
    page.fill('input[name="a-CY-01"]', "300000")
    expect(page.locator("#conflicts")).to_be_visible(timeout=10_000)
    item = page.locator('#conflict-list li[data-code="CY-01"]')
    expect(item).to_contain_text("我的：300000")
    expect(item).to_contain_text("服务器上：120000")
    assert value(checklist, "CY-01") == 120000  # nothing overwritten before the choice
    item.locator('input[value="theirs"]').check()
    page.click("#conflict-save")
    expect(page.locator("#save-status")).to_contain_text("所有答题已于", timeout=10_000)
    assert value(checklist, "CY-01") == 120000 and value(checklist, "ZB-03") == 5
    expect(page.locator('input[name="a-CY-01"]')).to_have_value("120000")

    page.fill('input[name="a-CY-01"]', "260000")  # and the next change saves as usual
    expect(page.locator("#save-status")).to_contain_text("所有答题已于", timeout=10_000)
    assert value(checklist, "CY-01") == 260000


def test_a_photo_sent_on_a_dropped_line_goes_up_when_it_returns(
    phone, live_server, world, checklist
):
    page = phone
    sign_in(page, live_server, world.sec_v1.username)
    page.goto(f"{live_server.url}/checklists/{checklist.pk}/")
    page.context.set_offline(True)
    page.set_input_files(
        '#c-ZB-03 input[name="e-ZB-03"]:not([capture])',
        files=[{"name": "三会一课记录.jpg", "mimeType": "image/jpeg", "buffer": JPEG}],
    )
    row = page.locator("#c-ZB-03 .upload-progress")
    expect(row).to_contain_text("联网后自动重传", timeout=10_000)
    assert not Evidence.objects.exists()
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(row).to_contain_text("已上传", timeout=10_000)
    assert row.locator("progress").get_attribute("value") == "100"
    assert Evidence.objects.get().name == "三会一课记录.jpg"


def test_full_width_digits_and_a_percent_sign_are_saved_once_and_believed(
    phone, live_server, world, checklist
):
    """Issue 28.1: "９６" typed with a Chinese keyboard was saved, but the page never believed
    it: it kept saying "1项修改暂存在本机", sent it again every 1.5 s and warned on leaving."""
    page = phone
    sign_in(page, live_server, world.sec_v1.username)
    saves: list[str] = []
    page.on("request", lambda r: saves.append(r.url) if r.method == "PATCH" else None)
    page.goto(f"{live_server.url}/checklists/{checklist.pk}/")
    page.fill('input[name="a-ZB-08"]', "９６")
    expect(page.locator("#save-status")).to_contain_text("所有答题已于", timeout=10_000)
    page.fill('input[name="a-ZB-10"]', "１２％")
    expect(page.locator("#save-status")).to_contain_text("所有答题已于", timeout=10_000)
    page.wait_for_timeout(4000)  # long enough for two more rounds of the 1.5 s retry
    assert len(saves) == 2, saves
    assert value(checklist, "ZB-08") == 96 and value(checklist, "ZB-10") == 12
    expect(page.locator("#save-status")).not_to_contain_text("暂存在本机")
