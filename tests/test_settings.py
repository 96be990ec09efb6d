"""Settings come from the environment through strict helpers; production passes check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings.env import env_bool, env_database, env_int, env_list

ROOT = Path(__file__).resolve().parent.parent


def test_a_boolean_that_is_not_one_fails_loudly(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be a boolean"):
        env_bool("DEBUG", False)


def test_an_integer_that_is_not_one_fails_loudly(monkeypatch):
    monkeypatch.setenv("WUXING_UPLOAD_MAX_BYTES", "10MB")
    with pytest.raises(ImproperlyConfigured, match="integer"):
        env_int("WUXING_UPLOAD_MAX_BYTES", 1)


def test_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "wuxing.example.cn, 10.0.0.5 ,")
    assert env_list("ALLOWED_HOSTS", []) == ["wuxing.example.cn", "10.0.0.5"]


def test_a_database_url_is_parsed_and_a_bad_one_refused(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db:5432/wuxing")
    config = env_database("DATABASE_URL")
    assert (config["ENGINE"], config["NAME"], config["HOST"]) == (
        "django.db.backends.postgresql",
        "wuxing",
        "db",
    )
    monkeypatch.setenv("DATABASE_URL", "nosuchdb://x")
    with pytest.raises(ImproperlyConfigured):
        env_database("DATABASE_URL")


def test_a_socket_folder_is_the_host_and_no_other_engine_is_taken(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@/wuxing?host=/srv/wuxing/.pgdata")
    assert env_database("DATABASE_URL")["HOST"] == "/srv/wuxing/.pgdata"
    monkeypatch.setenv("DATABASE_URL", "sqlite:///db.sqlite3")
    with pytest.raises(ImproperlyConfigured, match="PostgreSQL"):
        env_database("DATABASE_URL")
    monkeypatch.delenv("DATABASE_URL")
    with pytest.raises(ImproperlyConfigured, match="embedded PostgreSQL"):
        env_database("DATABASE_URL")


def run_check(extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = run_check(
        {"DEBUG": "false", "SECRET_KEY": "x" * 20 + "-a-long-random-production-key-7f3"}
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_development_key_fails_the_deploy_check():
    result = run_check({"DEBUG": "false"})
    assert result.returncode != 0 and "wuxing.E001" in result.stdout + result.stderr


@pytest.mark.django_db
def test_the_health_check_is_ok_when_the_database_and_the_queue_answer(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    queue = "ok" if settings.CELERY_BROKER_URL else "not used"
    assert response.json() == {"database": "ok", "queue": queue}


def test_a_web_process_finds_the_tasks_services_name():
    """A page that queues work by a task's name (activation codes by e-mail, deliveries) ran in
    a process where nothing had imported the tasks module: Celery only discovers the apps'
    tasks in a worker, so the name was unknown and the request failed after its commit."""
    found = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); import config.urls; "
            "from core.tasks import task_named; "
            "print(task_named('notifications.tasks.message_send_task').name, "
            "task_named('notifications.tasks.deliveries_send_task').name)",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert found.returncode == 0, found.stderr
    assert found.stdout.split() == [
        "notifications.tasks.message_send_task",
        "notifications.tasks.deliveries_send_task",
    ]
