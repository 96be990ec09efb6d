"""Two people acting on the same checklist at once: one wins, the other is told of the conflict.
Real row locks need PostgreSQL and two connections (two threads here)."""

import threading
import time

import pytest
from django.db import connections, transaction

from access.gate import SYSTEM
from catalogues.tests.conftest import answers_for
from core.errors import Conflict
from scoring.choices import ChecklistState
from scoring.models import Checklist
from scoring.services.checklists import answers_save, checklist_lock, checklist_open
from scoring.services.workflow import checklist_pass, checklist_return, checklist_submit

pytestmark = pytest.mark.django_db(transaction=True)


def run_in_thread(fn, results, key, start):
    def target():
        start.wait()
        try:
            results[key] = fn()
        except Exception as error:  # the outcome is what the test inspects
            results[key] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    return thread


@pytest.fixture
def submitted(world, rural, cycle):
    checklist = checklist_open(branch=world.branch(world.v1), cycle=cycle, user=SYSTEM)
    answers_save(checklist=checklist, user=world.sec_v1, answers=answers_for(rural))
    checklist_submit(checklist=checklist, user=world.sec_v1)
    return checklist


def test_pass_and_return_at_the_same_moment_one_wins_and_one_gets_a_conflict(world, submitted):
    second_clerk = world.town1_user
    results: dict = {}
    start = threading.Barrier(2)
    threads = [
        run_in_thread(
            lambda: checklist_pass(
                checklist=Checklist.objects.get(pk=submitted.pk), user=world.town1_user
            ),
            results,
            "pass",
            start,
        ),
        run_in_thread(
            lambda: checklist_return(
                checklist=Checklist.objects.get(pk=submitted.pk),
                user=second_clerk,
                reason="材料不全",
            ),
            results,
            "return",
            start,
        ),
    ]
    for thread in threads:
        thread.join(timeout=20)
    outcomes = sorted(type(r).__name__ for r in results.values())
    assert outcomes == ["Checklist", "Conflict"], results
    final = Checklist.objects.get(pk=submitted.pk)
    winner = next(k for k, r in results.items() if not isinstance(r, Exception))
    assert (
        final.state == {"pass": ChecklistState.REVIEWED, "return": ChecklistState.RETURNED}[winner]
    )
    assert final.transitions.count() == 2  # submit + the winner's step, never both
    loser = next(r for r in results.values() if isinstance(r, Conflict))
    assert "请刷新" in str(loser)


def test_the_second_waits_for_the_lock_then_sees_the_first_ones_state(world, submitted):
    """The first holds the row lock for a while; the second blocks, then gets the conflict."""
    results: dict = {}
    locked = threading.Event()

    def first():
        with transaction.atomic():
            checklist = checklist_lock(pk=submitted.pk, user=world.town1_user, action="pass")
            locked.set()
            time.sleep(0.5)
            checklist_pass(checklist=checklist, user=world.town1_user)
        return "passed"

    def second():
        locked.wait(5)
        started = time.monotonic()
        try:
            checklist_pass(checklist=Checklist.objects.get(pk=submitted.pk), user=world.town1_user)
        except Conflict as error:
            return ("conflict", time.monotonic() - started, str(error))
        return ("won", time.monotonic() - started, "")

    start = threading.Barrier(2)
    t1 = run_in_thread(first, results, "first", start)
    t2 = run_in_thread(second, results, "second", start)
    t1.join(20)
    t2.join(20)
    assert results["first"] == "passed"
    outcome, waited, message = results["second"]
    assert outcome == "conflict" and "乡镇已初审" in message
    assert waited >= 0.3  # it blocked on the row lock instead of reading the old state
    final = Checklist.objects.get(pk=submitted.pk)
    assert list(final.transitions.values_list("action", flat=True)) == ["submit", "pass"]
