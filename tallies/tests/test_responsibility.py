"""Issue 13.5: who answers for each branch (五级分包), set by sheet, ranked, filtered."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from access.gate import SYSTEM
from branches.models import Assignment, Rectification
from branches.services import rectification_create
from catalogues.tests.conftest import YEAR, answers_for
from scoring.services.checklists import answers_save, checklist_open
from tallies.services import tally_inline

pytestmark = pytest.mark.django_db


def sheet_from(response, edit=None):
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    if edit:
        edit(book.active)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("责任分工.xlsx", buffer.getvalue())


def row_of(sheet, code):
    return next(r for r in sheet.iter_rows(min_row=2) if r[0].value == code)


@pytest.fixture
def assigned(client, world, rural, community, cycle):
    """The county fills the downloaded template in and uploads it."""
    client.force_login(world.county_user)
    template = client.get(reverse("responsibility"), {"year": YEAR, "format": "xlsx"})

    def fill(sheet):
        headers = [c.value for c in sheet[1]]
        assert headers == [
            "区划代码",
            "名称",
            "包乡县级领导",
            "组织部联系人",
            "帮建单位",
            "包村责任干部",
        ]
        town = row_of(sheet, world.town1.code)
        town[2].value, town[3].value = "张县长（副县长）", "李干事"
        village = row_of(sheet, world.v1.code)
        village[4].value, village[5].value = "县农业农村局", "王五、赵六（驻村工作队）"
        row_of(sheet, world.v2.code)[4].value = "县农业农村局"

    response = client.post(
        f"{reverse('responsibility')}?year={YEAR}", {"file": sheet_from(template, fill)}
    )
    assert response.status_code == 302
    return template


def test_the_county_sets_the_chain_by_sheet_and_an_unchanged_sheet_changes_nothing(
    client, world, assigned
):
    got = set(Assignment.objects.values_list("duty", "name", "post", "branch__village__code"))
    assert got == {
        ("leader", "张县长", "副县长", None),
        ("contact", "李干事", "", None),
        ("unit", "县农业农村局", "", world.v1.code),
        ("cadre", "王五", "", world.v1.code),
        ("cadre", "赵六", "驻村工作队", world.v1.code),
        ("unit", "县农业农村局", "", world.v2.code),
    }
    # Downloaded again and uploaded unchanged: nothing changes, nothing is audited again.
    again = client.get(reverse("responsibility"), {"year": YEAR, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(again.content)).active
    assert row_of(sheet, world.v1.code)[5].value == "王五、赵六（驻村工作队）"
    client.post(f"{reverse('responsibility')}?year={YEAR}", {"file": sheet_from(again)})
    page = client.get(reverse("responsibility"), {"year": YEAR})
    assert "0个地区的责任分工有变化" in str(list(page.context["messages"]))
    assert Assignment.objects.count() == 6
    # The other county's places are not in the template.
    assert world.v3.code not in [r[0].value for r in sheet.iter_rows()]


def test_a_bad_sheet_names_every_bad_cell_and_writes_nothing(client, world, assigned):
    def spoil(sheet):
        row_of(sheet, world.v1.code)[2].value = "错填的领导"  # a township column on a village row
        row_of(sheet, world.v2.code)[5].value = "很" * 61
        sheet.append([world.v3.code, "外县的村", "", "", "某单位", ""])

    client.post(f"{reverse('responsibility')}?year={YEAR}", {"file": sheet_from(assigned, spoil)})
    text = " ".join(str(m) for m in client.get(reverse("responsibility")).context["messages"])
    assert "村(社区)行不填此列" in text and "太长" in text and "不在您管辖的范围内" in text
    assert not Assignment.objects.filter(name="错填的领导").exists()
    assert Assignment.objects.count() == 6


def test_cadres_are_ranked_by_their_branches_and_each_has_a_page(client, world, assigned, cycle):
    one = checklist_open(branch=world.branch(world.v1), cycle=cycle, user=SYSTEM)
    answers_save(checklist=one, user=world.sec_v1, answers=answers_for(one.catalogue))
    two = checklist_open(branch=world.branch(world.v2), cycle=cycle, user=SYSTEM)
    answers_save(
        checklist=two, user=world.sec_v2, answers=answers_for(two.catalogue, failing=("CY", "ST"))
    )
    task = rectification_create(
        branch=world.branch(world.v2), cycle=cycle.code, star="CY", criterion="CY-01",
        title="发展集体经济", owner="村书记", deadline=timezone.localdate() + timedelta(days=3),
        user=world.county_user,
    )  # fmt: skip
    Rectification.objects.filter(pk=task.pk).update(  # three days later, still open
        deadline=timezone.localdate() - timedelta(days=1)
    )
    response = client.get(reverse("responsibility"), {"year": YEAR, "duty": "unit"})
    [unit] = response.context["people"]
    assert (unit.name, unit.branches, unit.average, unit.share) == ("县农业农村局", 2, 4.0, 100.0)
    assert (unit.shortfall, unit.overdue) == (2, 1)
    cadres = client.get(reverse("responsibility"), {"year": YEAR, "duty": "cadre"}).context[
        "people"
    ]
    assert [(p.rank, p.name, p.average) for p in cadres] == [(1, "王五", 5.0), (2, "赵六", 5.0)]

    page = client.get(
        reverse("responsibility-person"), {"year": YEAR, "duty": "unit", "name": "县农业农村局"}
    ).content.decode()
    assert world.v1.name in page and world.v2.name in page and "CY、ST" in page
    assert "warn-text" in page  # the overdue rectification stands out

    # The dashboard filters by cadre or helping unit.
    tally_inline(place=world.county, cycle=cycle)
    town = client.get(
        reverse("dashboard-place", args=[world.town1.code]),
        {"cycle": cycle.code, "person": "王五"},
    )
    codes = [b["code"] for b in town.context["part"]["branch_list"]]
    assert codes == [world.v1.code]


def test_townships_read_the_chain_and_only_the_county_sets_it(client, world, assigned):
    client.force_login(world.town1_user)
    assert client.get(reverse("responsibility")).status_code == 200
    assert client.get(reverse("responsibility"), {"format": "xlsx"}).status_code == 403
    upload = SimpleUploadedFile("x.csv", b"\xe5\x8c\xba\xe5\x88\x92\xe4\xbb\xa3\xe7\xa0\x81\n")
    assert client.post(reverse("responsibility"), {"file": upload}).status_code == 403
    client.force_login(world.sec_v1)
    assert client.get(reverse("responsibility")).status_code == 403
    client.force_login(world.other_county_user)
    people = client.get(reverse("responsibility"), {"year": YEAR}).context["people"]
    assert people == []  # nothing of another county


def test_the_ranking_costs_the_same_few_queries_however_many_branches(
    client, world, assigned, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        assert client.get(reverse("responsibility"), {"year": YEAR}).status_code == 200
