"""The life of a rating through the services: draft → submitted → reviewed → approved →
publicity → awarded, with returns, reopening, objections and revoking, each step recorded."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from access.gate import SYSTEM
from branches.models import Rating
from catalogues.services import catalogue_new_version, catalogue_publish
from catalogues.tests.conftest import answers_for
from core.errors import Conflict
from scoring.choices import Action, ChecklistState
from scoring.models import Checklist, Objection, StarScore
from scoring.services.checklists import answers_save, checklist_open
from scoring.services.publicity import (
    award_due,
    objection_file,
    objection_rule,
    publicity_open,
    star_revoke,
)
from scoring.services.scores import checklists_rescore
from scoring.services.workflow import (
    checklist_approve,
    checklist_pass,
    checklist_reopen,
    checklist_return,
    checklist_submit,
)

pytestmark = pytest.mark.django_db
S = ChecklistState


@pytest.fixture
def checklist(world, rural, cycle):
    return checklist_open(branch=world.branch(world.v1), cycle=cycle, user=SYSTEM)


def submitted(world, checklist, **answers_kw):
    answers_save(
        checklist=checklist,
        user=world.sec_v1,
        answers=answers_for(checklist.catalogue, **answers_kw),
    )
    return checklist_submit(checklist=checklist, user=world.sec_v1)


def approved(world, checklist, **answers_kw):
    submitted(world, checklist, **answers_kw)
    checklist_pass(checklist=checklist, user=world.town1_user)
    return checklist_approve(checklist=checklist, user=world.county_user)


def awarded(world, checklist, **answers_kw):
    approved(world, checklist, **answers_kw)
    publicity_open(checklists=[checklist], user=world.county_user, days=5)
    award_due(now=timezone.now() + timedelta(days=6))
    checklist.refresh_from_db()
    return checklist


def test_a_new_checklist_is_a_scored_draft_on_the_current_catalogue(checklist, rural):
    assert checklist.state == S.DRAFT and checklist.catalogue == rural
    assert checklist.level == 0 and len(checklist.result["stars"]) == 5
    assert StarScore.objects.filter(checklist=checklist).count() == 5


def test_saving_answers_rescores_and_stores_the_verdict(world, checklist):
    answers_save(
        checklist=checklist,
        user=world.sec_v1,
        answers=answers_for(checklist.catalogue, failing=("WM",)),
    )
    checklist.refresh_from_db()
    assert checklist.level == 4
    assert checklist.result["catalogue"] == "rural-" + str(checklist.cycle.year)
    earned = dict(StarScore.objects.filter(checklist=checklist).values_list("star", "earned"))
    assert earned == {"ZB": True, "CY": True, "ST": True, "PA": True, "WM": False}


def test_a_bad_answer_names_the_criterion_and_saves_nothing(world, checklist):
    with pytest.raises(ValidationError) as caught:
        answers_save(
            checklist=checklist,
            user=world.sec_v1,
            answers={"ZB-01": True, "ZB-08": 120, "ZB-03": "many"},
        )
    assert set(caught.value.message_dict) == {"ZB-08", "ZB-03"}
    assert not checklist.answers.filter(value_bool__isnull=False, criterion__fact="").exists()


def test_a_secretary_cannot_answer_another_villages_checklist(world, rural, cycle):
    other = checklist_open(branch=world.branch(world.v2), cycle=cycle, user=SYSTEM)
    with pytest.raises(PermissionDenied):
        answers_save(checklist=other, user=world.sec_v1, answers={"ZB-01": True})


def test_submitting_needs_every_scored_criterion_answered(world, checklist):
    answers = answers_for(checklist.catalogue)
    answers.pop("CY-03")
    answers.pop("ZB-17")  # a veto left blank means nothing happened: not required
    answers_save(checklist=checklist, user=world.sec_v1, answers=answers)
    with pytest.raises(ValidationError, match="CY-03"):
        checklist_submit(checklist=checklist, user=world.sec_v1)
    answers_save(checklist=checklist, user=world.sec_v1, answers={"CY-03": True})
    assert checklist_submit(checklist=checklist, user=world.sec_v1).state == S.SUBMITTED


def test_answers_are_locked_after_submission(world, checklist):
    submitted(world, checklist)
    with pytest.raises(Conflict, match="已提交"):
        answers_save(checklist=checklist, user=world.sec_v1, answers={"ZB-01": False})


def test_a_stale_revision_is_refused_with_a_conflict(world, checklist):
    stale = checklist.revision
    answers_save(checklist=checklist, user=world.sec_v1, answers={"ZB-01": True})
    with pytest.raises(Conflict, match="已被他人修改"):
        answers_save(
            checklist=checklist, user=world.sec_v1, answers={"ZB-01": False}, revision=stale
        )


def test_a_returned_checklist_carries_reasons_per_criterion_and_can_be_edited_again(
    world, checklist
):
    submitted(world, checklist)
    checklist_return(
        checklist=checklist,
        user=world.town1_user,
        reason="请补充材料",
        reasons={"CY-01": "集体收入须附账目截图"},
    )
    assert checklist.state == S.RETURNED
    assert checklist.answers.get(criterion__code="CY-01").return_reason == "集体收入须附账目截图"
    answers_save(checklist=checklist, user=world.sec_v1, answers={"CY-01": 250000})
    checklist_submit(checklist=checklist, user=world.sec_v1)
    assert not checklist.answers.exclude(return_reason="").exists()


def test_returning_without_any_reason_is_refused(world, checklist):
    submitted(world, checklist)
    with pytest.raises(ValidationError, match="原因"):
        checklist_return(checklist=checklist, user=world.town1_user, reason=" ")


def test_only_the_own_township_reviews(world, checklist):
    submitted(world, checklist)
    with pytest.raises(PermissionDenied):
        checklist_pass(checklist=checklist, user=world.town2_user)
    with pytest.raises(PermissionDenied):
        checklist_pass(checklist=checklist, user=world.county_user)  # the county approves
    with pytest.raises(PermissionDenied):
        checklist_approve(checklist=checklist, user=world.other_county_user)


def test_every_transition_records_who_when_from_to_and_why(world, checklist):
    approved(world, checklist)
    checklist_reopen(checklist=checklist, user=world.county_user, reason="发现材料不实")
    log = list(checklist.transitions.values_list("action", "from_state", "to_state", "user"))
    assert log == [
        (Action.SUBMIT, S.DRAFT, S.SUBMITTED, world.sec_v1.pk),
        (Action.PASS, S.SUBMITTED, S.REVIEWED, world.town1_user.pk),
        (Action.APPROVE, S.REVIEWED, S.APPROVED, world.county_user.pk),
        (Action.REOPEN, S.APPROVED, S.DRAFT, world.county_user.pk),
    ]
    last = checklist.transitions.last()
    assert last.reason == "发现材料不实" and last.at is not None
    answers_save(checklist=checklist, user=world.sec_v1, answers={"ZB-01": True})


def test_reopening_needs_a_reason(world, checklist):
    approved(world, checklist)
    with pytest.raises(ValidationError):
        checklist_reopen(checklist=checklist, user=world.county_user, reason="")


def test_the_award_follows_publicity_without_objection(world, checklist):
    checklist = awarded(world, checklist, failing=("WM",))
    assert checklist.state == S.AWARDED
    rating = Rating.objects.get(branch=checklist.branch, year=checklist.cycle.year)
    assert rating.level == 4 and rating.stars == ["ZB", "CY", "ST", "PA"]
    assert checklist.transitions.last().action == Action.AWARD


def test_nothing_is_awarded_before_the_period_ends(world, checklist):
    approved(world, checklist)
    publicity_open(checklists=[checklist], user=world.county_user, days=5)
    assert award_due(now=timezone.now() + timedelta(days=4)) == 0
    checklist.refresh_from_db()
    assert checklist.state == S.PUBLICITY


def test_an_open_objection_holds_the_award_and_a_dismissed_one_releases_it(world, checklist):
    approved(world, checklist)
    publicity_open(checklists=[checklist], user=world.county_user, days=5)
    objection = objection_file(
        checklist=checklist, name="张三", contact="13800000000", text="该村集体收入数据不实"
    )
    later = timezone.now() + timedelta(days=6)
    assert award_due(now=later) == 0
    objection_rule(
        objection=objection, user=world.county_user, upheld=False, ruling="经核实数据属实"
    )
    assert Objection.objects.get().status == "dismissed"
    assert award_due(now=later) == 1


def test_an_upheld_objection_sends_the_rating_back_for_review(world, checklist):
    approved(world, checklist)
    publicity_open(checklists=[checklist], user=world.county_user)
    objection = objection_file(
        checklist=checklist, name="李四", contact="0371-1234567", text="党员大会次数不实"
    )
    objection_rule(objection=objection, user=world.county_user, upheld=True, ruling="经核实属实")
    checklist.refresh_from_db()
    assert checklist.state == S.SUBMITTED and checklist.publicity is None
    assert "异议成立" in checklist.transitions.last().reason


def test_objections_need_a_contact_and_close_with_the_period(world, checklist):
    approved(world, checklist)
    publicity_open(checklists=[checklist], user=world.county_user, days=1)
    with pytest.raises(ValidationError) as caught:
        objection_file(checklist=checklist, name="", contact="abc", text="不")
    assert set(caught.value.message_dict) == {"name", "contact", "text"}
    Checklist.objects.filter(pk=checklist.pk).update(publicity=None)
    with pytest.raises(Conflict):
        objection_file(checklist=checklist, name="王五", contact="13800000000", text="有问题的评定")


def test_revoking_a_star_lowers_the_level_and_records_the_reason(world, checklist):
    checklist = awarded(world, checklist)
    rating = star_revoke(
        checklist=checklist, user=world.county_user, star="PA", reason="发生刑事案件"
    )
    assert rating.level == 4 and "PA" not in rating.stars
    last = checklist.transitions.last()
    assert (last.action, last.star, last.reason, last.level) == ("revoke", "PA", "发生刑事案件", 4)
    with pytest.raises(ValidationError):
        star_revoke(checklist=checklist, user=world.county_user, star="PA", reason="再摘一次")


def test_revoking_the_base_star_takes_every_star_with_it(world, checklist):
    checklist = awarded(world, checklist)
    rating = star_revoke(
        checklist=checklist, user=world.county_user, star="ZB", reason="班子成员违纪"
    )
    assert rating.level == 0 and rating.stars == []


def test_quarterly_checklists_are_scored_and_approved_but_never_awarded(world, rural, quarter):
    checklist = checklist_open(branch=world.branch(world.v1), cycle=quarter, user=SYSTEM)
    approved(world, checklist)
    assert checklist.state == S.APPROVED
    with pytest.raises(ValidationError, match="季度"):
        publicity_open(checklists=[checklist], user=world.county_user)
    assert not Rating.objects.exists()


def test_a_past_result_names_its_catalogue_and_survives_a_new_version(world, checklist):
    awarded(world, checklist)
    before = dict(checklist.result)
    draft = catalogue_new_version(catalogue=checklist.catalogue)
    draft.criteria.filter(code="ZB-01").update(points=1)
    catalogue_publish(catalogue=draft)
    checklists_rescore(checklists=Checklist.objects.filter(pk=checklist.pk))
    checklist.refresh_from_db()
    assert checklist.result == before and checklist.catalogue.code == before["catalogue"]


def test_the_award_command_awards_what_is_due(world, checklist, capsys):
    approved(world, checklist)
    publicity_open(checklists=[checklist], user=world.county_user, days=1)
    from scoring.models import Publicity

    Publicity.objects.update(
        starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=1)
    )
    call_command("award_ratings", county=world.county.code)
    assert "已授星 1 个支部" in capsys.readouterr().out
    checklist.refresh_from_db()
    assert checklist.state == S.AWARDED
