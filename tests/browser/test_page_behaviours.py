"""The small behaviours that moved from inline handlers to static/js/common.js still work."""

import pytest

from access.gate import SYSTEM
from catalogues.services import cycle_get_or_create
from catalogues.tests.conftest import YEAR, answers_for, make_catalogue
from scoring.services.checklists import answers_save, checklist_open
from scoring.services.workflow import checklist_submit
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_select_all_ticks_every_row_and_the_language_menu_switches_at_once(
    browser, live_server, world
):
    rural, community = make_catalogue("rural"), make_catalogue("community")
    cycle = cycle_get_or_create(code=str(YEAR))
    for village, catalogue in ((world.v1, rural), (world.c1, community)):
        checklist = checklist_open(branch=world.branch(village), cycle=cycle, user=SYSTEM)
        answers_save(checklist=checklist, user=world.town1_user, answers=answers_for(catalogue))
        checklist_submit(checklist=checklist, user=world.town1_user)
    page = browser.new_page()
    sign_in(page, live_server, world.town1_user.username)
    page.goto(f"{live_server.url}/review/")
    boxes = page.locator('input[name="checklist"]')
    assert boxes.count() == 2
    page.check("input[data-select-all]")
    assert all(boxes.nth(i).is_checked() for i in range(2))
    # One language is offered, so no menu to choose from (see tests/test_demo.py).
    assert page.locator('select[name="language"]').count() == 0
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.close()


def test_a_button_that_cannot_be_undone_asks_first_naming_how_many(browser, live_server, world):
    """The activation page's buttons carry their own confirmation (void every live code, or
    kill a password at once): pressing one asks, and dismissing sends nothing."""
    from accounts.models import ActivationCode

    for person in (world.sec_v1,):
        person.set_unusable_password()
        person.save()
    page = browser.new_page()
    sign_in(page, live_server, world.town1_user.username)
    page.goto(f"{live_server.url}/accounts/activation/")
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click('button[formaction$="/activation/inactive/"]')
    assert asked and "已有的未用激活码将作废" in asked[-1]
    page.check(f'input[name="user"][value="{world.sec_v1.pk}"]')
    page.click('button[formaction$="/activation/reset/"]')
    assert "重置勾选的 1 个账号" in asked[-1] and "原密码立即失效" in asked[-1]
    assert not ActivationCode.objects.exists()  # dismissed: nothing was sent
    page.close()
