"""Weak and lax is a fact, not an answer (issue 13.1): while the county lists a branch as weak
and lax, the matching veto item is set from the register, shown locked, refused when answered
otherwise (page, API, sheet), and the base star cannot be earned; lifting the listing frees it."""

import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from access.gate import SYSTEM
from branches.models import Branch
from catalogues.tests.conftest import answers_for
from scoring.models import Answer, Checklist
from scoring.services.checklists import answers_save, checklist_open
from scoring.tasks import answers_import_start
from uploads.spreadsheets import Upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(world):
    branch = world.branch(world.v1)
    branch.weak_lax, branch.weak_lax_since = True, date(2026, 3, 1)
    branch.weak_lax_reason = "班子不团结"
    branch.save()
    return branch


def veto_answer(checklist):
    return Answer.objects.get(checklist=checklist, criterion__code="ZB-17").value


def test_a_listed_branch_gets_the_veto_from_the_register_and_no_base_star(
    api, client, world, rural, cycle, listed
):
    checklist = checklist_open(branch=listed, cycle=cycle, user=SYSTEM)
    assert veto_answer(checklist) is True  # set when the checklist is opened
    answers = answers_for(rural)
    answers.pop("ZB-17")  # everything else met: a five-star sheet but for the listing
    answers_save(checklist=checklist, user=world.sec_v1, answers=answers)
    checklist.refresh_from_db()
    assert checklist.level == 0  # no base star, so no other star counts
    # Saying otherwise is refused, naming the register, on the API as on the page.
    api.force_authenticate(world.sec_v1)
    url = f"/api/v1/checklists/{checklist.pk}/"
    revision = api.get(url).json()["revision"]
    refused = api.patch(url, {"answers": {"ZB-17": False}, "revision": revision}, format="json")
    assert refused.status_code == 400 and "软弱涣散" in str(refused.json())
    assert veto_answer(checklist) is True
    client.force_login(world.sec_v1)
    page = client.get(reverse("checklist", args=[checklist.pk])).content.decode()
    assert "由名册或事项登记决定" in page and "2026-03-01认定：班子不团结" in page
    assert 'name="a-ZB-17"' not in page  # no input to change it


def test_the_sheet_cannot_answer_against_the_register(world, rural, cycle, listed):
    checklist_open(branch=listed, cycle=cycle, user=SYSTEM)
    book = openpyxl.Workbook()
    book.active.append(["区划代码", "名称", "ZB-01", "ZB-17"])
    book.active.append([world.v1.code, world.v1.name, "是", "否"])
    buffer = io.BytesIO()
    book.save(buffer)
    run = answers_import_start(
        upload=Upload("表.xlsx", buffer.getvalue()), user=world.town1_user, cycle=cycle,
        dry_run=True,
    )  # fmt: skip
    assert run.status == "failed"
    assert [(e["cell"], "由名册或事项登记决定" in e["message"]) for e in run.errors] == [
        ("D2", True)
    ]


def test_lifting_the_listing_frees_the_base_star_on_open_checklists(world, rural, cycle, listed):
    checklist = checklist_open(branch=listed, cycle=cycle, user=SYSTEM)
    answers = answers_for(rural)
    answers.pop("ZB-17")
    answers_save(checklist=checklist, user=world.sec_v1, answers=answers)
    branch = Branch.objects.get(pk=listed.pk)
    branch.weak_lax, branch.weak_lax_since, branch.weak_lax_reason = False, None, ""
    branch.save()  # the county lifts it (admin, register import: both save the branch)
    checklist = Checklist.objects.get(pk=checklist.pk)
    assert veto_answer(checklist) is False and checklist.level == 5
