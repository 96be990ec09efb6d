"""The township's daily path (issue 14): its home shows who has not started, who is in draft
and who has handed in, against the county's deadline; checklists filled from the township's
sheet are submitted in one batch, on the branches' behalf; the county sets the deadline."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from access.gate import SYSTEM
from catalogues.models import Deadline
from catalogues.tests.conftest import answers_for
from scoring.choices import ChecklistState
from scoring.models import Checklist, Transition
from scoring.services.checklists import answers_save, checklist_open
from scoring.services.workflow import ON_BEHALF
from tallies.services import tally_inline

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(world, rural, community, cycle):
    """v1 filled in by the clerk (from a sheet), c1 half filled, v2 not started."""
    done = checklist_open(branch=world.branch(world.v1), cycle=cycle, user=SYSTEM)
    answers_save(checklist=done, user=world.town1_user, answers=answers_for(rural))
    half = checklist_open(branch=world.branch(world.c1), cycle=cycle, user=SYSTEM)
    answers_save(checklist=half, user=world.town1_user, answers={"ZB-01": True})
    return done, half


def test_the_county_sets_the_deadline_and_every_level_sees_the_days_left(
    client, world, cycle, filled
):
    client.force_login(world.county_user)
    due = timezone.localdate() + timedelta(days=3)
    page = client.post(
        reverse("ratings-deadline") + f"?cycle={cycle.code}",
        {"due": due.isoformat()},
        follow=True,
    ).content.decode()
    assert f"填报截止日已设为{due.isoformat()}" in page and "还有3天" in page
    assert Deadline.objects.get(county=world.county, cycle=cycle).due == due
    page = client.post(
        reverse("ratings-deadline") + f"?cycle={cycle.code}", {"due": "明天"}, follow=True
    ).content.decode()
    assert "截止日应为日期" in page
    client.force_login(world.sec_v1)
    page = client.get(reverse("branch", args=[world.v1.code])).content.decode()
    assert "填报截止" in page and "还有 3 天" in page
    done, _half = filled
    assert "还有 3 天" in client.get(reverse("checklist", args=[done.pk])).content.decode()
    client.force_login(world.town1_user)
    assert "还有 3 天" in client.get(reverse("home")).content.decode()
    client.force_login(world.other_county_user)  # another county's calendar is its own
    assert "还有 3 天" not in client.get(reverse("ratings")).content.decode()


def test_overdue_is_the_countys_own_deadline_in_the_tally(world, cycle, filled):
    Deadline.objects.create(
        county=world.county, cycle=cycle, due=timezone.localdate() - timedelta(days=2)
    )
    warnings = tally_inline(place=world.county, cycle=cycle).data["warnings"]
    overdue = {w["name"] for w in warnings if w["kind"] == "overdue"}
    assert overdue == {world.v1.name, world.c1.name, world.v2.name}  # none handed in
    assert not [
        w for w in tally_inline(place=world.other_county, cycle=cycle).data["warnings"]
        if w["kind"] == "overdue"
    ]  # fmt: skip


def test_the_township_home_shows_progress_and_submits_in_one_batch(client, world, cycle, filled):
    done, half = filled
    client.force_login(world.town1_user)
    page = client.get(reverse("home")).content.decode()
    assert "未开始 <b>0</b>" in page and "填报中 <b>2</b>" in page  # town1: v1 and c1
    assert f'value="{done.pk}"' in page and "批量代为提交" in page
    assert 'data-confirm="确定代各村(社区)提交勾选的 {n} 份清单吗' in page
    response = client.post(reverse("home"), {"checklist": [done.pk, half.pk]}, follow=True)
    text = response.content.decode()
    assert "已代为提交1份清单" in text and "还有" in text and "项指标未作答" in text
    assert Checklist.objects.get(pk=done.pk).state == ChecklistState.SUBMITTED
    assert Checklist.objects.get(pk=half.pk).state == ChecklistState.DRAFT
    step = Transition.objects.get(checklist=done, to_state=ChecklistState.SUBMITTED)
    assert step.user == world.town1_user and step.reason == ON_BEHALF
    page = client.get(reverse("home"), {"show": "submitted"}).content.decode()
    assert world.v1.name in page and world.c1.name not in page
    client.force_login(world.town2_user)  # another township's checklist is not theirs to send
    client.post(reverse("home"), {"checklist": [half.pk]})
    assert Checklist.objects.get(pk=half.pk).state == ChecklistState.DRAFT
