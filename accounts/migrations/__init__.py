"""Migrations of accounts, and one helper they share with audit and uploads."""


def move_content_type(app_label, model):
    """Admin log entries and permissions keep pointing at the moved model."""

    def forwards(apps, schema_editor):
        content_type = apps.get_model("contenttypes", "ContentType")
        if not content_type.objects.filter(app_label=app_label, model=model).exists():
            content_type.objects.filter(app_label="villages", model=model).update(
                app_label=app_label
            )

    return forwards
