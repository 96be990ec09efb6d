"""Checklists: opening one, locking it for a step, saving its answers, and turning its
shortfall list into rectification tasks."""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.gate import gated, internal
from access.rules import refusal
from branches.models import Branch, Rectification
from branches.services import rectification_create
from catalogues import engine
from catalogues.models import Cycle
from catalogues.selectors import catalogue_current, catalogue_load
from core.errors import Conflict, NotAllowed
from scoring.choices import AuditAction
from scoring.models import Checklist
from scoring.models.checklists import ANSWER_PLACES
from scoring.services.answers import Write, Written, checklists_write


@gated("checklist.open", on="branch")
def checklist_open(*, branch: Branch, cycle: Cycle, user: Any) -> Checklist:
    """The branch's checklist for `cycle`, made (as a draft, scored, with the registers' and
    events' facts) on first need."""
    checklist = Checklist.objects.filter(branch=branch, cycle=cycle).first()
    if checklist is not None:
        return checklist
    return checklists_open(branches=[branch], cycle=cycle, user=user)[branch.pk]


@gated("checklist.open", on="branches")
@transaction.atomic
def checklists_open(
    *,
    branches: Sequence[Branch],
    cycle: Cycle,
    user: Any,
    answers: Mapping[int, Mapping[str, engine.Value | None]] | None = None,
    audit_action: AuditAction = AuditAction.ANSWERS_SAVE,
    note: str = "",
) -> dict[int, Checklist]:
    """The checklists of `branches` for `cycle` (one or ten thousand), those missing made in one
    insert on the catalogue current for each kind and written through the one write path with
    `answers` (branch id → answers, e.g. a township's sheet) and the facts. Branch id →
    checklist; the new ones are locked for the rest of the caller's transaction."""
    answers = answers or {}
    found = {c.branch_id: c for c in _for_update(branches, cycle)}
    missing = [b for b in branches if b.pk not in found]
    if missing:
        catalogues = {
            kind: catalogue_current(branch_kind=kind, year=cycle.year)
            for kind in {b.village.kind for b in missing}
        }
        Checklist.objects.bulk_create(
            (Checklist(branch=b, cycle=cycle, catalogue=catalogues[b.village.kind])
             for b in missing),
            ignore_conflicts=True,  # opened meanwhile by someone else: theirs is the one
        )  # fmt: skip
        opened = {c.branch_id: c for c in _for_update(missing, cycle)}
        checklists_write(
            writes=[Write(c, answers.get(c.branch_id, {})) for c in opened.values()
                    if c.scored_at is None],
            user=user,
            audit_action=audit_action,
            note=note,
        )  # fmt: skip
        found.update(opened)
    return found


def _for_update(branches: Sequence[Branch], cycle: Cycle) -> list[Checklist]:
    return list(
        Checklist.objects.select_for_update(of=("self",))
        .filter(branch__in=[b.pk for b in branches], cycle=cycle)
        .select_related("catalogue", "cycle", "branch__village__township")
    )


@internal("the lock step of every gated workflow service: it asks the state half of the gate")
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


@gated("edit", on="checklist")
@transaction.atomic
def answers_save(
    *,
    checklist: Checklist,
    user: Any,
    answers: Mapping[str, object],
    revision: int | None = None,
) -> Written | None:
    """Save some or all answers of an editable checklist, then rescore it; what changed (None
    when the save changed nothing).

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
    written = checklists_write(writes=[Write(locked, parsed)], user=user)
    checklist.revision, checklist.level, checklist.result = (
        locked.revision,
        locked.level,
        locked.result,
    )
    return written[0] if written else None


@internal("a step of the gated services that change a checklist's evidence")
def checklist_touch(checklist: Checklist) -> None:
    """A new revision: a client holding the old one must reload before it saves."""
    Checklist.objects.filter(pk=checklist.pk).update(revision=F("revision") + 1)
    checklist.revision += 1


@gated("rectify", on="checklist", refused=gettext_lazy("只有乡镇和县级可以下达整改任务。"))
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
