"""Setting up places from the statistical division list, as the command and the page take it."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from branches.models import Branch
from villages.models import City, County, Province, Township, Village

pytestmark = pytest.mark.django_db

LIST = """统计用区划代码,城乡分类代码,名称
420000000000,,湖北省
420100000000,,武汉市
420102000000,,江岸区
420102002000,,大智街道
420102002001,111,大智社区居委会
420102002201,220,永红村委会
420171000000,,武汉东湖新技术开发区
420171100000,,花山镇
420171100400,220,花山农场社区
429000000000,,省直辖县级行政区划
429004000000,,仙桃市
429004100000,,沙嘴街道
429004100401,121,仙桃新村
"""


def write(tmp_path, text, name="divisions.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_a_whole_list_sets_up_every_level_with_branches_and_again_changes_nothing(tmp_path, capsys):
    call_command("import_divisions", write(tmp_path, LIST, encoding="gbk"))
    out = capsys.readouterr().out
    assert "已写入" in out and "新建党支部4个" in out
    assert Province.objects.get().name == "湖北省"
    # A county-level city directly under the province hangs from a city-level entry of its own.
    assert County.objects.get(code="429004000000").city.code == "429000000000"
    assert County.objects.get(code="420171000000").city.name == "武汉市"  # a development zone
    kinds = dict(Village.objects.values_list("code", "kind"))
    assert kinds == {
        "420102002001": "community",  # 001–199: residents' committee
        "420102002201": "rural",  # 200–399: villagers' committee
        "420171100400": "community",  # 400 on: from the name (社区)
        "429004100401": "rural",  # 400 on: from the name (村)
    }
    assert Branch.objects.get(village__code="420102002201").name == "中共永红村委会支部委员会"
    assert Branch.objects.filter(secretary__isnull=True).count() == 4
    counts = [m.objects.count() for m in (Province, City, County, Township, Village, Branch)]
    call_command("import_divisions", write(tmp_path, LIST))
    assert [
        m.objects.count() for m in (Province, City, County, Township, Village, Branch)
    ] == counts
    assert "新增无；改名0个；未变13个；新建党支部0个" in capsys.readouterr().out


def test_a_newer_list_renames_reports_what_it_lacks_and_deletes_nothing(tmp_path, capsys):
    call_command("import_divisions", write(tmp_path, LIST))
    newer = LIST.replace("永红村委会", "永红村民委员会").replace(
        "420171100400,220,花山农场社区\n", ""
    )
    call_command("import_divisions", write(tmp_path, newer))
    out = capsys.readouterr().out
    assert (
        "改名1个" in out
        and "系统中有1个地点不在本表中（未删除，请核实）：420171100400 花山农场社区" in out
    )
    assert Village.objects.filter(code="420171100400").exists()
    assert Village.objects.get(code="420102002201").name == "永红村民委员会"


def test_every_bad_row_is_listed_and_nothing_is_written(tmp_path, capsys):
    bad = LIST + (
        "420171100401,,花山管理处\n"  # 400 on, and the name says neither
        "42010200300,,少一位\n"
        "420102002001,,重复社区\n"
        "420103001000,,无上级街道\n"
        "420102002202,12,错分类村\n"
    )
    with pytest.raises(CommandError):
        call_command("import_divisions", write(tmp_path, bad))
    errors = capsys.readouterr().err
    assert "第15行“名称”（花山管理处）：代码末三位为400以上，名称中看不出是社区还是村" in errors
    assert "第16行“统计用区划代码”（42010200300）：不是12位统计用区划代码" in errors
    assert "第17行“统计用区划代码”（420102002001）：与第6行重复" in errors
    assert "第19行“城乡分类代码”（12）：城乡分类代码应为3位数字" in errors
    assert not Province.objects.exists() and not Branch.objects.exists()
    # A parent neither in the list nor kept is found once the rows themselves are sound.
    orphan = LIST + "420103001000,,无上级街道\n"
    with pytest.raises(CommandError):
        call_command("import_divisions", write(tmp_path, orphan))
    assert "上级县(市、区)（420103000000）既不在表中也不在系统中" in capsys.readouterr().err
    assert not Province.objects.exists()


def test_dry_run_writes_nothing_and_headers_may_be_code_and_name(tmp_path, capsys):
    call_command(
        "import_divisions", write(tmp_path, "code,name\n420000000000,湖北省\n"), dry_run=True
    )
    assert "校验通过" in capsys.readouterr().out and not Province.objects.exists()
    with pytest.raises(CommandError):
        call_command("import_divisions", write(tmp_path, "编号,名字\n420000000000,湖北省\n"))
    assert "第1行应为表头" in capsys.readouterr().err


def test_city_staff_set_up_their_own_city_on_the_page_and_no_other(client, world):
    book = openpyxl.Workbook()
    book.active.append(["统计用区划代码", "名称"])
    for row in (
        ("410000000000", "河南省"),  # above the city: read, left as it is
        ("419900000000", "中原市"),
        ("419923000000", "新设县"),
        ("419923100000", "新设镇"),
        (419923100201, "新设村"),  # a number, as Excel keeps a long code typed in a cell
    ):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(world.city_user)
    page = client.post(
        reverse("divisions"), {"file": SimpleUploadedFile("区划.xlsx", buffer.getvalue())}
    ).content.decode()
    assert (
        "校验通过（尚未写入）" in page and not County.objects.filter(code="419923000000").exists()
    )
    upload = SimpleUploadedFile("区划.xlsx", buffer.getvalue())
    page = client.post(reverse("divisions"), {"file": upload, "write": "1"}).content.decode()
    assert "已写入" in page
    assert Branch.objects.filter(village__code="419923100201").exists()
    assert Province.objects.get().name == "河南省"
    other = "统计用区划代码,名称\n420000000000,湖北省\n"
    upload = SimpleUploadedFile("区划.csv", other.encode(), "text/csv")
    page = client.post(reverse("divisions"), {"file": upload, "write": "1"}).content.decode()
    assert (
        "不在您的管辖范围内" in page and not Province.objects.filter(code="420000000000").exists()
    )
    client.force_login(world.county_user)
    assert client.get(reverse("divisions")).status_code == 403


def test_the_dry_run_names_each_place_it_would_rename_before_anything_is_written(client, world):
    """Issue 28.5: "改名4个" alone let a six-row sheet rename a live township and three live
    villages; the dry run now names each, old name to new."""
    sheet = (
        "统计用区划代码,城乡分类代码,名称\n"
        f"{world.town1.code},,城关街道\n"
        f"{world.v1.code},220,王庄新村\n"
        f"{world.c1.code},111,幸福新社区\n"
    )
    client.force_login(world.city_user)
    upload = SimpleUploadedFile("区划.csv", sheet.encode(), "text/csv")
    page = client.post(reverse("divisions"), {"file": upload}).content.decode()
    assert "校验通过（尚未写入）" in page and "改名3个" in page
    assert f"{world.town1.code} 城关镇 → 城关街道" in page
    assert f"{world.v1.code} 王庄村 → 王庄新村" in page
    assert f"{world.c1.code} 幸福社区 → 幸福新社区" in page
    assert Township.objects.get(pk=world.town1.pk).name == "城关镇"  # nothing written yet
