"""Checklists, answers and evidence; publicity and objections; events and revocations;
quarterly adjustments."""

from scoring.models.checklists import Answer, Checklist, Evidence, StarScore, Transition
from scoring.models.events import Revocation, VetoEvent
from scoring.models.publicity import Objection, Publicity
from scoring.models.quarters import Adjustment

__all__ = [
    "Adjustment",
    "Answer",
    "Checklist",
    "Evidence",
    "Objection",
    "Publicity",
    "Revocation",
    "StarScore",
    "Transition",
    "VetoEvent",
]
