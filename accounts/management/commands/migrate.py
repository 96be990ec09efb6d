"""Django's `migrate`, which first brings a database from before the accounts move into line.

User moved from villages to accounts (November 2026). Django's own migrations (admin, authtoken)
and ours depend on the first migration of the app that holds the user model, so a database
migrated before the move would be refused as inconsistent (they are applied, accounts 0001 is
not). That migration only takes the model into the state and writes nothing, so recording it as
applied where the old tables exist is exactly what running it would have done.
"""

from typing import Any

from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

BEFORE_MOVE = ("villages", "0003_audit_entry")
STATE_ONLY_MOVE = ("accounts", "0001_initial")


def record_state_only_move(alias: str) -> bool:
    """Record accounts 0001 as applied on a database migrated before the move; True if done."""
    recorder = MigrationRecorder(connections[alias])
    if not recorder.has_table():
        return False
    applied = recorder.applied_migrations()
    if BEFORE_MOVE in applied and STATE_ONLY_MOVE not in applied:
        recorder.record_applied(*STATE_ONLY_MOVE)
        return True
    return False


class Command(DjangoMigrate):
    def handle(self, *args: Any, **options: Any) -> None:
        if record_state_only_move(options["database"]) and options["verbosity"] >= 1:
            self.stdout.write(
                "  accounts.0001_initial recorded as applied (User moved from villages)"
            )
        super().handle(*args, **options)
