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


def register_events(old: dict, new: dict) -> list[tuple[str, date | None, str, str]]:
    """(kind, occurred_on, old value, new value) for each meaningful change from `old` to `new`; occurred_on
    is None where the register does not say when the change happened (see dated_events)."""
    events = []
    if old["status"] != new["status"]:
        if new["status"] == SchoolStatus.CLOSED:
            events.append((Kind.CLOSED, new["closed_on"], old["status"], new["close_reason"] or new["status"]))
        elif old["status"] == SchoolStatus.PROPOSED_TO_OPEN and new["status"] == SchoolStatus.OPEN:
            events.append((Kind.OPENED, new["opened_on"], old["status"], new["status"]))
        else:
            events.append((Kind.STATUS_CHANGED, None, old["status"], new["status"]))
    if not _same_person(old, new):
        events.append((Kind.HEAD_CHANGED, None, _head(old), _head(new)))
    if old["name"] != new["name"]:
        events.append((Kind.RENAMED, None, old["name"], new["name"]))
    if old["type_name"] != new["type_name"]:
        events.append((Kind.TYPE_CHANGED, None, old["type_name"], new["type_name"]))
    if old["trust_name"] != new["trust_name"]:
        if old["trust_name"]:
            events.append((Kind.LEFT_TRUST, None, old["trust_name"], new["trust_name"]))
        if new["trust_name"]:
            events.append((Kind.JOINED_TRUST, None, old["trust_name"], new["trust_name"]))
    if old["federation_name"] != new["federation_name"]:
        events.append((Kind.FEDERATION_CHANGED, None, old["federation_name"], new["federation_name"]))
    if _phase(old) != _phase(new):
        events.append((Kind.PHASE_CHANGED, None, _phase(old), _phase(new)))
    if old["ofsted_rating"] != new["ofsted_rating"]:
        events.append((Kind.OFSTED_CHANGED, new["ofsted_last_inspection"], old["ofsted_rating"], new["ofsted_rating"]))
    return events


register_events.fields = FIELDS


def dated_events(old: dict, new: dict, recorded_on: date) -> list[dict]:
    """The events of register_events as RegisterEvent fields. A change the register does not date is dated
    `recorded_on`, when the register recorded it (the school's last change, else the extract's date): it
    happened on or before then, and says so; and after the old entry's last change, if it has one."""
    return [
        {
            "kind": kind,
            "occurred_on": occurred_on or recorded_on,
            "on_or_before": occurred_on is None,
            "after": old.get("register_changed_on") if occurred_on is None else None,
            "old_value": old_value[:400],
            "new_value": new_value[:400],
        }
        for kind, occurred_on, old_value, new_value in register_events(old, new)
    ]


def opened_event(row: dict) -> dict:
    """The event for a school that appears, open, in an authority the register already held."""
    return {"kind": Kind.OPENED, "occurred_on": row["opened_on"], "old_value": "", "new_value": row["name"]}
