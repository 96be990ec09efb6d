"""Register imports as recorded runs: the upload is kept, checked and written by a worker."""

import hashlib
from dataclasses import asdict

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from access.gate import gated, internal
from accounts.models import User
from branches.registers import REGISTERS
from uploads.imports import register_import
from uploads.models import ImportRun
from uploads.spreadsheets import Upload


@gated("registers.import")
def register_import_record(
    *, kind: str, upload: Upload, user: User, dry_run: bool = False
) -> ImportRun:
    """Record the upload as a pending run (`branches.tasks.register_import_start` sends it on)."""
    if kind not in REGISTERS:
        raise ValidationError({"kind": _("未知的名录类别“%(kind)s”。") % {"kind": kind}})
    run = ImportRun(
        kind=kind,
        user=user,
        file_name=upload.name,
        sha256=hashlib.sha256(upload.content).hexdigest(),
        dry_run=dry_run,
    )
    run.file.save(upload.name, ContentFile(upload.content), save=False)
    run.save()
    return run


@internal("the worker runs a run that the gated record step recorded")
def register_import_execute(*, run: ImportRun) -> ImportRun:
    """Import a recorded upload (all or nothing) and store the outcome on the run."""
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING, progress=10)
    resource = REGISTERS[run.kind](user=run.user)
    report = register_import(resource=resource, upload=run.upload(), dry_run=run.dry_run)
    run.status = ImportRun.Status.DONE if report.ok else ImportRun.Status.FAILED
    run.progress = 100
    run.total, run.created, run.changed = report.total, report.new, report.updated
    run.unchanged = report.unchanged
    run.errors = [asdict(error) for error in report.errors]
    run.finished_at = timezone.now()
    run.save()
    return run
