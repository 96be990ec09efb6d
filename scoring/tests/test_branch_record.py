"""The branch record page (创星档案): shortfalls, rectification, each year's stars and why."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from access.gate import SYSTEM
from branches.models import Rectification
from catalogues.models import Star
from catalogues.tests.conftest import YEAR, answers_for
from scoring.choices import ChecklistState
from scoring.services.checklists import answers_save, checklist_open
from scoring.services.publicity import publicity_open
from scoring.services.workflow import checklist_approve, checklist_pass, checklist_submit
from scoring.tests.test_pages import JPEG, submit

pytestmark = pytest.mark.django_db
S = ChecklistState


@pytest.fixture
def checklist(world, rural, cycle):
    return checklist_open(branch=world.branch(world.v1), cycle=cycle, user=SYSTEM)


def test_the_branch_record_shows_shortfalls_and_runs_rectification(client, world, checklist):
    answers_save(
        checklist=checklist,
        user=world.sec_v1,
        answers=answers_for(checklist.catalogue, failing=("CY-01", "WM-05")),
    )
    client.force_login(world.town1_user)
    page = client.get(reverse("branch", args=[world.v1.code])).content.decode()
    assert "短板清单" in page and "CY-01" in page and "下达整改任务" in page
    deadline = (timezone.localdate() + timedelta(days=30)).isoformat()
    client.post(
        reverse("rectification-assign", args=[world.v1.code]),
        {
            "checklist": checklist.pk,
            "criterion": ["CY-01"],
            "owner": "王书记",
            "deadline": deadline,
        },
    )
    task = Rectification.objects.get()
    assert (task.criterion, task.star, task.status) == ("CY-01", "CY", "open")
    client.force_login(world.sec_v1)
    photo = SimpleUploadedFile("账目.jpg", JPEG, "image/jpeg")
    client.post(
        reverse("rectification-step", args=[task.pk, "done"]),
        {"note": "已发展集体经济项目", "evidence": photo},
    )
    client.force_login(world.town1_user)
    client.post(reverse("rectification-step", args=[task.pk, "verify"]))
    client.force_login(world.county_user)
    client.post(reverse("rectification-step", args=[task.pk, "close"]))
    task.refresh_from_db()
    assert task.status == "closed" and task.evidence and task.verified_by == world.town1_user
    assert client.get(reverse("rectification-evidence", args=[task.pk])).status_code == 200
    client.force_login(world.sec_v2)
    assert client.get(reverse("rectification-evidence", args=[task.pk])).status_code == 404


def test_a_secretary_cannot_assign_or_verify_rectification(client, world, checklist):
    answers_save(
        checklist=checklist,
        user=world.sec_v1,
        answers=answers_for(checklist.catalogue, failing=("CY-01",)),
    )
    client.force_login(world.sec_v1)
    page = client.get(reverse("branch", args=[world.v1.code])).content.decode()
    assert "下达整改任务" not in page
    response = client.post(
        reverse("rectification-assign", args=[world.v1.code]),
        {
            "checklist": checklist.pk,
            "criterion": ["CY-01"],
            "owner": "我",
            "deadline": "2099-01-01",
        },
    )
    assert response.status_code == 403 and not Rectification.objects.exists()


def test_the_branch_record_shows_each_years_level_and_the_transitions(client, world, checklist):
    submit(world, checklist)
    client.force_login(world.county_user)
    page = client.get(reverse("branch", args=[world.v1.code])).content.decode()
    assert "历年星级" in page and "流转记录" in page and "已提交" in page


def test_the_record_explains_each_years_missing_and_revoked_stars(client, world, checklist):
    from scoring.services.publicity import award_due, star_revoke

    answers_save(
        checklist=checklist,
        user=world.sec_v1,
        answers=answers_for(checklist.catalogue, failing=("WM-01",)),
    )
    checklist_submit(checklist=checklist, user=world.sec_v1)
    checklist_pass(checklist=checklist, user=world.town1_user)
    checklist_approve(checklist=checklist, user=world.county_user)
    publicity_open(checklists=[checklist], user=world.county_user)
    award_due(now=timezone.now() + timedelta(days=6))
    star_revoke(checklist=checklist, user=world.county_user, star="PA", reason="发生刑事案件")
    client.force_login(world.sec_v1)
    page = client.get(reverse("branch", args=[world.v1.code])).content.decode()
    assert f"{YEAR}年：3星" in page
    # Stars and criteria by name as well as code.
    wm = Star.objects.filter(code="WM").values_list("name", flat=True).first()
    assert f"未获WM {wm}" in page and "WM-01 " in page
    assert "摘除PA星：发生刑事案件" in page
