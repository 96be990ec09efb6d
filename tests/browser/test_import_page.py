"""A township clerk uploads an answer sheet: a bad one shows every error, a big one shows a
progress bar that follows the worker and turns into the result without a reload by hand."""

import threading
import time

import pytest
from playwright.sync_api import expect

from catalogues.services import cycle_get_or_create
from catalogues.tests.conftest import YEAR, make_catalogue
from scoring.models import Answer
from scoring.tests.test_answer_import import xlsx
from tests.browser.conftest import screenshot, sign_in
from uploads.models import ImportRun

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ready(world):
    make_catalogue("rural")
    make_catalogue("community")
    return cycle_get_or_create(code=str(YEAR))


def upload(page, live_server, content, tmp_path, name="答题表.xlsx"):
    path = tmp_path / name
    path.write_bytes(content)
    page.goto(f"{live_server.url}/answers/")
    page.set_input_files("input[name=file]", str(path))
    page.click("text=上传并检查")
    page.wait_for_load_state("networkidle")


def test_a_bad_sheet_lists_every_error_then_the_fixed_one_is_confirmed(
    browser, live_server, world, ready, tmp_path
):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, world.town1_user.username)
    bad = xlsx([[world.v1.code, world.v1.name, "也许", "六", 120, "250,000"]])
    upload(page, live_server, bad, tmp_path)
    assert "发现3处问题，没有写入任何数据" in page.content()
    assert page.locator("#errors tbody tr").count() == 3
    screenshot(page, "import-errors.png")
    with page.expect_download() as download:
        page.click("text=下载标注了错误的原表格")
    assert download.value.suggested_filename.endswith("错误标注.xlsx")
    good = xlsx([[world.v1.code, world.v1.name, "是", 6, 98, "250,000"]])
    upload(page, live_server, good, tmp_path, name="改好的.xlsx")
    assert "将新填4项" in page.content()
    page.click('button:has-text("确认导入")')
    page.wait_for_load_state("networkidle")
    assert "已新填4项" in page.content()
    assert Answer.objects.filter(criterion__fact="").count() == 4  # and the facts
    page.close()


def test_a_big_sheet_shows_a_progress_bar_until_the_worker_is_done(
    browser, live_server, world, ready, tmp_path, settings, monkeypatch
):
    from celery.result import AsyncResult

    from scoring.tasks import answers_import_start, answers_import_task
    from uploads.spreadsheets import Upload

    settings.WUXING_IMPORT_SYNC_CELLS = 3
    # The message is queued but no worker has taken it yet; this test plays the worker.
    monkeypatch.setattr(answers_import_task, "apply_async", lambda *a, **k: AsyncResult("queued"))
    run = answers_import_start(
        upload=Upload("大表.xlsx", xlsx([[world.v1.code, world.v1.name, "是", 6, 98, 1]])),
        user=world.town1_user,
        cycle=ready,
        dry_run=True,
    )
    assert run.status == ImportRun.Status.PENDING  # handed to a worker, none running yet
    page = browser.new_page()
    sign_in(page, live_server, world.town1_user.username)
    page.goto(f"{live_server.url}/imports/{run.pk}/")
    assert page.locator("progress#progress").is_visible()
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING, progress=40)
    expect(page.locator("#progress")).to_have_js_property("value", 40)
    assert page.locator("#progress-text").inner_text() == "40%"
    worker = threading.Thread(target=lambda: (time.sleep(0.3), answers_import_task(run.pk)))
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.PENDING, progress=0)
    worker.start()
    page.wait_for_selector("text=将新填4项", timeout=15_000)  # the page reloaded by itself
    worker.join()
    assert page.locator("progress").count() == 0
    page.close()
