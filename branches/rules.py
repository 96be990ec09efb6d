"""The branches' rows of the gate's table (access.rules): rectification tasks, weak and lax,
the responsibility chain, targets, registers and the division list. Registered when the app
starts (BranchesConfig.ready); the gate itself knows no app."""

from access.rules import ABOVE, COUNTY, SECRETARY, STAFF, TOWNSHIP, Rule
from branches.choices import RectificationStatus

R = RectificationStatus

RULES = {
    "rectify": Rule(STAFF),  # assign a rectification task from the shortfall list
    # A rectification task (整改任务), one status step at a time.
    "rectification.done": Rule((SECRETARY, TOWNSHIP), (R.OPEN,)),
    "rectification.verify": Rule((TOWNSHIP,), (R.DONE,)),
    "rectification.reject": Rule((TOWNSHIP,), (R.DONE,)),
    "rectification.close": Rule(STAFF, (R.VERIFIED,)),
    "divisions.import": Rule(ABOVE),  # places set up from the statistical division list
    # Registers (名录) of townships, villages and branches, each row within the importer's place.
    "registers.import": Rule((TOWNSHIP, COUNTY, *ABOVE)),
    "targets.set": Rule((COUNTY, *ABOVE)),
    # Weak and lax (软弱涣散): the township proposes lifting, the county lists and decides.
    "weak_lax.propose": Rule((TOWNSHIP,)),
    "weak_lax.decide": Rule((COUNTY,)),
    # The responsibility chain (五级分包): set by the county, read by staff and those above.
    "responsibility.set": Rule((COUNTY,)),
    "responsibility.view": Rule(STAFF + ABOVE),
}
