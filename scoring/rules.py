"""The rating process's rows of the gate's table (access.rules): who may take each step of a
checklist, from which states, and the work on a place that goes with it. Registered when the
app starts (ScoringConfig.ready); the gate itself knows no app."""

from typing import Any

from access.rules import ABOVE, COUNTY, SECRETARY, STAFF, TOWNSHIP, Rule, may
from scoring.choices import EDITABLE_STATES, ChecklistState

S = ChecklistState

RULES = {
    # A checklist (清单) through its workflow.
    "edit": Rule((SECRETARY, TOWNSHIP), EDITABLE_STATES),
    "submit": Rule((SECRETARY, TOWNSHIP), EDITABLE_STATES),
    "return": Rule(
        STAFF,
        (S.SUBMITTED, S.REVIEWED),
        states_by_role=((TOWNSHIP, (S.SUBMITTED,)), (COUNTY, (S.SUBMITTED, S.REVIEWED))),
    ),
    "pass": Rule((TOWNSHIP,), (S.SUBMITTED,)),
    "approve": Rule((COUNTY,), (S.REVIEWED,)),
    "publish": Rule((COUNTY,), (S.APPROVED,), annual_only=True),
    "uphold": Rule((COUNTY,), (S.PUBLICITY,)),
    "award": Rule((COUNTY,), (S.PUBLICITY,), annual_only=True),
    "revoke": Rule((COUNTY,), (S.AWARDED,)),
    "reopen": Rule((COUNTY,), (S.APPROVED,)),
    # Work on a place (the object, where given, is the place or something that has one).
    # A county opens checklists when it imports a township's sheet for it.
    "checklist.open": Rule((SECRETARY, TOWNSHIP, COUNTY)),
    "answers.import": Rule(STAFF),
    "review.queue": Rule((TOWNSHIP,)),
    "county.work": Rule((COUNTY,)),  # approvals, publicity, ratings, bulletin, exports
    "objection.file": Rule((COUNTY,)),  # one received by phone or letter, recorded by the county
    # Who objected (name, phone) is for the staff who rule on objections, never for the branch
    # objected to or its township (a secretary could otherwise find and pressure the objector).
    "objection.see_objector": Rule((COUNTY,)),
    # Veto events (三零 and other vetoes) and what follows from them.
    "event.record": Rule(STAFF),
    "event.withdraw": Rule((COUNTY,)),
    "zeros.view": Rule(STAFF + ABOVE),  # the three-zero page of a year
    "revocation.decide": Rule((COUNTY,)),  # confirm or dismiss a proposal to revoke a star
    # Quarterly dynamic scoring: the township records rewards and penalties, the county rules.
    "adjustment.record": Rule((TOWNSHIP,)),
    "adjustment.decide": Rule((COUNTY,)),
    # One-click reminders to the branches that have not handed in (一键催报): a township for its
    # villages, the county for all of its own.
    "reminders.send": Rule(STAFF),
}

CHECKLIST_ACTIONS = (
    "edit", "submit", "return", "pass", "approve", "publish", "uphold", "award", "revoke",
    "reopen", "rectify",
)  # fmt: skip


def actions_for(user: Any, checklist: Any) -> set[str]:
    """The workflow actions `user` may take on `checklist` now (the buttons a page shows)."""
    return {action for action in CHECKLIST_ACTIONS if may(user, action, checklist)}
