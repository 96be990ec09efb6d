"""Load: 50 concurrent users for 60 s against gunicorn on PostgreSQL, over the dashboard, the
checklist page and the score API. Target: p95 ≤ 300 ms on each, no errors.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/load.py

Builds the demo county in a scratch database (wuxing_load), collects static files, starts
gunicorn (WUXING_LOAD_WORKERS processes × WUXING_LOAD_THREADS threads) with production settings
on loopback, runs locust headless (bench/locustfile.py) and prints each endpoint's figures.
Exits 1 when a target is missed. Logins are counted apart: they hash a password on purpose.
"""

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import scratch_database

ROOT = Path(__file__).resolve().parent.parent
PORT = 8765
USERS, SECONDS, P95_MS = 50, 60, 300
PASSWORD = "load-test-2026"  # noqa: S105  (the scratch database's load accounts)


def prepare(folder: Path) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from accounts.models import User
    from catalogues.selectors import catalogue_load
    from scoring.models import Checklist
    from scoring.selectors import answers_of

    call_command("load_catalogues", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    hashed = make_password(PASSWORD)  # one hash for every load account: logins stay real
    secretaries = []
    for checklist in (
        Checklist.objects.filter(cycle__quarter=None, branch__secretary__isnull=False)
        .select_related("branch__secretary", "catalogue")
        .order_by("pk")[:40]
    ):
        loaded = catalogue_load(catalogue=checklist.catalogue)
        answers = {
            k: (float(v) if not isinstance(v, bool) else v)
            for k, v in answers_of(checklist, loaded).items()
            if v is not None
        }
        secretaries.append(
            {
                "username": checklist.branch.secretary.username,
                "checklist": checklist.pk,
                "catalogue": checklist.catalogue.code,
                "answers": answers,
            }
        )
    User.objects.filter(username__in=[s["username"] for s in secretaries] + ["county"]).update(
        password=hashed
    )
    # Signed in beforehand: logins hash a password on purpose (PBKDF2, about 0.5 s of CPU
    # each) and are measured apart (see main), not mixed into the three pages' figures.
    for secretary in secretaries:
        secretary["session"], secretary["token"] = signed_in(secretary["username"])
    county_session, _token = signed_in("county")
    accounts = {"password": PASSWORD, "county": county_session, "secretaries": secretaries}
    from django.db import connection

    with connection.cursor() as cursor:  # statistics, as a database in service has them
        cursor.execute("ANALYZE")
    (folder / "accounts.json").write_text(json.dumps(accounts, ensure_ascii=False), "utf-8")
    return accounts


def signed_in(username: str) -> tuple[str, str]:
    """A session (as the login page would leave) and an API token for `username`."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from rest_framework.authtoken.models import Token

    from accounts.models import User

    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    token, _created = Token.objects.get_or_create(user=user)
    return session.session_key or "", token.key


def main() -> int:
    if not scratch_database("wuxing_load"):
        return 0
    folder = Path(tempfile.mkdtemp(prefix="wuxing-load-"))
    started = time.monotonic()
    accounts = prepare(folder)
    took = time.monotonic() - started
    print(f"demo county seeded, {len(accounts['secretaries'])} secretaries ({took:.0f} s)")
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "load-test-" + "x" * 40,
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "STATIC_ROOT": str(folder / "static"),
        "LOG_LEVEL": "WARNING",
        "WUXING_LOAD_ACCOUNTS": str(folder / "accounts.json"),
    }
    env.pop("CELERY_BROKER_URL", None)  # no tally is started under load
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    workers = os.environ.get("WUXING_LOAD_WORKERS", "3")
    threads = os.environ.get("WUXING_LOAD_THREADS", "4")
    server = subprocess.Popen(
        [str(Path(python).parent / "gunicorn"), "config.wsgi", "-c", "config/gunicorn.py",
         "-b", f"127.0.0.1:{PORT}", "-w", workers, "--threads", threads,
         "--error-logfile", str(folder / "gunicorn.log")],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz?only=database", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        before = cpu_times()
        subprocess.run(
            [str(Path(python).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"),
             "--headless", "-u", str(USERS), "-r", "10", "-t", f"{SECONDS}s",
             "--host", f"http://127.0.0.1:{PORT}", "--csv", str(folder / "load"), "--only-summary"],
            cwd=ROOT, env=env, check=False,
        )  # fmt: skip
        after = cpu_times()
    finally:
        server.terminate()
        server.wait(timeout=30)
    spent = [b - a for a, b in zip(before, after, strict=True)]
    busy = 100 * (sum(spent) - spent[3] - spent[4]) / sum(spent)
    steal = 100 * spent[7] / sum(spent) if len(spent) > 7 else 0.0
    print(f"\nCPU during the run: {busy:.0f}% busy, {steal:.0f}% stolen by the host (steal)")
    return report(folder / "load_stats.csv", workers, threads)


def cpu_times() -> list[int]:
    """The machine's CPU counters (user nice system idle iowait irq softirq steal …)."""
    with open("/proc/stat", encoding="ascii") as stat:
        return [int(n) for n in stat.readline().split()[1:]]


def report(stats: Path, workers: str, threads: str) -> int:
    rows = list(csv.DictReader(stats.open(encoding="utf-8")))
    print(f"\ngunicorn {workers} workers × {threads} threads, {USERS} users, {SECONDS} s")
    print(
        f"{'endpoint':<16}{'requests':>9}{'failures':>9}{'median':>8}{'p95':>7}{'p99':>7}{'rps':>7}"
    )
    missed = []
    for row in rows:
        name = row["Name"]
        p95, failures = float(row["95%"]), int(row["Failure Count"])
        print(
            f"{name:<16}{row['Request Count']:>9}{failures:>9}{row['50%']:>8}{row['95%']:>7}"
            f"{row['99%']:>7}{float(row['Requests/s']):>7.1f}"
        )
        if name in ("dashboard", "checklist page", "score API") and (p95 > P95_MS or failures):
            missed.append(name)
    print("targets met" if not missed else f"targets missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
