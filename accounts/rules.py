"""The accounts' row of the gate's table: staff issue activation codes to the secretaries of
the places they govern. Registered when the app starts (AccountsConfig.ready)."""

from access.rules import STAFF, Rule

RULES = {"accounts.activate": Rule(STAFF)}
