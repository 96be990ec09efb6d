"""One truth for a rating (issue 21): a fact (a three-zero event, a weak-and-lax listing) reaches
a rating in every state, through the one write path, whatever path brought it; an award scores
from the facts as they stand at that moment; the level shown anywhere is the level the rules
give today."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from access.gate import SYSTEM
from branches.models import Rating
from catalogues.tests.conftest import YEAR, answers_for
from core.errors import Conflict
from notifications.models import Notification
from scoring.choices import Action, ChecklistState, RevocationState
from scoring.models import Answer, Checklist, Revocation, StarScore, Transition, VetoEvent
from scoring.services.checklists import answers_save, checklist_open
from scoring.services.events import event_withdraw
from scoring.services.publicity import award_due, checklist_award, publicity_open
from scoring.services.workflow import (
    checklist_approve,
    checklist_pass,
    checklist_return,
    checklist_submit,
)

pytestmark = pytest.mark.django_db
S = ChecklistState
STATES = [S.DRAFT, S.RETURNED, S.SUBMITTED, S.REVIEWED, S.APPROVED, S.PUBLICITY, S.AWARDED]
DECIDED = (S.APPROVED, S.PUBLICITY)
# fact → (the veto item it sets, the level a five-star rural rating falls to)
FACTS = {"crime": ("PA-19", 4), "listing": ("ZB-17", 0)}


@pytest.fixture
def checklist(world, rural, cycle):
    return checklist_open(branch=world.branch(world.v1), cycle=cycle, user=SYSTEM)


def to_state(world, checklist, state, answers=None, level=5):
    """A rating (five stars unless `answers` say otherwise) walked to `state` through the
    services, as people walk it."""
    answers = answers_for(checklist.catalogue) if answers is None else answers
    answers_save(checklist=checklist, user=world.sec_v1, answers=answers)
    if state != S.DRAFT:
        checklist_submit(checklist=checklist, user=world.sec_v1)
    if state == S.RETURNED:
        checklist_return(checklist=checklist, user=world.town1_user, reason="补充佐证")
    if state in (S.REVIEWED, *DECIDED, S.AWARDED):
        checklist_pass(checklist=checklist, user=world.town1_user)
    if state in (*DECIDED, S.AWARDED):
        checklist_approve(checklist=checklist, user=world.county_user)
    if state in (S.PUBLICITY, S.AWARDED):
        publicity_open(checklists=[checklist], user=world.county_user, days=5)
    if state == S.AWARDED:
        assert award_due(now=timezone.now() + timedelta(days=6)) == 1
    found = Checklist.objects.get(pk=checklist.pk)
    assert found.state == state and found.level == level
    return found


def bring(client, world, fact):
    """The fact arrives the way people bring it: a township records an event on the 三零 page,
    the county lists the branch on its record."""
    if fact == "crime":
        client.force_login(world.town1_user)
        response = client.post(
            reverse("zeros"),
            {"place_code": world.v1.code, "kind": "crime", "criterion": "",
             "happened_on": date(YEAR, 1, 9).isoformat(), "place": "村东头",
             "description": "盗窃案件，已立案"},
        )  # fmt: skip
    else:
        client.force_login(world.county_user)
        response = client.post(
            reverse("weak-lax-list", args=[world.v1.code]),
            {"effective_on": date(YEAR, 1, 9).isoformat(), "reason": "班子不团结"},
        )
    assert response.status_code == 302
    client.logout()


def item(checklist, code):
    return Answer.objects.get(checklist=checklist, criterion__code=code).value


@pytest.mark.parametrize("fact", FACTS)
@pytest.mark.parametrize("state", STATES)
def test_a_fact_reaches_a_rating_in_every_state(
    client, world, checklist, state, fact, tasks_in_process, django_capture_on_commit_callbacks
):
    code, level = FACTS[fact]
    checklist = to_state(world, checklist, state)
    with django_capture_on_commit_callbacks(execute=True):
        bring(client, world, fact)
    now = Checklist.objects.get(pk=checklist.pk)
    stars = dict(StarScore.objects.filter(checklist=now).values_list("star", "earned"))
    if state == S.AWARDED:
        # The county's decision stands until it decides again: a proposal names the fact.
        assert (now.state, now.level, item(now, code)) == (S.AWARDED, 5, False)
        proposal = Revocation.objects.get(branch=world.branch(world.v1))
        assert proposal.state == RevocationState.PENDING
        assert Rating.objects.get(branch=world.branch(world.v1)).level == 5
        return
    assert item(now, code) is True and now.level == level
    assert now.result["level"] == level and sum(stars.values()) == level
    if state not in DECIDED:
        assert now.state == state
        return
    # Back to the county's approval, out of publicity, the step and its reason on record.
    assert now.state == S.REVIEWED and now.publicity_id is None
    step = Transition.objects.filter(checklist=now).latest("pk")
    assert step.action == Action.RECHECK and step.from_state == state and step.level == level
    assert ("盗窃案件" if fact == "crime" else "班子不团结") in step.reason
    county_heard = Notification.objects.filter(recipient=world.county_user, kind="recheck")
    assert county_heard.count() == 1
    # The public no longer sees the old level: nothing of this branch is under publicity.
    public = client.get(reverse("public", args=[world.county.code])).content.decode()
    assert world.v1.name not in public
    assert not Rating.objects.exists()


@pytest.mark.parametrize("state", STATES)
def test_withdrawing_the_event_lifts_the_veto_in_every_state_a_fact_reaches(
    client, world, checklist, state
):
    """The event is recorded while the rating is a draft, and withdrawn once it has reached
    `state` (with the veto standing, the rating has four stars there)."""
    bring(client, world, "crime")
    answers = answers_for(checklist.catalogue)
    answers.pop("PA-19")  # the event answers it
    to_state(world, checklist, state, answers=answers, level=4)
    event = VetoEvent.objects.get()
    event_withdraw(user=world.county_user, event=event, reason="误报，经核实为邻村案件")
    now = Checklist.objects.get(pk=checklist.pk)
    if state == S.AWARDED:
        assert (now.level, item(now, "PA-19")) == (4, True)  # awarded at four: it stands
        return
    assert (item(now, "PA-19"), now.level) == (False, 5)
    assert now.state == (S.REVIEWED if state in DECIDED else state)


def test_an_award_scores_from_the_facts_as_they_stand_at_that_moment(world, checklist):
    """A fact that reached the database by no service (a restore, a hand edit) is still not
    overtaken at the award: the rating goes back to the county instead of being awarded."""
    checklist = to_state(world, checklist, S.PUBLICITY)
    VetoEvent.objects.create(
        branch=world.branch(world.v1), kind="accident", happened_on=date(YEAR, 2, 1),
        place="砖厂", description="较大安全事故",
    )  # fmt: skip
    assert award_due(now=timezone.now() + timedelta(days=6)) == 0
    now = Checklist.objects.get(pk=checklist.pk)
    assert (now.state, now.level, item(now, "PA-18")) == (S.REVIEWED, 4, True)
    assert not Rating.objects.exists()
    with pytest.raises(Conflict):
        checklist_award(checklist=now, user=world.county_user)


def test_the_sheet_opens_checklists_with_their_facts(world, rural, cycle):
    """A township's sheet that opens a checklist goes through the one checklist_open: a branch
    under a standing event gets its veto, as a checklist opened on the phone does."""
    import io

    import openpyxl

    from scoring.tasks import answers_import_start
    from uploads.spreadsheets import Upload

    VetoEvent.objects.create(
        branch=world.branch(world.v1), kind="petition", happened_on=date(YEAR, 2, 1),
        place="县信访局", description="越级上访",
    )  # fmt: skip
    book = openpyxl.Workbook()
    book.active.append(["区划代码", "名称", "ZB-01"])
    book.active.append([world.v1.code, world.v1.name, "是"])
    buffer = io.BytesIO()
    book.save(buffer)
    run = answers_import_start(
        upload=Upload("表.xlsx", buffer.getvalue()), user=world.town1_user, cycle=cycle,
        dry_run=False,
    )  # fmt: skip
    assert run.status == "done", run.errors
    opened = Checklist.objects.get(branch=world.branch(world.v1), cycle=cycle)
    assert item(opened, "PA-17") is True and item(opened, "ZB-01") is True
    pa = next(s for s in opened.result["stars"] if s["code"] == "PA")
    assert pa["vetoed_by"] == ["PA-17"]


def test_a_branchs_checklists_of_two_years_each_take_their_own_years_events(world, cycle):
    """A fact applied to every open checklist of a branch (here: after an event) reads each
    checklist's own year: last year's crime vetoes last year's, this year's accident this
    year's, whichever year is written first."""
    from catalogues.services import cycle_get_or_create
    from catalogues.tests.conftest import make_catalogue
    from scoring.services.events import event_record

    make_catalogue("rural", YEAR - 1)
    make_catalogue("rural", YEAR)
    branch = world.branch(world.v1)
    last = checklist_open(branch=branch, cycle=cycle_get_or_create(code=str(YEAR - 1)), user=SYSTEM)
    this = checklist_open(branch=branch, cycle=cycle, user=SYSTEM)
    for kind, day, what in (("crime", date(YEAR - 1, 5, 1), "盗窃"),
                            ("accident", date(YEAR, 1, 9), "事故")):  # fmt: skip
        event_record(user=world.town1_user, branch=branch, kind=kind, happened_on=day,
                     place="村里", description=what)  # fmt: skip
    assert (item(last, "PA-19"), item(last, "PA-18")) == (True, False)
    assert (item(this, "PA-19"), item(this, "PA-18")) == (False, True)
