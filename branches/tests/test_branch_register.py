"""The branch register: branches with their secretaries and first secretaries, in and out."""

import pytest

from accounts.choices import Role
from accounts.models import User
from branches.models import Branch
from branches.resources import BranchResource
from uploads.imports import register_import
from uploads.spreadsheets import Upload

pytestmark = pytest.mark.django_db

HEADER = (
    "区划代码,支部名称,书记姓名,书记手机号,党员人数,软弱涣散,认定日期,软弱涣散原因,"
    "驻村第一书记,派出单位,任职开始,任职结束\n"
)


def run(user, body, dry_run=False):
    upload = Upload("支部.csv", (HEADER + body).encode())
    return register_import(resource=BranchResource(user=user), upload=upload, dry_run=dry_run)


def test_a_new_secretary_gets_an_account_named_by_phone(world):
    body = f"{world.c1.code},中共幸福社区支部委员会,周敏,13700000009,41,否,,,,,,\n"
    report = run(world.town1_user, body)
    assert report.ok, report.errors
    secretary = User.objects.get(username="13700000009")
    assert (secretary.role, secretary.village, secretary.name) == (Role.SECRETARY, world.c1, "周敏")
    assert not secretary.has_usable_password()
    assert world.branch(world.c1).members == 41


def test_replacing_a_secretary_unbinds_the_previous_one(world):
    body = f"{world.v1.code},中共王庄村支部委员会,新书记,13700000010,30,否,,,,,,\n"
    assert run(world.town1_user, body).ok
    world.sec_v1.refresh_from_db()
    assert world.sec_v1.role == Role.NONE and world.sec_v1.village is None
    assert world.branch(world.v1).secretary.username == "13700000010"


def test_a_secretary_of_another_village_is_not_silently_moved(world):
    body = f"{world.v1.code},中共王庄村支部委员会,李书记,{world.sec_v2.username},30,否,,,,,,\n"
    report = run(world.county_user, body)
    assert [e.column for e in report.errors] == ["书记手机号"]
    assert "不能兼任" in report.errors[0].message
    assert world.branch(world.v1).secretary == world.sec_v1


def test_weak_and_lax_needs_its_date_and_a_posting_needs_its_dates(world):
    body = (
        f"{world.v1.code},中共王庄村支部委员会,,,30,是,,班子不团结,,,,\n"
        f"{world.c1.code},中共幸福社区支部委员会,,,30,否,,,赵第一,县财政局,2026-01-01,2025-01-01\n"
    )
    report = run(world.town1_user, body)
    assert {e.row for e in report.errors} == {2, 3}
    assert not Branch.objects.filter(weak_lax=True).exists()


def test_an_unknown_yes_no_value_is_named(world):
    report = run(world.town1_user, f"{world.v1.code},中共王庄村支部委员会,,,30,也许,,,,,,\n")
    assert report.errors[0].column == "软弱涣散"
    assert "不是是/否" in report.errors[0].message


def test_the_export_reimports_unchanged(world):
    resource = BranchResource(user=world.town1_user)
    csv_text = resource.export(queryset=resource.get_queryset()).export("csv")
    report = register_import(
        resource=BranchResource(user=world.town1_user),
        upload=Upload("b.csv", csv_text.encode()),
        dry_run=False,
    )
    assert report.ok and report.unchanged == 2 and report.total == 2
