"""A database migrated before the accounts/audit/uploads move upgrades in place, data kept.

`tests/data/schema_d33348e.sql.gz` is `pg_dump --inserts` of a database migrated and filled at
commit d33348e (the last before the move): a county with users of each role, a group, an API
token, a branch with its secretary, an import run with its file, an audit entry and an admin
log entry about a user.
"""

import gzip
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
DUMP = Path(__file__).parent / "data" / "schema_d33348e.sql.gz"


def connect(dbname: str):  # type: ignore[no-untyped-def]
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
    )


def url(dbname: str) -> str:
    db = connection.settings_dict
    if db["HOST"].startswith("/"):
        return f"postgres://{db['USER']}@/{dbname}?host={db['HOST']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{dbname}"


def manage(dbname: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url(dbname)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture
def old_database(db):  # type: ignore[no-untyped-def]
    name = f"wuxing_upgrade_{uuid.uuid4().hex[:8]}"
    with connect("postgres") as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with connect(name) as old:
            old.execute(gzip.decompress(DUMP.read_bytes()).decode())
        yield name
    finally:
        with connect("postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_database_from_before_the_move_migrates_with_its_users_runs_and_audit_kept(
    old_database,
):
    output = manage(old_database, "migrate", "--noinput")
    assert "accounts.0001_initial recorded as applied" in output
    assert "Applying accounts.0002_user_table... OK" in output

    with connect(old_database) as moved:
        users = moved.execute(
            "SELECT username, role FROM accounts_user ORDER BY username"
        ).fetchall()
        assert users == [("13900000001", "secretary"), ("county", "county"), ("town1", "township")]
        assert moved.execute(
            "SELECT u.username FROM branches_branch b JOIN accounts_user u ON u.id = b.secretary_id"
        ).fetchall() == [("13900000001",)]
        assert moved.execute(
            "SELECT g.name FROM accounts_user_groups ug JOIN auth_group g ON g.id = ug.group_id"
        ).fetchall() == [("审核组",)]
        assert moved.execute(
            "SELECT r.file_name, u.username FROM uploads_importrun r "
            "JOIN accounts_user u ON u.id = r.user_id"
        ).fetchall() == [("城关镇.xlsx", "town1")]
        assert moved.execute(
            "SELECT a.target, u.username FROM audit_auditentry a "
            "JOIN accounts_user u ON u.id = a.user_id"
        ).fetchall() == [("王庄村", "town1")]
        assert moved.execute(
            "SELECT c.app_label, c.model FROM django_admin_log l "
            "JOIN django_content_type c ON c.id = l.content_type_id"
        ).fetchall() == [("accounts", "user")]
        old_tables = moved.execute(
            "SELECT tablename FROM pg_tables WHERE tablename IN "
            "('villages_user', 'villages_importrun', 'villages_auditentry')"
        ).fetchall()
        assert old_tables == []

    # The same people still sign in, with their old passwords and API token.
    checked = manage(
        old_database,
        "shell",
        "-c",
        "from accounts.models import User; "
        "from rest_framework.authtoken.models import Token; "
        "user = User.objects.get(username='town1'); "
        "print(user.check_password('upgrade-pass-9'), user.place.name, "
        "Token.objects.get(key='0' * 40).user.name)",
    )
    assert checked.splitlines()[-1].split() == ["True", "城关镇", "王书记"]
    assert "No migrations to apply" in manage(old_database, "migrate", "--noinput")
