"""Default catalogues come from data files; a published catalogue is frozen."""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from catalogues.models import Catalogue, Criterion
from catalogues.resources import CriterionResource
from catalogues.services import catalogue_new_version, catalogue_publish, cycle_get_or_create
from uploads.imports import register_import
from uploads.spreadsheets import Upload

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


@pytest.fixture
def catalogues():
    call_command("load_catalogues", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return {c.branch_kind: c for c in Catalogue.objects.all()}


def test_load_catalogues_loads_both_kinds_for_the_current_year(catalogues):
    rural, community = catalogues["rural"], catalogues["community"]
    assert (rural.code, community.code) == (f"rural-{YEAR}", f"community-{YEAR}")
    assert [s.code for s in rural.stars.all()] == ["ZB", "CY", "ST", "PA", "WM"]
    assert [s.code for s in community.stars.all()] == ["ZB", "FW", "PA", "WM", "GJ"]
    assert rural.criteria.count() == 91 and community.criteria.count() == 106
    assert rural.base_star.code == "ZB" and rural.is_published


def test_each_star_is_worth_100_points_and_has_hard_and_veto_items(catalogues):
    for catalogue in catalogues.values():
        points, hard, veto = defaultdict(Decimal), defaultdict(int), defaultdict(int)
        for criterion in catalogue.criteria.select_related("star"):
            points[criterion.star.code] += criterion.points
            hard[criterion.star.code] += criterion.hard
            veto[criterion.star.code] += criterion.veto
        assert set(points.values()) == {Decimal(100)}
        assert all(hard.values()) and all(veto.values())


def test_the_collective_income_bar_is_a_hard_number_criterion(catalogues):
    income = catalogues["rural"].criteria.get(code="CY-01")
    assert (income.kind, income.threshold, income.direction, income.hard) == (
        "number",
        Decimal(200000),
        "at_least",
        True,
    )


def test_load_catalogues_is_idempotent(catalogues):
    call_command("load_catalogues", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Catalogue.objects.count() == 2 and Criterion.objects.count() == 197


def test_a_published_catalogue_refuses_a_spreadsheet_change(catalogues):
    sheet = f"标准编码,编码,星,内容,类型,分值\nrural-{YEAR},ZB-01,ZB,改过的内容,bool,10\n"
    report = register_import(
        resource=CriterionResource(), upload=Upload("c.csv", sheet.encode()), dry_run=False
    )
    assert "已发布" in report.errors[0].message
    assert catalogues["rural"].criteria.get(code="ZB-01").text != "改过的内容"


def test_a_new_version_is_an_editable_copy(catalogues):
    copy = catalogue_new_version(catalogue=catalogues["rural"])
    assert (copy.code, copy.version, copy.is_published) == (f"rural-{YEAR}-v2", 2, False)
    assert copy.criteria.count() == 91 and copy.base_star.catalogue == copy
    sheet = f"标准编码,编码,星,内容,类型,分值\n{copy.code},ZB-01,ZB,改过的内容,bool,10\n"
    report = register_import(
        resource=CriterionResource(), upload=Upload("c.csv", sheet.encode()), dry_run=False
    )
    assert report.ok and report.updated == 1
    assert catalogues["rural"].criteria.get(code="ZB-01").text != "改过的内容"
    catalogue_publish(catalogue=copy)
    with pytest.raises(ValidationError, match="已发布"):
        catalogue_publish(catalogue=copy)


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("ZB-99,ZB,x,number,5,,at_least", "阈值", "必须设置阈值"),
        ("ZB-99,ZB,x,percent,5,120,at_least", "阈值", "0～100"),
        ("ZB-99,XX,x,bool,5,,", "星", "没有编码为“XX”的星"),
        ("ZB-99,ZB,x,ratio,5,,", "类型", "不是有效选项"),
    ],
)
def test_a_bad_criterion_row_is_explained(catalogues, row, column, message):
    copy = catalogue_new_version(catalogue=catalogues["rural"])
    sheet = f"标准编码,编码,星,内容,类型,分值,阈值,方向\n{copy.code},{row}\n"
    report = register_import(
        resource=CriterionResource(), upload=Upload("c.csv", sheet.encode()), dry_run=False
    )
    assert [e.column for e in report.errors] == [column]
    assert message in report.errors[0].message


def test_a_veto_item_carries_no_points():
    criterion = Criterion(code="PA-99", text="x", kind="bool", veto=True, points=5)
    with pytest.raises(ValidationError, match="不计分值"):
        criterion.clean()


@pytest.mark.parametrize(("code", "quarter"), [("2026", None), ("2026Q3", 3)])
def test_cycles_are_years_or_quarters(code, quarter):
    cycle = cycle_get_or_create(code=code)
    assert (cycle.year, cycle.quarter, cycle.is_annual) == (2026, quarter, quarter is None)


def test_a_bad_cycle_code_is_explained():
    with pytest.raises(ValidationError, match="2026Q1"):
        cycle_get_or_create(code="2026Q5")
