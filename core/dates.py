"""Dates typed into a list's filters: a From and a To, each in any of the shapes people write them."""

import re
from datetime import date, datetime

DATE_SHAPES = (
    (re.compile(r"\d{4}-\d{1,2}-\d{1,2}"), ("%Y-%m-%d",)),
    (re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}"), ("%d/%m/%Y",)),
    (re.compile(r"\d{1,2} [a-z]+ \d{4}", re.IGNORECASE), ("%d %B %Y", "%d %b %Y")),
)


def typed_date(text: str, name: str) -> tuple[date | None, str]:
    """A date typed as 2026-11-25, 25/11/2026 or 25 November 2026 (or Nov); else why it is not one."""
    for shape, formats in DATE_SHAPES:
        if shape.fullmatch(text):
            written = re.sub(r"[.-]", "/", text) if "/" in formats[0] else text
            for form in formats:
                try:
                    return datetime.strptime(written, form).date(), ""
                except ValueError:
                    continue
            return None, f"The ‘{name}’ date must be a real date"
    return None, f"Enter the ‘{name}’ date as a date, for example 2026-11-25 or 25 November 2026"


def date_range(params) -> tuple[dict, dict]:
    """The From and To dates asked for (`params`' "from" and "to", as typed), and an error for each one that is not a
    date (or not in order)."""
    dates, errors = {}, {}
    for key, name in (("from", "From"), ("to", "To")):
        dates[key], error = typed_date(params[key], name) if params[key] else (None, "")
        if error:
            errors[key] = error
    if dates["from"] and dates["to"] and dates["from"] > dates["to"]:
        errors["to"] = "The ‘To’ date must be the same as or after the ‘From’ date"
    return dates, errors
