"""Faults: Redis down while people work; PostgreSQL gone in the middle of an import.

Redis is made unreachable for this process only (its broker address points at a closed port),
and PostgreSQL "restarts" for one connection only (pg_terminate_backend: the same error the app
sees when the server restarts, 57P01), so the other half of a parallel test run is untouched.
"""

import csv
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from access.gate import SYSTEM
from catalogues.services import cycle_get_or_create
from catalogues.tests.conftest import YEAR, answers_for, make_catalogue
from config.celery import app
from scoring.models import Answer, Checklist, StarScore
from scoring.services.checklists import answers_save, checklist_open
from scoring.tasks import answers_import_start
from tallies.models import TallyRun
from tallies.services import tally_inline
from tests.test_worker import start_worker
from uploads.models import ImportRun
from uploads.spreadsheets import Upload

DEAD_BROKER = "redis://127.0.0.1:9/0"  # the discard port: nothing listens, connections refused


@pytest.fixture
def redis_down(monkeypatch):
    """Tasks go to a broker nobody answers at, as when Redis has stopped."""
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_url", DEAD_BROKER)
    monkeypatch.setenv("CELERY_BROKER_URL", DEAD_BROKER)  # Celery reads the variable first
    # The result backend is the same Redis in every deployment: it is down too (publishing a
    # task subscribes to its result there, which once waited 19 s and then failed the page).
    monkeypatch.setitem(app.conf, "result_backend", DEAD_BROKER)
    _forget_connections()  # none made to a broker that was up
    yield
    monkeypatch.undo()
    _forget_connections()


def _forget_connections():
    app._pool = None
    app.amqp._producer_pool = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def county(world):
    cycle = cycle_get_or_create(code=str(YEAR))
    rural = make_catalogue("rural")
    make_catalogue("community")
    checklist = checklist_open(branch=world.branch(world.v1), cycle=cycle, user=SYSTEM)
    answers_save(checklist=checklist, user=world.sec_v1, answers=answers_for(rural))
    tally_inline(place=world.county, cycle=cycle)
    return cycle, rural, checklist


def sheet(world, rural, value: str) -> bytes:
    """Every criterion of the rural catalogue answered: yes/no ones `value`, numbers 0."""
    criteria = list(rural.criteria.order_by("order"))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["区划代码", "名称", *[c.code for c in criteria]])
    answers = [value if c.kind == "bool" else "0" for c in criteria]
    writer.writerow([world.v1.code, world.v1.name, *answers])
    return buffer.getvalue().encode()


@pytest.mark.django_db(transaction=True)  # work is handed on after a real commit
def test_with_redis_down_pages_serve_and_a_tally_says_it_cannot_start(
    client, api, world, county, redis_down
):
    cycle, _rural, checklist = county
    client.force_login(world.county_user)
    for url in (reverse("home"), reverse("dashboard"), reverse("checklist", args=[checklist.pk])):
        assert client.get(url).status_code == 200, url
    started = time.monotonic()
    page = client.post(reverse("tally-request"), {"cycle": cycle.code}, follow=True)
    assert time.monotonic() - started < 10  # the page answers soon, it does not hang
    text = page.content.decode()
    assert "任务队列（Redis）暂时无法连接，统计没有开始" in text
    assert not TallyRun.objects.filter(status__in=TallyRun.LIVE).exists()  # nothing left waiting

    api.force_authenticate(world.county_user)
    response = api.post("/api/v1/tallies/", {"county": world.county.code, "cycle": cycle.code})
    assert response.status_code == 503 and "统计没有开始" in response.json()["detail"]


@pytest.mark.django_db(transaction=True)  # work is handed on after a real commit
def test_with_redis_down_a_big_import_says_it_did_not_start_and_writes_nothing(
    client, api, world, county, redis_down, settings
):
    cycle, rural, checklist = county
    settings.WUXING_IMPORT_SYNC_CELLS = 10  # so that this sheet goes to a worker
    before = list(Answer.objects.filter(checklist=checklist).values_list("pk", "value_bool"))
    client.force_login(world.town1_user)
    upload = SimpleUploadedFile("城关镇.csv", sheet(world, rural, "否"))
    page = client.post(reverse("answers"), {"cycle": cycle.code, "file": upload}, follow=True)
    text = page.content.decode()
    assert "导入没有开始，没有写入任何数据" in text
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED
    api.force_authenticate(world.town1_user)
    upload = SimpleUploadedFile("城关镇.csv", sheet(world, rural, "否"))
    response = api.post(
        "/api/v1/imports/", {"cycle": cycle.code, "file": upload, "dry_run": "false"}
    )
    assert response.status_code == 503 and "导入没有开始" in response.json()["detail"]
    assert set(ImportRun.objects.values_list("status", flat=True)) == {ImportRun.Status.FAILED}
    after = list(Answer.objects.filter(checklist=checklist).values_list("pk", "value_bool"))
    assert after == before


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_postgresql_gone_mid_import_fails_that_attempt_cleanly_and_the_retry_writes_it_all(
    world, county, settings
):
    if not settings.CELERY_BROKER_URL:
        pytest.skip("needs CELERY_BROKER_URL (Redis), as CI sets")
    import uuid

    cycle, rural, checklist = county
    yes_before = Answer.objects.filter(checklist=checklist, value_bool=True).count()
    assert yes_before > 0
    settings.WUXING_IMPORT_SYNC_CELLS = 10
    queue = f"wuxing-test-{uuid.uuid4().hex[:8]}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    app.conf.task_default_queue = queue
    process = start_worker(queue)
    blocker = second_connection()
    try:
        # Hold the star-score rows the import rewrites after its answers: its transaction then
        # stops there, with the answers written but not committed.
        blocker.execute(
            "SELECT 1 FROM scoring_starscore WHERE checklist_id = %s FOR UPDATE", [checklist.pk]
        )
        run = answers_import_start(
            upload=Upload("城关镇.csv", sheet(world, rural, "否")),
            user=world.town1_user,
            cycle=cycle,
            dry_run=False,
        )
        admin = second_connection(autocommit=True)  # each statement sees fresh activity
        waiting = _wait_for(
            lambda: admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> %s",
                [blocker.info.backend_pid],
            ).fetchone()
        )
        assert waiting, ImportRun.objects.get(pk=run.pk).message
        admin.execute("SELECT pg_terminate_backend(%s)", [waiting[0]])
        admin.close()
        interrupted = _wait_for(
            lambda: ImportRun.objects.filter(pk=run.pk, message__contains="数据库连接中断").first()
        )
        assert interrupted and interrupted.status == ImportRun.Status.PENDING
        # Nothing of the broken attempt is there: the old answers stand, every one of them.
        assert Answer.objects.filter(checklist=checklist, value_bool=True).count() == yes_before
        blocker.rollback()  # the lock goes; the retry may now write
        done = _wait_for(
            lambda: ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.DONE).first(),
            seconds=60,
        )
        assert done is not None, ImportRun.objects.get(pk=run.pk).message
        assert Answer.objects.filter(checklist=checklist, value_bool=True).count() == 0
        assert Answer.objects.filter(checklist=checklist).count() == rural.criteria.count()
        assert StarScore.objects.filter(checklist=checklist, earned=True).count() == 0
        assert Checklist.objects.get(pk=checklist.pk).level == 0
    finally:
        blocker.close()
        process.terminate()
        output, _ = process.communicate(timeout=30)
        print(output)


def second_connection(autocommit: bool = False):  # type: ignore[no-untyped-def]
    """A connection of the test's own, beside Django's, to the same database."""
    import psycopg

    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        dbname=db["NAME"],
        autocommit=autocommit,
    )


def _wait_for(probe, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.05)
    return None


@pytest.mark.django_db(transaction=True)
def test_a_page_whose_database_connection_is_cut_answers_503_and_the_next_one_works(client, world):
    client.force_login(world.county_user)
    assert client.get(reverse("home")).status_code == 200
    with second_connection(autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
    page = client.get(reverse("home"))
    assert page.status_code == 503
    assert "数据库暂时无法连接，本次操作没有保存任何内容" in page.content.decode()
    api = client.get("/api/v1/villages/")
    assert api.status_code == 200  # a fresh connection: the app recovers by itself


@pytest.mark.django_db
def test_the_health_check_reports_the_database_and_the_queue_each(client, redis_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "queue": "down"}
    # The web's own check (compose) depends on the database alone.
    assert client.get("/healthz?only=database").json() == {"database": "ok"}
