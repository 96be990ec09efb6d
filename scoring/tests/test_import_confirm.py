"""A checked answer sheet is confirmed at most once, and never over answers that changed after
the check: an old dry run confirmed later would put the sheet's older values back."""

import threading

import pytest
from django.db import connections

from access.gate import SYSTEM
from core.errors import Conflict
from scoring.models import Answer
from scoring.services.checklists import answers_save, checklist_open
from scoring.tasks import answers_import_confirm, answers_import_start
from scoring.tests.test_answer_import import CODES, xlsx
from uploads.models import ImportRun
from uploads.spreadsheets import Upload

SHEET_ZB03 = 42


def checked(world, cycle) -> ImportRun:
    row = [world.v1.code, world.v1.name, "是", SHEET_ZB03, 98, "250,000"]
    run = answers_import_start(
        upload=Upload("答题表.xlsx", xlsx([row])), user=world.town1_user, cycle=cycle, dry_run=True
    )
    assert run.status == ImportRun.Status.DONE, run.errors
    return run


def zb03(world) -> object:
    return Answer.objects.get(checklist__branch__village=world.v1, criterion__code="ZB-03").value


@pytest.mark.django_db
def test_a_check_is_confirmed_once_and_a_second_confirm_is_refused(world, rural, cycle):
    run = checked(world, cycle)
    written = answers_import_confirm(run=run, user=world.town1_user)
    assert written.status == ImportRun.Status.DONE
    with pytest.raises(Conflict, match=r"已于.*确认导入，不能再次确认"):
        answers_import_confirm(run=run, user=world.town1_user)
    assert ImportRun.objects.filter(dry_run=False).count() == 1


@pytest.mark.django_db
def test_a_confirm_after_the_secretary_saved_is_refused_naming_the_village(world, rural, cycle):
    checklist = checklist_open(branch=world.branch(world.v1), cycle=cycle, user=SYSTEM)
    answers_save(checklist=checklist, user=world.sec_v1, answers={"ZB-03": 10})
    run = checked(world, cycle)
    checklist.refresh_from_db()
    answers_save(checklist=checklist, user=world.sec_v1, answers={"ZB-03": 77})
    with pytest.raises(Conflict, match=f"预检之后，{world.v1.name}的清单已被修改"):
        answers_import_confirm(run=run, user=world.town1_user)
    assert zb03(world) == 77  # the secretary's newer answer stays
    assert not ImportRun.objects.filter(dry_run=False).exists()


def test_the_api_refuses_a_stale_confirm_with_409(api, world, rural, cycle, db):
    run = checked(world, cycle)
    checklist_open(branch=world.branch(world.v1), cycle=cycle, user=SYSTEM)
    answers_save(
        checklist=world.branch(world.v1).checklists.get(), user=world.sec_v1, answers={"ZB-03": 77}
    )
    api.force_authenticate(world.town1_user)
    response = api.post(f"/api/v1/imports/{run.pk}/confirm/")
    assert response.status_code == 409
    assert world.v1.name in str(response.json())
    assert zb03(world) == 77


@pytest.mark.django_db(transaction=True)
def test_two_confirms_at_the_same_moment_write_once(world, rural, cycle):
    run = checked(world, cycle)
    results: dict[str, object] = {}
    start = threading.Barrier(2)

    def confirm(key: str) -> None:
        start.wait()
        try:
            results[key] = answers_import_confirm(
                run=ImportRun.objects.get(pk=run.pk), user=world.town1_user
            )
        except Exception as error:  # the outcome is what the test inspects
            results[key] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(key,)) for key in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    outcomes = sorted(type(r).__name__ for r in results.values())
    assert outcomes == ["Conflict", "ImportRun"], results
    assert ImportRun.objects.filter(dry_run=False).count() == 1
    assert Answer.objects.filter(
        checklist__branch__village=world.v1, criterion__fact=""
    ).count() == len(CODES)
