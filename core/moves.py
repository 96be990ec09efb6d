"""Helpers for migrations that move a model between apps with its table (state only)."""

from typing import Any


def content_types_moved(from_label: str, to_label: str, *models: str) -> Any:
    """A RunPython step: admin log entries and permissions keep pointing at the moved models.

    A fresh database has no content types yet while it migrates (they are made afterwards), so
    there this does nothing."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        content_type = apps.get_model("contenttypes", "ContentType")
        for model in models:
            if not content_type.objects.filter(app_label=to_label, model=model).exists():
                content_type.objects.filter(app_label=from_label, model=model).update(
                    app_label=to_label
                )

    return forwards
