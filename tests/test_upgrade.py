"""Databases migrated before a move of models between apps upgrade in place, data kept.

Each `tests/data/schema_<commit>.sql.gz` is `pg_dump --inserts` of a database migrated and filled
at the last commit before a move:

- d33348e, before accounts, audit and uploads left villages: a county with users of each role,
  a group, an API token, a branch with its secretary, an import run with its file, an audit
  entry and an admin log entry about a user.
- 2718c99, before the rulebook left scoring for catalogues and the figures for tallies: the
  default catalogues, a cycle with a county's deadline, a checklist with answers, a tally run
  and its snapshot, a group allowed to change catalogues, an admin log entry about a catalogue
  and the beat's stored schedule naming the old task modules.
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
DATA = Path(__file__).parent / "data"


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
def old_database(request, db):  # type: ignore[no-untyped-def]
    name = f"wuxing_upgrade_{uuid.uuid4().hex[:8]}"
    with connect("postgres") as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with connect(name) as old:
            old.execute(gzip.decompress((DATA / request.param).read_bytes()).decode())
        yield name
    finally:
        with connect("postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize("old_database", ["schema_d33348e.sql.gz"], indirect=True)
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


@pytest.mark.parametrize("old_database", ["schema_2718c99.sql.gz"], indirect=True)
def test_a_database_from_before_the_rooms_moved_keeps_its_ratings_figures_and_schedule(
    old_database,
):
    output = manage(old_database, "migrate", "--noinput")
    assert "Applying catalogues.0001_initial... OK" in output
    assert "Applying tallies.0001_initial... OK" in output
    assert "Applying scoring.0011_moved_to_catalogues_and_tallies... OK" in output

    with connect(old_database) as moved:
        # The same tables, rows and ids: nothing was copied or renamed.
        assert moved.execute(
            "SELECT count(*) FROM scoring_criterion c JOIN scoring_catalogue k ON k.id = "
            "c.catalogue_id WHERE k.code = 'rural-2026'"
        ).fetchone() == (91,)
        assert moved.execute(
            "SELECT s.id, r.status FROM scoring_tallysnapshot s "
            "JOIN scoring_tallyrun r ON r.id = s.run_id"
        ).fetchall() == [(1, "done")]
        # Permissions and the admin's history follow the models to their new apps.
        assert moved.execute(
            "SELECT c.app_label FROM django_admin_log l "
            "JOIN django_content_type c ON c.id = l.content_type_id"
        ).fetchall() == [("catalogues",)]
        assert moved.execute(
            "SELECT c.app_label, p.codename FROM auth_group_permissions gp "
            "JOIN auth_permission p ON p.id = gp.permission_id "
            "JOIN django_content_type c ON c.id = p.content_type_id"
        ).fetchall() == [("catalogues", "change_catalogue")]
        assert moved.execute(
            "SELECT count(*) FROM django_content_type WHERE app_label = 'scoring' AND model IN "
            "('catalogue', 'criterion', 'cycle', 'tallyrun', 'tallysnapshot')"
        ).fetchone() == (0,)
        # The beat's stored schedule names the tasks where they now live.
        assert dict(
            moved.execute("SELECT name, task FROM django_celery_beat_periodictask").fetchall()
        ) == {
            "tally-reconcile": "tallies.tasks.tally_reconcile_task",
            "award-due": "scoring.tasks.award_due_task",
        }

    # The code reads them through the new apps: the checklist's catalogue and cycle, the
    # county's deadline and its latest figures.
    checked = manage(
        old_database,
        "shell",
        "-c",
        "from scoring.models import Checklist; "
        "from catalogues.selectors import deadline_of; "
        "from tallies.selectors.snapshots import snapshot_latest; "
        "from villages.models import County; "
        "c = Checklist.objects.select_related('catalogue', 'cycle').get(); "
        "county = County.objects.get(); "
        "print(c.catalogue.code, c.cycle.code, "
        "c.answers.filter(criterion__code__in=['ZB-01', 'ZB-02'], value_bool=True).count(), "
        "deadline_of(county_id=county.pk, cycle=c.cycle), "
        "snapshot_latest(place=county, cycle=c.cycle).data['branches'])",
    )
    assert checked.splitlines()[-1].split() == ["rural-2026", "2026", "2", "2026-12-20", "1"]
    assert "No migrations to apply" in manage(old_database, "migrate", "--noinput")
