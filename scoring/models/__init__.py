"""Catalogues and cycles; checklists, answers and evidence; publicity and objections."""

from scoring.models.catalogues import (
    AdjustmentKind,
    Catalogue,
    Criterion,
    Cycle,
    Deadline,
    Star,
)
from scoring.models.checklists import Answer, Checklist, Evidence, StarScore, Transition
from scoring.models.events import Revocation, VetoEvent
from scoring.models.publicity import Objection, Publicity
from scoring.models.quarters import Adjustment
from scoring.models.tallies import TallyPart, TallyRun, TallySnapshot

__all__ = [
    "Adjustment",
    "AdjustmentKind",
    "Answer",
    "Catalogue",
    "Checklist",
    "Criterion",
    "Cycle",
    "Deadline",
    "Evidence",
    "Objection",
    "Publicity",
    "Revocation",
    "Star",
    "StarScore",
    "TallyPart",
    "TallyRun",
    "TallySnapshot",
    "Transition",
    "VetoEvent",
]
