"""Notifying a whole county, on PostgreSQL and Redis, with two real Celery workers and a real
SMTP server (aiosmtpd) on loopback.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/14 .venv/bin/python bench/notify.py [--branches 1000]

A county of 1,000 branches, each secretary with an e-mail address, none submitted. The county's
staff press 一键催报 (`remind_unsubmitted`): the time to queue is that request's work, up to the
commit that hands the deliveries to the broker. Then the time until the SMTP server has received
every message. Targets: queueing ≤ 2 s (one request), delivery by two workers ≤ 60 s.
"""

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from common import county_with_branches, scratch_database

ROOT = Path(__file__).resolve().parent.parent


class Counter:
    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.received += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--branches", type=int, default=1000)
    args = parser.parse_args()
    if not os.environ.get("CELERY_BROKER_URL"):
        print("skipped: set CELERY_BROKER_URL to Redis (a database of its own, e.g. /14)")
        return
    from aiosmtpd.controller import Controller

    counter = Counter()
    smtp = Controller(counter, hostname="127.0.0.1", port=free_port())
    smtp.start()
    os.environ.update(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp.port))
    if not scratch_database("wuxing_bench_notify"):
        return
    from django.db import transaction
    from django.urls import reverse

    from accounts.choices import Role
    from accounts.models import User
    from branches.models import Branch
    from catalogues.services import cycle_get_or_create
    from config.celery import app
    from notifications.models import Delivery
    from scoring.services.notices import remind_unsubmitted

    app.control.purge()
    county = county_with_branches(args.branches)[0]
    branches = list(Branch.objects.select_related("village"))
    people = User.objects.bulk_create(
        User(
            username=f"139{n:08d}", name=f"书记{n}", role=Role.SECRETARY, village=b.village,
            email=f"sec{n}@example.cn", phone=f"139{n:08d}",
        )
        for n, b in enumerate(branches)
    )  # fmt: skip
    for branch, person in zip(branches, people, strict=True):
        branch.secretary = person
    Branch.objects.bulk_update(branches, ["secretary"])
    staff = User.objects.create(username="county", role=Role.COUNTY, county=county)
    cycle = cycle_get_or_create(code="2026")

    pool = [
        subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "solo", "-n",
             f"notify{i}@%h", "--without-gossip", "--without-mingle", "-l", "WARNING"],
            cwd=ROOT, env={**os.environ},
        )
        for i in range(2)
    ]  # fmt: skip
    try:
        time.sleep(3)  # let the workers connect
        reverse("home")  # a serving process has its URLs loaded (importing them takes ~1.7 s)
        started = time.perf_counter()
        with transaction.atomic():
            told = remind_unsubmitted(user=staff, cycle=cycle)
        queued = time.perf_counter() - started
        deadline = time.monotonic() + 300
        while counter.received < told and time.monotonic() < deadline:
            time.sleep(0.05)
        delivered = time.perf_counter() - started
        sent = Delivery.objects.filter(state="sent").count()
        print(f"queue:   {told} recipients notified and queued in {queued:.2f} s (one request)")
        print(
            f"deliver: {counter.received} e-mails received by the SMTP server in {delivered:.1f} s "
            f"({counter.received / delivered:.0f} a second, two workers); {sent} marked sent"
        )
        assert counter.received == told, "not every e-mail arrived"
    finally:
        for process in pool:
            process.terminate()
        for process in pool:
            process.wait(timeout=30)
        smtp.stop()


if __name__ == "__main__":
    main()
