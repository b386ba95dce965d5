"""The product on real files: Surrey's register extracts and national evidence from demo/, imported
through `imports.services.import_file` as an administrator would, then walked by an LA officer, an
LA administrator and a headteacher. Real data finds what factories miss: long names, many rows,
pagination, charts with real series, empty measures.

Importing takes a few seconds, so each role walks its pages in one test and every page's problems
are gathered and reported together (screenshots in var/screenshots/real-*.png).
"""

import pytest
from django.conf import settings
from django.db.models import Count
from django.urls import reverse

from accounts.roles import Role
from tests.factories import UserFactory, grant

from .conftest import govuk_style_problems, page_problems, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO = settings.BASE_DIR / "demo"


@pytest.fixture
def surrey():
    from core.demo import demo_files
    from imports.models import ImportOutcome, ImportRun
    from imports.services import import_file
    from register.models import Group, LocalAuthority, School, SchoolLink, SchoolStatus

    for item in demo_files():
        run = import_file(item.path, la_codes=item.la_codes)
        assert run.outcome != ImportOutcome.REFUSED, run.message
    for path in sorted((DEMO / "evidence").glob("*.csv*")):
        if "_meta" not in path.name:  # the performance tables' metadata files describe columns; they are not data
            run = import_file(path, la_codes=[936])
            assert run.outcome != ImportOutcome.REFUSED, run.message

    class Surrey:
        la = LocalAuthority.objects.get(code=936)
        open_schools = School.objects.filter(la__code=936).exclude(status=SchoolStatus.CLOSED)
        primary = open_schools.filter(phase="Primary").annotate(n=Count("observations")).order_by("-n", "name").first()
        secondary = open_schools.filter(phase="Secondary").annotate(n=Count("observations")).order_by("-n", "name").first()
        trust = Group.objects.annotate(n=Count("memberships")).filter(memberships__school__la__code=936).order_by("-n").first()
        # A school closed when it converted: the one with most figures of those GIAS links to a successor.
        closed = (
            School.objects.filter(la__code=936, status=SchoolStatus.CLOSED)
            .filter(urn__in=SchoolLink.objects.filter(link_type__startswith="Successor").values("urn"))
            .annotate(n=Count("observations"))
            .order_by("-n", "name")
            .first()
        )
        # Kingswood Primary School became URN 150678 in April 2024, after the register's extract: its page says so.
        converted_since = School.objects.get(urn=124937)
        register_changes = ImportRun.objects.get(file_name="surrey-2022-04-20-primary-establishments.csv")

    assert Surrey.primary and Surrey.secondary and Surrey.trust and Surrey.closed
    return Surrey


def walk(page, prefix, pages):
    """Open each (name, path, expected status) and gather every problem, failing once at the end."""
    problems = []
    for name, path, expected in pages:
        response = page.goto(path)
        if response.status != expected:
            problems.append(f"{prefix}-{name} ({path}): answered {response.status}, expected {expected}")
        style = govuk_style_problems(page)
        if style:
            problems.append(f"{prefix}-{name} ({path}): " + "; ".join(style))
        problems += page_problems(page, f"{prefix}-{name}")
    if problems:
        pytest.fail(f"{len(problems)} problem(s):\n\n" + "\n\n".join(problems), pytrace=False)


def test_an_la_officer_walks_the_real_register_and_evidence(page, surrey, sign_in_as):
    officer = UserFactory(email="officer@surreycc.example", full_name="Priya Shah")
    grant(officer, Role.LA_OFFICER, surrey.la)
    sign_in_as(officer)
    primary, secondary = surrey.primary.urn, surrey.secondary.urn
    walk(
        page,
        "real-la-officer",
        [
            ("home", "/home/", 200),
            ("schools", reverse("register:school-list"), 200),
            ("schools-page-2", reverse("register:school-list") + "?page=2", 200),
            ("schools-secondary-by-pupils", reverse("register:school-list") + "?phase=Secondary&sort=-pupils", 200),
            ("schools-closed", reverse("register:school-list") + "?status=closed", 200),
            ("schools-search-postcode", reverse("register:school-list") + "?q=GU21", 200),
            ("primary", reverse("register:school-detail", args=[primary]), 200),
            ("primary-people", reverse("register:school-people", args=[primary]), 200),
            ("primary-results", reverse("evidence:school-results", args=[primary]), 200),
            ("primary-timeline", reverse("evidence:school-timeline", args=[primary]), 200),
            ("primary-intelligence", reverse("evidence:school-intelligence", args=[primary]), 200),
            ("primary-intelligence-new", reverse("evidence:intelligence-new", args=[primary]), 200),
            ("secondary", reverse("register:school-detail", args=[secondary]), 200),
            ("secondary-results", reverse("evidence:school-results", args=[secondary]), 200),
            ("secondary-timeline", reverse("evidence:school-timeline", args=[secondary]), 200),
            ("converted-since-the-extract", reverse("register:school-detail", args=[surrey.converted_since.urn]), 200),
            ("closed", reverse("register:school-detail", args=[surrey.closed.urn]), 200),
            ("closed-results", reverse("evidence:school-results", args=[surrey.closed.urn]), 200),
            ("closed-timeline", reverse("evidence:school-timeline", args=[surrey.closed.urn]), 200),
            ("trusts", reverse("register:trust-list"), 200),
            ("trust", reverse("register:trust-detail", args=[surrey.trust.uid]), 200),
            ("authorities", reverse("register:authority-list"), 200),
            ("authority", reverse("register:authority-detail", args=[936]), 200),
            ("authority-results", reverse("evidence:authority-results", args=[936]), 200),
        ],
    )


def test_an_la_officer_records_local_intelligence_with_errors_first(page, surrey, sign_in_as):
    officer = UserFactory(email="officer@surreycc.example", full_name="Priya Shah")
    grant(officer, Role.LA_OFFICER, surrey.la)
    sign_in_as(officer)
    page.goto(reverse("evidence:intelligence-new", args=[surrey.primary.urn]))
    page.locator("main form button").last.click()
    page.locator(".govuk-error-summary").wait_for()
    assert page.title().startswith("Error: ")
    problems = page_problems(page, "real-la-officer-intelligence-errors")
    assert not problems, "\n".join(problems)


def test_an_la_administrator_reviews_imports_users_and_the_audit_log(page, surrey, sign_in_as):
    from imports.models import ImportRun

    admin = UserFactory(email="admin@surreycc.example", full_name="Tom Reid")
    grant(admin, Role.LA_ADMIN, surrey.la)
    sign_in_as(admin)
    first, last = ImportRun.objects.order_by("pk").first(), ImportRun.objects.order_by("pk").last()
    walk(
        page,
        "real-la-admin",
        [
            ("home", "/home/", 200),
            ("imports", reverse("imports:list"), 200),
            ("import-register", reverse("imports:detail", args=[first.pk]), 200),
            ("import-register-changes", reverse("imports:detail", args=[surrey.register_changes.pk]), 200),
            ("import-register-changes-page-2", reverse("imports:detail", args=[surrey.register_changes.pk]) + "?page=2", 200),
            ("authority-with-its-imports", reverse("register:authority-detail", args=[936]), 200),
            ("import-last", reverse("imports:detail", args=[last.pk]), 200),
            ("users", reverse("accounts:user-list"), 200),
            ("user-invite", reverse("accounts:user-invite"), 200),
            ("audit-log", reverse("audit:list"), 200),
        ],
    )


def test_a_headteacher_sees_their_own_real_school(page, surrey, sign_in_as):
    head = UserFactory(email="head@school.example", full_name="Sam Green")
    grant(head, Role.HEADTEACHER, surrey.primary)
    sign_in_as(head)
    urn = surrey.primary.urn
    walk(
        page,
        "real-headteacher",
        [
            ("home", "/home/", 200),
            ("school", reverse("register:school-detail", args=[urn]), 200),
            ("results", reverse("evidence:school-results", args=[urn]), 200),
            ("timeline", reverse("evidence:school-timeline", args=[urn]), 200),
            ("schools", reverse("register:school-list"), 200),
            ("another-school-people", reverse("register:school-people", args=[surrey.secondary.urn]), 404),
        ],
    )


def test_every_tab_of_a_schools_results_is_accessible_by_keyboard(page, surrey, sign_in_as):
    """GOV.UK tabs: reach the tab list by Tab, move between tabs with the arrow keys, check each panel."""
    officer = UserFactory(email="officer@surreycc.example", full_name="Priya Shah")
    grant(officer, Role.LA_OFFICER, surrey.la)
    sign_in_as(officer)
    page.goto(reverse("evidence:school-results", args=[surrey.primary.urn]))
    tabs = page.locator(".govuk-tabs__tab")
    if not tabs.count():
        pytest.skip("the results page has no tabs")
    names = tabs.all_inner_texts()
    assert page.locator(".govuk-tabs__list[role=tablist]").count() == 1, "GOV.UK Frontend's tabs script did not run"
    tab_to(page, ".govuk-tabs__list-item--selected .govuk-tabs__tab")
    problems = []
    for index, name in enumerate(names):
        if index:
            page.keyboard.press("ArrowRight")
        selected = page.locator(".govuk-tabs__list-item--selected .govuk-tabs__tab").inner_text()
        if selected != name:
            problems.append(f"ArrowRight selected {selected!r}, expected {name!r}")
        problems += page_problems(page, f"real-la-officer-results-tab-{index + 1}-{name}")
    assert not problems, "\n\n".join(problems)


def test_charts_stay_legible_on_a_small_screen(page, surrey, sign_in_as):
    """At 320 CSS pixels a chart is not shrunk until its words are too small to read: it keeps its own width
    in a box that scrolls sideways, which a keyboard user can reach, and the page itself does not scroll."""
    officer = UserFactory(email="officer@surreycc.example", full_name="Priya Shah")
    grant(officer, Role.LA_OFFICER, surrey.la)
    sign_in_as(officer)
    page.set_viewport_size({"width": 320, "height": 640})
    problems = []
    for name, path in (
        ("school", reverse("evidence:school-results", args=[surrey.primary.urn])),
        ("authority", reverse("evidence:authority-results", args=[936])),
    ):
        page.goto(path)
        label = page.locator("svg.cg-chart text[text-anchor=end]").first  # the scale's first label
        height = label.bounding_box()["height"]
        if height < 12:  # the box of 12px text is about 15px high
            problems.append(f"{name}: a chart's scale label is {height:.1f}px high at 320px wide")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 320:
            problems.append(f"{name}: the page is {width}px wide at 320px: it scrolls sideways")
        # Each chart opens at its latest year, and says it scrolls for the earlier ones.
        at_start = page.evaluate(
            "() => [...document.querySelectorAll('[data-start-at-end]')].filter(box => box.scrollLeft === 0 && box.scrollWidth > box.clientWidth).length"
        )
        if at_start:
            problems.append(f"{name}: {at_start} charts open at their first year, the latest out of view")
        # The outcome table is small enough to fit whole: none of its columns is hidden behind a scroll.
        if name == "authority":
            outcomes = page.locator(".cg-table-scroll:has(caption:has-text('Open state-funded'))")
            scroll, client = outcomes.evaluate("box => [box.scrollWidth, box.clientWidth]")
            if scroll > client:
                problems.append(f"authority: the outcome table is {scroll}px wide in a {client}px box at 320px")
        if not page.get_by_text("Scroll the chart sideways for earlier years.").first.is_visible():
            problems.append(f"{name}: no chart says it scrolls sideways")
        tab_to(page, ".cg-table-scroll:has(> svg.cg-chart)")
        problems += page_problems(page, f"real-small-screen-{name}-results")
    assert not problems, "\n\n".join(problems)
