"""Every hostile spreadsheet of the corpus is refused with its own message and writes nothing,
through the answer import (as a township clerk uploads it) and the register import."""

import pytest

from scoring.models import Answer
from scoring.tasks import answers_import_start
from tests.hostile.corpus import CASES, answer_sheet, huge_declared_dimension, million_row_csv
from uploads.imports import register_import
from uploads.models import ImportRun
from uploads.spreadsheets import Upload
from villages.models import Village
from villages.resources import VillageResource

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet_cycle(rural, cycle):
    return cycle


def upload_as_clerk(world, cycle, name: str, content: bytes) -> ImportRun:
    return answers_import_start(
        upload=Upload(name, content), user=world.town1_user, cycle=cycle, dry_run=False
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_hostile_answer_sheet_is_refused_with_its_own_message(world, sheet_cycle, case):
    name, build, says = CASES[case]
    content = build(answer_sheet(world.v1.code, world.v1.name))
    run = upload_as_clerk(world, sheet_cycle, name, content)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED, (case, run.status, run.message)
    assert says in " ".join(e["message"] for e in run.errors), run.errors
    assert not Answer.objects.exists()


def test_a_million_row_csv_is_refused_before_it_is_read(world, sheet_cycle):
    run = upload_as_clerk(
        world, sheet_cycle, "答题表.csv", million_row_csv(world.v1.code, "王庄村")
    )
    assert run.status == ImportRun.Status.FAILED
    assert "表格范围过大" in run.errors[0]["message"]
    assert "1,000,002 行" in run.errors[0]["message"]  # the header, the village, a million
    assert not Answer.objects.exists()


def test_a_small_sheet_declaring_the_whole_grid_is_judged_by_what_it_holds(world, sheet_cycle):
    content = huge_declared_dimension(answer_sheet(world.v1.code, world.v1.name))
    run = upload_as_clerk(world, sheet_cycle, "答题表.xlsx", content)
    # Done in the request (a worker run would still be pending here), and accepted.
    assert run.status == ImportRun.Status.DONE, run.errors
    assert Answer.objects.filter(criterion__fact="").count() == 4


@pytest.mark.parametrize("case", ["far_row_reference", "far_column_reference", "zip_bomb"])
def test_a_hostile_register_is_refused_too(world, case):
    name, build, says = CASES[case]
    content = build(answer_sheet(world.v1.code, world.v1.name))
    report = register_import(
        resource=VillageResource(user=world.county_user),
        upload=Upload(name.replace("答题表", "村名录"), content),
        dry_run=False,
    )
    assert not report.ok
    assert says in " ".join(e.message for e in report.errors)
    assert Village.objects.count() == 4  # the world's, nothing added
