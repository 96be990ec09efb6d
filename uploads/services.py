"""Writes for import runs that no single app owns: ending the ones that stopped moving."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from access.gate import internal
from uploads.models import ImportRun

# Longer than an import task may run with its retries (time limit 660 s, three retries).
STALE_AFTER = timedelta(minutes=45)


@internal("the beat fails runs left behind by a dead worker")
def import_runs_fail_stale(*, stale_after: timedelta = STALE_AFTER) -> int:
    """Fail runs still pending or running long after any worker would have finished them (a
    worker killed, a message lost): the person sees why instead of a run that waits for ever.
    Their writes are single transactions, so nothing of theirs was written."""
    return ImportRun.objects.filter(
        status__in=(ImportRun.Status.PENDING, ImportRun.Status.RUNNING),
        created_at__lt=timezone.now() - stale_after,
    ).update(
        status=ImportRun.Status.FAILED,
        progress=100,
        message=_(
            "导入长时间没有进展（处理进程可能已中断），已停止，没有写入任何数据。请重新上传。"
        ),
        finished_at=timezone.now(),
    )
