"""A year of England's audit log, written as the service writes it, and the log's searches timed against it.

    .venv/bin/python -m bench.audit_events fill 3000000     # into the configured database (DATABASE_URL, else SQLite)
    .venv/bin/python -m bench.audit_events time             # each search, for an LA administrator and the service's

Events are made by the models and the stamp of audit.scopes, each with its AuditPlace rows, over 150 authorities of
unequal size (the largest about a seventh of the log): reads of schools ("Name
(URN)") and of their local intelligence, lists of pages, signing in and out, intelligence recorded and changed, roles
granted, imports. Not a benchmark case of `python -m bench` (it takes minutes to fill): run by hand.
"""

import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from itertools import count
from unittest import mock

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonground.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from accounts.access import Scope  # noqa: E402
from audit.log import AuditLog, Filters  # noqa: E402
from audit.models import AuditAction, AuditEvent, AuditPlace  # noqa: E402
from audit.scopes import EVERY_AUTHORITY, place_rows, stamp  # noqa: E402
from bench import best_of  # noqa: E402

AUTHORITIES = 150
PEOPLE_PER_AUTHORITY = 20
SCHOOLS_PER_AUTHORITY = 160
BATCH = 5000
FIRST = ["amelia", "oliver", "isla", "george", "ava", "noah", "mia", "arthur", "ivy", "leo", "freya", "oscar", "grace",
         "harry", "lily", "jack", "rosie", "charlie", "ella", "thomas", "sophie", "james", "nia", "priya", "mohammed",
         "fatima", "aisha", "daniel", "hannah", "samuel"]  # fmt: skip
LAST = ["smith", "jones", "taylor", "brown", "williams", "wilson", "johnson", "davies", "patel", "wright", "robinson",
        "thompson", "evans", "walker", "white", "roberts", "green", "hall", "wood", "jackson", "clarke", "khan", "ahmed",
        "hughes", "edwards", "turner", "hill", "moore", "cooper", "ward"]  # fmt: skip
PLACES = ["Ash", "Ashtead", "Banstead", "Bramley", "Camberley", "Chertsey", "Cobham", "Cranleigh", "Dorking", "Egham",
          "Epsom", "Esher", "Ewell", "Farnham", "Frimley", "Godalming", "Guildford", "Haslemere", "Horley", "Leatherhead",
          "Lingfield", "Merstham", "Oxted", "Redhill", "Reigate", "Shere", "Staines", "Sunbury", "Tadworth", "Walton",
          "Weybridge", "Woking", "Worplesdon", "Alton", "Andover", "Basingstoke", "Fleet", "Romsey", "Ringwood", "Whitby",
          "Kendal", "Keswick", "Penrith", "Ludlow", "Hexham", "Alnwick", "Bude", "Truro", "Ely", "Wells"]  # fmt: skip
SAINTS = ["St Mary's", "St Peter's", "St John's", "Christ Church", "Holy Trinity", "St Paul's", "All Saints", ""]
KINDS = ["Primary School", "Infant School", "Junior School", "C of E Primary School", "Academy", "High School",
         "Catholic Primary School", "Community Primary School", "School", "Nursery School"]  # fmt: skip
DOMAINS = ["gov.uk", "sch.uk", "org.uk", "academy.org.uk"]


def _authority_weights() -> list[float]:
    """Authorities of unequal size: a few large counties, many small boroughs."""
    return [1 / (rank**0.9) for rank in range(1, AUTHORITIES + 1)]


def _world(rng: random.Random):
    people = []
    for authority in range(1, AUTHORITIES + 1):
        for n in range(PEOPLE_PER_AUTHORITY):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            people.append((authority, f"{first}.{last}{n}@la{authority}.{rng.choice(DOMAINS)}"))
    urns = iter(rng.sample(range(100000, 160000), AUTHORITIES * SCHOOLS_PER_AUTHORITY))
    schools = {
        authority: [
            (next(urns), f"{rng.choice(SAINTS)} {rng.choice(PLACES)} {rng.choice(KINDS)}".strip()) for _ in range(SCHOOLS_PER_AUTHORITY)
        ]
        for authority in range(1, AUTHORITIES + 1)
    }
    return people, schools


def _event(rng: random.Random, people, schools, weights, entry_ids):
    """One event's fields and its place, as the service records them."""
    authority = rng.choices(range(1, AUTHORITIES + 1), weights)[0]
    mine = people[(authority - 1) * PEOPLE_PER_AUTHORITY : authority * PEOPLE_PER_AUTHORITY]
    _, email = rng.choice(mine)
    urn, name = rng.choice(schools[authority])
    place = {authority}
    roll = rng.random()
    fields = {"user_email": email, "ip_address": f"10.{authority}.{rng.randrange(256)}.{rng.randrange(1, 255)}"}
    if roll < 0.45:
        fields |= {
            "action": AuditAction.VIEW,
            "object_type": "register.school",
            "object_id": str(urn),
            "object_repr": f"{name} ({urn})",
            "path": f"/schools/{urn}/",
        }
    elif roll < 0.60:
        fields |= {
            "action": AuditAction.VIEW,
            "object_type": "evidence.intelligence",
            "object_id": str(urn),
            "object_repr": f"{name} ({urn})",
            "path": f"/schools/{urn}/intelligence/",
            "detail": {"page": 1},
        }
    elif roll < 0.72:
        page = rng.choice(["/schools/", "/partnership/", "/evidence/", "/imports/", f"/schools/?q={rng.choice(PLACES).lower()}"])
        fields |= {"action": AuditAction.VIEW, "object_type": "register.school", "object_repr": page, "path": page}
    elif roll < 0.84:
        fields |= {
            "action": rng.choice([AuditAction.SIGN_IN, AuditAction.SIGN_OUT]),
            "path": "/accounts/sign-in/",
            "detail": {"stage": "password"},
        }
    elif roll < 0.85:
        fields |= {
            "action": AuditAction.SIGN_IN_FAILED,
            "user_email": "",
            "path": "/accounts/sign-in/",
            "detail": {"email": email, "stage": "password"},
        }
        place = set()
    elif roll < 0.92:
        entry = next(entry_ids)
        fields |= {
            "action": rng.choice([AuditAction.CREATE, AuditAction.UPDATE]),
            "object_type": "evidence.intelligenceentry",
            "object_id": str(entry),
            "object_repr": f"Leadership change at {name} ({urn})",
            "path": f"/schools/{urn}/intelligence/",
            "detail": {"kind": "leadership", "school_urn": urn},
        }
    elif roll < 0.94:
        _, other = rng.choice(people)
        fields |= {
            "action": rng.choice([AuditAction.GRANT, AuditAction.REVOKE]),
            "object_type": "accounts.roleassignment",
            "object_id": str(rng.randrange(1, 10**5)),
            "object_repr": f"Link adviser — {name} ({urn})",
            "path": "/accounts/people/",
            "detail": {"role": "link_adviser", "to": other},
        }
    elif roll < 0.96:
        fields |= {
            "action": AuditAction.VIEW,
            "object_type": "accounts.user",
            "object_id": str(rng.randrange(1, 3000)),
            "object_repr": rng.choice(people)[1],
            "path": "/accounts/people/",
        }
    elif roll < 0.99:
        # An import by the worker: a GIAS extract of two authorities, or a national file of every authority.
        file_name, kind, place = (
            ("edubasealldata.csv", "gias", {authority, rng.randrange(1, AUTHORITIES + 1)})
            if roll < 0.97
            else ("ks2-final-england.csv", "ks2_final", EVERY_AUTHORITY)
        )
        fields |= {
            "action": AuditAction.IMPORT,
            "object_type": "imports.importrun",
            "object_id": str(rng.randrange(1, 10**4)),
            "object_repr": file_name,
            "detail": {"kind": kind},
            "user_email": "",
            "path": "",
            "ip_address": None,
        }
    else:
        fields |= {
            "action": AuditAction.EXPORT,
            "object_type": "register.localauthority",
            "object_id": str(authority),
            "object_repr": f"Authority {authority}",
            "path": "/evidence/export/",
            "detail": {"format": "csv"},
        }
    return fields, place


def fill(total: int, seed: int = 2026) -> None:
    """`total` events over a year, oldest first, with their places, in batches."""
    rng = random.Random(seed)
    people, schools = _world(rng)
    weights = _authority_weights()
    entry_ids = count(1)
    start = datetime(2025, 12, 1, tzinfo=UTC)
    step = timedelta(days=365) / total
    moments = (start + step * n for n in range(total))
    made = 0
    began = time.perf_counter()
    # The event's time is its auto_now_add: each one takes the next moment of the year.
    with mock.patch("django.utils.timezone.now", side_effect=lambda: next(moments)):
        while made < total:
            size = min(BATCH, total - made)
            batch = [_event(rng, people, schools, weights, entry_ids) for _ in range(size)]
            with transaction.atomic():
                events = AuditEvent.objects.bulk_create(
                    AuditEvent(detail=fields.pop("detail", {}), authorities=stamp(place), **fields) for fields, place in batch
                )
                AuditPlace.objects.bulk_create(
                    AuditPlace(event=event, authority_id=authority, at=event.at, action=event.action, object_type=event.object_type)
                    for event, (_, place) in zip(events, batch, strict=True)
                    for authority in place_rows(place)
                )
            made += size
            if made % 100_000 == 0 or made == total:
                print(f"{made} events, {time.perf_counter() - began:.0f}s", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


COPY_EVENTS = """INSERT INTO audit_auditevent (id, at, user_id, user_email, action, object_type, object_id, object_repr, path,
    ip_address, detail, authorities)
    SELECT id + %(ids)s, {at}, user_id, user_email, action, object_type, object_id, object_repr, path, ip_address, detail,
    authorities FROM audit_auditevent WHERE id <= %(last)s"""
COPY_PLACES = """INSERT INTO audit_auditplace (event_id, authority_id, at, action, object_type)
    SELECT event_id + %(ids)s, authority_id, {at}, action, object_type FROM audit_auditplace WHERE event_id <= %(last)s"""
# The same moment `seconds` later, as each database stores it (SQLite: text to the microsecond).
LATER = {
    "postgresql": "at + %(seconds)s * interval '1 second'",
    "sqlite": "substr(strftime('%%Y-%%m-%%d %%H:%%M:%%f', at, '+' || %(seconds)s || ' seconds'), 1, 23) || '000'",
}


def repeat(total: int) -> None:
    """The events written so far (a month or so of the year that `fill` was asked for) again and again, each time as
    many seconds later as they span, with their places, to `total`: writing every event through the models takes an
    hour for three million on a busy machine; this, minutes. Sequences are moved on past the last id written."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(id), MIN(at), MAX(at) FROM audit_auditevent")
        written, first, last = cursor.fetchone()
        if connection.vendor == "sqlite":
            first, last = (datetime.fromisoformat(moment) for moment in (first, last))
        span = (last - first).total_seconds() * written / (written - 1)
        copy = 1
        while written * copy < total:
            asked = {"ids": written * copy, "last": min(written, total - written * copy), "seconds": span * copy}
            with transaction.atomic():
                cursor.execute(COPY_EVENTS.format(at=LATER[connection.vendor]), asked)
                cursor.execute(COPY_PLACES.format(at=LATER[connection.vendor]), asked)
            print(f"{written * copy + asked['last']} events", file=sys.stderr)
            copy += 1
        if connection.vendor == "postgresql":
            for table in ("audit_auditevent", "audit_auditplace"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")  # noqa: S608
        cursor.execute("ANALYZE")


SEARCHES = [
    ("who: one person", Filters(who="priya.green10")),
    ("who: a first name", Filters(who="priya")),
    ("who: a domain", Filters(who="@la1.gov")),
    ("who: no one", Filters(who="nobody.here")),
    ("who: two letters", Filters(who="zz")),
    ("record: a name", Filters(record="Cranleigh Junior")),
    ("record: a word", Filters(record="Trinity")),
    ("record: a URN", Filters(record="102743")),
    ("who and record", Filters(who="oliver", record="Woking")),
    ("no words", Filters()),
]


def measure(repeat: int = 3, only: str = "") -> None:
    """Each search's count and first page, and its last page, best of `repeat`, for the administrator of the largest
    authority and for the service's administrator."""
    readers = {"LA admin (largest)": Scope(admin_authority_ids=frozenset({1})), "Service admin": Scope(everything=True)}
    print(f"{connection.vendor}: {AuditEvent.objects.order_by().count()} events")
    for reader, scope in readers.items():
        for name, filters in SEARCHES:
            if only not in name:
                continue

            def first_page(scope=scope, filters=filters):
                log = AuditLog(scope, filters)
                return log.count(), log[0:50]

            def last_page(scope=scope, filters=filters):
                log = AuditLog(scope, filters)
                found = log.count()
                return log[max(0, found - 50) : found]

            found = AuditLog(scope, filters).count()
            first, last = best_of(repeat, first_page), best_of(repeat, last_page)
            print(f"  {reader:<20} {name:<22} {found:>9}  first {first:6.3f}s  last {last:6.3f}s")


if __name__ == "__main__":
    if sys.argv[1:2] == ["fill"]:
        fill(int(sys.argv[2]) if len(sys.argv) > 2 else 3_000_000)
    elif sys.argv[1:2] == ["repeat"]:
        repeat(int(sys.argv[2]) if len(sys.argv) > 2 else 3_000_000)
    else:
        measure(only=sys.argv[2] if len(sys.argv) > 2 else "")
