"""The audit log as an administrator reads it: their events, filtered, newest first, a page at a time.

A service administrator reads every event. An LA administrator reads the events that lie in their authorities (or in
every authority): each authority's part of AuditPlace's indexes holds its events newest first, so a page is read by
merging those parts (one for each of their authorities, one for every authority), a few rows from each, however many
millions of events the log holds; and they are counted from the same indexes. Searching each event's stamp instead
read the whole log for every page.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.db.models.lookups import IContains
from django.utils import timezone

from .models import AuditEvent, AuditPlace
from .scopes import lying_in

# A search for words that finds no more events than this lists them all from one pass over the log (AuditLog._few_found).
FOUND_AT_ONCE = 2000
UNREAD = object()


@dataclass(frozen=True)
class Filters:
    """What the log's form asks for: each empty (or None) where it asks nothing."""

    who: str = ""
    action: str = ""
    object_type: str = ""
    record: str = ""
    since: date | None = None
    until: date | None = None


# The fields searched for words, by their column in SQLite's index of their trigrams (migration 0007).
WORDS = {"who": "user_email", "record": "object_repr"}


# Where SQLite's index of trigrams names more events than this, reading each of them takes longer than reading every
# event (a first name, a word of many schools' names: at three million events, 2 to 3.5 s where a scan takes 1 to 2 s).
NAMED_AT_MOST = 50_000


def _containing(column: str, words: str) -> Q:
    """The events whose `column` (of WORDS) holds `words`, in any case (`icontains`, as it always was), found from an
    index of trigrams. PostgreSQL's (pg_trgm) indexes the very expression `icontains` tests. SQLite's FTS5 table names
    the events whose field holds the words' trigrams, in a row, in any case: those events are then held to `icontains`
    (SQLite's LIKE folds the case of ASCII letters only), unless it names more than NAMED_AT_MOST, when every event is
    read instead. Fewer than three letters make no trigram: every event is read, on either database."""
    field = WORDS[column]
    holds = Q(**{f"{field}__icontains": words})
    if len(words) < 3 and connection.vendor == "postgresql":
        # PostgreSQL would read the whole of its index for them, slower than reading every event: the same test, of
        # an expression it has no index of.
        return Q(IContains(Concat(field, Value("")), words))
    if len(words) < 3 or connection.vendor != "sqlite":
        return holds
    phrase = '"' + words.replace('"', '""') + '"'
    named = f"SELECT rowid FROM audit_auditevent_words WHERE {column} MATCH %s"  # noqa: S608 (a column of WORDS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({named} LIMIT %s)", [phrase, NAMED_AT_MOST + 1])  # noqa: S608
        if cursor.fetchone()[0] > NAMED_AT_MOST:
            return holds
    return Q(id__in=RawSQL(named, [phrase])) & holds  # noqa: S611


def _record_matches(record: str) -> Q:
    """A record number is that record's, a URN its school's ("Name (URN)"): not any record whose words hold the digits.
    ("(URN)" holds no letter, so it is found in any case as it is.)"""
    if record.isdigit():
        return Q(object_id=record) | _containing("record", f"({record})")
    return _containing("record", record)


def _start_of(day: date) -> datetime:
    """The first moment of `day` where the service is (its time zone), as the log's times are shown."""
    return timezone.make_aware(datetime.combine(day, time.min))


class AuditLog:
    """The events `scope` may read that `filters` ask for, newest first: what `page_of` pages through (a count, and
    slices of events), reading only the events of the page asked for."""

    def __init__(self, scope, filters: Filters = Filters()):
        self.scope, self.filters = scope, filters
        self._count = None
        # Words to find in who did it or in the record's name are found from their index of trigrams, among every
        # event; those events are then kept if they lie in the reader's authorities.
        self._searches_words = bool(filters.who or filters.record)
        self._by_event = scope.everything or self._searches_words
        self._found = UNREAD
        self._words = None

    def _filtered(self, rows: QuerySet) -> QuerySet:
        """`rows` (AuditPlace's, or AuditEvent's) with what the filters ask of the fields both hold."""
        f = self.filters
        if f.action:
            rows = rows.filter(action=f.action)
        if f.object_type:
            rows = rows.filter(object_type=f.object_type)
        if f.since:
            rows = rows.filter(at__gte=_start_of(f.since))
        if f.until and f.until < date.max:  # to the last day there is: every event after the first day asked for
            rows = rows.filter(at__lt=_start_of(f.until + timedelta(days=1)))
        return rows

    def _rows(self, order=(), enough=None):
        """(at, event id) of each event, in `order`, for counting and slicing.

        For an LA administrator, one part for each of their authorities (less the events an earlier part has, which
        lie in both) and one for every authority, put together with UNION ALL. SQLite merges the parts in `order` from
        their indexes; PostgreSQL (15) sorts all their rows instead, so each part is cut to the `enough` rows the page
        needs first, each read from its index."""
        if not self.scope.is_la_admin:  # reads no log, not even the events of every authority
            return AuditEvent.objects.none().values_list("at", "id")
        if self._by_event:
            events = self._filtered(AuditEvent.objects.order_by())
            events = events.filter(self._words_found())
            if not self.scope.everything:
                theirs = AuditPlace.objects.filter(lying_in(self.scope.admin_authority_ids), event=OuterRef("pk"))
                events = events.filter(Exists(theirs))
            return events.values_list("at", "id").order_by(*order)
        rows, earlier, parts = self._filtered(AuditPlace.objects.order_by()), [], []
        for authority in sorted(self.scope.admin_authority_ids):
            part = rows.filter(authority_id=authority)
            if earlier:
                part = part.exclude(Exists(AuditPlace.objects.filter(event=OuterRef("event"), authority_id__in=earlier)))
            parts.append(part)
            earlier.append(authority)
        parts.append(rows.filter(authority_id__isnull=True))
        parts = [part.values_list("at", "event_id") for part in parts]
        if enough is not None and connection.features.supports_slicing_ordering_in_compound:
            parts = [part.order_by(*order)[:enough] for part in parts]
        return parts[0].union(*parts[1:], all=True).order_by(*order)

    def _words_found(self) -> Q:
        """The events that hold the words asked for (once for each log: on SQLite, it asks its index how many it names)."""
        if self._words is None:
            self._words = Q()
            if self.filters.who:
                self._words &= _containing("who", self.filters.who)
            if self.filters.record:
                self._words &= _record_matches(self.filters.record)
        return self._words

    def _few_found(self) -> list | None:
        """(at, id) of each event the words find, newest first, where they find no more than FOUND_AT_ONCE: read in one
        pass over the log, which both counts and lists them. Read newest first through the index on time instead, a
        search that finds few events reads nearly every event out of the table's order (three times as long on SQLite),
        and counting them is another pass. None where the words find more, which the index soon comes across."""
        if self._found is UNREAD:
            found = list(self._rows()[: FOUND_AT_ONCE + 1])
            self._found = sorted(found, reverse=True) if len(found) <= FOUND_AT_ONCE else None
        return self._found

    def count(self) -> int:
        if self._count is None:
            found = self._few_found() if self._searches_words else None
            self._count = len(found) if found is not None else self._rows().count()
        return self._count

    def __getitem__(self, part: slice) -> list[AuditEvent]:
        """The events from `part.start` to `part.stop`, newest first. A page past the middle is read from the oldest
        end, so that the last of a million events is as quick to reach as the first."""
        count = self.count()
        start, stop = part.start or 0, min(part.stop, count)
        if stop <= start:
            return []
        newest_first = ("-at", "-id") if self._by_event else ("-at", "-event_id")
        found = self._few_found() if self._searches_words else None
        if found is not None:
            rows = found[start:stop]
        elif start > count - stop:
            oldest_first = tuple(key[1:] for key in newest_first)
            rows = list(self._rows(oldest_first, count - start)[count - stop : count - start])[::-1]
        else:
            rows = self._rows(newest_first, stop)[start:stop]
        ids = [event_id for _, event_id in rows]
        events = AuditEvent.objects.select_related("user").order_by().in_bulk(ids)
        return [events[event_id] for event_id in ids]

    def kinds(self) -> list[str]:
        """The kinds of record (object_type) the log holds for this reader, whatever the filters: found by stepping
        through the kinds in an index from one to the next (a dozen lookups, where DISTINCT reads every event), then,
        for an LA administrator, keeping those with an event in their authorities' part of AuditPlace's index."""
        if not self.scope.is_la_admin:
            return []
        kinds = _kinds_recorded()
        if self.scope.everything:
            return kinds
        theirs = AuditPlace.objects.filter(lying_in(self.scope.admin_authority_ids))
        return [kind for kind in kinds if theirs.filter(object_type=kind).exists()]


# Each next kind of record is the least one greater than the last, found in the index on (object_type, object_id).
KINDS_RECORDED = """
WITH RECURSIVE kinds(object_type) AS (
    SELECT MIN(object_type) FROM audit_auditevent WHERE object_type > ''
    UNION ALL
    SELECT (SELECT MIN(object_type) FROM audit_auditevent WHERE object_type > kinds.object_type)
    FROM kinds WHERE kinds.object_type IS NOT NULL
)
SELECT object_type FROM kinds WHERE object_type IS NOT NULL
"""


def _kinds_recorded() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(KINDS_RECORDED)
        return sorted(kind for (kind,) in cursor.fetchall())
