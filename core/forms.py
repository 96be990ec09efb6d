"""What the pages of every app share in reading a posted form or a query string."""

import re

# ASCII digits only: str.isdigit() is also true for "²", "١" and "１", which int() refuses or
# reads as another number; ids, years, revisions and day counts are typed in ASCII.
_DIGITS = re.compile(r"[0-9]{1,18}")


def whole_number(text: object, *, low: int, high: int) -> int | None:
    """`text` as a whole number within `low`–`high`, or None when it is not one (ASCII digits
    only, surrounding spaces allowed)."""
    if not isinstance(text, str) or not _DIGITS.fullmatch(text.strip()):
        return None
    number = int(text.strip())
    return number if low <= number <= high else None


def ids_from(values: list[str]) -> list[int]:
    """The ids among ticked values: a value that is not one (a tampered form) selects nothing,
    instead of failing the whole request."""
    return [n for v in values if (n := whole_number(v, low=1, high=2**63 - 1)) is not None]
