"""Reads for a branch's record (创星档案): every cycle's checklist, each year's stars and why
not, revocations, the shortfall list and the latest transitions, in a fixed number of queries."""

from dataclasses import dataclass, field
from typing import Any

from branches.models import Branch, Rating, Rectification
from catalogues.models import Criterion, Cycle
from catalogues.selectors import cycles_newest_first
from scoring.choices import Action
from scoring.models import Checklist, Transition

TRANSITIONS_SHOWN = 50


@dataclass
class BranchRecord:
    cycles: list[tuple[Cycle, Checklist | None]]
    latest: Checklist | None
    shortfall: list[dict[str, Any]]
    ratings: list[Rating]  # each with .not_earned (shortfall of its year) and .revocations
    tasks: list[Rectification]
    transitions: list[Transition] = field(default_factory=list)


def shortfalls(checklists: list[Checklist]) -> dict[int, list[dict[str, Any]]]:
    """The shortfall list (短板清单) of each checklist: per star not earned, why, with the text
    of each unmet criterion (one query for all of them)."""
    missed = {c.pk: [s for s in c.result.get("stars", []) if not s["earned"]] for c in checklists}
    wanted = {
        (c.catalogue_id, code)
        for c in checklists
        for s in missed[c.pk]
        for code in s["unmet"] + s["vetoed_by"]
    }
    texts: dict[tuple[int, str], str] = {}
    if wanted:
        rows = Criterion.objects.filter(
            catalogue_id__in={catalogue for catalogue, _ in wanted},
            code__in={code for _, code in wanted},
        ).values_list("catalogue_id", "code", "text")
        texts = {(catalogue, code): text for catalogue, code, text in rows}
    return {
        c.pk: [
            {
                **s,
                "items": [
                    {
                        "code": code,
                        "text": texts.get((c.catalogue_id, code), ""),
                        "hard": code in s["unmet_hard"],
                    }
                    for code in s["unmet"]
                ],
                "vetoes": [
                    {"code": code, "text": texts.get((c.catalogue_id, code), "")}
                    for code in s["vetoed_by"]
                ],
            }
            for s in missed[c.pk]
        ]
        for c in checklists
    }


def branch_record(*, branch: Branch) -> BranchRecord:
    """Everything the record page shows of `branch` (already scoped by the caller)."""
    checklists = list(Checklist.objects.filter(branch=branch).select_related("cycle", "catalogue"))
    by_cycle = {c.cycle_id: c for c in checklists}
    cycles = list(cycles_newest_first())
    latest = next((by_cycle[c.pk] for c in cycles if c.pk in by_cycle), None)
    annual = {c.cycle.year: c for c in checklists if c.cycle.is_annual}
    wanted = [c for c in (latest, *annual.values()) if c is not None]
    lists = shortfalls(list({c.pk: c for c in wanted}.values()))
    revocations: dict[int, list[Transition]] = {}
    for record in Transition.objects.filter(
        checklist__branch=branch, action=Action.REVOKE
    ).select_related("checklist__cycle", "user"):
        revocations.setdefault(record.checklist.cycle.year, []).append(record)
    ratings = list(branch.ratings.all())
    for rating in ratings:
        checklist = annual.get(rating.year)
        rating.not_earned = lists[checklist.pk] if checklist else []  # type: ignore[attr-defined]
        rating.revocations = revocations.get(rating.year, [])  # type: ignore[attr-defined]
    transitions = list(
        Transition.objects.filter(checklist__branch=branch)
        .select_related("user", "checklist__cycle")
        .order_by("-at", "-pk")[:TRANSITIONS_SHOWN]
    )
    return BranchRecord(
        cycles=[(cycle, by_cycle.get(cycle.pk)) for cycle in cycles],
        latest=latest,
        shortfall=lists[latest.pk] if latest else [],
        ratings=ratings,
        tasks=list(branch.rectifications.all()),
        transitions=transitions,
    )
