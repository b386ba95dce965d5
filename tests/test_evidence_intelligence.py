"""Local intelligence: who may read and record it, the form, the timeline, and the audit of both."""

import re
from datetime import date

import pytest
from django.urls import reverse

from accounts.roles import Role
from audit.models import AuditAction, AuditEvent
from evidence.models import IntelligenceEntry
from evidence.services import record_intelligence
from register.models import RegisterEvent, RegisterEventKind

from .conftest import sign_in
from .factories import SchoolFactory, grant

GOOD = {
    "kind": "complaint",
    "severity": "high",
    "day": "3",
    "month": "2",
    "year": "2025",
    "summary": "Parents' complaint about SEN provision.",
}


@pytest.fixture
def entry(world):
    return record_intelligence(
        world.school,
        user=world.users[Role.LA_OFFICER],
        kind="leadership",
        severity="medium",
        occurred_on=date(2025, 1, 10),
        summary="Headteacher to retire at Easter; interim head from the trust.",
    )


@pytest.mark.parametrize("role", [Role.LA_OFFICER, Role.LA_ADMIN, Role.ADVISER])
def test_la_officers_and_the_link_adviser_can_record_an_entry(client, world, role):
    sign_in(client, world.users[role])
    response = client.post(reverse("evidence:intelligence-new", args=[world.school.urn]), GOOD)
    assert response.status_code == 302
    entry = IntelligenceEntry.objects.get(school=world.school)
    assert (entry.kind, entry.severity, entry.occurred_on, entry.recorded_by) == ("complaint", "high", date(2025, 2, 3), world.users[role])
    created = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="evidence.intelligenceentry", object_id=str(entry.pk))
    assert created.object_repr == f"Complaint (3 February 2025), Ash Grange Primary School ({world.school.urn})"


def test_the_pages_say_who_may_read_it_as_the_permissions_have_it(client, world, entry):
    """The list and the form named the officers and the link adviser, leaving out the administrators, who read it too."""
    sign_in(client, world.users[Role.LA_ADMIN])
    said = f"{world.la.name}'s officers and administrators and the school's link adviser"
    for name in ("evidence:school-intelligence", "evidence:intelligence-new"):
        page = client.get(reverse(name, args=[world.school.urn]))
        assert page.status_code == 200 and said in page.content.decode().replace("&#39;", "'")


@pytest.mark.parametrize("role", [Role.HEADTEACHER, Role.SCHOOL_STAFF, Role.GOVERNOR, Role.BODY_MEMBER])
def test_the_schools_own_people_may_not_read_or_record_it(client, world, entry, role):
    sign_in(client, world.users[role])
    assert client.get(reverse("evidence:school-intelligence", args=[world.school.urn])).status_code == 403
    assert client.post(reverse("evidence:intelligence-new", args=[world.school.urn]), GOOD).status_code == 403
    assert IntelligenceEntry.objects.count() == 1


def test_another_schools_staff_are_told_it_does_not_exist(client, world, entry):
    head_elsewhere = world.users[Role.HEADTEACHER]
    sign_in(client, head_elsewhere)
    assert client.get(reverse("evidence:school-intelligence", args=[world.other_school.urn])).status_code == 404
    assert client.post(reverse("evidence:intelligence-new", args=[world.other_school.urn]), GOOD).status_code == 404


def test_a_trust_leader_may_not_read_a_trust_schools_intelligence(client, world):
    record_intelligence(
        world.trust_school,
        user=world.users[Role.LA_OFFICER],
        kind="budget",
        severity="high",
        occurred_on=date(2025, 3, 1),
        summary="Deficit.",
    )
    sign_in(client, world.users[Role.TRUST_LEADER])
    assert client.get(reverse("evidence:school-intelligence", args=[world.trust_school.urn])).status_code == 403
    page = client.get(reverse("evidence:school-timeline", args=[world.trust_school.urn]))
    assert page.status_code == 200 and "Deficit." not in page.content.decode()


def test_an_adviser_here_who_governs_elsewhere_sees_only_here(client, world):
    elsewhere = SchoolFactory(la=world.la, name="Another Primary")
    adviser = world.users[Role.ADVISER]
    grant(adviser, Role.GOVERNOR, elsewhere)
    record_intelligence(
        elsewhere, user=world.users[Role.LA_OFFICER], kind="staffing", severity="low", occurred_on=date(2025, 3, 1), summary="x"
    )
    sign_in(client, adviser)
    assert client.get(reverse("evidence:school-intelligence", args=[elsewhere.urn])).status_code == 403
    assert client.get(reverse("evidence:school-intelligence", args=[world.school.urn])).status_code == 200


def test_another_authoritys_officer_cannot_see_it(client, world, entry):
    from .factories import UserFactory

    officer = UserFactory(email="officer@hampshire.example")
    grant(officer, Role.LA_OFFICER, world.other_la)
    sign_in(client, officer)
    assert client.get(reverse("evidence:school-intelligence", args=[world.school.urn])).status_code == 404


def test_every_read_is_audited(client, world, entry):
    sign_in(client, world.users[Role.ADVISER])
    before = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="evidence.intelligence").count()
    assert "Headteacher to retire" in client.get(reverse("evidence:school-intelligence", args=[world.school.urn])).content.decode()
    assert "Headteacher to retire" in client.get(reverse("evidence:school-timeline", args=[world.school.urn])).content.decode()
    views = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="evidence.intelligence")
    assert views.count() == before + 2
    assert set(views.values_list("user", flat=True)) == {world.users[Role.ADVISER].pk}


def test_the_timeline_joins_inspections_register_changes_and_intelligence(client, world, entry):
    from evidence.models import Framework, Inspection
    from imports.models import ImportRun

    run = ImportRun.objects.create(file_name="x.csv", checksum="0", kind="gias_establishments")
    Inspection.objects.create(
        school=world.school, framework=Framework.GRADED, started_on=date(2019, 5, 1), overall="Good", source="register", import_run=run
    )
    RegisterEvent.objects.create(
        school=world.school,
        kind=RegisterEventKind.HEAD_CHANGED,
        occurred_on=date(2024, 9, 1),
        on_or_before=True,
        after=date(2023, 11, 6),
        old_value="Ms A",
        new_value="Mr B",
        import_run=run,
    )
    sign_in(client, world.users[Role.LA_OFFICER])
    html = client.get(reverse("evidence:school-timeline", args=[world.school.urn])).content.decode()
    order = [
        html.index(text) for text in ("Headteacher to retire", "from “<bdi>Ms A</bdi>” to “<bdi>Mr B</bdi>”", "Overall effectiveness: Good")
    ]
    assert order == sorted(order)  # newest first
    # Headed with what is known of when, not a date the register does not give.
    assert "Between 6 November 2023 and 1 September 2024: Headteacher changed" in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "The register does not say exactly when." in html
    sign_in(client, world.users[Role.HEADTEACHER])
    html = client.get(reverse("evidence:school-timeline", args=[world.school.urn])).content.decode()
    assert "Overall effectiveness: Good" in html and "Headteacher to retire" not in html


def test_the_timeline_isolates_the_names_and_values_it_quotes_so_right_to_left_words_keep_their_place(client, world):
    """A register change's values, an earlier URN's name and what an Ofsted file corrected (the file's name too) are
    isolated (<bdi>): written right to left, they reordered the words around them ("from … to …", "… was …")."""
    from evidence.models import Framework, Inspection, InspectionChange
    from imports.models import ImportRun

    run = ImportRun.objects.create(file_name="تقرير <2024>.csv", checksum="0", kind="ofsted_all_inspections")
    inspection = Inspection.objects.create(
        school=world.school, framework=Framework.GRADED, started_on=date(2019, 5, 1), overall="Good", source="ofsted", import_run=run
    )
    InspectionChange.objects.create(import_run=run, inspection=inspection, field="Overall effectiveness", old_value="جيد", new_value="Good")
    RegisterEvent.objects.create(
        school=world.school,
        kind=RegisterEventKind.RENAMED,
        occurred_on=date(2024, 9, 1),
        old_value="مدرسة النور",
        new_value="Ash Grange",
        import_run=run,
    )
    sign_in(client, world.users[Role.LA_OFFICER])
    html = client.get(reverse("evidence:school-timeline", args=[world.school.urn])).content.decode()
    assert "from “<bdi>مدرسة النور</bdi>” to “<bdi>Ash Grange</bdi>”" in html
    assert "Corrected by <bdi>تقرير &lt;2024&gt;.csv</bdi> (" in html and "Overall effectiveness was “<bdi>جيد</bdi>”" in html
    html = client.get(reverse("register:school-detail", args=[world.school.urn])).content.decode()
    assert "Renamed – from “<bdi>مدرسة النور</bdi>” to “<bdi>Ash Grange</bdi>”" in html


def test_the_form_shows_errors_and_keeps_what_was_typed(client, world):
    sign_in(client, world.users[Role.LA_OFFICER])
    response = client.post(
        reverse("evidence:intelligence-new", args=[world.school.urn]), {**GOOD, "severity": "", "day": "31", "month": "2"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Select how serious it is" in html and "Date it happened must be a real date" in html
    assert 'href="#severity"' in html and 'href="#occurred-day"' in html
    assert "Parents&#39; complaint about SEN provision." in html or "Parents' complaint about SEN provision." in html
    assert 'value="complaint" checked' in html
    assert "<title>Error:" in html
    assert not IntelligenceEntry.objects.exists()


def test_the_summary_counts_its_characters_against_the_forms_limit(client, world, monkeypatch):
    from evidence.forms import IntelligenceForm

    monkeypatch.setattr(IntelligenceForm.base_fields["summary"], "max_length", 1500)
    sign_in(client, world.users[Role.LA_OFFICER])
    html = squeezed(client.get(reverse("evidence:intelligence-new", args=[world.school.urn])))
    assert 'govuk-character-count" data-module="govuk-character-count" data-maxlength="1500">' in html
    assert '<label class="govuk-label govuk-label--m" for="summary"> Summary </label>' in html
    assert '<div id="summary-hint" class="govuk-hint"> What happened and what is being done.' in html
    assert 'id="summary" name="summary" rows="5" aria-describedby="summary-info summary-hint" dir="auto">' in html
    assert '<div id="summary-info" class="govuk-hint govuk-character-count__message"> You can enter up to 1,500 characters </div>' in html


def test_a_summary_over_the_limit_is_refused_and_kept_with_its_count(client, world):
    sign_in(client, world.users[Role.LA_OFFICER])
    too_long = "Falling roll." + " Falling roll." * 150
    url = reverse("evidence:intelligence-new", args=[world.school.urn])
    html = squeezed(client.post(url, {**GOOD, "summary": too_long}))
    assert '<a href="#summary">Summary must be 2,000 characters or fewer</a>' in html
    assert 'govuk-form-group--error govuk-character-count" data-module="govuk-character-count" data-maxlength="2000">' in html
    assert '<span class="govuk-visually-hidden">Error:</span> Summary must be 2,000 characters or fewer' in html
    assert f'aria-describedby="summary-info summary-hint summary-error" dir="auto">{too_long}</textarea>' in html
    assert not IntelligenceEntry.objects.exists()


def squeezed(response) -> str:
    """The page's HTML with each run of whitespace made one space (the GOV.UK macros indent freely)."""
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_future_date_is_refused(client, world):
    sign_in(client, world.users[Role.LA_OFFICER])
    response = client.post(reverse("evidence:intelligence-new", args=[world.school.urn]), {**GOOD, "year": str(date.today().year + 1)})
    assert "must be today or in the past" in response.content.decode()


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "highlighted"),
    [
        ("", "", "", "Enter the date it happened", ["day", "month", "year"]),
        ("12", "", "", "Date it happened must include a month and year", ["month", "year"]),
        ("12", "13", "2025", "Date it happened must be a real date", ["month"]),
        ("12", "3", "25", "Year must include 4 numbers", ["year"]),
        ("twelve", "3", "2025", "Date it happened must be a real date", ["day"]),
        ("12345678901", "3", "2025", "Date it happened must be a real date", ["day"]),  # longer than the field takes
        ("9" * 5000, "3", "2025", "Date it happened must be a real date", ["day"]),  # too long to be read as a number at all
        ("03", "003", "9999", "Date it happened must be today or in the past", ["day", "month", "year"]),  # zeros in front are fine
        ("12", "\u0663", "2025", "Date it happened must be a real date", ["month"]),  # an Arabic-Indic 3
    ],
)
def test_a_date_error_says_what_is_wrong_and_highlights_only_that(client, world, day, month, year, message, highlighted):
    import re

    sign_in(client, world.users[Role.LA_OFFICER])
    html = client.post(
        reverse("evidence:intelligence-new", args=[world.school.urn]), {**GOOD, "day": day, "month": month, "year": year}
    ).content.decode()
    assert message in html and f'href="#occurred-{highlighted[0]}"' in html
    marked = re.findall(r'class="govuk-input govuk-date-input__input [^"]*govuk-input--error"[^>]*id="occurred-(\w+)"', html)
    marked += re.findall(r'id="occurred-(\w+)"[^>]*class="[^"]*govuk-input--error', html)
    assert sorted(set(marked)) == sorted(highlighted)
    assert not day or f'value="{day}"' in html


def test_a_summary_keeps_its_lines_on_the_list_and_the_timeline(client, world):
    sign_in(client, world.users[Role.LA_OFFICER])
    client.post(reverse("evidence:intelligence-new", args=[world.school.urn]), {**GOOD, "summary": "First line <b>\r\nSecond line"})
    listing = client.get(reverse("evidence:school-intelligence", args=[world.school.urn])).content.decode()
    assert "First line &lt;b&gt;<br>Second line" in listing
    timeline = client.get(reverse("evidence:school-timeline", args=[world.school.urn])).content.decode()
    assert ">First line &lt;b&gt;</p>" in timeline and ">Second line</p>" in timeline
    assert re.search(r"Recorded by <bdi>[^<]*</bdi> on \d{1,2} [A-Z][a-z]+ \d{4}", timeline)


def test_a_summary_at_the_limit_counts_each_line_end_once_as_the_page_does(client, world):
    sign_in(client, world.users[Role.LA_OFFICER])
    lines = "\r\n".join(["A line of the summary."] * 85)  # 85 × 22 characters and 84 line ends: 2,038 sent, 1,954 counted
    assert len(lines) > 2000 >= len(lines.replace("\r\n", "\n"))
    response = client.post(reverse("evidence:intelligence-new", args=[world.school.urn]), {**GOOD, "summary": lines})
    assert response.status_code == 302
    assert IntelligenceEntry.objects.get().summary == lines.replace("\r\n", "\n")


def test_the_timeline_keeps_what_was_recorded_against_the_schools_earlier_urn(client, world):
    """An academy's timeline shows the notes its authority kept on the maintained school it replaced; not another
    authority's notes, nor the earlier school's to someone who may not read this school's."""
    from register.models import SchoolLink, SchoolStatus

    earlier = SchoolFactory(la=world.la, name="Ash Grange County Primary School", status=SchoolStatus.CLOSED)
    elsewhere = SchoolFactory(la=world.other_la, name="Ash Grange (Hampshire)", status=SchoolStatus.CLOSED)
    for old in (earlier, elsewhere):
        SchoolLink.objects.create(urn=world.school.urn, linked_urn=old.urn, link_type="Predecessor")
    officer = world.users[Role.LA_OFFICER]
    for school, summary in ((earlier, "Budget deficit before conversion."), (elsewhere, "A Hampshire officer's note.")):
        record_intelligence(school, user=officer, kind="budget", severity="high", occurred_on=date(2015, 3, 1), summary=summary)
    sign_in(client, officer)
    html = client.get(reverse("evidence:school-timeline", args=[world.school.urn])).content.decode()
    assert "Budget deficit before conversion." in html
    assert f"about <bdi>Ash Grange County Primary School</bdi> (URN {earlier.urn}), this school's earlier URN" in html
    assert "A Hampshire officer" not in html
    seen = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="evidence.intelligence", detail__page="timeline")
    assert {event.object_id for event in seen} == {str(earlier.pk)}  # the entries shown were the earlier school's
    # The new school's own adviser and head may not read the earlier school's intelligence, so do not see it here.
    for role in (Role.ADVISER, Role.HEADTEACHER):
        sign_in(client, world.users[role])
        assert "Budget deficit" not in client.get(reverse("evidence:school-timeline", args=[world.school.urn])).content.decode()


def test_the_timeline_asks_who_may_read_the_earlier_urns_intelligence_once_for_them_all(client, world):
    """A school re-brokered again and again has a long chain of earlier URNs: asking the permission of each in turn
    cost two queries a URN."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from register.models import SchoolLink, SchoolStatus

    newer = world.school
    url = reverse("evidence:school-timeline", args=[world.school.urn])
    sign_in(client, world.users[Role.LA_OFFICER])
    for n in range(1, 7):
        earlier = SchoolFactory(la=world.la, name=f"Earlier School {n}", status=SchoolStatus.CLOSED)
        SchoolLink.objects.create(urn=newer.urn, linked_urn=earlier.urn, link_type="Predecessor")
        record_intelligence(
            earlier,
            user=world.users[Role.LA_OFFICER],
            kind="budget",
            severity="low",
            occurred_on=date(2010 + n, 1, 1),
            summary=f"Note {n}.",
        )
        newer = earlier
        if n == 1:
            client.get(url)  # warm what one request keeps (the session, content types)
            with CaptureQueriesContext(connection) as one_earlier:
                client.get(url)
    with CaptureQueriesContext(connection) as six_earlier:
        html = client.get(url).content.decode()
    assert all(f"Note {n}." in html for n in range(1, 7))
    assert html.count("/correct/") == 6  # each the officer's to correct
    # Each step back costs two queries (the links, then the schools), and each earlier school's notes read one audit
    # event (with a look-up of where it lies, and the row of its place); who may read and correct them, none more.
    assert len(six_earlier) <= len(one_earlier) + 5 * (2 + 3), "\n".join(q["sql"][:150] for q in six_earlier)


def test_each_entry_is_a_card_with_its_summary_in_view(client, world, entry):
    sign_in(client, world.users[Role.LA_OFFICER])
    html = squeezed(client.get(reverse("evidence:school-intelligence", args=[world.school.urn])))
    assert '<h3 class="govuk-summary-card__title"> 10 January 2025: Leadership change </h3>' in html
    assert "Headteacher to retire at Easter; interim head from the trust." in html
    assert "govuk-tag--orange" in html and "Medium" in html
    assert "cg-table-scroll" not in html  # nothing to scroll sideways to


def test_each_cards_links_name_the_entry_once(client, world, entry):
    """A link read out of context (a screen reader's list of links) says what it acts on: the card's title, which
    GOV.UK's summary card adds to its actions, once."""
    sign_in(client, world.users[Role.LA_OFFICER])
    html = client.get(reverse("evidence:school-intelligence", args=[world.school.urn])).content.decode()
    links = [
        " ".join(re.sub(r"<[^>]+>", "", text).split())
        for text in re.findall(r'<a class="govuk-link" href="[^"]*/(?:correct|withdraw)/">(.*?)</a>', html, re.S)
    ]
    assert links == ["Correct the entry (10 January 2025: Leadership change)", "Withdraw the entry (10 January 2025: Leadership change)"]


def timeline_headings(html: str) -> list[str]:
    """Each timeline entry's heading, as text."""
    return [" ".join(re.sub(r"<[^>]+>", "", heading).split()) for heading in re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.S)]


def test_each_intelligence_entry_on_the_timeline_says_it_is_confidential(client, world, entry):
    """Among public events, an entry must say for itself that it is confidential: a timeline printed or shared
    leaves the page's inset text behind, or shows it pages away."""
    from evidence.models import Framework, Inspection
    from imports.models import ImportRun

    run = ImportRun.objects.create(file_name="x.csv", checksum="0", kind="gias_establishments")
    Inspection.objects.create(
        school=world.school, framework=Framework.GRADED, started_on=date(2019, 5, 1), overall="Good", source="register", import_run=run
    )
    sign_in(client, world.users[Role.LA_OFFICER])
    headings = timeline_headings(client.get(reverse("evidence:school-timeline", args=[world.school.urn])).content.decode())
    assert "10 January 2025: Leadership change Confidential Medium severity" in headings
    assert [heading for heading in headings if "Confidential" in heading] == [
        "10 January 2025: Leadership change Confidential Medium severity"
    ]
    # Those who may not read it see neither the entry nor the word.
    sign_in(client, world.users[Role.HEADTEACHER])
    html = client.get(reverse("evidence:school-timeline", args=[world.school.urn])).content.decode()
    assert timeline_headings(html) and "Confidential" not in html


def test_a_change_the_register_dates_comes_before_one_it_places_between_extracts_ending_that_day(client, world):
    """Newest first: of two changes the register records on one day, the one it dates that day happened on it, the
    other at some time between the two extracts, so not later."""
    from imports.models import ImportRun

    run = ImportRun.objects.create(file_name="x.csv", checksum="0", kind="gias_establishments")
    common = {"school": world.school, "occurred_on": date(2022, 3, 31), "import_run": run}
    RegisterEvent.objects.create(kind=RegisterEventKind.CLOSED, old_value="Open", new_value="Closed", **common)
    RegisterEvent.objects.create(
        kind=RegisterEventKind.HEAD_CHANGED, on_or_before=True, after=date(2021, 4, 19), old_value="Ms A", new_value="Mr B", **common
    )
    sign_in(client, world.users[Role.LA_OFFICER])
    text = re.sub(
        r"\s+",
        " ",
        re.sub(r"<(?!/?bdi>)[^>]+>", " ", client.get(reverse("evidence:school-timeline", args=[world.school.urn])).content.decode()),
    )
    assert text.index("Closed Register from “<bdi>Open</bdi>” to “<bdi>Closed</bdi>”") < text.index(
        "Between 19 April 2021 and 31 March 2022: Headteacher changed"
    )


@pytest.mark.parametrize(("month", "expected"), [("Feb", 2), ("february", 2), ("SEPT", 9), ("sep", 9), ("Febr", None)])
def test_a_month_may_be_typed_as_its_name(month, expected):
    from evidence.forms import IntelligenceForm

    form = IntelligenceForm({**GOOD, "month": month, "year": "2024"})
    if expected is None:
        assert not form.is_valid() and form.errors["day"] == ["Date it happened must be a real date"]
    else:
        assert form.is_valid(), form.errors
        assert form.cleaned_data["occurred_on"] == date(2024, expected, 3)


def test_a_choice_the_page_does_not_offer_is_asked_for_as_a_missing_one():
    from evidence.forms import IntelligenceForm

    form = IntelligenceForm({**GOOD, "kind": "zzz", "severity": "extreme"})
    assert not form.is_valid()
    assert form.errors["kind"] == ["Select what kind of information this is"]
    assert form.errors["severity"] == ["Select how serious it is"]
