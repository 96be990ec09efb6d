from django.db import migrations

from accounts.migrations import move_content_type


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="user", table=None),  # villages_user → accounts_user
        migrations.RunPython(move_content_type("accounts", "user"), migrations.RunPython.noop),
    ]
