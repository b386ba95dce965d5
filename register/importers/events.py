"""What changed between a school's stored entry and a newer extract, as dated register events.

Pure functions over plain dicts (field name → value), so the rules are tested without a database.
"""

from datetime import date

from register.models import RegisterEventKind as Kind
from register.models import SchoolStatus

FIELDS = (
    "name",
    "status",
    "opened_on",
    "closed_on",
    "close_reason",
    "type_name",
    "phase",
    "low_age",
    "high_age",
    "head_title",
    "head_first_name",
    "head_last_name",
    "trust_name",
    "federation_name",
    "ofsted_rating",
    "ofsted_last_inspection",
)


def _head(row) -> str:
    return " ".join(p for p in (row["head_title"], row["head_first_name"], row["head_last_name"]) if p)


TITLES = {"mr", "mrs", "miss", "ms", "mx", "dr", "prof", "rev", "sir", "dame"}


def _surname(row) -> str:
    words = [w.strip(".,()").lower() for w in row["head_last_name"].split()]
    return " ".join(w for w in words if w not in TITLES)


def _same_person(old, new) -> bool:
    """Same surname, whatever the first name says ("Peter" and "Pete" are one head)."""
    return _surname(old) == _surname(new)


def _phase(row) -> str:
    ages = f"{row['low_age']} to {row['high_age']}" if row["low_age"] is not None and row["high_age"] is not None else ""
    return ", ".join(p for p in (row["phase"], ages) if p)


def register_events(old: dict, new: dict, extract_date: date) -> list[tuple[str, date, str, str]]:
    """(kind, occurred_on, old value, new value) for each meaningful change from `old` to `new`."""
    events = []
    if old["status"] != new["status"]:
        if new["status"] == SchoolStatus.CLOSED:
            events.append((Kind.CLOSED, new["closed_on"] or extract_date, old["status"], new["close_reason"] or new["status"]))
        elif old["status"] == SchoolStatus.PROPOSED_TO_OPEN and new["status"] == SchoolStatus.OPEN:
            events.append((Kind.OPENED, new["opened_on"] or extract_date, old["status"], new["status"]))
        else:
            events.append((Kind.STATUS_CHANGED, extract_date, old["status"], new["status"]))
    if not _same_person(old, new):
        events.append((Kind.HEAD_CHANGED, extract_date, _head(old), _head(new)))
    if old["name"] != new["name"]:
        events.append((Kind.RENAMED, extract_date, old["name"], new["name"]))
    if old["type_name"] != new["type_name"]:
        events.append((Kind.TYPE_CHANGED, extract_date, old["type_name"], new["type_name"]))
    if old["trust_name"] != new["trust_name"]:
        if old["trust_name"]:
            events.append((Kind.LEFT_TRUST, extract_date, old["trust_name"], new["trust_name"]))
        if new["trust_name"]:
            events.append((Kind.JOINED_TRUST, extract_date, old["trust_name"], new["trust_name"]))
    if old["federation_name"] != new["federation_name"]:
        events.append((Kind.FEDERATION_CHANGED, extract_date, old["federation_name"], new["federation_name"]))
    if _phase(old) != _phase(new):
        events.append((Kind.PHASE_CHANGED, extract_date, _phase(old), _phase(new)))
    if old["ofsted_rating"] != new["ofsted_rating"]:
        events.append((Kind.OFSTED_CHANGED, new["ofsted_last_inspection"] or extract_date, old["ofsted_rating"], new["ofsted_rating"]))
    return events


register_events.fields = FIELDS


def opened_event(row: dict) -> dict:
    """The event for a school that appears, open, in an authority the register already held."""
    return {"kind": Kind.OPENED, "occurred_on": row["opened_on"], "old_value": "", "new_value": row["name"]}
