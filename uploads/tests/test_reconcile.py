"""An import run never stays pending or running once its work has stopped: the reconciler
(beat, every five minutes) fails it with the reason."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from uploads.models import ImportRun
from uploads.tasks import import_reconcile_task

pytestmark = pytest.mark.django_db


def run_of(user, status, age):
    run = ImportRun.objects.create(
        kind="answers", user=user, file_name="a.xlsx", sha256="0" * 64, status=status
    )
    ImportRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - age)
    return run


def test_runs_that_stopped_moving_are_failed_and_live_ones_left_alone(world):
    stuck = [
        run_of(world.town1_user, ImportRun.Status.RUNNING, timedelta(hours=2)),
        run_of(world.town1_user, ImportRun.Status.PENDING, timedelta(hours=2)),
    ]
    live = run_of(world.town1_user, ImportRun.Status.RUNNING, timedelta(minutes=2))
    done = run_of(world.town1_user, ImportRun.Status.DONE, timedelta(hours=2))
    assert import_reconcile_task() == 2
    for run in stuck:
        run.refresh_from_db()
        assert run.status == ImportRun.Status.FAILED and "长时间没有进展" in run.message
    live.refresh_from_db()
    done.refresh_from_db()
    assert (live.status, done.status) == (ImportRun.Status.RUNNING, ImportRun.Status.DONE)


def test_the_reconciler_is_on_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "uploads.tasks.import_reconcile_task" in tasks
