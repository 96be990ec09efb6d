"""Handing recorded imports to the workers (the tasks themselves live with the app whose
records they write: branches.tasks, scoring.tasks)."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from config.celery import enqueue
from uploads.models import ImportRun


def import_enqueue(task: Any, run: ImportRun) -> None:
    """Hand a recorded import to a worker. When the queue (Redis) cannot be reached the run is
    failed at once with a message saying so, never left waiting for a worker that will not come."""
    task_id = enqueue(task, run.pk)
    if task_id is None:
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.FAILED,
            progress=100,
            message=_(
                "任务队列（Redis）暂时无法连接，导入没有开始，没有写入任何数据。请稍后重新上传。"
            ),
            finished_at=timezone.now(),
        )
        return
    ImportRun.objects.filter(pk=run.pk, task_id="").update(task_id=task_id)
