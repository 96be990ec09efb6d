"""Township answer sheets in: every format, every hostile file, all or nothing, recorded runs."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import xlwt
from django.core.management import call_command
from django.core.management.base import CommandError

from access.gate import SYSTEM
from catalogues.selectors import catalogue_load
from catalogues.tests.conftest import answers_for
from scoring.choices import ChecklistState
from scoring.models import Answer, Checklist
from scoring.services.checklists import answers_save, checklist_open
from scoring.services.workflow import checklist_submit
from scoring.tasks import answers_import_confirm, answers_import_start
from uploads.models import ImportRun
from uploads.spreadsheets import Upload

pytestmark = pytest.mark.django_db
CODES = ["ZB-01", "ZB-03", "ZB-08", "CY-01"]
NAMES = ["班子健全", "党员大会次数", "民主评议参评率", "集体经济收入"]


def rows_for(world, *extra):
    return [
        [world.v1.code, world.v1.name, "是", 6, 98, "250,000"],
        *extra,
    ]


def xlsx(rows, header=None, names=True, edit=None):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header if header is not None else ["区划代码", "名称", *CODES])
    if names:
        sheet.append(["", "指标名称", *NAMES])
    for row in rows:
        sheet.append(row)
    if edit:
        edit(book, sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def check(world, content, name="答题表.xlsx", user=None, cycle=None, dry_run=True):
    return answers_import_start(
        upload=Upload(name, content),
        user=user or world.town1_user,
        cycle=cycle,
        dry_run=dry_run,
    )


@pytest.fixture
def sheet_cycle(rural, community, cycle):
    return cycle


def errors_of(run):
    return [(e["row"], e["column"], e["message"]) for e in run.errors]


def assert_refused(run, *fragments):
    assert run.status == ImportRun.Status.FAILED, run.message
    text = " ".join(e["message"] for e in run.errors)
    for fragment in fragments:
        assert fragment in text, text
    assert not Answer.objects.exists()


def test_a_good_sheet_is_checked_then_written_in_full(world, sheet_cycle):
    run = check(world, xlsx(rows_for(world)), cycle=sheet_cycle)
    assert run.status == ImportRun.Status.DONE and run.dry_run
    assert (run.total, run.created, run.changed, run.unchanged) == (1, 4, 0, 0)
    assert not Answer.objects.exists()  # a dry run writes nothing
    written = answers_import_confirm(run=run, user=world.town1_user)
    assert written.status == ImportRun.Status.DONE and not written.dry_run
    checklist = Checklist.objects.get(branch__village=world.v1)
    values = {
        a.criterion.code: a.value
        for a in checklist.answers.filter(criterion__fact="").select_related("criterion")
    }
    assert values == {"ZB-01": True, "ZB-03": 6, "ZB-08": 98, "CY-01": Decimal("250000")}
    assert checklist.result["stars"][0]["code"] == "ZB" and checklist.scored_at
    assert (written.user, written.sha256, written.file_name) == (
        world.town1_user,
        run.sha256,
        "答题表.xlsx",
    )


def test_the_dry_run_page_lists_each_change_old_to_new_not_yet_written(
    client, world, sheet_cycle, rural
):
    checklist = checklist_open(branch=world.branch(world.v1), cycle=sheet_cycle, user=SYSTEM)
    answers_save(checklist=checklist, user=world.sec_v1, answers={"ZB-03": 4})
    run = check(world, xlsx(rows_for(world)), cycle=sheet_cycle)
    client.force_login(world.town1_user)
    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert "这是预检：以下改动尚未写入。" in page and "将要写入的改动" in page
    # Issue 28: the check was headed "已完成", with "尚未写入" below the button and after the
    # notices; it is headed for what it is, and says so before the button.
    assert "<b>预检完成，尚未写入</b>" in page and "<b>已完成</b>" not in page
    assert page.index("这是预检：以下改动尚未写入。") < page.index("确认导入</button>")
    changes = {(c["code"], c["old"], c["new"]) for c in run.params["changes"]}
    assert changes == {("ZB-01", "未填", "是"), ("ZB-03", "4", "6"), ("ZB-08", "未填", "98"),
                       ("CY-01", "未填", "250000")}  # fmt: skip
    assert "<td>4</td><td><b>6</b></td>" in page
    client.post(f"/imports/{run.pk}/confirm/")
    assert Answer.objects.get(checklist=checklist, criterion__code="ZB-03").value == 6
    assert "这是预检" not in client.get(f"/imports/{run.pk}/").content.decode()


def test_importing_the_same_file_again_changes_nothing_and_says_so(world, sheet_cycle):
    content = xlsx(rows_for(world))
    check(world, content, cycle=sheet_cycle, dry_run=False)
    before = Checklist.objects.get().revision
    again = check(world, content, cycle=sheet_cycle, dry_run=False)
    assert (again.created, again.changed, again.unchanged) == (0, 0, 4)
    assert "没有变化" in again.message
    assert Checklist.objects.get().revision == before


def test_a_changed_value_is_counted_as_changed(world, sheet_cycle):
    check(world, xlsx(rows_for(world)), cycle=sheet_cycle, dry_run=False)
    row = [world.v1.code, world.v1.name, "否", 6, 98, ""]
    run = check(world, xlsx([row]), cycle=sheet_cycle, dry_run=False)
    assert (run.created, run.changed, run.unchanged) == (0, 2, 2)  # 是→否, and CY-01 cleared
    answer = Answer.objects.get(criterion__code="CY-01")
    assert answer.value is None


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [("是", True), ("否", False), ("1", True), ("0", False), ("Y", True), ("n", False),
     ("true", True), ("FALSE", False)],
)  # fmt: skip
def test_yes_no_spellings(world, sheet_cycle, spelling, expected):
    content = xlsx([[world.v1.code, world.v1.name, spelling, "", "", ""]])
    check(world, content, cycle=sheet_cycle, dry_run=False)
    assert Answer.objects.get(criterion__code="ZB-01").value_bool is expected


def test_numbers_with_separators_and_full_width_digits(world, sheet_cycle):
    content = xlsx([[world.v1.code, world.v1.name, "", "１２", "９８.５", "1,234,567"]])
    check(world, content, cycle=sheet_cycle, dry_run=False)
    values = dict(
        Answer.objects.filter(criterion__fact="").values_list("criterion__code", "value_number")
    )
    assert values == {
        "ZB-03": Decimal("12"),
        "ZB-08": Decimal("98.5"),
        "CY-01": Decimal("1234567"),
    }


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_with_or_without_bom_and_gbk(world, sheet_cycle, encoding):
    text = "\n".join(
        [
            "区划代码,名称," + ",".join(CODES),
            ",指标名称," + ",".join(NAMES),
            f'{world.v1.code},{world.v1.name},是,6,98,"250,000"',
        ]
    )
    run = check(world, text.encode(encoding), name="答题表.csv", cycle=sheet_cycle, dry_run=False)
    assert run.status == ImportRun.Status.DONE, run.errors
    assert Answer.objects.filter(value_bool=True).count() == 1
    assert Answer.objects.get(criterion__code="CY-01").value == 250000


def test_xls_is_read_too(world, sheet_cycle):
    book = xlwt.Workbook()
    sheet = book.add_sheet("答题表")
    for r, row in enumerate([["区划代码", "名称", *CODES], *rows_for(world)]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    run = check(world, buffer.getvalue(), name="答题表.xls", cycle=sheet_cycle, dry_run=False)
    assert run.status == ImportRun.Status.DONE, run.errors
    assert Answer.objects.filter(criterion__fact="").count() == 4  # and the facts


def test_the_dry_run_lists_every_error_with_row_code_name_value_and_reason(world, sheet_cycle):
    rows = [
        [world.v1.code, world.v1.name, "也许", "六", 120, "二十万"],
        [world.c1.code, world.c1.name, "是", 1, 1, 1],  # a community in a rural sheet
    ]
    run = check(world, xlsx(rows), cycle=sheet_cycle)
    assert_refused(run)
    found = {(e["row"], e["column"]): e for e in run.errors}
    assert set(found) >= {(3, "ZB-01"), (3, "ZB-03"), (3, "ZB-08"), (3, "CY-01"), (4, "区划代码")}
    assert found[(3, "ZB-08")]["message"] == "百分比须在0～100之间。"
    assert found[(3, "ZB-08")]["name"].startswith("党员年度民主评议参评率")
    assert found[(3, "ZB-03")]["value"] == "六" and "不是数字" in found[(3, "ZB-03")]["message"]
    assert "城市社区" in found[(4, "区划代码")]["message"]
    assert found[(3, "CY-01")]["cell"] == "F3"


def test_wrong_or_missing_header_row(world, sheet_cycle):
    assert_refused(check(world, xlsx(rows_for(world), header=[]), cycle=sheet_cycle), "表头")
    data_first = xlsx([], header=[world.v1.code, world.v1.name, "是", 6, 98, 1], names=False)
    assert_refused(check(world, data_first, cycle=sheet_cycle), "缺少指标编码表头行")


def test_an_unknown_criterion_code(world, sheet_cycle):
    content = xlsx(rows_for(world), header=["区划代码", "名称", "ZB-01", "ZB-99", "ZB-08", "CY-01"])
    run = check(world, content, cycle=sheet_cycle)
    assert_refused(run, "没有这个指标编码")
    assert (1, "ZB-99") in [(e["row"], e["column"]) for e in run.errors]


def test_an_unknown_place_code_and_a_place_of_another_township(world, sheet_cycle):
    rows = [
        [world.v1.code, world.v1.name, "是", 6, 98, 1],
        ["419921100299", "不存在村", "是", 6, 98, 1],
        [world.v2.code, world.v2.name, "是", 6, 98, 1],  # town2's village
        [world.v3.code, world.v3.name, "是", 6, 98, 1],  # another county's
    ]
    run = check(world, xlsx(rows), cycle=sheet_cycle)
    assert_refused(run, "不属于您管辖的范围")
    assert sorted(e["row"] for e in run.errors) == [4, 5, 6]


def test_the_same_place_twice(world, sheet_cycle):
    rows = [rows_for(world)[0], [world.v1.code, world.v1.name, "否", 6, 98, 1]]
    assert_refused(check(world, xlsx(rows), cycle=sheet_cycle), "与第3行重复")


def test_text_in_a_number_cell_and_a_percent_out_of_range(world, sheet_cycle):
    rows = [[world.v1.code, world.v1.name, "是", "很多", -3, 1]]
    run = check(world, xlsx(rows), cycle=sheet_cycle)
    assert_refused(run, "“很多”不是数字", "百分比须在0～100之间")


def test_a_date_where_a_number_belongs(world, sheet_cycle):
    rows = [[world.v1.code, world.v1.name, "是", date(2026, 3, 1), 98, 1]]
    assert_refused(check(world, xlsx(rows), cycle=sheet_cycle), "日期格式")


def test_a_formula_counts_by_its_cached_value_or_is_refused_without_one(
    world, sheet_cycle, tmp_path
):
    rows = [[world.v1.code, world.v1.name, "是", "=2*3", 98, 1]]
    no_cache = check(world, xlsx(rows), cycle=sheet_cycle)  # openpyxl saves no computed values
    assert_refused(no_cache, "公式", "没有保存计算结果")
    cached = _with_cached_formula(xlsx(rows), "D3", "6")
    run = check(world, cached, cycle=sheet_cycle, dry_run=False)
    assert run.status == ImportRun.Status.DONE, run.errors
    assert Answer.objects.get(criterion__code="ZB-03").value == 6


def _with_cached_formula(content, ref, value):
    """What Excel writes: the formula and the value it computed (<f>…</f><v>…</v>)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start = text.index(f'<c r="{ref}"')
                end = text.index("</c>", start) + 4
                text = text[:start] + f'<c r="{ref}"><f>2*3</f><v>{value}</v></c>' + text[end:]
                data = text.encode()
            target.writestr(item, data)
    return out.getvalue()


def test_merged_cells(world, sheet_cycle):
    content = xlsx(rows_for(world), edit=lambda book, sheet: sheet.merge_cells("D3:E3"))
    assert_refused(check(world, content, cycle=sheet_cycle), "合并单元格", "D3:E3")


def test_hidden_sheets_and_extra_sheets(world, sheet_cycle):
    def hide(book, sheet):
        book.create_sheet("旧数据").sheet_state = "hidden"

    assert_refused(check(world, xlsx(rows_for(world), edit=hide), cycle=sheet_cycle), "隐藏")
    extra = xlsx(rows_for(world), edit=lambda book, sheet: book.create_sheet("说明"))
    assert_refused(check(world, extra, cycle=sheet_cycle), "只能有一个工作表")


def test_blank_rows_in_the_middle(world, rural, community, cycle):
    rows = [rows_for(world)[0], [], [world.c1.code, world.c1.name, "是", 1, 1, 1]]
    run = check(world, xlsx(rows), cycle=cycle)
    assert_refused(run, "空行")
    assert 4 in [e["row"] for e in run.errors]


def test_trailing_spaces_are_trimmed_and_reported(world, sheet_cycle):
    rows = [[f"{world.v1.code} ", world.v1.name, "是 ", " 6 ", 98, "250000 "]]
    content = xlsx(rows, header=["区划代码", "名称", "ZB-01 ", *CODES[1:]])
    run = check(world, content, cycle=sheet_cycle, dry_run=False)
    assert run.status == ImportRun.Status.DONE, run.errors
    assert any("空格" in notice for notice in run.notices)
    assert Answer.objects.get(criterion__code="ZB-01").value_bool is True


def test_a_submitted_checklist_is_locked_against_imports(world, sheet_cycle, rural):
    checklist = checklist_open(branch=world.branch(world.v1), cycle=sheet_cycle, user=SYSTEM)
    answers_save(checklist=checklist, user=world.sec_v1, answers=answers_for(rural))
    checklist_submit(checklist=checklist, user=world.sec_v1)
    before = Answer.objects.count()
    rows = [[world.v1.code, world.v1.name, "否", 6, 98, "250,000"]]
    run = check(world, xlsx(rows), cycle=sheet_cycle)
    assert run.status == ImportRun.Status.FAILED
    # One error per changed cell, each naming the state and the value the checklist holds.
    assert [e["cell"] for e in run.errors] == ["C3", "D3", "E3", "F3"]
    assert "王庄村的清单已提交，不能再修改（原为“是”）" in run.errors[0]["message"]
    assert "（原为“200000”）" in run.errors[3]["message"]
    assert Answer.objects.count() == before
    assert Checklist.objects.get().state == ChecklistState.SUBMITTED


def test_the_downloaded_template_goes_back_unchanged_and_locked_rows_are_skipped(
    client, world, sheet_cycle, rural
):
    """The clerk's first upload: a template of every village, one of them already submitted."""
    submitted = checklist_open(branch=world.branch(world.v1), cycle=sheet_cycle, user=SYSTEM)
    answers_save(checklist=submitted, user=world.sec_v1, answers=answers_for(rural))
    checklist_submit(checklist=submitted, user=world.sec_v1)
    client.force_login(world.county_user)
    template = client.get(
        "/answers/template.xlsx", {"cycle": sheet_cycle.code, "kind": "rural"}
    ).content
    sheet = openpyxl.load_workbook(io.BytesIO(template)).active
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=3)}
    locked = rows[world.v1.code]
    assert locked[1].value == "王庄村（已提交，不可修改）"
    assert locked[2].fill.fgColor.rgb.endswith("D9D9D9") and locked[2].protection.locked
    assert not rows[world.v2.code][2].protection.locked  # an open row stays editable
    run = check(world, template, user=world.county_user, cycle=sheet_cycle, dry_run=False)
    assert run.status == ImportRun.Status.DONE, run.errors
    assert "第3行王庄村的清单已提交，内容未变，已跳过。" in run.notices
    assert Checklist.objects.get(pk=submitted.pk).state == ChecklistState.SUBMITTED


def test_a_file_over_the_size_limit(world, sheet_cycle, settings):
    settings.WUXING_UPLOAD_MAX_BYTES = 1000
    assert_refused(check(world, xlsx(rows_for(world)), cycle=sheet_cycle), "文件过大")


def test_a_file_that_is_not_a_spreadsheet_but_is_named_xlsx(world, sheet_cycle):
    run = check(world, b"%PDF-1.7\n" + b"x" * 500, name="答题表.xlsx", cycle=sheet_cycle)
    assert_refused(run, "不是 Excel 工作簿")


def test_a_zip_bomb(world, sheet_cycle):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))  # 1000:1
    run = check(world, buffer.getvalue(), name="答题表.xlsx", cycle=sheet_cycle)
    assert_refused(run, "压缩炸弹")


def test_a_secretary_cannot_import(world, sheet_cycle):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        check(world, xlsx(rows_for(world)), user=world.sec_v1, cycle=sheet_cycle)


def test_a_county_imports_for_all_its_townships_in_one_sheet(world, sheet_cycle):
    rows = [rows_for(world)[0], [world.v2.code, world.v2.name, "否", 2, 50, 1000]]
    run = check(world, xlsx(rows), user=world.county_user, cycle=sheet_cycle, dry_run=False)
    assert run.status == ImportRun.Status.DONE, run.errors
    assert Checklist.objects.count() == 2


def test_the_command_prints_the_summary_and_errors_and_exits_1(
    world, sheet_cycle, tmp_path, capsys
):
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx(rows_for(world)))
    call_command("import_answers", str(good), cycle=sheet_cycle.code, dry_run=True)
    out = capsys.readouterr().out
    assert "新填4项" in out and "--dry-run" in out
    assert not Answer.objects.exists()
    call_command("import_answers", str(good), cycle=sheet_cycle.code)
    assert Answer.objects.filter(criterion__fact="").count() == 4
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([[world.v2.code, world.v2.name, "也许", 1, 1, 1]]))
    with pytest.raises(CommandError) as caught:
        call_command("import_answers", str(bad), cycle=sheet_cycle.code)
    assert caught.value.returncode == 1
    assert "第3行 ZB-01" in capsys.readouterr().err
    assert ImportRun.objects.filter(user=None).count() == 3


def test_a_locked_row_without_its_facts_stored_goes_back_unchanged(
    client, world, sheet_cycle, rural
):
    """Issue 28.2: a checklist submitted from the phone with the three-zero veto items blank,
    as checklists were stored before facts were written with every answer; the clerk's
    template, uploaded unchanged, failed on PA-18 and PA-19 of that locked row:
    "不能再修改（原为“未填”）". The registers answer those items, never the sheet."""
    facts = catalogue_load(catalogue=rural).facts
    assert {"zero_petition", "zero_accident", "zero_crime"} <= set(facts.values())
    submitted = checklist_open(branch=world.branch(world.v1), cycle=sheet_cycle, user=SYSTEM)
    answers_save(checklist=submitted, user=world.sec_v1, answers=answers_for(rural))
    checklist_submit(checklist=submitted, user=world.sec_v1)
    # What a database in service holds for such a checklist: no answers for the facts.
    Answer.objects.filter(checklist=submitted, criterion__code__in=list(facts)).delete()
    client.force_login(world.town1_user)
    template = client.get(
        "/answers/template.xlsx", {"cycle": sheet_cycle.code, "kind": "rural"}
    ).content
    run = check(world, template, user=world.town1_user, cycle=sheet_cycle, dry_run=False)
    assert run.status == ImportRun.Status.DONE, run.errors
    assert "第3行王庄村的清单已提交，内容未变，已跳过。" in run.notices
    # Skipped, not written: the checklist stays as the secretary submitted it.
    assert Checklist.objects.get(pk=submitted.pk).state == ChecklistState.SUBMITTED
