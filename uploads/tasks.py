"""Handing recorded imports to the workers (the import tasks live with the app whose records
they write: branches.tasks, scoring.tasks), and ending runs that stopped moving."""

from typing import Any

from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext as _

from core.tasks import enqueue
from uploads.models import ImportRun
from uploads.services import import_runs_fail_stale


def queue_was_down(run: ImportRun) -> bool:
    """Whether `run` failed because the queue could not take it (an API answers 503 then)."""
    return run.status == ImportRun.Status.FAILED and run.message == queue_down_message()


def queue_down_message() -> str:
    return _("任务队列（Redis）暂时无法连接，导入没有开始，没有写入任何数据。请稍后重新上传。")


def import_enqueue(task: Any, run: ImportRun) -> None:
    """Hand a recorded import to a worker. When the queue (Redis) cannot be reached the run is
    failed at once with a message saying so, never left waiting for a worker that will not come."""
    task_id = enqueue(task, run.pk)
    if task_id is None:
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.FAILED,
            progress=100,
            message=queue_down_message(),
            finished_at=timezone.now(),
        )
        return
    ImportRun.objects.filter(pk=run.pk, task_id="").update(task_id=task_id)


@shared_task(soft_time_limit=120, time_limit=180)
def import_reconcile_task() -> int:
    """Fail import runs that stopped moving (beat, every few minutes)."""
    return import_runs_fail_stale()
