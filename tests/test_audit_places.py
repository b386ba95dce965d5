"""An authority's audit log is read from AuditPlace, where each event lies, not by searching every event's stamp: an
event in one authority, in two, or in every authority, each listed once, newest first, on every page."""

import re
from datetime import UTC, date, datetime
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.access import scope_for
from accounts.roles import Role
from audit.log import AuditLog, Filters
from audit.models import AuditAction, AuditEvent, AuditPlace
from audit.services import Recorded, record, record_all
from imports.models import ImportRun

from .conftest import sign_in
from .factories import LocalAuthorityFactory, SchoolFactory, UserFactory, grant


@pytest.fixture
def events(world):
    """Events in Surrey, in Hampshire, in both (an import of the two), in every authority, in neither (Kent), and
    nowhere (a sign-in of someone with no role)."""
    kent_school = SchoolFactory(la=LocalAuthorityFactory(code=886, name="Kent"))
    officer = world.users[Role.LA_OFFICER]
    both = ImportRun.objects.create(file_name="surrey-and-hampshire.csv", checksum="0", la_codes="850,936")
    england = ImportRun.objects.create(file_name="england.csv", checksum="0", la_codes="")
    made = {
        "surrey": record(AuditAction.VIEW, user=officer, obj=world.school),
        "hampshire": record(AuditAction.VIEW, user=officer, obj=world.far_school),
        "both": record(AuditAction.IMPORT, obj=both),
        "every": record(AuditAction.IMPORT, obj=england),
        "kent": record(AuditAction.VIEW, user=officer, obj=kent_school),
        "nowhere": record(AuditAction.SIGN_IN, user=UserFactory(email="no.role@example.org")),
    }
    return {name: event.pk for name, event in made.items()}


def admin_of(*authorities):
    admin = UserFactory(email=f"admin.{'.'.join(str(a.code) for a in authorities)}@example.org")
    for authority in authorities:
        grant(admin, Role.LA_ADMIN, authority)
    return admin


def test_each_event_lies_in_its_authorities_places_or_once_for_every_authority(world, events):
    places = {
        name: sorted(AuditPlace.objects.filter(event_id=pk).values_list("authority_id", flat=True), key=str) for name, pk in events.items()
    }
    assert places["surrey"] == [world.la.pk]
    assert places["both"] == sorted([world.la.pk, world.other_la.pk])
    assert places["every"] == [None]
    assert places["nowhere"] == []
    place = AuditPlace.objects.get(event_id=events["surrey"])
    event = AuditEvent.objects.get(pk=events["surrey"])
    assert (place.at, place.action, place.object_type) == (event.at, event.action, event.object_type)


@pytest.mark.parametrize(
    ("authorities", "seen"),
    [
        (("la",), {"surrey", "both", "every"}),
        (("other_la",), {"hampshire", "both", "every"}),
        (("la", "other_la"), {"surrey", "hampshire", "both", "every"}),
    ],
)
def test_an_administrator_of_one_or_two_authorities_reads_each_of_their_events_once(client, world, events, authorities, seen):
    admin = admin_of(*(getattr(world, name) for name in authorities))
    log = AuditLog(scope_for(admin))
    ids = [event.pk for event in log[0 : log.count()]]
    assert ids == [events[name] for name in ("nowhere", "kent", "every", "both", "hampshire", "surrey") if name in seen]
    assert log.count() == len(seen)
    page = sign_in(client, admin).get(reverse("audit:list")).content.decode()
    assert f"{len(seen)} entries." in page
    assert page.count("surrey-and-hampshire.csv") == 1


def test_a_service_administrator_reads_every_event_even_one_that_lies_nowhere(world, events):
    log = AuditLog(scope_for(UserFactory(email="root@example.org", is_superuser=True)))
    assert set(events.values()) <= {event.pk for event in log[0 : log.count()]}


def test_someone_who_administers_no_authority_reads_no_event_not_even_one_of_every_authority(world, events):
    log = AuditLog(scope_for(world.users[Role.LA_OFFICER]))
    assert (log.count(), log[0:50], log.kinds()) == (0, [], [])


def test_every_page_of_two_authorities_log_is_in_order_whichever_end_it_is_read_from(world):
    """A page past the middle is read from the oldest end: the pages, put together, are the log newest first, each event
    once, where events of both authorities and of every authority are spread through it."""
    officer = world.users[Role.LA_OFFICER]
    both = ImportRun.objects.create(file_name="surrey-and-hampshire.csv", checksum="0", la_codes="850,936")
    england = ImportRun.objects.create(file_name="england.csv", checksum="0", la_codes="")
    about = [world.school, world.far_school, both, england, world.other_school]
    made = [record(AuditAction.VIEW, user=officer, obj=about[n % len(about)]).pk for n in range(23)]
    log = AuditLog(scope_for(admin_of(world.la, world.other_la)))
    assert log.count() == 23
    pages = [event.pk for start in range(0, 23, 4) for event in log[start : min(start + 4, 23)]]
    assert pages == made[::-1]


def test_an_authoritys_log_is_filtered_by_action_kind_and_dates_from_its_places(world, events):
    log = lambda **asked: {event.pk for event in AuditLog(scope_for(admin_of(world.la)), Filters(**asked))[0:50]}  # noqa: E731
    assert log(action=AuditAction.IMPORT) == {events["both"], events["every"]}
    assert log(object_type="register.school") == {events["surrey"]}
    today = datetime.now(UTC).date()
    assert log(since=today, until=today) == {events["surrey"], events["both"], events["every"]}
    assert log(until=today.replace(year=today.year - 1)) == set()


def test_a_day_asked_for_is_the_day_in_england_not_in_utc(world):
    """An event at 23:30 on 30 June UTC was at 00:30 on 1 July in England: it is in the log from 1 July, not of 30 June."""
    late = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=late):
        event = record(AuditAction.VIEW, user=world.users[Role.LA_OFFICER], obj=world.school)
    scope = scope_for(admin_of(world.la))
    july = date(2026, 7, 1)
    june = date(2026, 6, 30)
    assert [e.pk for e in AuditLog(scope, Filters(since=july, until=july))[0:50]] == [event.pk]
    assert [e.pk for e in AuditLog(scope, Filters(since=june, until=june))[0:50]] == []


def test_an_authoritys_page_and_count_are_read_from_its_places_not_by_searching_every_events_stamp(client, world, events):
    """Searching each event's stamp for ",5," (LIKE '%,5,%', which no index serves) read all of England's log for each
    page and each count: over a second with three million events. The page and its count read AuditPlace's index."""
    sign_in(client, admin_of(world.la, world.other_la))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("audit:list"), {"action": "view"})
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip("( ").startswith("SELECT") and "audit_audit" in q["sql"]]
    assert not [sql for sql in reads if "authorities" in sql.partition("WHERE")[2]]
    counted = [sql for sql in reads if "COUNT(*)" in sql and "audit_auditplace" in sql]
    paged = [sql for sql in reads if "UNION ALL" in sql and "ORDER BY" in sql and "COUNT(*)" not in sql]
    assert counted and paged
    if connection.vendor == "sqlite":  # PostgreSQL plans a table this small with a scan, whatever its indexes
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + paged[0])
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        searches = re.findall(r"SEARCH (\w+) USING (?:COVERING )?INDEX (\w+)", plan)
        assert "MERGE (UNION ALL)" in plan and "TEMP B-TREE" not in plan and "SCAN" not in plan
        # Each part (Surrey's, Hampshire's, every authority's) from the index by action, newest first; the events of
        # both looked up in the unique index, to be listed once.
        assert [index for table, index in searches if table == "audit_auditplace"] == ["audit_place_by_action"] * 3


@pytest.mark.django_db(transaction=True)
def test_the_places_of_events_recorded_before_them_are_filled_from_their_stamps(emptied_audit_log):
    """The migration that made AuditPlace reads the stamps already recorded: ',3,17,' lies in 3 and 17, '*' in every
    authority, '' nowhere."""
    call_command("migrate", "audit", "0005", verbosity=0)
    try:
        with connection.cursor() as cursor:
            for stamp in (",3,17,", "*", "", ",5,"):
                cursor.execute(
                    "INSERT INTO audit_auditevent (at, user_email, action, object_type, object_id, object_repr, path, detail, "
                    "authorities) VALUES (%s, '', 'view', 'register.school', '1', '', '', '{}', %s)",
                    [datetime(2026, 1, 2, 3, 4, tzinfo=UTC), stamp],
                )
    finally:
        call_command("migrate", "audit", verbosity=0)
    stamps = dict(AuditEvent.objects.values_list("id", "authorities"))
    places = {}
    for event_id, authority_id in AuditPlace.objects.values_list("event_id", "authority_id"):
        places.setdefault(stamps[event_id], set()).add(authority_id)
    assert places == {",3,17,": {3, 17}, "*": {None}, ",5,": {5}}
    assert set(AuditPlace.objects.values_list("at", "action", "object_type")) == {
        (datetime(2026, 1, 2, 3, 4, tzinfo=UTC), "view", "register.school")
    }


@pytest.mark.parametrize("at_once", [3, 5])
def test_a_search_that_finds_few_events_counts_and_lists_them_in_one_pass_over_the_log(world, monkeypatch, at_once):
    """Words no index holds are searched for in every event. Read newest first through the index on time, a search that
    found few read nearly every event out of the table's order (over three seconds of three million on SQLite), then
    counted them in another pass: where they are few, one pass counts and lists them; where more, the index is walked."""
    monkeypatch.setattr("audit.log.FOUND_AT_ONCE", at_once)
    officer, admin = world.users[Role.LA_OFFICER], admin_of(world.la, world.other_la)
    both = ImportRun.objects.create(file_name="surrey-and-hampshire.csv", checksum="0", la_codes="850,936")
    about = (world.school, both, world.far_school, world.other_school)
    found = [record(AuditAction.VIEW, user=officer, obj=what).pk for what in about][::-1]
    record(AuditAction.VIEW, user=UserFactory(email="other@example.org"), obj=world.school)
    record(AuditAction.VIEW, user=officer, obj=SchoolFactory(la=LocalAuthorityFactory(code=886, name="Kent")))
    log = AuditLog(scope_for(admin), Filters(who="la_officer@"))
    with CaptureQueriesContext(connection) as queries:
        assert (log.count(), [event.pk for event in log[0:2]], [event.pk for event in log[2:4]]) == (4, found[:2], found[2:])
    searches = [q["sql"] for q in queries.captured_queries if "LIKE" in q["sql"]]
    assert len(searches) == (1 if at_once >= 4 else 4)  # else one cut short, a count, and a page from each end


def test_events_recorded_together_are_each_placed_as_one_recorded_alone(world):
    """record_all: each event where record would place it (where its object lies, or where it is said to), the events in
    one insert and their places in another."""
    officer = world.users[Role.LA_OFFICER]
    together = [
        Recorded(obj=world.school, detail={"n": 1}),
        Recorded(obj=world.far_school),
        Recorded(object_type="audit.auditevent", object_repr="/audit/", lies_in=set()),
        Recorded(obj=world.other_school, object_type="evidence.intelligence", lies_in={world.la.pk, world.other_la.pk}),
    ]
    with CaptureQueriesContext(connection) as queries:
        made = record_all(AuditAction.VIEW, together, user=officer)
    assert len([q for q in queries.captured_queries if q["sql"].startswith("INSERT")]) == 2
    alone = record(AuditAction.VIEW, user=officer, obj=world.school, n=1)
    assert (made[0].object_type, made[0].object_id, made[0].detail, made[0].authorities) == (
        alone.object_type, alone.object_id, alone.detail, alone.authorities,
    )  # fmt: skip
    places = [sorted(AuditPlace.objects.filter(event=event).values_list("authority_id", flat=True)) for event in made]
    assert places == [[world.la.pk], [world.other_la.pk], [], sorted([world.la.pk, world.other_la.pk])]
    assert [event.user for event in made] == [officer] * 4 and made[3].object_repr == str(world.other_school)
