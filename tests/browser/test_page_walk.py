"""Every page, as each role that uses it sees it: it loads, is styled by GOV.UK Frontend, has no
accessibility violations that axe-core can find (WCAG 2.2 A and AA), and is screenshotted to
var/screenshots/<role>-<page>.png.

Pages another part of the product has not built yet are skipped (their URL name does not resolve).
"""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from accounts.roles import Role
from imports.models import ImportOutcome, ImportRun

from .conftest import assert_govuk_styled, check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LA = (Role.LA_ADMIN, Role.LA_OFFICER)
SCHOOL = (Role.HEADTEACHER, Role.GOVERNOR, Role.SCHOOL_STAFF, Role.ADVISER)


def url(name, *args, query=""):
    def build(world):
        return reverse(name, args=[a(world) if callable(a) else a for a in args]) + query

    return build


def closed_school(world):
    """Ash Grange Infant School, closed when it became an academy; GIAS links it to a successor the register does not
    hold."""
    from datetime import date

    from register.models import SchoolLink, SchoolStatus
    from tests.factories import SchoolFactory

    school = SchoolFactory(
        la=world.la,
        name="Ash Grange Infant School",
        status=SchoolStatus.CLOSED,
        closed_on=date(2024, 8, 31),
        close_reason="Academy converter",
    )
    SchoolLink.objects.create(
        urn=school.urn, linked_urn=150999, linked_name="Ash Grange Infant Academy", link_type="Successor", established_on=date(2024, 9, 1)
    )
    return school


def with_closed_school(build):
    """The page `build` makes, once the world has its closed school (closed_school)."""

    def build_with_closed_school(world):
        closed_school(world)
        return build(world)

    return build_with_closed_school


# page key: (URL builder, roles that see it, expected status)
PAGES = {
    "home": (url("core:home"), tuple(Role), 200),
    "schools": (url("register:school-list"), (*LA, Role.HEADTEACHER, Role.TRUST_LEADER, Role.STAKEHOLDER), 200),
    "schools-search": (url("register:school-list", query="?q=Ash"), (Role.LA_OFFICER, Role.HEADTEACHER), 200),
    "schools-yours": (url("register:school-list", query="?mine=1"), (Role.ADVISER, Role.TRUST_LEADER, Role.BODY_MEMBER), 200),
    "schools-state-funded": (url("register:school-list", query="?state_funded=1&mine=1"), (Role.LA_OFFICER, Role.ADVISER), 200),
    "schools-no-results": (url("register:school-list", query="?q=Nowhere+at+all"), (Role.LA_OFFICER,), 200),
    "schools-closed-also-match": (with_closed_school(url("register:school-list", query="?q=Infant")), (Role.LA_OFFICER,), 200),
    "schools-only-closed-match": (with_closed_school(url("register:school-list", query="?q=Ash+Grange+Infant")), (Role.LA_OFFICER,), 200),
    # A link's trust and authority that the drop-downs do not list: the words written, and another authority's name.
    "schools-unlisted-trust-and-authority": (url("register:school-list", query="?trust=99999&la=850"), (Role.LA_OFFICER,), 200),
    # A link's phase and type that no school has, and a trust's words written right to left: each quoted, isolated.
    "schools-unlisted-phase-type-and-trust": (
        url("register:school-list", query="?" + urlencode({"phase": "Primry", "type": "مدرسة خاصة", "trust": "مدرسة النور"})),
        (Role.LA_OFFICER,),
        200,
    ),
    "school": (url("register:school-detail", lambda w: w.school.urn), (*LA, *SCHOOL, Role.BODY_MEMBER), 200),
    "school-trust": (url("register:school-detail", lambda w: w.trust_school.urn), (Role.TRUST_LEADER,), 200),
    "school-closed": (lambda w: reverse("register:school-detail", args=[closed_school(w).urn]), (Role.LA_OFFICER,), 200),
    "school-people": (url("register:school-people", lambda w: w.school.urn), (Role.LA_OFFICER, Role.HEADTEACHER), 200),
    "school-people-nobody": (url("register:school-people", lambda w: w.other_school.urn), (Role.LA_OFFICER,), 200),
    "trusts": (url("register:trust-list"), (Role.LA_OFFICER, Role.TRUST_LEADER), 200),
    "trusts-no-results": (url("register:trust-list", query="?q=Nowhere+at+all"), (Role.LA_OFFICER,), 200),
    "trust": (url("register:trust-detail", lambda w: w.trust.uid), (Role.LA_OFFICER, Role.TRUST_LEADER), 200),
    "authorities": (url("register:authority-list"), LA, 200),
    "authority": (url("register:authority-detail", lambda w: w.la.code), LA, 200),
    "users": (url("accounts:user-list"), (Role.LA_ADMIN,), 200),
    "users-no-match": (url("accounts:user-list", query="?q=nobody.here"), (Role.LA_ADMIN,), 200),
    "user-invite": (url("accounts:user-invite"), (Role.LA_ADMIN,), 200),
    "user": (url("accounts:user-detail", lambda w: w.users[Role.HEADTEACHER].pk), (Role.LA_ADMIN,), 200),
    "user-who-left": (lambda w: user_who_left(w), (Role.LA_ADMIN,), 200),
    "two-factor-set-up": (url("accounts:two-factor-setup"), (Role.LA_OFFICER,), 200),
    "your-account": (url("accounts:your-account"), (Role.LA_OFFICER, Role.HEADTEACHER, Role.ADVISER), 200),
    "change-password": (url("accounts:change-password"), (Role.LA_OFFICER, Role.HEADTEACHER), 200),
    "administration": (url("core:administration"), (Role.LA_ADMIN,), 200),
    "audit-log": (url("audit:list"), (Role.LA_ADMIN,), 200),
    "audit-log-date-errors": (url("audit:list", query="?from=30%2F02%2F2025&to=2025-01-01"), (Role.LA_ADMIN,), 200),
    "imports": (url("imports:list"), (Role.LA_ADMIN,), 200),
    "imports-refused-and-imported": (lambda w: imports_listed(), (Role.LA_ADMIN,), 200),
    "import-queued": (lambda w: import_page(ImportOutcome.QUEUED), (Role.LA_ADMIN,), 200),
    "import-running": (lambda w: import_page(ImportOutcome.RUNNING, progress=40), (Role.LA_ADMIN,), 200),
    "import-failed": (
        lambda w: import_page(ImportOutcome.FAILED, message="national.csv: the import failed (database is locked)", checksum="9f2c"),
        (Role.LA_ADMIN,),
        200,
    ),
    "import-unchanged": (
        lambda w: import_page(
            ImportOutcome.UNCHANGED,
            message="national.csv (GIAS establishment extract): 590 rows read; nothing has changed since the last import of this data.",
            rows_read=590,
            unchanged=590,
            progress=100,
            checksum="9f2c",
        ),
        (Role.LA_ADMIN,),
        200,
    ),
    "import-refused": (
        lambda w: import_page(ImportOutcome.REFUSED, message="national.csv, row 7, column 'URN': 'x' is not a URN."),
        (Role.LA_ADMIN,),
        200,
    ),
    "import-figures-changed": (lambda w: figures_changed_page(w), (Role.LA_ADMIN,), 200),
    "import-inspections-corrected": (lambda w: inspections_corrected_page(w), (Role.LA_ADMIN,), 200),
    "school-results": (url("evidence:school-results", lambda w: w.school.urn), (Role.LA_OFFICER, Role.HEADTEACHER, Role.STAKEHOLDER), 200),
    "school-timeline": (url("evidence:school-timeline", lambda w: w.school.urn), (Role.LA_OFFICER, Role.GOVERNOR), 200),
    "school-intelligence": (url("evidence:school-intelligence", lambda w: w.school.urn), (Role.LA_OFFICER, Role.ADVISER), 200),
    "school-intelligence-entries": (lambda w: intelligence_entries(w), (Role.LA_OFFICER, Role.ADVISER), 200),
    "intelligence-new": (url("evidence:intelligence-new", lambda w: w.school.urn), (Role.LA_OFFICER,), 200),
    "intelligence-correct": (lambda w: corrected_entry_page(w, "evidence:intelligence-correct"), (Role.LA_OFFICER,), 200),
    "intelligence-withdraw": (lambda w: corrected_entry_page(w, "evidence:intelligence-withdraw"), (Role.LA_OFFICER,), 200),
    "school-timeline-corrected": (lambda w: corrected_entry_page(w, "evidence:school-timeline"), (Role.LA_OFFICER, Role.ADVISER), 200),
    "intelligence-withdrawn": (lambda w: withdrawn_entry_page(w), LA, 200),
    "forbidden-intelligence-correct": (lambda w: corrected_entry_page(w, "evidence:intelligence-correct"), (Role.ADVISER,), 403),
    "authority-results": (url("evidence:authority-results", lambda w: w.la.code), LA, 200),
    "authority-intelligence": (lambda w: authority_intelligence(w), (Role.LA_OFFICER, Role.ADVISER), 200),
    "authority-intelligence-errors": (
        url("evidence:authority-intelligence", lambda w: w.la.code, query="?from=30%2F02%2F2026&to=last+week&kind=complaint"),
        (Role.LA_OFFICER,),
        200,
    ),
    "forbidden-authority-intelligence": (url("evidence:authority-intelligence", lambda w: w.la.code), (Role.HEADTEACHER,), 403),
    "forbidden-intelligence": (url("evidence:school-intelligence", lambda w: w.school.urn), (Role.HEADTEACHER,), 403),
    # Error pages, as a signed-in user meets them.
    "not-found": (lambda w: "/no-such-page/", (Role.HEADTEACHER,), 404),
    "other-school-not-found": (url("register:school-people", lambda w: w.far_school.urn), (Role.HEADTEACHER,), 404),
    "forbidden-users": (url("accounts:user-list"), (Role.HEADTEACHER,), 403),
}


# What shows that a page is in the state its key names: the words it then says.
SHOWS = {
    "schools-yours": "1 school.",
    "schools-closed-also-match": "1 closed school also matches",
    "schools-only-closed-match": "No open schools found. 1 closed school matches",
    "schools-unlisted-trust-and-authority": "No trust matches ‘99999’.",
    "schools-unlisted-phase-type-and-trust": "No trust matches ‘مدرسة النور’.",
    "school-closed": "This school closed on 31 August 2024",
    "school-people-nobody": "Nobody holds a role for this school",
    "trusts-no-results": "No groups found",
    "users-no-match": "No users match",
    "user-who-left": "Past roles (1)",
    "two-factor-set-up": "Two-factor authentication is set up for your account",
    "your-account": "Change your password",
    "change-password": "Current password",
    "audit-log-date-errors": "The ‘From’ date must be a real date",
    "import-queued": "Waiting to start",
    "import-failed": "The import failed",
    "import-unchanged": "This import recorded no changes",
    "school-intelligence-entries": "Entries, newest first",
    "intelligence-correct": "Correct an entry",
    "intelligence-withdraw": "Are you sure you want to withdraw this entry?",
    "school-timeline-corrected": "Earlier versions",
    "intelligence-withdrawn": "Why it was withdrawn",
    "authority-intelligence": "Entries, newest first",
    "authority-intelligence-errors": "The ‘From’ date must be a real date",
    "imports-refused-and-imported": "Nothing imported",
}


def import_page(outcome, **fields):
    """An import of every authority (which LA administrators see), as the Imports page shows it: running, with its
    progress bar, or finished."""
    fields = {"checksum": "", **fields}
    run = ImportRun.objects.create(file_name="national.csv", kind="gias_establishments", outcome=outcome, **fields)
    return reverse("imports:detail", args=[run.pk])


def imports_listed():
    """The Imports page listing a file imported, with its counts, and one refused, which imported nothing."""
    import_page(ImportOutcome.SUCCEEDED, message="national.csv: 590 rows read.", rows_read=590, created=12, unchanged=578, progress=100)
    import_page(ImportOutcome.REFUSED, message="national.csv, row 7, column 'URN': 'x' is not a URN.")
    return reverse("imports:list")


def intelligence_entries(world):
    """The school's local intelligence page with three entries, one of each severity, one of several paragraphs."""
    from datetime import date

    from evidence.services import record_intelligence

    officer = world.users[Role.LA_OFFICER]
    for kind, severity, on, summary in (
        (
            "leadership",
            "high",
            date(2025, 1, 10),
            "The headteacher has resigned with effect from Easter.\n\nThe chair of governors asked for support with an interim appointment.",
        ),
        ("complaint", "medium", date(2025, 3, 27), "Parent complaint about communication around the change of headteacher."),
        ("falling_roll", "low", date(2025, 6, 2), "Reception applications for September are down by a fifth."),
    ):
        record_intelligence(world.school, user=officer, kind=kind, severity=severity, occurred_on=on, summary=summary)
    return reverse("evidence:school-intelligence", args=[world.school.urn])


def authority_intelligence(world):
    """The authority's local intelligence, over two pages: the school's entries (intelligence_entries, the corrected one
    among them), one long enough to be cut, and others at another school, one recorded by a name written right to left."""
    from datetime import date, timedelta

    from evidence.services import record_intelligence
    from tests.factories import UserFactory, grant

    intelligence_entries(world)
    corrected_entry(world)
    officer = world.users[Role.LA_OFFICER]
    long = "The school's budget plan shows a deficit from next April. " * 8
    record_intelligence(world.school, user=officer, kind="budget", severity="high", occurred_on=date(2025, 9, 1), summary=long)
    colleague = UserFactory(email="sara.khan@example.org", full_name="سارة خان")
    grant(colleague, Role.LA_OFFICER, world.la)
    for day in range(24):
        on = date(2025, 8, 30) - timedelta(days=day * 3)
        summary = f"Attendance below the authority's average in week {day + 1}."
        record_intelligence(world.other_school, user=colleague, kind="other", severity="low", occurred_on=on, summary=summary)
    return reverse("evidence:authority-intelligence", args=[world.la.code])


def corrected_entry(world):
    """An entry an LA officer recorded and has corrected twice: a misspelt name, then the wrong date."""
    from datetime import date

    from evidence.services import correct_intelligence, record_intelligence

    officer = world.users[Role.LA_OFFICER]
    answers = {"kind": "leadership", "severity": "high", "occurred_on": date(2025, 1, 10)}
    entry = record_intelligence(world.school, user=officer, **answers, summary="The headteacher, Mrs Smyth, has resigned.")
    correct_intelligence(entry, user=officer, **answers, summary="The headteacher, Mrs Smith, has resigned.", reason="Name misspelt.")
    answers["occurred_on"] = date(2025, 1, 17)
    summary = "The headteacher, Mrs Smith, has resigned with effect from Easter."
    correct_intelligence(entry, user=officer, **answers, summary=summary, reason="The letter was dated 17 January.")
    return entry


def corrected_entry_page(world, name):
    """A page about the corrected entry (corrected_entry): its correction, its withdrawal, or the school's timeline."""
    entry = corrected_entry(world)
    return reverse(name, args=[world.school.urn] if name == "evidence:school-timeline" else [world.school.urn, entry.pk])


def withdrawn_entry_page(world):
    """The school's withdrawn entries: the corrected entry (corrected_entry), withdrawn as recorded against the wrong school."""
    from evidence.services import withdraw_intelligence

    entry = corrected_entry(world)
    withdraw_intelligence(entry, user=world.users[Role.LA_ADMIN], reason="Recorded against the wrong school: it was Ash Grange Infants.")
    return reverse("evidence:intelligence-withdrawn", args=[world.school.urn])


def user_who_left(world):
    """A governor who became a member of staff and has left: a past role and a current one, an authenticator app,
    and the account deactivated, so that their page shows every section it has."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts import services
    from tests.factories import UserFactory

    admin = world.users[Role.LA_ADMIN]
    person = UserFactory(email="grace.lee@ashgrange.example", full_name="Grace Lee")
    governor = services.grant_role(user=person, role=Role.GOVERNOR, target=world.school, granted_by=admin)
    services.revoke_role(assignment=governor, revoked_by=admin)
    services.grant_role(user=person, role=Role.SCHOOL_STAFF, target=world.school, granted_by=admin)
    TOTPDevice.objects.create(user=person, name="Phone", confirmed=True)
    services.set_active(user=person, active=False, changed_by=admin)
    return reverse("accounts:user-detail", args=[person.pk])


def two_imports(file_name, kind):
    """Two finished imports of one file: the first, and the correction whose page lists what it changed."""
    return [ImportRun.objects.create(file_name=file_name, checksum=c, kind=kind, outcome=ImportOutcome.SUCCEEDED) for c in "ab"]


def figures_changed_page(world):
    """A corrected KS2 file's import: one school figure replaced, one removed, one of England's replaced."""
    from evidence.models import Area, FigureChange, Source, Status
    from evidence.store import sync_catalogue

    measures = sync_catalogue()
    first, run = two_imports("2018-2019-936-ks2final.csv", "ks2_final")
    common = {"import_run": run, "year": 2019, "source": Source.KS2_FINAL, "old_import_run": first, "old_status": Status.VALUE}
    replaced = {"new_status": Status.VALUE, **common}
    FigureChange.objects.bulk_create(
        [
            FigureChange(school=world.school, measure_id=measures["ks2_rwm_expected"], old_value=56, new_value=58, **replaced),
            FigureChange(school=world.school, measure_id=measures["ks2_rwm_higher"], old_value=9, **common),
            FigureChange(area=Area.ENGLAND, measure_id=measures["ks2_rwm_expected"], old_value=64, new_value=65, **replaced),
        ]
    )
    return reverse("imports:detail", args=[run.pk])


def inspections_corrected_page(world):
    """A corrected Ofsted file's import: a report card's publication date and one evaluation area corrected."""
    from datetime import date

    from evidence.models import Framework, Inspection, InspectionChange, InspectionSource

    first, run = two_imports("latest.csv", "ofsted_latest_inspections")
    card = Inspection.objects.create(
        school=world.school,
        framework=Framework.REPORT_CARD,
        started_on=date(2025, 12, 9),
        source=InspectionSource.OFSTED_LATEST,
        import_run=run,
    )
    kept = {"import_run": run, "inspection": card, "old_import_run": first}
    InspectionChange.objects.bulk_create(
        [
            InspectionChange(field="Publication date", old_value="1 February 2026", new_value="3 February 2026", **kept),
            InspectionChange(field="Achievement", old_value="Needs attention", new_value="Strong standard", **kept),
        ]
    )
    return reverse("imports:detail", args=[run.pk])


CASES = [pytest.param(role, key, id=f"{role.value}-{key}") for key, (_, roles, _) in PAGES.items() for role in roles]


@pytest.mark.parametrize(("role", "key"), CASES)
def test_page(page, world, sign_in_as, role, key):
    build, _, expected = PAGES[key]
    path = build(world)
    sign_in_as(world.users[role])
    response = page.goto(path)
    assert response.status == expected, f"{role.label} opening {path}: {response.status}, expected {expected} (now at {page.url})"
    if key in SHOWS:
        assert SHOWS[key] in page.locator("main").inner_text(), f"{path} does not say {SHOWS[key]!r}"
    assert_govuk_styled(page)
    check_page(page, f"{role.value}-{key}")
    # A running import's page polls for progress: leave it, so that no request reaches the server as it stops.
    page.goto("about:blank")
