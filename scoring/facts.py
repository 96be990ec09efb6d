"""Answers that are facts of a register, not the branch's to give: what the registers say,
as plain functions (the answer sheet reads them as the services do). Setting them on
checklists is scoring.services.facts."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from branches.models import Branch
from scoring.selectors import LoadedCatalogue


def fact_values(*, branch: Branch, loaded: LoadedCatalogue) -> dict[str, bool]:
    """The answers the registers give for `branch` under the catalogue: code → value."""
    return {
        code: bool(branch.weak_lax) for code, fact in loaded.facts.items() if fact == "weak_lax"
    }


def fact_note(branch: Branch) -> str:
    """Why the register says what it says, for the page and for refusals."""
    if branch.weak_lax:
        since = branch.weak_lax_since.isoformat() if branch.weak_lax_since else ""
        return _(
            "已被县委组织部列为软弱涣散党组织（%(since)s认定：%(reason)s），"
            "未整顿转化前不能评基础星。"
        ) % {
            "since": since,
            "reason": branch.weak_lax_reason or _("未写原因"),
        }
    return _("未被列入软弱涣散党组织名册。")


def facts_refuse(*, branch: Branch, loaded: LoadedCatalogue, answers: Mapping[str, Any]) -> None:
    """Refuse an answer that contradicts a register (blank is taken as "as the register says")."""
    facts = fact_values(branch=branch, loaded=loaded)
    wrong = {
        code: [_("此项由名册决定，不能自行填写：%(note)s") % {"note": fact_note(branch)}]
        for code, value in answers.items()
        if code in facts and value is not None and value != facts[code]
    }
    if wrong:
        raise ValidationError(wrong)
