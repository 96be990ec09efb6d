"""The small behaviours that moved from inline handlers to static/js/common.js still work."""

import pytest

from access.gate import SYSTEM
from scoring.services.catalogues import cycle_get_or_create
from scoring.services.checklists import answers_save, checklist_open
from scoring.services.workflow import checklist_submit
from scoring.tests.conftest import YEAR, answers_for, make_catalogue
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
