"""Checklists: opening one, locking it for a step, saving its answers, and turning its
shortfall list into rectification tasks."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from access.rules import refusal
from audit.choices import AuditAction
from audit.services import audit, changed
from branches.models import Branch, Rectification
from branches.services import rectification_create
from scoring import engine
from scoring.errors import Conflict, NotAllowed
from scoring.facts import fact_values, facts_refuse
from scoring.models import Checklist, Cycle
from scoring.models.checklists import ANSWER_PLACES
from scoring.selectors import (
    answers_of,
    catalogue_current,
    catalogue_load,
    events_standing,
)
from scoring.services.answers import answer_row, answers_upsert
from scoring.services.facts import facts_apply
from scoring.services.scores import checklist_score


def checklist_open(*, branch: Branch, cycle: Cycle) -> Checklist:
    """The branch's checklist for `cycle`, made (as a draft, scored empty) on first need."""
    checklist = Checklist.objects.filter(branch=branch, cycle=cycle).first()
    if checklist is not None:
        return checklist
    catalogue = catalogue_current(branch_kind=branch.village.kind, year=cycle.year)
    with transaction.atomic():
        checklist, created = Checklist.objects.get_or_create(
            branch=branch, cycle=cycle, defaults={"catalogue": catalogue}
        )
        if created:
            checklist_score(checklist=checklist)
            facts_apply(checklists=[checklist])  # the registers' answers, from the start
            checklist.refresh_from_db()
    return checklist


def checklist_lock(*, pk: int, user: Any, action: str, revision: int | None = None) -> Checklist:
    """The checklist row locked for this transaction, after checking `user` may do `action`.

    The row lock makes concurrent actions take turns; whoever comes second sees the state the
    first one left and gets a Conflict rather than overwriting it.
    """
    checklist = (
        Checklist.objects.select_for_update(of=("self",))
        .select_related("branch__village__township", "cycle")
        .get(pk=pk)
    )
    refused = refusal(user, action, checklist)
    if refused in ("role", "place"):
        raise NotAllowed(_("您无权对该支部的清单执行此操作。"))
    if revision is not None and revision != checklist.revision:
        raise Conflict(
            _("清单已被他人修改（当前为第%(now)s版，您打开的是第%(yours)s版），请刷新后再改。")
            % {"now": checklist.revision, "yours": revision}
        )
    if refused == "cycle":
        raise ValidationError(_("季度考评只用于排名，不授星，也不公示。"))
    if refused == "state":
        raise Conflict(
            _("该清单当前状态为“%(state)s”，不能执行此操作；可能已被他人处理，请刷新后查看。")
            % {"state": checklist.get_state_display()}
        )
    return checklist


@transaction.atomic
def answers_save(
    *,
    checklist: Checklist,
    user: Any,
    answers: Mapping[str, object],
    revision: int | None = None,
) -> engine.Result:
    """Save some or all answers of an editable checklist, then rescore it.

    `answers` maps criterion codes to raw values (checked by the engine's parser: booleans,
    numbers, percents within 0–100, None to clear). Give `revision` to refuse the save when
    someone changed the checklist after the caller read it.
    """
    locked = checklist_lock(pk=checklist.pk, user=user, action="edit", revision=revision)
    loaded = catalogue_load(catalogue=locked.catalogue)
    try:
        parsed = engine.parse_answers(loaded.spec, answers, places=ANSWER_PLACES)
    except engine.AnswerError as error:
        raise ValidationError({code: [message] for code, message in error.errors.items()}) from None
    events = events_standing(branch_ids=[locked.branch_id], year=locked.cycle.year)
    standing = events.get(locked.branch_id, [])
    facts_refuse(branch=locked.branch, loaded=loaded, answers=parsed, events=standing)
    facts = fact_values(branch=locked.branch, loaded=loaded, events=standing)
    parsed = {code: facts.get(code, value) for code, value in parsed.items()}
    stored = answers_of(locked, loaded)
    before, after = changed({code: stored.get(code) for code in parsed}, parsed)
    if after:
        audit(user=user, action=AuditAction.ANSWERS_SAVE, target=locked, before=before, after=after)
    answers_upsert(
        rows=[answer_row(locked.pk, loaded.id_of[code], value) for code, value in parsed.items()],
        user=user,
    )
    # Scored from the answers in hand: the stored ones with this save's on top.
    result = checklist_score(checklist=locked, loaded=loaded, answers={**stored, **parsed})
    checklist_touch(locked)
    checklist.revision, checklist.level, checklist.result = (
        locked.revision,
        locked.level,
        locked.result,
    )
    return result


def checklist_touch(checklist: Checklist) -> None:
    """A new revision: a client holding the old one must reload before it saves."""
    Checklist.objects.filter(pk=checklist.pk).update(revision=F("revision") + 1)
    checklist.revision += 1


def rectifications_from_shortfall(
    *, checklist: Checklist, criteria: list[str], owner: str, deadline: date, user: Any
) -> list[Rectification]:
    """Rectification tasks for chosen items of the checklist's shortfall list, all or none."""
    stars = {s["code"]: s for s in checklist.result.get("stars", []) if not s["earned"]}
    star_of = {code: s["code"] for s in stars.values() for code in s["unmet"] + s["vetoed_by"]}
    if not criteria:
        raise ValidationError(_("请勾选要整改的短板项。"))
    strangers = [code for code in criteria if code not in star_of]
    if strangers:
        raise ValidationError(
            _("这些指标不在短板清单中：%(codes)s") % {"codes": "、".join(strangers)}
        )
    texts = dict(checklist.catalogue.criteria.filter(code__in=criteria).values_list("code", "text"))
    with transaction.atomic():
        return [
            rectification_create(
                branch=checklist.branch,
                cycle=checklist.cycle.code,
                star=star_of[code],
                criterion=code,
                title=texts[code],
                owner=owner,
                deadline=deadline,
                user=user,
            )
            for code in criteria
        ]
