"""Whole numbers typed into a URL (ids, years, page numbers), read one way everywhere.

``str.isdigit()`` and ``int()`` disagree: ``"²".isdigit()`` is true but ``int("²")`` fails,
and ``int("３")`` and ``int("٣")`` are 3. A number no database column holds (30 digits)
overflows SQLite's 64-bit integers at query time. So a number here is ASCII digits only,
within what the database can compare, and anything else is refused where it is read.
"""
import re

#: The range of PostgreSQL's bigint and SQLite's INTEGER (the ids are BigAutoField).
BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1

#: A whole number as a URL may spell it: ASCII digits, an optional leading minus.
ASCII_INTEGER = re.compile(r"-?[0-9]+")


def parse_whole_number(text, *, minimum: int = BIGINT_MIN, maximum: int = BIGINT_MAX) -> int | None:
    """The integer ``text`` spells in ASCII digits (with an optional leading minus), or
    None when it spells none or one outside ``minimum``..``maximum``."""
    # 20 characters hold every bigint; longer text is never converted (int() of thousands
    # of digits is slow, and refused past 4,300).
    if not isinstance(text, str) or len(text) > 20 or not ASCII_INTEGER.fullmatch(text):
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None
