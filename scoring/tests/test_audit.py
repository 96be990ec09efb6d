"""The audit trail: every change to answers, evidence, transitions, targets, catalogues,
registers and imports is recorded with who, when, before and after; county staff browse and
filter it, and nobody else reads another county's trail."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.choices import AuditAction as AuditOwn
from audit.models import AuditEntry
from branches.choices import AuditAction as BranchAction
from catalogues.choices import AuditAction as CatalogueAction
from catalogues.tests.conftest import YEAR, answers_for
from scoring.choices import AuditAction
from scoring.tests.conftest import patch_answers

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 200


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("at", "id"))


@pytest.fixture
def opened(api, world, rural, cycle):
    api.force_authenticate(world.sec_v1)
    response = api.post(
        "/api/v1/checklists/", {"branch": world.v1.code, "cycle": str(YEAR)}, format="json"
    )
    return response.json()["id"]


def test_answers_evidence_and_transitions_are_recorded_with_before_and_after(
    api, client, world, rural, opened
):
    url = f"/api/v1/checklists/{opened}/"
    patch_answers(api, url, {"ZB-01": True, "CY-01": 200000})
    patch_answers(api, url, {"ZB-01": False, "CY-01": 200000})
    patch_answers(api, url, {"ZB-01": False})  # no change: no entry
    first, second = entries(AuditAction.ANSWERS_SAVE)
    assert (first.before, first.after) == (
        {"CY-01": None, "ZB-01": None},
        {"CY-01": 200000, "ZB-01": True},
    )
    assert (second.before, second.after) == ({"ZB-01": True}, {"ZB-01": False})
    assert second.username == world.sec_v1.username and second.place_code == world.v1.code

    photo = SimpleUploadedFile("会议记录.jpg", JPEG, "image/jpeg")
    api.post(f"{url}evidence/", {"criterion": "ZB-03", "file": photo}, format="multipart")
    (added,) = entries(AuditAction.EVIDENCE_ADD)
    assert added.after["name"] == "会议记录.jpg" and added.after["criterion"] == "ZB-03"
    client.force_login(world.sec_v1)
    from scoring.models import Evidence

    client.post(reverse("evidence-delete", args=[Evidence.objects.get().pk]))
    (removed,) = entries(AuditAction.EVIDENCE_REMOVE)
    assert removed.before["sha256"] == added.after["sha256"] and removed.after == {}

    patch_answers(api, url, answers_for(rural))  # all answered: submittable
    assert api.post(f"{url}submit/").status_code == 200
    api.force_authenticate(world.town1_user)
    api.post(f"{url}return/", {"reason": "佐证不全", "items": {"ZB-03": "缺照片"}}, format="json")
    submitted, returned = entries(AuditAction.TRANSITION)
    assert (submitted.before, submitted.after) == (
        {"state": "draft"},
        {"state": "submitted", "action": "submit"},
    )
    assert returned.username == "town1" and returned.after["reason"] == "佐证不全"


def test_an_answer_import_records_each_checklist_and_the_file(client, world, rural, cycle):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["区划代码", "名称", "ZB-01", "CY-01"])
    sheet.append([world.v1.code, world.v1.name, "是", 150000])
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(world.town1_user)
    upload = SimpleUploadedFile("城关镇.xlsx", buffer.getvalue())
    client.post(reverse("answers"), {"cycle": str(YEAR), "file": upload})
    assert not AuditEntry.objects.exists()  # the dry run writes nothing, not even to the trail
    from uploads.models import ImportRun

    client.post(reverse("import-run-confirm", args=[ImportRun.objects.get().pk]))
    (row,) = entries(AuditAction.ANSWERS_IMPORT)
    assert row.after == {"ZB-01": True, "CY-01": 150000} and row.place_code == world.v1.code
    assert row.note == "导入文件：城关镇.xlsx" and row.username == "town1"
    (run,) = entries(AuditAction.IMPORT_RUN)
    assert run.after["created"] == 2 and run.place_code == world.town1.code


def test_targets_registers_and_catalogues_are_recorded(client, world, rural, settings):
    client.force_login(world.county_user)
    form = {f"{k}-rural-{code}": v
            for code in (world.county.code, world.town1.code, world.town2.code)
            for k, v in (("five", 3), ("four", 5), ("share", 40))}  # fmt: skip
    client.post(f"{reverse('targets')}?year={YEAR}", form)
    client.post(f"{reverse('targets')}?year={YEAR}", form)  # again: nothing changed
    saved = entries(BranchAction.TARGET_SAVE)
    assert len(saved) == 3 and saved[0].after == {
        "five_star": 3,
        "four_star": 5,
        "three_plus_share": 40,
    }

    book = openpyxl.Workbook()
    book.active.append(["区划代码", "村(社区)", "创星目标"])
    book.active.append([world.v1.code, world.v1.name, 4])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("创星目标.xlsx", buffer.getvalue())
    client.post(f"{reverse('targets')}?year={YEAR}", {"kind": "branch-targets", "file": upload})
    (register,) = entries(AuditOwn.REGISTER_IMPORT)
    assert register.before == {"创星目标": ""}  # none declared yet: an empty cell
    assert register.after == {"创星目标": "4"} and register.place_code == world.v1.code

    from catalogues.services import catalogue_new_version, catalogue_publish

    draft = catalogue_new_version(catalogue=rural, user=world.county_user)
    catalogue_publish(catalogue=draft, user=world.county_user)
    created, published = entries(CatalogueAction.CATALOGUE)
    assert created.after["draft_of"] == rural.code and published.after["published"] is True


def test_admin_edits_are_recorded_with_the_fields_that_changed(client, world, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:villages_village_change", args=[world.v1.pk])
    form = {"code": world.v1.code, "name": "王庄新村", "kind": "rural", "township": world.town1.pk}
    response = client.post(url, form)
    assert response.status_code == 302
    (edit,) = entries(AuditOwn.RECORD_CHANGE)
    assert (edit.before, edit.after) == ({"name": "王庄村"}, {"name": "王庄新村"})
    assert edit.county_id == world.county.pk


def test_county_staff_browse_and_filter_only_their_own_countys_trail(
    client, api, world, rural, opened
):
    patch_answers(api, f"/api/v1/checklists/{opened}/", answers_for(rural))
    api.post(f"/api/v1/checklists/{opened}/submit/")
    client.force_login(world.county_user)
    page = client.get(reverse("audit")).content.decode()
    assert "修改答题" in page and "流程流转" in page and world.v1.name in page
    # People by name, fields and states in words: never "state" or "submitted".
    assert f"{world.sec_v1.name} <small" in page
    assert "<b>状态</b>：填报中 → 已提交" in page and "<b>操作</b>：提交" in page
    assert "submitted" not in page
    only = client.get(reverse("audit"), {"action": "answers.save"}).content.decode()
    assert "修改答题" in only and "<td>流程流转</td>" not in only
    elsewhere = client.get(reverse("audit"), {"place": world.town2.code}).content.decode()
    assert "没有符合条件的记录" in elsewhere
    bad = client.get(reverse("audit"), {"since": "2026-12-01", "until": "2026-01-01"})
    assert "起始日期不能晚于截止日期" in bad.content.decode()

    client.force_login(world.other_county_user)
    assert "没有符合条件的记录" in client.get(reverse("audit")).content.decode()
    for user in (world.town1_user, world.sec_v1):
        client.force_login(user)
        assert client.get(reverse("audit")).status_code == 403


def test_the_trail_page_costs_the_same_queries_for_fifty_entries_as_for_five(
    client, world, opened, api, django_assert_max_num_queries
):
    for n in range(50):
        patch_answers(api, f"/api/v1/checklists/{opened}/", {"CY-01": n})
    client.force_login(world.county_user)
    with django_assert_max_num_queries(8):  # the header's unread count is one of them
        page = client.get(reverse("audit")).content.decode()
    assert page.count("<td>修改答题</td>") == 50
