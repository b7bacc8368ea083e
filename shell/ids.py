"""Ids from outside — a URL, a query string, a form — are whole numbers that fit a 64-bit column.

A longer number is not an id of anything, and letting it reach the database is a 500: SQLite
cannot even bind it (OverflowError), PostgreSQL compares it as a numeric. So it stops here:
URLs take the `id` converter (registered in `ShellConfig.ready`), which does not match past 64
bits (a 404); query strings go through `parse_id`; forms through the choice fields of
`shell.forms`, which answer with the usual "Select a valid choice".
"""

import re

ID_MIN, ID_MAX = -(2**63), 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")


def fits(number: int) -> bool:
    return ID_MIN <= number <= ID_MAX


def parse_id(value) -> int | None:
    """An id from a query string or a form value (ASCII digits, at most 2**63 - 1), or None."""
    text = str(value if value is not None else "").strip()
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if number <= ID_MAX else None


class IdConverter:
    """`<id:pk>`: like Django's `int`, but only for numbers that fit a 64-bit id column."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > ID_MAX:
            raise ValueError("not an id: larger than 64 bits")  # the pattern does not match: 404
        return number

    def to_url(self, value) -> str:
        number = parse_id(value)
        if number is None:
            raise ValueError(f"not an id: {value!r}")  # reverse() answers NoReverseMatch
        return str(number)
