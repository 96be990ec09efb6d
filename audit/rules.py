"""The audit log's row of the gate's table: the county and those above read it."""

from access.rules import ABOVE, COUNTY, Rule

RULES = {"audit.view": Rule((COUNTY, *ABOVE))}
