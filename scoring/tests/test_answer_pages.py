"""Answer sheets through pages and API: the template, upload → report → marked copy →
confirm, big sheets in the background with progress, and scoped, formula-safe exports."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from access.gate import SYSTEM
from branches.models import Rectification
from catalogues.tests.conftest import YEAR, answers_for
from scoring.models import Answer, Checklist
from scoring.services.checklists import answers_save, checklist_open
from scoring.tests.test_answer_import import xlsx
from uploads.models import ImportRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(rural, community, cycle):
    return cycle


def book_of(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return openpyxl.load_workbook(io.BytesIO(content))


def test_the_template_has_the_contract_layout_and_the_townships_places(client, world, ready, rural):
    checklist = checklist_open(branch=world.branch(world.v1), cycle=ready, user=SYSTEM)
    answers_save(checklist=checklist, user=world.sec_v1, answers={"ZB-01": True, "CY-01": 150000})
    client.force_login(world.town1_user)
    response = client.get(reverse("answer-template"), {"cycle": str(YEAR), "kind": "rural"})
    assert response.status_code == 200
    sheet = book_of(response).active
    header = [c.value for c in sheet[1]]
    codes = list(rural.criteria.order_by("star__order", "order").values_list("code", flat=True))
    assert header[2:] == codes and len(header) == 2 + 91
    assert sheet["C2"].value.startswith("村(社区)党组织委员会班子健全")  # Chinese names in row 2
    assert [sheet["A3"].value, sheet["B3"].value] == [world.v1.code, world.v1.name]
    assert sheet.max_row == 3  # town1's one rural village; not town2's, not the community
    assert sheet["C3"].value == "是"  # answers already given are filled in
    assert sheet.freeze_panes == "C3"
    assert sheet.protection.sheet and sheet["A3"].protection.locked
    assert not sheet["C3"].protection.locked

    def rule_for(ref):
        return next(v for v in sheet.data_validations.dataValidation if ref in v.sqref)

    assert rule_for("C3").formula1 == '"是,否"'
    percent = rule_for(f"{openpyxl.utils.get_column_letter(3 + codes.index('ZB-08'))}3")
    assert (percent.type, percent.formula1, percent.formula2) == ("decimal", "0", "100")
    number = rule_for(f"{openpyxl.utils.get_column_letter(3 + codes.index('CY-01'))}3")
    assert (number.type, number.operator) == ("decimal", "greaterThanOrEqual")


def test_a_county_template_covers_the_whole_county(client, world, ready):
    client.force_login(world.county_user)
    response = client.get(reverse("answer-template"), {"cycle": str(YEAR), "kind": "rural"})
    codes = [row[0].value for row in book_of(response).active.iter_rows(min_row=3)]
    assert codes == [world.v1.code, world.v2.code]


def test_the_filled_template_imports_back(client, world, ready, rural):
    client.force_login(world.town1_user)
    response = client.get(reverse("answer-template"), {"cycle": str(YEAR), "kind": "rural"})
    book = book_of(response)
    sheet = book.active
    answers = answers_for(rural)
    for index, cell in enumerate(sheet[1][2:], 3):
        value = answers[cell.value]
        sheet.cell(3, index).value = "是" if value is True else "否" if value is False else value
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("模板.xlsx", buffer.getvalue())
    response = client.post(reverse("answers"), {"cycle": str(YEAR), "file": upload})
    run = ImportRun.objects.get()
    assert response["Location"] == reverse("import-run", args=[run.pk])
    page = client.get(response["Location"]).content.decode()
    assert "确认导入" in page and "新填91项" in page
    client.post(reverse("import-run-confirm", args=[run.pk]))
    assert Checklist.objects.get(branch__village=world.v1).level == 5


def test_a_bad_upload_shows_every_error_and_hands_back_the_marked_sheet(client, world, ready):
    client.force_login(world.town1_user)
    content = xlsx([[world.v1.code, world.v1.name, "也许", "六", 120, "1"]])
    client.post(
        reverse("answers"), {"cycle": str(YEAR), "file": SimpleUploadedFile("错.xlsx", content)}
    )
    run = ImportRun.objects.get()
    page = client.get(reverse("import-run", args=[run.pk])).content.decode()
    assert "发现3处问题，没有写入任何数据" in page
    assert "“六”不是数字" in page and "百分比须在0～100之间" in page and "确认导入" not in page
    marked = book_of(client.get(reverse("import-run-marked", args=[run.pk]))).active
    assert marked["C3"].fill.fgColor.rgb.endswith("FFC7CE") and "是/否" in marked["C3"].comment.text
    assert "百分比" in marked["E3"].comment.text
    assert marked["F3"].comment is None
    assert not Answer.objects.exists()


def test_confirming_twice_or_confirming_a_failed_check_is_refused(client, world, ready):
    client.force_login(world.town1_user)
    content = xlsx([[world.v1.code, world.v1.name, "也许", 1, 1, 1]])
    client.post(
        reverse("answers"), {"cycle": str(YEAR), "file": SimpleUploadedFile("a.xlsx", content)}
    )
    run = ImportRun.objects.get()
    page = client.post(reverse("import-run-confirm", args=[run.pk]), follow=True)
    assert "只能确认校验通过的预检" in page.content.decode()
    assert ImportRun.objects.count() == 1


def test_another_township_cannot_see_the_run(client, world, ready):
    client.force_login(world.town1_user)
    content = xlsx([[world.v1.code, world.v1.name, "是", 1, 1, 1]])
    client.post(
        reverse("answers"), {"cycle": str(YEAR), "file": SimpleUploadedFile("a.xlsx", content)}
    )
    run = ImportRun.objects.get()
    client.force_login(world.town2_user)
    for name in ("import-run", "import-run-status", "import-run-marked"):
        assert client.get(reverse(name, args=[run.pk])).status_code == 404
    client.force_login(world.sec_v1)
    assert client.get(reverse("answers")).status_code == 403


def test_a_big_sheet_goes_to_a_worker_and_reports_progress(
    client, world, ready, settings, django_capture_on_commit_callbacks
):
    settings.WUXING_IMPORT_SYNC_CELLS = 3
    client.force_login(world.town1_user)
    content = xlsx([[world.v1.code, world.v1.name, "是", 6, 98, 1]])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            reverse("answers"), {"cycle": str(YEAR), "file": SimpleUploadedFile("a.xlsx", content)}
        )
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.PENDING and len(callbacks) == 1
    page = client.get(reverse("import-run", args=[run.pk])).content.decode()
    assert "<progress" in page and "progress.js" in page
    status = client.get(reverse("import-run-status", args=[run.pk])).json()
    assert status == {"status": "pending", "progress": 0, "message": ""}
    from scoring.tasks import answers_import_task

    answers_import_task(run.pk)  # the task body, as the worker runs it
    status = client.get(reverse("import-run-status", args=[run.pk])).json()
    assert status["status"] == "done" and status["progress"] == 100


def test_imports_through_the_api(api, world, ready):
    api.force_authenticate(world.town1_user)
    content = xlsx([[world.v1.code, world.v1.name, "是", 6, 98, 1]])
    response = api.post(
        "/api/v1/imports/",
        {"file": SimpleUploadedFile("a.xlsx", content), "cycle": str(YEAR)},
        format="multipart",
    )
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "done" and data["dry_run"] and data["created"] == 4
    confirmed = api.post(f"/api/v1/imports/{data['id']}/confirm/")
    assert confirmed.status_code == 201 and confirmed.json()["dry_run"] is False
    assert Answer.objects.filter(criterion__fact="").count() == 4
    bad = api.post(
        "/api/v1/imports/",
        {
            "file": SimpleUploadedFile("b.xlsx", xlsx([[world.v2.code, "", "是", 1, 1, 1]])),
            "cycle": str(YEAR),
        },
        format="multipart",
    ).json()
    assert bad["status"] == "failed" and bad["errors"][0]["row"] == 3
    assert api.post(f"/api/v1/imports/{bad['id']}/confirm/").status_code == 409


def test_exports_are_scoped_chinese_and_formula_safe(client, world, ready, rural):
    for village, user in ((world.v1, world.sec_v1), (world.v2, world.sec_v2)):
        checklist = checklist_open(branch=world.branch(village), cycle=ready, user=SYSTEM)
        answers_save(checklist=checklist, user=user, answers=answers_for(rural, failing=("CY-01",)))
    Rectification.objects.create(
        branch=world.branch(world.v1), cycle=str(YEAR), star="CY", criterion="CY-01",
        title="=HYPERLINK(\"http://evil\")", owner="+王", deadline="2099-01-01",
    )  # fmt: skip
    client.force_login(world.town1_user)
    levels = book_of(client.get(reverse("export", args=["levels"]), {"cycle": str(YEAR)})).active
    assert [c.value for c in levels[1]][:3] == ["乡镇(街道)", "区划代码", "村(社区)"]
    assert [row[1].value for row in levels.iter_rows(min_row=2)] == [world.v1.code]
    shortfalls = book_of(client.get(reverse("export", args=["shortfalls"]), {"cycle": str(YEAR)}))
    rows = [[c.value for c in row] for row in shortfalls.active.iter_rows(min_row=2)]
    assert [rows[0][3], rows[0][4], rows[0][6]] == ["CY", "CY-01", "硬指标未达"]
    tasks = book_of(client.get(reverse("export", args=["rectifications"]))).active
    assert tasks["F2"].value.startswith("'=") and tasks["G2"].value == "'+王"
    client.force_login(world.town2_user)
    tasks = book_of(client.get(reverse("export", args=["rectifications"]))).active
    assert tasks.max_row == 1
