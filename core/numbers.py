"""Reading a whole number someone typed or a file gave. No Django."""

import re

_DIGITS = re.compile(r"[0-9]+")


def whole_number(text: str | None, digits: int = 9) -> int | None:
    """The number `text` writes in at most `digits` ASCII digits, else None. Not str.isdigit(), which also
    takes superscripts and other scripts' digits ('²', '٣') that int() refuses, and no limit on length
    (int() refuses a number of more than 4,300 digits)."""
    text = (text or "").strip()
    return int(text) if len(text) <= digits and _DIGITS.fullmatch(text) else None
