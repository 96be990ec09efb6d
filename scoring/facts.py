"""Answers that are facts, not the branch's to give: what the registers and the recorded veto
events say, as plain functions (the answer sheet reads them as the services do). Setting them
on checklists is scoring.services.facts.

- An item marked `weak_lax` follows the county's list of weak and lax branches (软弱涣散).
- An item marked `zero_<kind>` (the three zeros, 三零) is "yes" while an event of that kind
  stands for the checklist's year, and "no" otherwise.
- Any other veto item is the branch's to answer, except that an event recorded against it
  ("其他否决事项") makes it "yes" for the year."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from branches.models import Branch
from catalogues.selectors import LoadedCatalogue
from scoring.choices import ZERO_FACTS, EventKind
from scoring.models import VetoEvent

_KIND_OF_FACT = {fact: kind for kind, fact in ZERO_FACTS.items()}


def fact_values(
    *, branch: Branch, loaded: LoadedCatalogue, events: Sequence[VetoEvent] = ()
) -> dict[str, bool]:
    """The answers the registers and `events` (the branch's standing events of the checklist's
    year) give under the catalogue: code → value."""
    kinds = {event.kind for event in events}
    values = {}
    for code, fact in loaded.facts.items():
        if fact == "weak_lax":
            values[code] = bool(branch.weak_lax)
        elif fact in _KIND_OF_FACT:
            values[code] = _KIND_OF_FACT[fact] in kinds
    for event in events:
        if event.kind == EventKind.OTHER and event.criterion in loaded.id_of:
            values[event.criterion] = True
    return values


def fact_note(
    *, branch: Branch, loaded: LoadedCatalogue, code: str, events: Sequence[VetoEvent] = ()
) -> str:
    """Why the item reads as it does, for the page and for refusals."""
    fact = loaded.facts.get(code, "")
    if fact == "weak_lax":
        if branch.weak_lax:
            since = branch.weak_lax_since.isoformat() if branch.weak_lax_since else ""
            return _(
                "已被县委组织部列为软弱涣散党组织（%(since)s认定：%(reason)s），"
                "未整顿转化前不能评基础星。"
            ) % {"since": since, "reason": branch.weak_lax_reason or _("未写原因")}
        return _("未被列入软弱涣散党组织名册。")
    kind = _KIND_OF_FACT.get(fact)
    matching = [
        e
        for e in events
        if (kind is not None and e.kind == kind)
        or (e.kind == EventKind.OTHER and e.criterion == code)
    ]
    if matching:
        return "；".join(
            _("已登记否决事项：%(day)s %(kind)s，%(place)s，%(what)s")
            % {
                "day": e.happened_on.isoformat(),
                "kind": e.get_kind_display(),
                "place": e.place,
                "what": e.description,
            }
            for e in matching
        )
    return _("本年度未登记此类事项（由乡镇或县委组织部登记）。")


def facts_refuse(
    *,
    branch: Branch,
    loaded: LoadedCatalogue,
    answers: Mapping[str, Any],
    events: Sequence[VetoEvent] = (),
) -> None:
    """Refuse an answer that contradicts a register or an event (blank is taken as "as they
    say")."""
    facts = fact_values(branch=branch, loaded=loaded, events=events)
    wrong = {
        code: [refusal(fact_note(branch=branch, loaded=loaded, code=code, events=events))]
        for code, value in answers.items()
        if code in facts and value is not None and value != facts[code]
    }
    if wrong:
        raise ValidationError(wrong)


def refusal(note: str) -> str:
    return _("此项由名册或事项登记决定，不能自行填写：%(note)s") % {"note": note}
