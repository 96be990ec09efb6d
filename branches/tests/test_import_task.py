"""Register uploads are recorded and imported by a Celery task that takes the run's id."""

import pytest

from branches.tasks import register_import_start, register_import_task
from uploads.models import ImportRun
from uploads.spreadsheets import Upload
from villages.models import Village

pytestmark = pytest.mark.django_db

GOOD = "区划代码,名称,类型\n419921100202,赵岗村,农村\n".encode()


def test_an_upload_is_recorded_and_enqueued_after_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = register_import_start(
            kind="villages", upload=Upload("v.csv", GOOD), user=world.county_user
        )
    assert len(callbacks) == 1
    assert run.status == ImportRun.Status.PENDING
    assert run.file_name == "v.csv" and len(run.sha256) == 64
    assert not Village.objects.filter(code="419921100202").exists()


def test_the_task_imports_the_recorded_file_and_stores_the_counts(world):
    run = register_import_start(
        kind="villages", upload=Upload("v.csv", GOOD), user=world.county_user
    )
    result = register_import_task.run(run.pk)
    run.refresh_from_db()
    assert result == {"status": "done", "created": 1, "errors": 0}
    assert (run.status, run.progress, run.created) == (ImportRun.Status.DONE, 100, 1)
    assert Village.objects.filter(code="419921100202").exists()


def test_a_redelivered_message_does_not_import_twice(world):
    run = register_import_start(
        kind="villages", upload=Upload("v.csv", GOOD), user=world.county_user
    )
    register_import_task.run(run.pk)
    assert register_import_task.run(run.pk) == {"status": "done"}


def test_a_bad_file_fails_the_run_with_its_errors(world):
    bad = "区划代码,名称,类型\n419921100202,赵岗村,城镇\n".encode()
    run = register_import_start(
        kind="villages", upload=Upload("v.csv", bad), user=world.county_user
    )
    register_import_task.run(run.pk)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert run.errors[0]["row"] == 2 and run.errors[0]["column"] == "类型"
