"""Words searched for in the audit log (who did it, a record's name or URN) are found from an index of their trigrams
(pg_trgm on PostgreSQL, an FTS5 table on SQLite), not by reading every event: and they find exactly the events a plain
search of every event finds, in the same case, parts of words and characters that mean something to LIKE or to FTS5."""

import pytest
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.utils import DatabaseError
from django.test.utils import CaptureQueriesContext

from accounts.access import scope_for
from audit.log import AuditLog, Filters
from audit.models import AuditAction, AuditEvent, AuditPlace
from audit.scopes import lying_in
from audit.services import record
from imports.models import ImportRun

from .factories import LocalAuthorityFactory, SchoolFactory, UserFactory
from .test_audit_places import admin_of

PEOPLE = ["Amelia.Smith@surrey.example", "amelia.smithson@hants.example", "zoë.ÉVANS@surrey.example", "o'neil_50%@surrey.example",
          'say"what@surrey.example', "ab@x.example"]  # fmt: skip
SEARCHES = [
    Filters(who="amelia.smith"),
    Filters(who="AMELIA"),
    Filters(who="Zoë"),
    Filters(who="zoë.évans"),  # SQLite's LIKE folds the case of ASCII letters only: not É's
    Filters(who="_50%"),
    Filters(who="50"),
    Filters(who='say"wh'),
    Filters(who="surrey.example"),
    Filters(who="nobody"),
    Filters(who="ab"),
    Filters(record="primary"),
    Filters(record="ASH GRANGE"),
    Filters(record="Grange Primary School ("),
    Filters(record="wrong"),
    Filters(who="amelia", record="school"),
]


@pytest.fixture
def logged(world):
    """Events by each of PEOPLE about schools in Surrey, in Hampshire and in Kent, an import of every authority, and a
    sign-in; the records' URNs and ids are searched for too."""
    kent = SchoolFactory(la=LocalAuthorityFactory(code=886, name="Kent"), name="Wrong Way Primary School")
    england = ImportRun.objects.create(file_name="england.csv", checksum="0", la_codes="")
    about = [world.school, world.far_school, kent, england, world.other_school, None]
    people = [UserFactory(email=email) for email in PEOPLE]
    for n, person in enumerate(people * 2):
        what = about[n % len(about)]
        record(AuditAction.VIEW if what else AuditAction.SIGN_IN, user=person, obj=what)
    return [world.school, world.far_school, kent]


def _plain_search(scope, filters: Filters) -> list[int]:
    """What the log found when it read every event: the same tests of the same fields, no index."""
    events = AuditEvent.objects.all()
    if filters.who:
        events = events.filter(user_email__icontains=filters.who)
    if filters.record.isdigit():
        events = events.filter(Q(object_id=filters.record) | Q(object_repr__contains=f"({filters.record})"))
    elif filters.record:
        events = events.filter(object_repr__icontains=filters.record)
    if not scope.everything:
        events = events.filter(Exists(AuditPlace.objects.filter(lying_in(scope.admin_authority_ids), event=OuterRef("pk"))))
    return list(events.order_by("-at", "-id").values_list("id", flat=True))


@pytest.mark.parametrize("at_once", [2000, 1])  # listed from one pass; else counted, then paged from either end
@pytest.mark.parametrize("named_at_most", [50_000, 1])  # SQLite: from its index; else, where it names more, a scan
def test_words_find_what_a_search_of_every_event_finds(world, logged, monkeypatch, at_once, named_at_most):
    monkeypatch.setattr("audit.log.FOUND_AT_ONCE", at_once)
    monkeypatch.setattr("audit.log.NAMED_AT_MOST", named_at_most)
    readers = [scope_for(UserFactory(email="root@example.org", is_superuser=True)), scope_for(admin_of(world.la))]
    numbers = [Filters(record=str(school.urn)) for school in logged] + [Filters(record=str(logged[0].pk))]
    for scope in readers:
        for filters in SEARCHES + numbers:
            log = AuditLog(scope, filters)
            found = [event.pk for start in range(0, log.count(), 2) for event in log[start : min(start + 2, log.count())]]
            assert found == _plain_search(scope, filters), filters
    assert _plain_search(readers[0], Filters(who="amelia.smith")) and _plain_search(readers[1], Filters(record="primary"))


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            return " ".join(str(row[-1]) for row in cursor.fetchall())
        # PostgreSQL plans a table this small with a scan, whatever its indexes: asked not to, it shows which it can use.
        with transaction.atomic():
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql)
            return " ".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("filters", "index"),
    [(Filters(who="amelia.smith"), "audit_event_who_words"), (Filters(record="Ash Grange"), "audit_event_record_words")],
)
def test_words_are_found_from_their_index_of_trigrams_not_by_reading_every_event(world, logged, filters, index):
    """Read from every event, a search took 0.4 to 2.5 s of three million events; from the index, a few hundredths."""
    for scope in (scope_for(UserFactory(email="root@example.org", is_superuser=True)), scope_for(admin_of(world.la))):
        with CaptureQueriesContext(connection) as queries:
            AuditLog(scope, filters).count()
        [search] = [q["sql"] for q in queries.captured_queries if "LIKE" in q["sql"]]
        plan = _plan(search)
        if connection.vendor == "sqlite":
            assert "SCAN audit_auditevent_words VIRTUAL TABLE" in plan and "SCAN audit_auditevent " not in plan + " "
            assert "SEARCH audit_auditevent USING INTEGER PRIMARY KEY" in plan
        else:  # an LA administrator's few events of this test may be read from their places first, each looked up
            assert "Seq Scan on audit_auditevent" not in plan
            assert f"Bitmap Index Scan on {index}" in plan or not scope.everything


def test_a_record_number_is_looked_up_in_the_index_of_records_and_of_words(world, logged):
    with CaptureQueriesContext(connection) as queries:
        AuditLog(scope_for(UserFactory(email="root@example.org", is_superuser=True)), Filters(record=str(logged[0].urn))).count()
    [search] = [q["sql"] for q in queries.captured_queries if "LIKE" in q["sql"]]
    plan = _plan(search)
    if connection.vendor == "sqlite":
        assert "MULTI-INDEX OR" in plan and "INDEX audit_event_by_record" in plan and "VIRTUAL TABLE" in plan
    else:
        assert "audit_event_by_record" in plan and "audit_event_record_words" in plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's index is of the events' own rows")
def test_sqlites_words_are_written_with_each_event_and_never_changed(world):
    event = record(AuditAction.SIGN_IN, user=UserFactory(email="just.arrived@surrey.example"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM audit_auditevent_words WHERE who MATCH %s", ['"JUST.ARRIVED"'])
        assert cursor.fetchall() == [(event.pk,)]
        for change in ("UPDATE audit_auditevent_words SET who = 'someone'", "DELETE FROM audit_auditevent_words"):
            with pytest.raises(DatabaseError), transaction.atomic():
                cursor.execute(change)


def test_words_of_fewer_than_three_letters_are_not_looked_for_in_the_index_of_trigrams(world, logged):
    """They have no trigram: PostgreSQL read the whole of its index for them, twice as long as reading every event."""
    with CaptureQueriesContext(connection) as queries:
        AuditLog(scope_for(UserFactory(email="root@example.org", is_superuser=True)), Filters(who="ab")).count()
    [search] = [q["sql"] for q in queries.captured_queries if "LIKE" in q["sql"]]
    assert "audit_event_who_words" not in _plan(search) and "audit_auditevent_words" not in search
