"""Downloads open in Excel as people expect: the sheet named for what it holds, a bold frozen
header, counts as numbers (codes and phone numbers as text), columns wide enough for Chinese."""

import io

import openpyxl
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_register_export_is_a_sheet_people_can_read(client, world):
    world.sec_v1.phone = "13900000001"
    world.sec_v1.save()
    client.force_login(world.county_user)
    response = client.get(reverse("register-export", args=["branches", "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.title != "Tablib Dataset" and sheet.title
    header = [cell.value for cell in sheet[1]]
    assert all(cell.font.bold for cell in sheet[1]) and sheet.freeze_panes == "A2"
    rows = {
        row[0]: dict(zip(header, row, strict=False))
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    mine = rows[world.v1.code]
    assert isinstance(mine["区划代码"], str)  # a code stays text
    assert mine["党员人数"] == 30 and isinstance(mine["党员人数"], int)
    assert mine["书记手机号"] == "13900000001"  # eleven digits stay text
    name_column = openpyxl.utils.get_column_letter(header.index("支部名称") + 1)
    assert sheet.column_dimensions[name_column].width >= 2 * len("中共王庄村支部委员会")
    # Printed on A4 landscape, one page wide, with the header row on every page.
    setup = sheet.page_setup
    assert (int(setup.paperSize), setup.orientation) == (9, "landscape")  # 9: A4
    assert sheet.print_title_rows == "$1:$1" and sheet.sheet_properties.pageSetUpPr.fitToPage
