"""Answers that are facts of a register or of recorded events, not the branch's to give.

While the county lists a branch as weak and lax (软弱涣散), the matching veto item of its
checklists is "yes, it happened", and the base star cannot be earned; when the listing ends,
it is "no". A three-zero event (三零) sets its item for the year the same way. The items are
set whenever a checklist is opened, the register changes or an event is recorded or withdrawn,
and an answer that says otherwise is refused, on the page, the API and the sheet (scoring.facts
says what the facts are)."""

from collections.abc import Iterable

from scoring.choices import EDITABLE_STATES, ChecklistState
from scoring.facts import fact_values
from scoring.models import Checklist
from scoring.selectors import answers_by_checklist, catalogue_load, events_standing
from scoring.services.answers import answer_row, answers_upsert
from scoring.services.scores import checklists_rescore

# Checklists a register change still reaches: not yet approved (an approved or awarded rating
# changes only through the county's own steps).
OPEN_STATES = (*EDITABLE_STATES, ChecklistState.SUBMITTED, ChecklistState.REVIEWED)


def facts_apply(*, checklists: Iterable[Checklist], every_state: bool = False) -> int:
    """Set the register's answers on open checklists (on all given, for seeding) and rescore
    those that changed. Returns how many changed."""
    chosen = [c for c in checklists if every_state or c.state in OPEN_STATES]
    rows, touched = [], []
    loaded_of = {c.catalogue_id: catalogue_load(catalogue=c.catalogue) for c in chosen}
    code_of = {pk: code for one in loaded_of.values() for pk, code in one.code_of.items()}
    stored = answers_by_checklist([c.pk for c in chosen], code_of)
    events = {
        year: events_standing(
            branch_ids=[c.branch_id for c in chosen if c.cycle.year == year], year=year
        )
        for year in {c.cycle.year for c in chosen}
    }
    for checklist in chosen:
        loaded = loaded_of[checklist.catalogue_id]
        facts = fact_values(
            branch=checklist.branch,
            loaded=loaded,
            events=events[checklist.cycle.year].get(checklist.branch_id, []),
        )
        now = stored.get(checklist.pk, {})
        moved = {code: value for code, value in facts.items() if now.get(code) is not value}
        if moved:
            rows += [answer_row(checklist.pk, loaded.id_of[code], v) for code, v in moved.items()]
            touched.append(checklist)
    if rows:
        answers_upsert(rows=rows, user=None)
        checklists_rescore(checklists=touched)
    return len(touched)


def facts_apply_branches(*, branch_ids: Iterable[int]) -> int:
    """`facts_apply` to every open checklist of these branches (after a register changed)."""
    checklists = Checklist.objects.filter(
        branch_id__in=list(branch_ids), state__in=OPEN_STATES
    ).select_related("catalogue", "branch", "cycle")
    return facts_apply(checklists=checklists)
