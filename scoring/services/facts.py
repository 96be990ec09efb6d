"""Answers that are facts of a register or of recorded events, not the branch's to give.

While the county lists a branch as weak and lax (软弱涣散), the matching veto item of its
checklists is "yes, it happened", and the base star cannot be earned; when the listing ends,
it is "no". A three-zero event (三零) sets its item for the year the same way. The items are
set whenever a checklist is opened, the register changes or an event is recorded or withdrawn,
through the one write path (scoring.services.answers), which also refuses an answer that says
otherwise, on the page, the API and the sheet (scoring.facts says what the facts are).

A fact reaches every checklist but an awarded one: a rating the county approved or put before
the public goes back to its approval, and an awarded one gets a revocation proposal
(scoring.services.events)."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q

from access.gate import internal
from scoring.choices import ChecklistState
from scoring.models import Checklist
from scoring.services.answers import Write, checklists_write

# Every state a fact still changes: all but the awarded rating, which changes by revocation.
OPEN_STATES = tuple(s for s in ChecklistState.values if s != ChecklistState.AWARDED)


@internal("a step of event_record, event_withdraw, a listing or lifting, and the demo's seeding")
def facts_apply(*, checklists: Iterable[Checklist], user: Any, reason: str) -> int:
    """Set the registers' and events' answers on the given checklists that a fact still reaches,
    rescore those that changed and record why (`reason`). Returns how many changed."""
    return _apply(Q(pk__in=[c.pk for c in checklists]), user=user, reason=reason)


@internal("a step of event_record, event_withdraw, and a listing or lifting of a branch")
def facts_apply_branches(*, branch_ids: Iterable[int], user: Any, reason: str) -> int:
    """`facts_apply` to every checklist of these branches that a fact still reaches."""
    return _apply(Q(branch_id__in=list(branch_ids)), user=user, reason=reason)


@transaction.atomic
def _apply(which: Q, *, user: Any, reason: str) -> int:
    locked = (
        Checklist.objects.select_for_update(of=("self",))
        .filter(which, state__in=OPEN_STATES)
        .select_related("catalogue", "cycle", "branch__village__township")
        .order_by("pk")  # one order for every locker: two facts at once never deadlock
    )
    written = checklists_write(
        writes=[Write(c) for c in locked], user=user, reason=reason, refuse_facts=False
    )
    return sum(1 for w in written if w.after)
