"""The daily path, second pass (issue 28): what stopped people when they tried it for real."""

import pytest
from django.urls import reverse

from access.gate import SYSTEM
from catalogues.tests.conftest import YEAR, answers_for
from scoring.choices import ChecklistState
from scoring.models import Checklist
from scoring.services.checklists import answers_save, checklist_open
from scoring.services.workflow import checklist_return, checklist_submit

pytestmark = pytest.mark.django_db


def test_a_returned_checklist_is_never_resubmitted_in_a_batch_on_its_behalf(
    client, world, rural, cycle
):
    """28.3: the secretary corrects a returned checklist first; the township's 批量代为提交
    offers no box for it and refuses one sent anyway, naming why."""
    returned = checklist_open(branch=world.branch(world.v1), cycle=cycle, user=SYSTEM)
    answers_save(checklist=returned, user=world.sec_v1, answers=answers_for(rural))
    checklist_submit(checklist=returned, user=world.sec_v1)
    checklist_return(checklist=returned, user=world.town1_user, reason="佐证不全")
    client.force_login(world.town1_user)
    home = client.get(f"{reverse('home')}?cycle={YEAR}").content.decode()
    assert f'name="checklist" value="{returned.pk}"' not in home
    page = client.post(
        f"{reverse('home')}?cycle={YEAR}", {"checklist": [returned.pk]}, follow=True
    ).content.decode()
    assert Checklist.objects.get(pk=returned.pk).state == ChecklistState.RETURNED
    assert "请先勾选" in page or "不能批量代为提交" in page


def test_secretaries_see_no_api_link_and_staff_do(client, world):
    """28.5: the API's documentation is for the staff whose systems use it."""
    client.force_login(world.sec_v1)
    assert 'href="/api/v1/docs/"' not in client.get(reverse("inbox")).content.decode()
    client.force_login(world.town1_user)
    assert 'href="/api/v1/docs/"' in client.get(reverse("inbox")).content.decode()
