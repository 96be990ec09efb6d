"""Rows of a sheet for checklists no longer open: what they hold, and what the sheet may say
of them (the same again, skipped; anything else, refused)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from catalogues import engine
from catalogues.models import Criterion, Cycle
from scoring.choices import EDITABLE_STATES, ChecklistState
from scoring.models import Checklist
from scoring.selectors import answers_by_criterion
from scoring.sheets.cells import same_value, shown_value
from scoring.sheets.result import AnswerSheet
from uploads.imports import CellError
from villages.models import Village


@dataclass(frozen=True)
class Locked:
    """A checklist no longer open: its state and its answers, which the sheet must not change."""

    state: str
    answers: dict[str, engine.Value | None]

    @property
    def label(self) -> str:
        return str(ChecklistState(self.state).label)


def locked_states(branch_ids: list[int], cycle: Cycle) -> dict[int, Locked | None]:
    """For each branch with a checklist of the cycle: None while it is open, else what it
    holds (two queries)."""
    found: dict[int, Locked | None] = {}
    locked: dict[int, tuple[int, str]] = {}  # checklist id → branch id, state
    for pk, branch_id, state in Checklist.objects.filter(
        branch_id__in=branch_ids, cycle=cycle
    ).values_list("pk", "branch_id", "state"):
        found[branch_id] = None
        if state not in EDITABLE_STATES:
            locked[pk] = (branch_id, state)
    if locked:
        codes = dict(Criterion.objects.values_list("pk", "code").filter(
            catalogue__checklists__pk__in=locked
        ))  # fmt: skip
        given = answers_by_criterion(list(locked))
        for pk, (branch_id, state) in locked.items():
            answers = {codes[c]: v for c, v in given.get(pk, {}).items() if c in codes}
            found[branch_id] = Locked(state, answers)
    return found


def check_locked(
    sheet: AnswerSheet,
    letters: dict[str, str],
    locked: Locked,
    village: Village,
    values: dict[str, engine.Value | None],
    number: int,
) -> None:
    """A row of a checklist no longer open: skipped with a note when it says what the checklist
    holds (a template downloaded earlier and sent back), an error per changed cell otherwise."""
    # Facts are the registers' to say, never the sheet's, whatever the checklist holds: one
    # submitted before facts were written with every answer holds none, and a template of it
    # sent back unchanged must not be refused for them.
    facts = sheet.loaded.facts if sheet.loaded else {}
    changed = [
        c for c, v in values.items() if c not in facts and not same_value(v, locked.answers.get(c))
    ]
    if not changed:
        sheet.notices.append(
            _("第%(row)s行%(name)s的清单%(state)s，内容未变，已跳过。")
            % {"row": number, "name": village.name, "state": locked.label}
        )
        return
    for code in changed:
        sheet.errors.append(
            CellError(
                number,
                code,
                shown_value(values[code]),
                _("%(name)s的清单%(state)s，不能再修改（原为“%(old)s”）；如需修改请先退回或重新打开。")
                % {"name": village.name, "state": locked.label,
                   "old": shown_value(locked.answers.get(code))},
                sheet.criterion_name(code),
                f"{letters[code]}{number}",
            )
        )  # fmt: skip
