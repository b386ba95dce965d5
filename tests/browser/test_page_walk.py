"""Every page, as each role that uses it sees it: it loads, is styled by GOV.UK Frontend, has no
accessibility violations that axe-core can find (WCAG 2.2 A and AA), and is screenshotted to
var/screenshots/<role>-<page>.png.

Pages another part of the product has not built yet are skipped (their URL name does not resolve).
"""

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


# page key: (URL builder, roles that see it, expected status)
PAGES = {
    "home": (url("core:home"), tuple(Role), 200),
    "schools": (url("register:school-list"), (*LA, Role.HEADTEACHER, Role.TRUST_LEADER, Role.STAKEHOLDER), 200),
    "schools-search": (url("register:school-list", query="?q=Ash"), (Role.LA_OFFICER, Role.HEADTEACHER), 200),
    "schools-no-results": (url("register:school-list", query="?q=Nowhere+at+all"), (Role.LA_OFFICER,), 200),
    "school": (url("register:school-detail", lambda w: w.school.urn), (*LA, *SCHOOL, Role.BODY_MEMBER), 200),
    "school-trust": (url("register:school-detail", lambda w: w.trust_school.urn), (Role.TRUST_LEADER,), 200),
    "school-people": (url("register:school-people", lambda w: w.school.urn), (Role.LA_OFFICER, Role.HEADTEACHER), 200),
    "trusts": (url("register:trust-list"), (Role.LA_OFFICER, Role.TRUST_LEADER), 200),
    "trust": (url("register:trust-detail", lambda w: w.trust.uid), (Role.LA_OFFICER, Role.TRUST_LEADER), 200),
    "authorities": (url("register:authority-list"), LA, 200),
    "authority": (url("register:authority-detail", lambda w: w.la.code), LA, 200),
    "users": (url("accounts:user-list"), (Role.LA_ADMIN,), 200),
    "user-invite": (url("accounts:user-invite"), (Role.LA_ADMIN,), 200),
    "user": (url("accounts:user-detail", lambda w: w.users[Role.HEADTEACHER].pk), (Role.LA_ADMIN,), 200),
    "audit-log": (url("audit:list"), (Role.LA_ADMIN,), 200),
    "imports": (url("imports:list"), (Role.LA_ADMIN,), 200),
    "import-running": (lambda w: import_page(ImportOutcome.RUNNING, progress=40), (Role.LA_ADMIN,), 200),
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
    "intelligence-new": (url("evidence:intelligence-new", lambda w: w.school.urn), (Role.LA_OFFICER,), 200),
    "authority-results": (url("evidence:authority-results", lambda w: w.la.code), LA, 200),
    "forbidden-intelligence": (url("evidence:school-intelligence", lambda w: w.school.urn), (Role.HEADTEACHER,), 403),
    # Error pages, as a signed-in user meets them.
    "not-found": (lambda w: "/no-such-page/", (Role.HEADTEACHER,), 404),
    "other-school-not-found": (url("register:school-people", lambda w: w.far_school.urn), (Role.HEADTEACHER,), 404),
    "forbidden-users": (url("accounts:user-list"), (Role.HEADTEACHER,), 403),
}


def import_page(outcome, **fields):
    """An import of every authority (which LA administrators see), as the Imports page shows it: running, with its
    progress bar, or finished."""
    run = ImportRun.objects.create(file_name="national.csv", checksum="", kind="gias_establishments", outcome=outcome, **fields)
    return reverse("imports:detail", args=[run.pk])


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
    assert_govuk_styled(page)
    check_page(page, f"{role.value}-{key}")
    # A running import's page polls for progress: leave it, so that no request reaches the server as it stops.
    page.goto("about:blank")
