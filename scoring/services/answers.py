"""The one write path of a checklist's answers, facts and result.

Whoever changes a checklist (the secretary's page or phone, the API, a township's sheet, a
register change, a three-zero event, a listing or its lifting, a revocation, a reopen) hands
`checklists_write` what it wants changed; the write applies the facts the registers and events
give today, stores the answers (COPY for new rows, one array upsert for the rest), scores from
the answers in hand, stores the result and its star rows, and records the step. A rule taught
here holds on every path at once.

The facts hold in every state (DOMAIN.md, "a fact holds in every state"): a veto or a listing
that reaches a rating the county has approved, or one under publicity, changes its answers like
any other, and the rating goes back to the county's approval (it leaves publicity) with the
reason on record. An awarded rating is the county's decision: a fact reaches it only through a
revocation proposal the county decides (scoring.services.events), so its answers stay.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from access.gate import internal
from audit.services import audit_entry, audit_many
from catalogues import engine
from catalogues.selectors import LoadedCatalogue, catalogue_load
from scoring.choices import Action, AuditAction, ChecklistState
from scoring.facts import fact_values, facts_refuse
from scoring.models import Checklist
from scoring.selectors import answers_by_checklist, events_standing
from scoring.services.scores import revoked_kept, scored_store
from scoring.services.steps import transition_record

NULL = "\\N"  # COPY's text format for NULL
Value = engine.Value | None

# Decided by the county: a fact that reaches these sends the rating back to its approval.
DECIDED_STATES = (ChecklistState.APPROVED, ChecklistState.PUBLICITY)


@dataclass
class Write:
    """What one step does to one checklist: answers given (criterion code → parsed value, None to
    clear) and stars revoked. The facts are added by the write itself."""

    checklist: Checklist
    answers: Mapping[str, Value] = field(default_factory=dict)
    revoke: frozenset[str] = frozenset()


@dataclass
class Written:
    checklist: Checklist
    result: engine.Result
    before: dict[str, Value]  # the answers that changed, as they were
    after: dict[str, Value]  # and as they are now
    rechecked: bool = False  # a decided rating sent back to the county by a fact


@internal("the one write path: every gated service that changes a checklist calls it")
def checklists_write(
    *,
    writes: Sequence[Write],
    user: Any,
    audit_action: AuditAction = AuditAction.ANSWERS_SAVE,
    reason: str = "",
    note: str = "",
    refuse_facts: bool = True,
    stored: Mapping[int, Mapping[str, Value]] | None = None,
) -> list[Written]:
    """Apply `writes` (checklists locked by the caller) in a fixed number of queries whatever
    their number: one for the stored answers, one per year for the events, a COPY and an upsert
    for the answers, one update each for revisions, results and star rows, one insert for the
    audit trail. `reason` says why a fact sent a decided rating back (the event, the listing).
    With `refuse_facts`, a given answer that contradicts a fact is refused (the page, the API
    and the sheet); the facts themselves are written without asking. A caller that read the
    stored answers under the same locks (the sheet import, to count its changes) hands them over
    in `stored` (checklist id → code → value) instead of having them read again."""
    if not writes:
        return []
    loaded_of = {w.checklist.catalogue_id: catalogue_load(catalogue=w.checklist.catalogue)
                 for w in writes}  # fmt: skip
    code_of = {pk: code for one in loaded_of.values() for pk, code in one.code_of.items()}
    if stored is None:
        stored = answers_by_checklist([w.checklist.pk for w in writes], code_of)
    events = _events_by_branch(writes)
    fresh: list[tuple[int, int, Any, Any]] = []  # no answer row yet: COPY
    known: list[tuple[int, int, Any, Any]] = []  # a row exists: upsert
    done: list[Written] = []
    trail: list[tuple[Checklist, dict[str, Value], dict[str, Value]]] = []
    scored: list[tuple[Checklist, engine.Result]] = []
    for write in writes:
        checklist, loaded = write.checklist, loaded_of[write.checklist.catalogue_id]
        standing = events.get((checklist.branch_id, checklist.cycle.year), [])
        wanted = _wanted(write, loaded, standing, refuse_facts)
        now = stored.get(checklist.pk, {})
        before, after = _changed(now, wanted)
        for code, value in after.items():
            row = answer_row(checklist.pk, loaded.id_of[code], value)
            (known if code in now else fresh).append(row)
        if not (after or write.revoke or checklist.scored_at is None):
            continue
        result = revoked_kept(checklist, engine.score(loaded.spec, {**now, **wanted}), write.revoke)
        scored.append((checklist, result))
        done.append(Written(checklist, result, before, after))
        if checklist.scored_at is None:  # opened now: its trail starts with what was given
            trail.append((checklist, _given(before, write), _given(after, write)))
        elif after:
            trail.append((checklist, before, after))
    answers_upsert(rows=fresh, user=user, new=True)
    answers_upsert(rows=known, user=user)
    scored_store(scored)
    _touch([w.checklist for w in done])
    _told(done, trail, user=user, audit_action=audit_action, note=note, reason=reason)
    return done


def _told(
    done: list[Written],
    trail: list[tuple[Checklist, dict[str, Value], dict[str, Value]]],
    *,
    user: Any,
    audit_action: str,
    note: str,
    reason: str,
) -> None:
    """The audit trail of what changed, and a decided rating whose answers a fact changed sent
    back to the county."""
    audit_many(
        audit_entry(user=user, action=audit_action, target=checklist, before=before,
                    after=after, note=note)
        for checklist, before, after in trail if after
    )  # fmt: skip
    for written in done:
        if written.after and written.checklist.state in DECIDED_STATES:
            _recheck(written, user=user, reason=reason)


def _changed(
    now: Mapping[str, Value], wanted: Mapping[str, Value]
) -> tuple[dict[str, Value], dict[str, Value]]:
    """The answers `wanted` changes, as they were and as they will be."""
    before, after = {}, {}
    for code, value in wanted.items():
        old = now.get(code)
        if not answer_unchanged(old, value):
            before[code], after[code] = old, value
    return before, after


def answer_unchanged(old: Value, new: Value) -> bool:
    """Whether storing `new` over `old` changes nothing (1 and True are different answers)."""
    return old == new and (old is None or type(old) is type(new))


def _given(values: dict[str, Value], write: Write) -> dict[str, Value]:
    return {code: value for code, value in values.items() if code in write.answers}


def _events_by_branch(writes: Sequence[Write]) -> dict[tuple[int, int], list[Any]]:
    """The standing events of each (branch, year) the writes touch: a branch's checklists of
    two years each take their own year's events."""
    years: dict[int, list[int]] = {}
    for write in writes:
        years.setdefault(write.checklist.cycle.year, []).append(write.checklist.branch_id)
    return {
        (branch_id, year): found
        for year, branch_ids in years.items()
        for branch_id, found in events_standing(branch_ids=branch_ids, year=year).items()
    }


def _wanted(
    write: Write, loaded: LoadedCatalogue, events: Sequence[Any], refuse: bool
) -> dict[str, Value]:
    """The answers to store: those given, with the facts on top (an awarded rating keeps its
    answers: what reaches it is a revocation the county decides)."""
    checklist = write.checklist
    if checklist.state == ChecklistState.AWARDED:
        if write.answers:
            raise ValidationError(_("已授星的清单不能再修改答题。"))
        return {}
    facts = fact_values(branch=checklist.branch, loaded=loaded, events=events)
    # Only the few answers that name a fact are asked about (a sheet row gives a hundred).
    against = {code: write.answers[code] for code in facts if code in write.answers}
    if refuse and against:
        facts_refuse(branch=checklist.branch, loaded=loaded, answers=against, events=events)
    return {**write.answers, **facts}


def _touch(checklists: list[Checklist]) -> None:
    """A new revision: a client holding the old one must reload before it saves."""
    if not checklists:
        return
    Checklist.objects.filter(pk__in=[c.pk for c in checklists]).update(
        revision=F("revision") + 1, updated_at=timezone.now()
    )
    for checklist in checklists:
        checklist.revision += 1


def _recheck(written: Written, *, user: Any, reason: str) -> None:
    """A fact changed a rating the county had decided: it goes back to the county's approval
    and leaves publicity, so no page, notice or award shows the level the facts overtook."""
    checklist = written.checklist
    changed = "、".join(written.after)
    transition_record(
        checklist=checklist,
        action=Action.RECHECK,
        to_state=ChecklistState.REVIEWED,
        user=user,
        reason=_("否决事项或名册变更（%(items)s）：%(reason)s，现为%(level)s星，请重新审定。")
        % {"items": changed, "reason": reason or _("见审计记录"), "level": written.result.level},
        level=written.result.level,
    )
    if checklist.publicity_id is not None:
        Checklist.objects.filter(pk=checklist.pk).update(publicity=None)
        checklist.publicity = None
    written.rechecked = True


def answer_row(checklist_id: int, criterion_id: int, value: Any) -> tuple[int, int, Any, Any]:
    """An answer as `answers_upsert` takes it: a yes/no goes in one column, a number (or
    nothing) in the other."""
    if value is True or value is False:
        return (checklist_id, criterion_id, value, None)
    return (checklist_id, criterion_id, None, value)


@internal("the storage step of checklists_write (and of the load generator's synthetic data)")
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
        # Django translates the errors of execute() into its own (OperationalError for a lost
        # connection, which the import retries), but not those of psycopg's copy(): without the
        # wrapper a connection lost during COPY came out as psycopg's error and was blamed on
        # the clerk's sheet.
        with (
            connection.wrap_database_errors,
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
