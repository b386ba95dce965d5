"""An authority's local intelligence: every current entry of the schools whose intelligence the reader may read, newest
first, filtered, a page at a time, and every reading of it audited."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from audit.models import AuditAction, AuditEvent, AuditPlace
from evidence.authority_intelligence import PAGE_SIZE as INTELLIGENCE_PAGE_SIZE
from evidence.authority_intelligence import excerpt
from evidence.models import IntelligenceEntry
from evidence.services import correct_intelligence, record_intelligence, withdraw_intelligence

from .conftest import sign_in
from .factories import SchoolFactory, UserFactory, grant


def url(world, **query):
    address = reverse("evidence:authority-intelligence", args=[world.la.code])
    return address + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def note(school, user, summary, on=date(2026, 3, 1), kind="complaint", severity="medium"):
    return record_intelligence(school, user=user, kind=kind, severity=severity, occurred_on=on, summary=summary)


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).replace("&#39;", "'").split())


@pytest.fixture
def recorded(world):
    officer = world.users[Role.LA_OFFICER]
    return {
        "here": note(world.school, officer, "Complaint about the head.", date(2026, 3, 3)),
        "there": note(world.other_school, officer, "Budget deficit forecast.", date(2026, 3, 2), kind="budget", severity="high"),
        "trust": note(world.trust_school, officer, "New executive head.", date(2026, 2, 1), kind="leadership", severity="low"),
        "far": note(world.far_school, officer, "Hampshire's own note.", date(2026, 3, 4)),
    }


@pytest.mark.parametrize("role", [Role.LA_OFFICER, Role.LA_ADMIN])
def test_an_authoritys_officers_read_every_school_of_it_and_no_other(client, world, recorded, role):
    sign_in(client, world.users[role])
    page = text(client.get(url(world)))
    assert "3 entries." in page
    for said in ("Complaint about the head.", "Budget deficit forecast.", "New executive head."):
        assert said in page
    assert "Hampshire's own note." not in page
    assert "every school in Surrey" in page


def test_a_link_adviser_reads_only_the_schools_they_advise(client, world, recorded):
    sign_in(client, world.users[Role.ADVISER])
    page = text(client.get(url(world)))
    assert "1 entry." in page and "Complaint about the head." in page
    assert "Budget deficit forecast." not in page and "New executive head." not in page
    assert "the schools in Surrey you are the link adviser to" in page


@pytest.mark.parametrize(
    "role", [Role.HEADTEACHER, Role.SCHOOL_STAFF, Role.GOVERNOR, Role.TRUST_LEADER, Role.BODY_MEMBER, Role.STAKEHOLDER]
)
def test_roles_without_intelligence_are_refused_saying_who_may(client, world, recorded, role):
    sign_in(client, world.users[role])
    response = client.get(url(world))
    assert response.status_code == 403
    assert "each school's link adviser" in text(response)
    assert "Complaint about the head." not in response.content.decode()
    refused = AuditEvent.objects.get(action=AuditAction.REFUSED, user=world.users[role])
    assert (refused.object_type, refused.object_id) == ("register.localauthority", str(world.la.pk))


def test_another_authoritys_officer_is_told_it_does_not_exist(client, world, recorded):
    officer = UserFactory(email="officer@hampshire.example")
    grant(officer, Role.LA_OFFICER, world.other_la)
    sign_in(client, officer)
    assert client.get(url(world)).status_code == 404
    hampshire = client.get(reverse("evidence:authority-intelligence", args=[world.other_la.code]))
    assert hampshire.status_code == 200 and "Hampshire's own note." in text(hampshire)


def test_a_link_adviser_here_who_governs_a_school_elsewhere_is_refused_that_authoritys(client, world, recorded):
    adviser = world.users[Role.ADVISER]
    grant(adviser, Role.GOVERNOR, world.far_school)
    sign_in(client, adviser)
    assert client.get(reverse("evidence:authority-intelligence", args=[world.other_la.code])).status_code == 403
    assert client.get(url(world)).status_code == 200


def test_someone_signed_out_is_asked_to_sign_in(client, world):
    response = client.get(url(world))
    assert response.status_code == 302 and reverse("accounts:sign-in") in response["Location"]


def test_withdrawn_entries_are_not_listed(client, world, recorded):
    withdraw_intelligence(recorded["there"], user=world.users[Role.LA_OFFICER], reason="Recorded against the wrong school.")
    sign_in(client, world.users[Role.LA_OFFICER])
    page = text(client.get(url(world)))
    assert "2 entries." in page and "Budget deficit forecast." not in page


def test_entries_are_newest_first_by_when_it_happened_then_when_recorded(client, world):
    officer = world.users[Role.LA_OFFICER]
    note(world.school, officer, "Earliest happening.", date(2026, 1, 5))
    note(world.other_school, officer, "Same day, recorded first.", date(2026, 2, 5))
    note(world.school, officer, "Same day, recorded second.", date(2026, 2, 5))
    note(world.trust_school, officer, "Latest happening, recorded first of all.", date(2026, 3, 5))
    IntelligenceEntry.objects.filter(summary="Latest happening, recorded first of all.").update(
        recorded_at=IntelligenceEntry.objects.get(summary="Earliest happening.").recorded_at - timedelta(days=30)
    )
    sign_in(client, officer)
    page = text(client.get(url(world)))
    order = ["Latest happening, recorded first of all.", "Same day, recorded second.", "Same day, recorded first.", "Earliest happening."]
    assert [page.index(said) for said in order] == sorted(page.index(said) for said in order)


def test_each_entry_names_its_school_linking_to_its_intelligence_with_its_kind_severity_date_and_recorder(client, world, recorded):
    sign_in(client, world.users[Role.LA_OFFICER])
    html = client.get(url(world)).content.decode()
    school_list = reverse("evidence:school-intelligence", args=[world.other_school.urn])
    assert f'href="{school_list}"><bdi>Busbridge Infant School</bdi></a>' in html
    card = html[html.index("2 March 2026: Budget deficit") :]
    card = " ".join(card[: card.index("govuk-summary-card__title")].split())
    assert '<strong class="govuk-tag govuk-tag--red"> High </strong>' in card
    assert "<bdi>LA school improvement lead or officer</bdi> on " in card


def test_a_long_summary_is_cut_at_a_word_with_the_whole_on_the_schools_page(client, world):
    officer = world.users[Role.LA_OFFICER]
    long = "The head reported " + "a further concern about attendance " * 12 + "and the END OF IT."
    note(world.school, officer, long)
    note(world.other_school, officer, "Short and whole.")
    sign_in(client, officer)
    page = text(client.get(url(world)))
    assert "END OF IT" not in page and "…" in page
    assert "Short and whole." in page
    assert page.count("Read the whole entry") == 1


def test_excerpt_keeps_a_short_summary_whole_and_cuts_a_long_one_at_a_word():
    assert excerpt("One line.\nAnother.") == ("One line. Another.", False)
    cut, was_cut = excerpt("word " * 100, limit=22)
    assert was_cut and cut == "word word word word…"
    assert excerpt("x" * 30, limit=10) == ("x" * 10 + "…", True)


def test_a_corrected_entry_says_so(client, world, recorded):
    officer = world.users[Role.LA_OFFICER]
    entry = recorded["here"]
    correct_intelligence(
        entry, user=officer, kind=entry.kind, severity="high", occurred_on=entry.occurred_on, summary=entry.summary, reason="Worse."
    )
    sign_in(client, officer)
    page = text(client.get(url(world)))
    assert page.count("the school’s page gives its earlier versions") == 1


@pytest.mark.parametrize(
    "query, shown",
    [
        ({"kind": "budget"}, ["Budget deficit forecast."]),
        ({"severity": "low"}, ["New executive head."]),
        ({"from": "2026-03-02"}, ["Complaint about the head.", "Budget deficit forecast."]),
        ({"to": "1%20February%202026"}, ["New executive head."]),
        ({"from": "2/3/2026", "to": "2026-03-02"}, ["Budget deficit forecast."]),
        ({"q": "busbridge"}, ["Budget deficit forecast."]),
        ({"kind": "nonsense"}, ["Complaint about the head.", "Budget deficit forecast.", "New executive head."]),
    ],
)
def test_the_filters_narrow_the_entries(client, world, recorded, query, shown):
    sign_in(client, world.users[Role.LA_OFFICER])
    page = text(client.get(url(world, **query)))
    every = ["Complaint about the head.", "Budget deficit forecast.", "New executive head."]
    assert [said for said in every if said in page] == shown
    assert f"{len(shown)} entr{'y' if len(shown) == 1 else 'ies'}." in page


def test_a_school_is_found_by_its_urn(client, world, recorded):
    sign_in(client, world.users[Role.LA_OFFICER])
    page = text(client.get(url(world, q=world.trust_school.urn)))
    assert "1 entry." in page and "New executive head." in page


@pytest.mark.parametrize(
    "typed",
    [
        "st marys",  # without the name's punctuation, as the school list finds it
        "St Mary’s",  # a curly apostrophe for the register's straight one
        "laestab",  # its LAESTAB, 9362004
        "laestab/",  # its LAESTAB as 936/2004
    ],
)
def test_a_school_is_found_as_the_school_list_finds_it(client, world, recorded, typed):
    laestab = str(world.trust_school.laestab)
    typed = {"laestab": laestab, "laestab/": f"{laestab[:3]}/{laestab[3:]}"}.get(typed, typed)
    sign_in(client, world.users[Role.LA_OFFICER])
    page = text(client.get(url(world, q=typed)))
    assert "1 entry." in page and "New executive head." in page


def test_a_postcode_finds_the_entries_of_the_schools_there(client, world, recorded):
    world.other_school.postcode = "GU7 1RS"
    world.other_school.save()
    sign_in(client, world.users[Role.LA_OFFICER])
    page = text(client.get(url(world, q="gu71rs")))
    assert "1 entry." in page and "Budget deficit forecast." in page


@pytest.mark.parametrize(
    "query, message, field",
    [
        ({"from": "last week"}, "Enter the ‘From’ date as a date, for example 2026-11-25 or 25 November 2026", "from"),
        ({"to": "31/02/2026"}, "The ‘To’ date must be a real date", "to"),
        ({"from": "2026-03-05", "to": "2026-03-01"}, "The ‘To’ date must be the same as or after the ‘From’ date", "to"),
    ],
)
def test_a_date_that_is_not_one_is_named_kept_and_lists_nothing(client, world, recorded, query, message, field):
    sign_in(client, world.users[Role.LA_OFFICER])
    response = client.get(url(world, **query))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html and "There is a problem" in html
    assert f'href="#{field}">{message}</a>' in html
    assert f'id="{field}-error"' in html
    for key, value in query.items():
        assert f'name="{key}" type="text" value="{value}"' in html
    assert "Correct the dates to see the entries." in html and "Complaint about the head." not in html


def test_the_entries_come_a_page_at_a_time(client, world):
    officer = world.users[Role.LA_OFFICER]
    for day in range(1, 31):
        note(world.school, officer, f"Note of day {day}.", date(2026, 1, day))
    sign_in(client, officer)
    first = text(client.get(url(world)))
    assert "Showing 1 to 25 of 30 entries." in first and "Note of day 30." in first and "Note of day 5." not in first
    second = text(client.get(url(world, page=2, kind="complaint")))
    assert "Showing 26 to 30 of 30 entries." in second and "Note of day 5." in second and "Note of day 6." not in second
    html = client.get(url(world, kind="complaint")).content.decode()
    assert "page=2" in html and "kind=complaint" in html[html.index("govuk-pagination") :]


def test_each_reading_is_audited_once_naming_the_authority_and_the_filters(client, world, recorded):
    sign_in(client, world.users[Role.LA_OFFICER])
    pages = AuditEvent.objects.filter(object_type="evidence.authorityintelligence")
    before = pages.count()
    client.get(url(world, kind="complaint", q="ash", **{"from": "2026-01-01"}))
    assert pages.count() == before + 1
    event = pages.latest("id")
    assert (event.action, event.object_type, event.object_id) == (AuditAction.VIEW, "evidence.authorityintelligence", str(world.la.pk))
    assert event.object_repr == "Surrey (936)" and event.user == world.users[Role.LA_OFFICER]
    shown = {"schools": [world.school.urn], "shown": [recorded["here"].pk]}
    assert event.detail == {"page": 1, "entries": 1, **shown, "kind": "complaint", "q": "ash", "from": "2026-01-01"}
    assert list(AuditPlace.objects.filter(event=event).values_list("authority_id", flat=True)) == [world.la.pk]


def test_each_reading_records_whose_entries_the_page_showed_and_which(client, world):
    """Asked who read a school's intelligence, the log answers with the authority's page too: each reading records the
    URNs of the schools whose entries the page showed, and the entries, those of that page only."""
    officer = world.users[Role.LA_OFFICER]
    notes = [
        note(world.school if n % 2 else world.other_school, officer, f"Note {n}.", date(2026, 1, 1) + timedelta(days=n)) for n in range(30)
    ]
    sign_in(client, officer)
    client.get(url(world, page=2))
    event = AuditEvent.objects.filter(object_type="evidence.authorityintelligence").latest("id")
    on_page_two = sorted(notes, key=lambda entry: entry.occurred_on, reverse=True)[25:]
    assert event.detail["shown"] == [entry.pk for entry in on_page_two]
    assert event.detail["schools"] == sorted({world.school.urn, world.other_school.urn})
    client.get(url(world, q=world.other_school.urn))
    event = AuditEvent.objects.filter(object_type="evidence.authorityintelligence").latest("id")
    assert event.detail["schools"] == [world.other_school.urn] and len(event.detail["shown"]) == 15


def test_each_reading_records_a_read_of_each_school_whose_entries_it_showed_with_them(client, world, recorded):
    """As the school's own page would: about the school, where the school lies, saying the page and the entries."""
    officer = world.users[Role.LA_OFFICER]
    more = note(world.school, officer, "A second complaint.", date(2026, 3, 5))
    sign_in(client, officer)
    latest = AuditEvent.objects.latest("id").pk
    client.get(url(world))
    page, *schools = AuditEvent.objects.filter(pk__gt=latest).order_by("id")
    assert page.object_type == "evidence.authorityintelligence"
    read = {event.object_repr: event for event in schools}
    assert sorted(read) == sorted(str(school) for school in (world.school, world.other_school, world.trust_school))
    ash = read[str(world.school)]
    assert (ash.action, ash.object_type, ash.object_id) == (AuditAction.VIEW, "evidence.intelligence", str(world.school.pk))
    assert ash.user == officer and ash.path == page.path == url(world)
    assert ash.detail == {"page": "authority-intelligence", "shown": [more.pk, recorded["here"].pk]}
    assert read[str(world.trust_school)].detail["shown"] == [recorded["trust"].pk]
    for event in schools:
        assert list(AuditPlace.objects.filter(event=event).values_list("authority_id", flat=True)) == [world.la.pk]
        assert event.authorities == f",{world.la.pk},"


def test_a_reading_that_shows_no_entry_records_the_page_alone(client, world, recorded):
    sign_in(client, world.users[Role.LA_OFFICER])
    latest = AuditEvent.objects.latest("id").pk
    client.get(url(world, q="nothing of the kind"))
    assert list(AuditEvent.objects.filter(pk__gt=latest).values_list("object_type", flat=True)) == ["evidence.authorityintelligence"]


@pytest.mark.parametrize("record", ["urn", "name"])
def test_the_audit_log_finds_a_reading_of_the_authoritys_page_by_each_school_it_showed(client, world, recorded, record):
    """Who read a school's intelligence: the log's Record filter, by the school's URN or its name, finds the reads on
    the authority's page as it finds those on the school's own, and only there where the school lies."""
    sign_in(client, world.users[Role.ADVISER])  # a link adviser, who reads the world's school alone
    client.get(url(world))
    asked = {"object_id": str(world.school.urn) if record == "urn" else "ash grange"}
    sign_in(client, world.users[Role.LA_ADMIN])
    found = text(client.get(reverse("audit:list"), asked))
    assert f"Local intelligence of {world.school}" in found
    assert f"page: the authority's local intelligence; shown: {recorded['here'].pk}" in found
    assert world.users[Role.ADVISER].email in found
    other = text(client.get(reverse("audit:list"), {"object_id": str(world.other_school.urn)}))
    assert world.users[Role.ADVISER].email not in other
    elsewhere = UserFactory(email="hampshire.admin@example.org")
    grant(elsewhere, Role.LA_ADMIN, world.other_la)
    sign_in(client, elsewhere)
    assert world.users[Role.ADVISER].email not in text(client.get(reverse("audit:list"), asked))
    assert world.users[Role.ADVISER].email not in text(client.get(reverse("audit:list")))


def test_the_readings_of_each_school_are_recorded_in_as_many_queries_however_many_schools(client, world):
    officer = world.users[Role.LA_OFFICER]
    sign_in(client, officer)
    note(world.school, officer, "The first.")
    client.get(url(world))
    with CaptureQueriesContext(connection) as one:
        client.get(url(world))
    for n in range(24):
        note(SchoolFactory(la=world.la, name=f"School {n}"), officer, f"Note {n}.")
    latest = AuditEvent.objects.latest("id").pk
    with CaptureQueriesContext(connection) as many:
        client.get(url(world))
    assert AuditEvent.objects.filter(pk__gt=latest, object_type="evidence.intelligence").count() == 25
    assert len(many) == len(one)
    inserts = [q["sql"] for q in many.captured_queries if q["sql"].startswith("INSERT") and "audit_" in q["sql"]]
    assert len(inserts) == 2  # the events, then their places


def test_the_audit_log_names_a_reading_of_the_authoritys_intelligence(client, world, recorded):
    sign_in(client, world.users[Role.LA_OFFICER])
    client.get(url(world, kind="budget"))
    sign_in(client, world.users[Role.LA_ADMIN])
    log = text(client.get(reverse("audit:list")))
    assert "Local intelligence of Surrey (936)" in log and "kind: Budget deficit" in log


def entry_queries(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "evidence_intelligenceentry" in q["sql"]]


def test_the_entries_are_read_in_one_query_a_page_however_many_schools_and_corrections(client, world):
    officer = world.users[Role.LA_OFFICER]
    sign_in(client, officer)
    note(world.school, officer, "The first.")
    client.get(url(world))
    with CaptureQueriesContext(connection) as few:
        client.get(url(world))
    schools = [SchoolFactory(la=world.la, name=f"School {n}") for n in range(12)]
    for school in schools:
        entry = note(school, officer, f"About {school.name}.")
        correct_intelligence(
            entry, user=officer, kind="other", severity="low", occurred_on=entry.occurred_on, summary="Again.", reason="Why."
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url(world))
    assert "13 entries." in text(response)
    assert len(many) == len(few)
    # The count, then the page's entries with their corrections.
    assert len(entry_queries(many)) == 2


def test_the_page_reads_the_schools_of_the_entries_it_shows_and_no_others(client, world):
    """The entries' schools are read by the ids of those on the page: joined to every entry of the authority, the schools
    were read whole, every school in England (with all England loaded, a hash of its 24,815 schools to show 25)."""
    officer = world.users[Role.LA_OFFICER]
    sign_in(client, officer)
    schools = [SchoolFactory(la=world.la, name=f"School {n:02d}") for n in range(INTELLIGENCE_PAGE_SIZE + 5)]
    for n, school in enumerate(schools):
        note(school, officer, f"About {school.name}.", on=date(2026, 1, 1) + timedelta(days=n))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(world))
    page = text(response)
    shown = schools[-INTELLIGENCE_PAGE_SIZE:]
    assert all(f"About {school.name}." in page for school in shown)
    assert not [school for school in schools[:5] if f"About {school.name}." in page]
    assert not [sql for sql in entry_queries(queries) if 'JOIN "register_school"' in sql]
    read = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "register_school"."id", "register_school"."urn"')]
    assert len(read) == 1 and all(str(school.pk) in read[0] for school in shown), read


@pytest.mark.parametrize("role", [Role.LA_OFFICER, Role.LA_ADMIN, Role.ADVISER])
def test_the_authoritys_page_leads_those_who_read_its_intelligence_to_it(client, world, role):
    sign_in(client, world.users[role])
    html = client.get(reverse("register:authority-detail", args=[world.la.code])).content.decode()
    assert f'href="{url(world)}"' in html


@pytest.mark.parametrize("role", [Role.HEADTEACHER, Role.TRUST_LEADER, Role.BODY_MEMBER])
def test_the_authoritys_page_leads_no_one_else_to_it(client, world, role):
    sign_in(client, world.users[role])
    response = client.get(reverse("register:authority-detail", args=[world.la.code]))
    assert response.status_code == 200 and url(world) not in response.content.decode()


@pytest.mark.parametrize("role, shown", [(Role.LA_OFFICER, True), (Role.ADVISER, True), (Role.HEADTEACHER, False), (Role.GOVERNOR, False)])
def test_the_home_page_leads_those_who_read_intelligence_to_their_authoritys(client, world, role, shown):
    sign_in(client, world.users[role])
    assert (url(world) in client.get(reverse("core:home")).content.decode()) is shown


def test_a_service_administrators_home_page_does_not_lead_to_any_authoritys_intelligence(client, world):
    """They may open it from an authority's page; their work is the service's, not the schools'."""
    admin = UserFactory(email="service.admin@example.org", is_superuser=True, is_staff=True)
    sign_in(client, admin)
    assert "/intelligence/" not in client.get(reverse("core:home")).content.decode()
    assert url(world) in client.get(reverse("register:authority-detail", args=[world.la.code])).content.decode()
