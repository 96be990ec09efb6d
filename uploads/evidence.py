"""Checks for evidence files (photos and PDFs) wherever people upload them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

EVIDENCE_TYPES = {  # leading bytes → (content type, suffix); the name and browser are not trusted
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
    b"%PDF-": ("application/pdf", "pdf"),
}


def evidence_check(upload: UploadedFile) -> tuple[str, str]:
    """The file's content type and suffix, judged by its bytes; ValidationError in Chinese if it
    is too big or not a JPEG, PNG or PDF."""
    limit = settings.WUXING_EVIDENCE_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("“%(name)s”太大（%(size).1f MB），每个文件不超过%(limit)s MB。")
            % {"name": upload.name, "size": (upload.size or 0) / 1048576, "limit": limit // 1048576}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, kind in EVIDENCE_TYPES.items():
        if head.startswith(magic):
            return kind
    raise ValidationError(
        _("“%(name)s”不是照片（JPG、PNG）或PDF文件，请换一个文件。") % {"name": upload.name}
    )
