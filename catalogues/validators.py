"""Checks on scoring records that services and the spreadsheet resources share."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from catalogues.models import Catalogue


def catalogue_ensure_editable(*, catalogue: Catalogue) -> None:
    """A published catalogue is frozen: results name it, so changes go into a new version."""
    if catalogue.is_published:
        raise ValidationError(
            _("标准“%(code)s”已发布，不能直接修改；请先“创建新版本”，在新版本上修改后发布。")
            % {"code": catalogue.code}
        )
