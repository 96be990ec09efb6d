"""The admin's spreadsheet import and export, through the gate."""

from typing import Any

from import_export.admin import ImportExportModelAdmin

from audit.admin import ScopedAdmin
from uploads.formats import EXPORT_FORMATS, IMPORT_FORMATS


class ScopedImportExportAdmin(ImportExportModelAdmin, ScopedAdmin):
    """Register import/export in the admin: the resource gets the user, so rows outside their
    place are refused, and exports hold only what the changelist shows."""

    import_formats = IMPORT_FORMATS
    export_formats = EXPORT_FORMATS

    def get_resource_kwargs(self, request: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return {"user": request.user}
