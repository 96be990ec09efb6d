"""Quarterly dynamic scoring (季度动态考评), as plain functions: a star's quarter score is the
checklist's star score plus the reward points and less the penalty points the county confirmed,
each kind counted up to its cap, within 0–100; a branch's quarter total is the sum over its
stars. Rankings are standard competition ranks (1, 2, 2, 4) and movement is against the
previous quarter. Quarters rank; they never change an annual level (nothing here writes)."""

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

REWARD, PENALTY = "reward", "penalty"
_TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Item:
    """One confirmed reward or penalty: its kind's code, the star it counts for, its points
    (positive), whether it adds or deducts, and the kind's cap for the quarter."""

    kind: str
    star: str
    points: Decimal
    sign: str
    cap: Decimal


def star_quarter_scores(
    checklist_scores: Mapping[str, Decimal], items: Iterable[Item]
) -> dict[str, Decimal]:
    """Each star's quarter score: checklist score ± capped items, kept within 0–100."""
    by_kind: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    caps: dict[tuple[str, str], tuple[Decimal, int]] = {}
    for item in items:
        by_kind[(item.star, item.kind)] += item.points
        caps[(item.star, item.kind)] = (item.cap, 1 if item.sign == REWARD else -1)
    moved: dict[str, Decimal] = defaultdict(Decimal)
    for (star, kind), points in by_kind.items():
        cap, sign = caps[(star, kind)]
        moved[star] += sign * min(points, cap)
    return {
        star: min(
            Decimal(100), max(Decimal(0), Decimal(score) + moved.get(star, Decimal(0)))
        ).quantize(_TENTH, ROUND_HALF_UP)
        for star, score in checklist_scores.items()
    }


def ranks(totals: Mapping[K, Decimal]) -> dict[K, int]:
    """Competition ranks, highest total first: equal totals share a rank."""
    ordered = sorted(totals.values(), reverse=True)
    first: dict[Decimal, int] = {}
    for position, total in enumerate(ordered, 1):
        first.setdefault(total, position)
    return {key: first[total] for key, total in totals.items()}


def movement(now: Mapping[K, int], before: Mapping[K, int]) -> dict[K, int | None]:
    """Places gained (positive) or lost since the previous quarter; None where unranked then."""
    return {key: (before[key] - rank if key in before else None) for key, rank in now.items()}


def previous_quarter(code: str) -> str:
    """`2026Q1` → `2025Q4`."""
    year, quarter = int(code[:4]), int(code[5])
    return f"{year - 1}Q4" if quarter == 1 else f"{year}Q{quarter - 1}"
