"""A decision that can be taken once is taken once (issue 23.3): two people (two connections)
take it at the same moment; one wins, the other gets a Conflict (409 on the API, a message on
the page), and the record holds one decision, one audit entry."""

import threading
from datetime import date, timedelta

import pytest
from django.db import connections
from django.utils import timezone

from access.gate import SYSTEM
from audit.models import AuditEntry
from branches.models import Rating, Rectification, WeakLaxDecision
from branches.services import rectification_create, rectification_step
from branches.weak_lax import weak_lax_decide, weak_lax_list, weak_lax_propose_lift
from catalogues.services import cycle_get_or_create
from catalogues.tests.conftest import YEAR, answers_for
from core.errors import Conflict
from scoring.models import Adjustment, Checklist, Objection, Publicity, Revocation, VetoEvent
from scoring.services.checklists import answers_save, checklist_open
from scoring.services.events import event_record, event_withdraw, revocation_decide
from scoring.services.publicity import checklist_award, objection_rule, publicity_open
from scoring.services.quarters import adjustment_decide, adjustment_record
from scoring.services.workflow import checklist_approve, checklist_pass, checklist_submit
from tests.test_gate import _photo

pytestmark = pytest.mark.django_db(transaction=True)


def twice(decide):
    """Run `decide()` on two connections at once, each reading its own copy of the record as
    two requests would; the outcomes (a value or an exception)."""
    results = []
    start = threading.Barrier(2)

    def target():
        start.wait()
        try:
            results.append(decide())
        except Exception as error:  # the outcome is what the test inspects
            results.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def approved(world, cycle):
    checklist = checklist_open(branch=world.branch(world.v1), cycle=cycle, user=SYSTEM)
    answers_save(checklist=checklist, user=world.sec_v1, answers=answers_for(checklist.catalogue))
    checklist_submit(checklist=checklist, user=world.sec_v1)
    checklist_pass(checklist=checklist, user=world.town1_user)
    checklist_approve(checklist=checklist, user=world.county_user)
    return checklist


def in_publicity(world, cycle):
    checklist = approved(world, cycle)
    publicity_open(checklists=[checklist], user=world.county_user, days=5)
    return checklist


def ended():
    now = timezone.now()
    Publicity.objects.update(starts_at=now - timedelta(days=6), ends_at=now - timedelta(minutes=1))


def event(world):
    return event_record(
        user=world.town1_user, branch=world.branch(world.v1), kind="crime",
        happened_on=date(YEAR, 1, 9), place="村东头", description="盗窃案件",
    )  # fmt: skip


def withdraw(world, cycle):
    recorded = event(world)
    return (
        lambda: event_withdraw(
            user=world.county_user, event=VetoEvent.objects.get(pk=recorded.pk), reason="误报"
        ),
        lambda: VetoEvent.objects.filter(withdrawn_at__isnull=False).count(),
    )


def revocation(world, cycle):
    checklist = in_publicity(world, cycle)
    ended()
    checklist_award(checklist=checklist, user=world.county_user)
    proposal = event(world) and Revocation.objects.get()
    return (
        lambda: revocation_decide(
            user=world.county_user, revocation=Revocation.objects.get(pk=proposal.pk), confirm=True
        ),
        lambda: Revocation.objects.filter(state="confirmed").count(),
    )


def adjustment(world, cycle):
    quarter = cycle_get_or_create(code=f"{YEAR}Q1")
    checklist_open(branch=world.branch(world.v1), cycle=quarter, user=SYSTEM)
    item = adjustment_record(
        user=world.town1_user, branch=world.branch(world.v1), cycle=quarter, kind="JF-01",
        star="ZB", reason="获评先进", evidence=_photo(),
    )  # fmt: skip
    return (
        lambda: adjustment_decide(
            user=world.county_user, adjustment=Adjustment.objects.get(pk=item.pk), confirm=True
        ),
        lambda: Adjustment.objects.filter(state="confirmed").count(),
    )


def lifting(world, cycle):
    branch = world.branch(world.v1)
    weak_lax_list(
        user=world.county_user, branch=branch, effective_on=date(YEAR, 1, 5), reason="涣散"
    )
    proposal = weak_lax_propose_lift(
        user=world.town1_user, branch=branch, effective_on=timezone.localdate(),
        reason="整顿完成", evidence=_photo(),
    )  # fmt: skip
    return (
        lambda: weak_lax_decide(
            user=world.county_user,
            decision=WeakLaxDecision.objects.get(pk=proposal.pk),
            confirm=True,
        ),
        lambda: WeakLaxDecision.objects.filter(step="lifted", state="confirmed").count(),
    )


def ruling(world, cycle):
    checklist = in_publicity(world, cycle)
    objection = Objection.objects.create(checklist=checklist, name="群众", contact="1", text="不实")
    return (
        lambda: objection_rule(
            objection=Objection.objects.get(pk=objection.pk),
            user=world.county_user,
            upheld=False,
            ruling="不成立",
        ),
        lambda: Objection.objects.exclude(status="open").count(),
    )


def rectification(world, cycle):
    task = rectification_create(
        branch=world.branch(world.v1), cycle=cycle.code, star="CY", criterion="CY-01",
        title="发展集体经济", owner="张三", deadline=timezone.localdate() + timedelta(days=9),
        user=world.town1_user,
    )  # fmt: skip
    rectification_step(task=task, step="done", user=world.sec_v1, note="已整改")
    return (
        lambda: rectification_step(
            task=Rectification.objects.get(pk=task.pk), step="verify", user=world.town1_user
        ),
        lambda: AuditEntry.objects.filter(after__status="verified").count(),
    )


def publicity(world, cycle):
    checklist = approved(world, cycle)
    return (
        lambda: publicity_open(
            checklists=[Checklist.objects.get(pk=checklist.pk)], user=world.county_user, days=5
        ),
        lambda: Publicity.objects.count(),
    )


def award(world, cycle):
    checklist = in_publicity(world, cycle)
    ended()
    return (
        lambda: checklist_award(
            checklist=Checklist.objects.get(pk=checklist.pk), user=world.county_user
        ),
        lambda: Rating.objects.count() + AuditEntry.objects.filter(after__action="award").count(),
    )


DECISIONS = {
    "withdraw an event": (withdraw, 1),
    "decide a revocation": (revocation, 1),
    "decide an adjustment": (adjustment, 1),
    "decide a lifting": (lifting, 1),
    "rule on an objection": (ruling, 1),
    "verify a rectification": (rectification, 1),
    "open a publicity": (publicity, 1),
    "award": (award, 2),  # the rating and its step
}


@pytest.mark.parametrize("decision", DECISIONS)
def test_a_decision_taken_twice_at_once_is_taken_once(world, rural, cycle, decision):
    setup, recorded = DECISIONS[decision]
    decide, count = setup(world, cycle)
    outcomes = twice(decide)
    assert len(outcomes) == 2
    conflicts = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(conflicts) == 1, outcomes  # the second saw the first's decision
    assert not any(isinstance(o, Exception) and o not in conflicts for o in outcomes), outcomes
    assert count() == recorded
