"""The accounts' row of the gate's table: staff issue activation codes to the secretaries of
the places they govern. Registered when the app starts (AccountsConfig.ready)."""

from access.rules import ABOVE, STAFF, Rule

RULES = {
    "accounts.activate": Rule(STAFF),
    # The API's documentation is linked from the menu for the staff whose systems use it; a
    # secretary works on the pages (the API itself answers everyone as the gate says).
    "api.docs": Rule((*STAFF, *ABOVE)),
}
