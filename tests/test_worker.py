"""A real Celery worker process, on Redis and PostgreSQL, runs a real task to the end."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from access.gate import SYSTEM
from branches.tasks import register_import_start, register_import_task
from uploads.models import ImportRun
from uploads.spreadsheets import Upload
from villages.models import Village

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    if db["HOST"].startswith("/"):  # the embedded server's socket folder
        return f"postgres://{auth}@/{db['NAME']}?host={db['HOST']}"
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(autouse=True)
def _needs_services():
    if not settings.CELERY_BROKER_URL:
        pytest.skip("needs CELERY_BROKER_URL (Redis), as CI sets")


def start_worker(queue: str, **extra_env: str) -> subprocess.Popen:  # type: ignore[type-arg]
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DATABASE_CONN_MAX_AGE": "0",
        "CELERY_TASK_DEFAULT_QUEUE": queue,  # what the worker itself sends stays on its queue
        **extra_env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "solo", "-Q", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


@pytest.fixture
def worker():
    queue = f"wuxing-test-{uuid.uuid4().hex[:8]}"
    process = start_worker(queue)
    yield queue
    process.terminate()
    output, _ = process.communicate(timeout=30)
    print(output)


def test_a_worker_process_imports_a_recorded_upload(world, worker):
    content = "区划代码,名称,类型\n419921100202,赵岗村,农村\n419921101202,钱店村,农村\n".encode()
    run = register_import_start(
        kind="villages", upload=Upload("v.csv", content), user=world.county_user
    )
    register_import_task.apply_async(args=[run.pk], queue=worker)
    # The run row is the record (task results are not stored): wait for it to finish.
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and run.status != ImportRun.Status.DONE:
        time.sleep(0.2)
        run.refresh_from_db()
    assert (run.status, run.progress, run.created) == (ImportRun.Status.DONE, 100, 2)
    assert Village.objects.get(code="419921101202").township == world.town2


def test_a_worker_process_checks_and_writes_a_big_answer_sheet(world, worker, monkeypatch):
    from catalogues.services import cycle_get_or_create
    from catalogues.tests.conftest import YEAR, make_catalogue
    from scoring.models import Answer
    from scoring.tasks import answers_import_start
    from scoring.tests.test_answer_import import xlsx

    make_catalogue("rural")
    cycle = cycle_get_or_create(code=str(YEAR))
    from config.celery import app

    # The on-commit message goes to this test's worker queue, as the default queue has none.
    monkeypatch.setitem(app.conf, "task_default_queue", worker)
    content = xlsx([[world.v1.code, world.v1.name, "是", 6, 98, "250,000"]])
    monkeypatch.setattr(settings, "WUXING_IMPORT_SYNC_CELLS", 3)
    run = answers_import_start(
        upload=Upload("大表.xlsx", content), user=world.town1_user, cycle=cycle, dry_run=False
    )
    assert run.status == ImportRun.Status.PENDING
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and run.status != ImportRun.Status.DONE:
        time.sleep(0.2)
        run.refresh_from_db()
    assert (run.status, run.progress, run.created) == (ImportRun.Status.DONE, 100, 4)
    assert (
        Answer.objects.filter(checklist__branch__village=world.v1, criterion__fact="").count() == 4
    )


@pytest.mark.parametrize("level", ["county", "city", "province"])
def test_a_worker_killed_mid_tally_leaves_the_last_snapshot_and_a_rerun_completes(
    world, client, monkeypatch, settings, level
):
    """SIGKILL a worker while it tallies a township: nothing half-written is ever visible, the
    dashboard keeps the last good snapshot, and the next 立即统计 — once the dead run has been
    silent longer than WUXING_TALLY_ALIVE_SECONDS, a minute by default — fails it and starts
    afresh instead of joining it, and completes. The same for a city's and a province's run,
    which write their counties' snapshots and their own together."""
    import signal
    import time

    from catalogues.services import cycle_get_or_create
    from catalogues.tests.conftest import YEAR, make_catalogue
    from config.celery import app
    from tallies.models import TallyRun, TallySnapshot
    from tallies.services import tally_inline
    from tallies.tasks import tally_start

    make_catalogue("rural")
    make_catalogue("community")
    cycle = cycle_get_or_create(code=str(YEAR))
    place = {"county": world.county, "city": world.county.city,
             "province": world.county.city.province}[level]  # fmt: skip
    first = tally_inline(place=place, cycle=cycle)
    assert first is not None
    good = set(TallySnapshot.objects.values_list("pk", flat=True))  # a city's: three
    queue = f"wuxing-fault-{uuid.uuid4().hex[:8]}"
    monkeypatch.setitem(app.conf, "task_default_queue", queue)
    slow = start_worker(queue, WUXING_TALLY_PART_PAUSE_MS="3000")
    try:
        time.sleep(2)
        run, started = tally_start(place=place, cycle=cycle, user=SYSTEM)
        assert started
        deadline = time.monotonic() + 60
        while TallyRun.objects.get(pk=run.pk).status != TallyRun.Status.RUNNING:
            assert time.monotonic() < deadline, "the worker never took the run"
            time.sleep(0.1)
        while not TallyRun.objects.filter(pk=run.pk, parts_total__gt=0).exists():
            time.sleep(0.1)
        time.sleep(1)  # inside the first township's part now (each pauses 3 s)
        slow.send_signal(signal.SIGKILL)
        slow.wait(10)
    finally:
        if slow.poll() is None:
            slow.kill()
    run.refresh_from_db()
    assert run.status == TallyRun.Status.RUNNING and run.parts_done < run.parts_total
    assert set(TallySnapshot.objects.values_list("pk", flat=True)) == good
    client.force_login({"county": world.county_user, "city": world.city_user,
                        "province": world.province_user}[level])  # fmt: skip
    page = client.get("/dashboard/", {"cycle": cycle.code}).content.decode()
    assert timezone.localtime(first.created_at).strftime("%Y-%m-%d %H:%M") in page
    assert "正在统计" in page  # and it says a tally is under way
    joined, started = tally_start(place=place, cycle=cycle, user=SYSTEM)
    assert not started and joined.pk == run.pk  # alive a moment ago: joined, as it should be
    settings.WUXING_TALLY_ALIVE_SECONDS = 2
    time.sleep(2.5)  # the killed part's heartbeat is now older than that
    fresh = start_worker(queue)
    try:
        rerun, started = tally_start(place=place, cycle=cycle, user=SYSTEM)
        assert started and rerun.pk != run.pk
        run.refresh_from_db()
        assert run.status == TallyRun.Status.FAILED and "工作进程停止响应" in run.error
        deadline = time.monotonic() + 90
        while TallyRun.objects.get(pk=rerun.pk).status in TallyRun.LIVE:
            assert time.monotonic() < deadline, "the rerun did not finish"
            time.sleep(0.2)
    finally:
        fresh.terminate()
        output, _ = fresh.communicate(timeout=30)
        print(output)
    rerun.refresh_from_db()
    assert rerun.status == TallyRun.Status.DONE and rerun.progress == 100
    latest = TallySnapshot.objects.filter(**rerun.place_filter).order_by("-created_at").first()
    assert latest.run_id == rerun.pk and latest.data["branches"] == first.data["branches"]
    assert TallySnapshot.objects.filter(run=rerun).count() == len(good)
