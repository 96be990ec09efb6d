"""The rulebook's rows of the gate's table (access.rules), registered when the app starts."""

from access.rules import COUNTY, Rule

RULES = {
    "cycle.open": Rule((COUNTY,)),
    "deadline.set": Rule((COUNTY,)),  # the county's submission deadline of a cycle
}
