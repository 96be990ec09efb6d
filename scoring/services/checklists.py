"""Checklists: opening one, saving answers and evidence, and scoring (one or in bulk)."""

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from access.rules import refusal
from audit.choices import AuditAction
from audit.services import audit, changed
from branches.models import Branch, Rectification
from branches.services import rectification_create
from scoring import engine
from scoring.errors import Conflict, NotAllowed
from scoring.models import Answer, Checklist, Cycle, Evidence
from scoring.selectors import (
    LoadedCatalogue,
    answers_by_checklist,
    answers_of,
    catalogue_current,
    catalogue_load,
)
from uploads.evidence import evidence_check

EVIDENCE_PER_ANSWER = 9


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


def answer_row(checklist_id: int, criterion_id: int, value: Any) -> tuple[int, int, Any, Any]:
    """An answer as `answers_upsert` takes it: a yes/no goes in one column, a number (or
    nothing) in the other."""
    if value is True or value is False:
        return (checklist_id, criterion_id, value, None)
    return (checklist_id, criterion_id, None, value)


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
        parsed = engine.parse_answers(loaded.spec, answers)
    except engine.AnswerError as error:
        raise ValidationError({code: [message] for code, message in error.errors.items()}) from None
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
    _touch(locked)
    checklist.revision, checklist.level, checklist.result = (
        locked.revision,
        locked.level,
        locked.result,
    )
    return result


def _touch(checklist: Checklist) -> None:
    Checklist.objects.filter(pk=checklist.pk).update(revision=F("revision") + 1)
    checklist.revision += 1


def checklist_score(
    *,
    checklist: Checklist,
    loaded: LoadedCatalogue | None = None,
    answers: Mapping[str, engine.Value | None] | None = None,
) -> engine.Result:
    """Score one checklist from its stored answers (or the caller's `answers`, when it holds
    them all already) and store the verdict."""
    loaded = loaded or catalogue_load(catalogue=checklist.catalogue)
    if answers is None:
        answers = answers_of(checklist, loaded)
    result = engine.score(loaded.spec, answers)
    _store([(checklist, result)])
    return result


def checklists_rescore(
    *,
    checklists: Iterable[Checklist],
    known: Mapping[int, Mapping[str, engine.Value | None]] | None = None,
) -> int:
    """Rescore many checklists in a fixed number of queries: one for the answers (none when the
    caller already holds them all in `known`, checklist id → answers), a couple per catalogue
    version, and one bulk write each for the checklists and their star scores. Returns how
    many were scored."""
    checklists = list(checklists)
    by_catalogue: dict[int, list[Checklist]] = {}
    for checklist in checklists:
        by_catalogue.setdefault(checklist.catalogue_id, []).append(checklist)
    scored = []
    for group in by_catalogue.values():
        loaded = catalogue_load(catalogue=group[0].catalogue)
        if known is not None and all(c.pk in known for c in group):
            answers: Mapping[int, Mapping[str, engine.Value | None]] = known
        else:
            answers = answers_by_checklist([c.pk for c in group], loaded.code_of)
        scored += [(c, engine.score(loaded.spec, answers.get(c.pk, {}))) for c in group]
    with transaction.atomic():
        _store(scored)
    return len(scored)


def _store(scored: list[tuple[Checklist, engine.Result]]) -> None:
    now = timezone.now()
    for checklist, result in scored:
        checklist.level = result.level
        checklist.result = result.as_dict()
        checklist.scored_at = now
    _store_columns(scored, now)


def _store_columns(scored: list[tuple[Checklist, engine.Result]], now: Any) -> None:
    """Django's bulk_update and bulk upsert, written with columns as arrays: a CASE per row per
    column (bulk_update) costs more than the scoring itself for a county."""
    stars = [
        (c.pk, s.code, s.score, s.earned, bool(s.vetoed_by))
        for c, result in scored
        for s in result.stars
    ]
    with connection.cursor() as cursor:
        # One JSON document for the lot: an array of texts would be escaped element by element.
        cursor.execute(
            """
            UPDATE scoring_checklist AS c
            SET level = t.level, result = t.result, scored_at = %s
            FROM jsonb_to_recordset(%s::jsonb) AS t(id bigint, level smallint, result jsonb)
            WHERE c.id = t.id
            """,
            [
                now,
                json.dumps(
                    [{"id": c.pk, "level": c.level, "result": c.result} for c, _ in scored],
                    ensure_ascii=False,
                ),
            ],
        )
        cursor.execute(
            """
            INSERT INTO scoring_starscore (checklist_id, star, score, earned, vetoed)
            SELECT * FROM unnest(
                %s::bigint[], %s::varchar[], %s::numeric[], %s::boolean[], %s::boolean[]
            )
            ON CONFLICT (checklist_id, star) DO UPDATE SET
                score = EXCLUDED.score, earned = EXCLUDED.earned, vetoed = EXCLUDED.vetoed
            """,
            [list(column) for column in zip(*stars, strict=True)],
        )


@transaction.atomic
def evidence_add(
    *, checklist: Checklist, criterion_code: str, upload: UploadedFile, user: Any
) -> Evidence:
    """Attach a photo (JPEG, PNG) or PDF to one criterion's answer of an editable checklist."""
    locked = checklist_lock(pk=checklist.pk, user=user, action="edit")
    loaded = catalogue_load(catalogue=locked.catalogue)
    if criterion_code not in loaded.id_of:
        raise ValidationError(_("指标编码“%(code)s”不存在。") % {"code": criterion_code})
    content_type, suffix = evidence_check(upload)
    answer, _created = Answer.objects.get_or_create(
        checklist=locked, criterion_id=loaded.id_of[criterion_code]
    )
    if answer.evidence.count() >= EVIDENCE_PER_ANSWER:
        raise ValidationError(_("每项最多上传%(n)s个佐证材料。") % {"n": EVIDENCE_PER_ANSWER})
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = Evidence(
        answer=answer,
        name=(upload.name or f"evidence.{suffix}")[-200:],
        content_type=content_type,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=user,
    )
    evidence.file.save(f"upload.{suffix}", upload, save=False)
    evidence.save()
    _touch(locked)
    audit(
        user=user,
        action=AuditAction.EVIDENCE_ADD,
        target=locked,
        after=_evidence_picture(evidence, criterion_code),
    )
    return evidence


def _evidence_picture(evidence: Evidence, criterion_code: str) -> dict[str, Any]:
    return {
        "criterion": criterion_code,
        "name": evidence.name,
        "size": evidence.size,
        "sha256": evidence.sha256,
    }


@transaction.atomic
def evidence_remove(*, evidence: Evidence, user: Any) -> None:
    checklist = evidence.answer.checklist
    locked = checklist_lock(pk=checklist.pk, user=user, action="edit")
    code = evidence.answer.criterion.code
    audit(
        user=user,
        action=AuditAction.EVIDENCE_REMOVE,
        target=locked,
        before=_evidence_picture(evidence, code),
    )
    evidence.delete()
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: evidence.file.delete(save=False))
    _touch(locked)


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


NULL = "\\N"  # COPY's text format for NULL


def answers_upsert(
    *, rows: list[tuple[int, int, bool | None, Any]], user: Any, new: bool = False
) -> None:
    """Insert or update many answers (checklist id, criterion id, yes/no, number) at once.

    Rows the caller knows to be `new` (no answer row yet) are streamed with COPY; others go in
    one statement that takes whole columns as arrays (unnest). Either way a 100,000-answer sheet
    costs no model instances and a round trip or two.
    """
    if not rows:
        return
    now = timezone.now()
    user_id = getattr(user, "pk", None)
    if new:
        with (
            connection.cursor() as cursor,
            cursor.copy(
                "COPY scoring_answer (checklist_id, criterion_id, value_bool, value_number, "
                "return_reason, updated_at, updated_by_id) FROM STDIN"
            ) as copy,
        ):
            # COPY's text format built in one string: a third of the time of write_row per row.
            tail = f"\t\t{now.isoformat()}\t{user_id if user_id is not None else NULL}\n"
            copy.write(
                "".join(
                    f"{c}\t{k}\t{NULL if b is None else 't' if b else 'f'}\t"
                    f"{NULL if n is None else n}{tail}"
                    for c, k, b, n in rows
                )
            )
        return
    columns = list(zip(*rows, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO scoring_answer
                (checklist_id, criterion_id, value_bool, value_number, return_reason,
                 updated_at, updated_by_id)
            SELECT c, k, b, n, '', %s, %s
            FROM unnest(%s::bigint[], %s::bigint[], %s::boolean[], %s::numeric[])
                AS t(c, k, b, n)
            ON CONFLICT (checklist_id, criterion_id) DO UPDATE SET
                value_bool = EXCLUDED.value_bool,
                value_number = EXCLUDED.value_number,
                updated_at = EXCLUDED.updated_at,
                updated_by_id = EXCLUDED.updated_by_id
            """,
            [now, user_id, list(columns[0]), list(columns[1]), list(columns[2]),
             list(columns[3])],
        )  # fmt: skip
