"""What the pages of every app share in reading a posted form."""


def ids_from(values: list[str]) -> list[int]:
    """The ids among ticked values: a value that is not one (a tampered form) selects nothing,
    instead of failing the whole request."""
    return [int(v) for v in values if v.isascii() and v.isdigit() and len(v) < 19]
