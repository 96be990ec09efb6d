"""Evidence (佐证材料) attached to answers: checked by their bytes, kept out of public reach."""

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from access.gate import gated
from audit.services import audit
from catalogues.selectors import catalogue_load
from scoring.choices import AuditAction
from scoring.models import Answer, Checklist, Evidence
from scoring.services.checklists import checklist_lock, checklist_touch
from uploads.evidence import evidence_check

EVIDENCE_PER_ANSWER = 9


@gated("edit", on="checklist")
@transaction.atomic
def evidence_add(
    *, checklist: Checklist, criterion_code: str, upload: UploadedFile, user: Any
) -> Evidence:
    """Attach a photo (JPEG, PNG) or PDF to one criterion's answer of an editable checklist."""
    locked = checklist_lock(pk=checklist.pk, user=user, action="edit")
    loaded = catalogue_load(catalogue=locked.catalogue)
    if criterion_code not in loaded.id_of:
        raise ValidationError(_("指标编码“%(code)s”不存在。") % {"code": criterion_code})
    content_type, suffix = evidence_check(upload)
    answer, _created = Answer.objects.get_or_create(
        checklist=locked, criterion_id=loaded.id_of[criterion_code]
    )
    if answer.evidence.count() >= EVIDENCE_PER_ANSWER:
        raise ValidationError(_("每项最多上传%(n)s个佐证材料。") % {"n": EVIDENCE_PER_ANSWER})
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = Evidence(
        answer=answer,
        name=(upload.name or f"evidence.{suffix}")[-200:],
        content_type=content_type,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=user,
    )
    evidence.file.save(f"upload.{suffix}", upload, save=False)
    evidence.save()
    checklist_touch(locked)
    audit(
        user=user,
        action=AuditAction.EVIDENCE_ADD,
        target=locked,
        after=_evidence_picture(evidence, criterion_code),
    )
    return evidence


def _evidence_picture(evidence: Evidence, criterion_code: str) -> dict[str, Any]:
    return {
        "criterion": criterion_code,
        "name": evidence.name,
        "size": evidence.size,
        "sha256": evidence.sha256,
    }


@gated("edit", on="evidence")
@transaction.atomic
def evidence_remove(*, evidence: Evidence, user: Any) -> None:
    checklist = evidence.answer.checklist
    locked = checklist_lock(pk=checklist.pk, user=user, action="edit")
    code = evidence.answer.criterion.code
    audit(
        user=user,
        action=AuditAction.EVIDENCE_REMOVE,
        target=locked,
        before=_evidence_picture(evidence, code),
    )
    evidence.delete()
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: evidence.file.delete(save=False))
    checklist_touch(locked)
