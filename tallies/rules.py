"""The figures' rows of the gate's table (access.rules), registered when the app starts."""

from access.rules import ABOVE, COUNTY, STAFF, Rule

RULES = {
    "dashboard.view": Rule(STAFF + ABOVE),
    "tally.view": Rule(STAFF + ABOVE),
    "tally.start": Rule((COUNTY, *ABOVE)),
    # A tally holds every township's and branch's figures.
    "tally.list": Rule((COUNTY, *ABOVE)),
    "region.view": Rule(ABOVE),  # the city's or province's dashboard and bulletin
    "quarters.view": Rule(STAFF + ABOVE),  # the quarters' rankings
}
