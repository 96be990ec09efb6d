"""Register imports are all-or-nothing and say exactly what is wrong, row by row."""

import io
import sys

import openpyxl
import pytest
import xlwt  # writes .xls as Excel 97-2003 does; the app only reads it

from uploads.imports import register_import
from uploads.spreadsheets import Upload
from villages.models import Village
from villages.resources import VillageResource

pytestmark = pytest.mark.django_db

HEADER = "区划代码,名称,类型\n"


def csv_upload(body: str, encoding: str = "utf-8", name: str = "村名录.csv") -> Upload:
    return Upload(name, (HEADER + body).encode(encoding))


def run(user, upload, dry_run=False):
    return register_import(resource=VillageResource(user=user), upload=upload, dry_run=dry_run)


def test_a_county_clerk_imports_new_villages(world):
    report = run(
        world.county_user, csv_upload("419921100202,赵岗村,农村\n419921101202,钱店村,rural\n")
    )
    assert report.ok and report.written and report.new == 2
    assert Village.objects.get(code="419921101202").township == world.town2


def test_a_dry_run_checks_everything_and_writes_nothing(world):
    report = run(world.county_user, csv_upload("419921100202,赵岗村,农村\n"), dry_run=True)
    assert report.ok and report.new == 1 and not report.written
    assert not Village.objects.filter(code="419921100202").exists()


def test_every_bad_row_is_reported_and_nothing_is_written(world):
    body = (
        "419921100202,赵岗村,农村\n"  # good
        "4199211002,短码村,农村\n"  # too short
        "419921100203,孙庄村,城镇\n"  # unknown kind
        "419921109201,无主村,农村\n"  # township does not exist
        "419922100202,外县村,农村\n"  # another county
    )
    report = run(world.county_user, csv_upload(body))
    assert not report.written
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "区划代码"),
        (4, "类型"),
        (5, "区划代码"),
        (6, "区划代码"),
    ]
    assert "12位数字" in report.errors[0].message
    assert "不是有效选项" in report.errors[1].message
    assert "不存在" in report.errors[2].message
    assert "不在您的管辖范围" in report.errors[3].message
    assert report.errors[1].value == "城镇"
    assert not Village.objects.filter(code="419921100202").exists()


def test_a_township_clerk_cannot_touch_another_townships_village(world):
    report = run(world.town1_user, csv_upload(f"{world.v2.code},改名村,农村\n"))
    assert "不在您的管辖范围" in report.errors[0].message
    world.v2.refresh_from_db()
    assert world.v2.name == "李楼村"


def test_gbk_csv_from_a_chinese_windows_excel_is_read(world):
    report = run(world.county_user, csv_upload("419921100202,赵岗村,农村\n", encoding="gbk"))
    assert report.ok and Village.objects.get(code="419921100202").name == "赵岗村"


def test_utf8_with_bom_is_read(world):
    upload = Upload("v.csv", ("\ufeff" + HEADER + "419921100202,赵岗村,农村\n").encode())
    assert run(world.county_user, upload).ok


def test_an_xlsx_with_codes_as_numbers_is_read(world):
    book = openpyxl.Workbook()
    book.active.append(["区划代码", "名称", "类型"])
    book.active.append([419921100202, "赵岗村 ", "农村"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = run(world.county_user, Upload("v.xlsx", buffer.getvalue()))
    assert report.ok
    assert Village.objects.get(code="419921100202").name == "赵岗村"


def test_reimporting_the_same_rows_changes_nothing(world):
    upload = csv_upload(f"{world.v1.code},王庄村,农村\n")
    report = run(world.county_user, upload)
    assert report.ok and report.unchanged == 1 and report.new == 0 and report.updated == 0


def test_a_missing_code_column_is_named(world):
    report = run(world.county_user, Upload("v.csv", "编号,名称\n1,甲\n".encode()))
    assert "缺少必需的列：区划代码" in report.errors[0].message


def test_a_file_that_is_not_a_spreadsheet_is_refused(world):
    report = run(world.county_user, Upload("v.xlsx", b"%PDF-1.4 not a workbook"))
    assert "不是 Excel 工作簿" in report.errors[0].message


def test_a_file_over_the_size_limit_is_refused(world, settings):
    settings.WUXING_UPLOAD_MAX_BYTES = 10
    report = run(world.county_user, csv_upload("419921100202,赵岗村,农村\n"))
    assert "文件过大" in report.errors[0].message


def test_an_xls_register_is_read_without_any_xls_writer_installed(world, monkeypatch):
    book = xlwt.Workbook()
    sheet = book.add_sheet("村名录")
    for r, row in enumerate([["区划代码", "名称", "类型"], ["419921100202", "赵岗村", "农村"]]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    monkeypatch.setitem(sys.modules, "xlwt", None)  # as in production: not installed
    report = run(world.county_user, Upload("村名录.xls", buffer.getvalue()))
    assert report.ok and report.new == 1, report.errors
    assert Village.objects.get(code="419921100202").name == "赵岗村"
