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
from playwright.sync_api import expect

from accounts.roles import Role
from tests.factories import UserFactory, grant

from .conftest import SCREENSHOTS, format_violations, govuk_style_problems, page_problems, tab_to

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


def test_anyone_reads_the_real_authoritys_published_statistics_signed_out(page, surrey):
    walk(
        page,
        "real-public",
        [
            ("statistics", reverse("evidence:statistics"), 200),
            ("authority-statistics", reverse("evidence:authority-statistics", args=[936]), 200),
        ],
    )


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
            ("schools-state-funded-page-2", reverse("register:school-list") + "?state_funded=1&page=2", 200),
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
            # Godalming College, a 16 to 19 academy: figures set beside no phase's, and the page says why.
            ("sixteen-plus-results", reverse("evidence:school-results", args=[145004]), 200),
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
            ("your-schools", reverse("register:school-list") + "?mine=1", 200),
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


def test_charts_stay_legible_on_a_small_screen_and_in_a_contrast_theme(page, surrey, sign_in_as):
    """At 320 CSS pixels a chart is not shrunk until its words are too small to read: it keeps its own width
    in a box that scrolls sideways, which a keyboard user can reach, and the page itself does not scroll. It opens
    at its latest year, with its scale in view beside it (the scale was scrolled off the screen with the earlier years).
    In a contrast theme its words and marks stay in view (contrast_theme_problems). One test, as the import is slow."""
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
        label = page.locator("main svg text[text-anchor=end]").first  # the scale's first label
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
        # Every chart opens with its scale and its latest year in view: each on the screen, and, where it is in the
        # box that scrolls, within what the box shows.
        hidden = page.evaluate(
            """() => [...document.querySelectorAll('svg.cg-chart')].filter(chart => {
                const box = chart.closest('.cg-table-scroll');
                const shown = text => {
                    const r = text.getBoundingClientRect(), clip = box.contains(text) ? box.getBoundingClientRect() : {left: 0, right: innerWidth};
                    return r.left >= clip.left - 0.5 && r.right <= clip.right + 0.5;
                };
                const scale = [...box.parentElement.querySelectorAll('text[text-anchor=end]')];
                const years = [...chart.querySelectorAll('text')].filter(text => /^\\d{4}\\/\\d\\d$/.test(text.textContent));
                const latest = years.reduce((a, b) => (+b.getAttribute('x') > +a.getAttribute('x') ? b : a));
                return !scale.length || !scale.every(shown) || !shown(latest);
            }).length"""
        )
        if hidden:
            problems.append(f"{name}: {hidden} charts open with their scale or their latest year out of view")
        # The outcome table is small enough to fit whole: none of its columns is hidden behind a scroll.
        if name == "authority":
            outcomes = page.locator(".cg-table-scroll:has(caption:has-text('Open state-funded'))")
            scroll, client = outcomes.evaluate("box => [box.scrollWidth, box.clientWidth]")
            if scroll > client:
                problems.append(f"authority: the outcome table is {scroll}px wide in a {client}px box at 320px")
        if not page.get_by_text("Scroll the chart sideways for earlier years.").first.is_visible():
            problems.append(f"{name}: no chart says it scrolls sideways")
        box = tab_to(page, ".cg-table-scroll:has(> svg.cg-chart)")
        # Named by the chart's title, as the chart is, and described by the hint that it scrolls.
        expect(box).to_have_accessible_name(box.locator("svg.cg-chart title").first.text_content())
        expect(box).to_have_accessible_description("Scroll the chart sideways for earlier years.")
        problems += page_problems(page, f"real-small-screen-{name}-results")
    problems += contrast_theme_problems(page, surrey.secondary)
    assert not problems, "\n\n".join(problems)


# In each chart, its key and its scale: the words (years, scale, labelled breaks), the rules of its breaks (vertical lines),
# the marks of a year with no figure (each a shape in a group named on hover) and the key's sample of them, the lines of figures and their marks, each with
# the paint a reader sees it by: words by their fill, a rule or a mark by its outline, and a mark's inside.
CHART_INK = r"""() => {
    const paint = (element, property) => getComputedStyle(element)[property];
    const said = element => (element.closest('g')?.querySelector('title') || element).textContent.trim().slice(0, 60);
    const found = [];
    for (const text of document.querySelectorAll('svg.cg-chart text, svg.cg-chart-scale text')) {
        found.push({what: `"${text.textContent}"`, kind: 'words', colour: paint(text, 'fill')});
    }
    for (const rule of document.querySelectorAll('svg.cg-chart line')) {
        if (rule.getAttribute('x1') === rule.getAttribute('x2')) found.push({what: "a break's rule", kind: 'outline', colour: paint(rule, 'stroke')});
    }
    const sample = [...document.querySelectorAll('.cg-legend__item')].find(item => item.textContent.includes('No figure'));
    const marks = [...document.querySelectorAll('svg.cg-chart g > :is(circle, rect, polygon)')].concat(
        sample ? [...sample.querySelectorAll('circle')] : []);
    for (const mark of marks) {
        found.push({what: `the mark of ${said(mark)}`, kind: 'outline', colour: paint(mark, 'stroke')});
        found.push({what: `the mark of ${said(mark)}`, kind: 'inside', colour: paint(mark, 'fill')});
    }
    for (const line of sample ? sample.querySelectorAll('line') : []) found.push({what: "the key's sample of no figure", kind: 'outline', colour: paint(line, 'stroke')});
    for (const line of document.querySelectorAll('svg.cg-chart polyline, .cg-legend__sample line')) {
        found.push({what: `a line of figures drawn ${line.getAttribute('stroke')}`, kind: 'outline', colour: paint(line, 'stroke')});
    }
    for (const mark of document.querySelectorAll('svg.cg-chart > :is(circle, rect, polygon), .cg-legend__sample > :is(circle, rect, polygon)')) {
        const hollow = mark.getAttribute('fill') === '#fff';
        const drawn = mark.getAttribute(hollow ? 'stroke' : 'fill');
        if (drawn !== 'currentColor') found.push({what: `a mark of a figure drawn ${drawn}`, kind: 'outline', colour: paint(mark, hollow ? 'stroke' : 'fill')});
    }
    return {background: getComputedStyle(document.body).backgroundColor, marks: marks.length, found};
}"""


def contrast_theme_problems(page, school) -> list[str]:
    """A contrast theme (Windows' forced colours) repaints the page but not what an SVG paints itself: on a black
    theme a chart's years, its scale and the words of its breaks, drawn in the page's near-black, could not be seen, nor
    the rule beside the key's sample of a year with no figure, whose marks sit under the years' labels. Each is drawn in
    the theme's text colour, and a mark of no figure is hollow, filled with the theme's background, on both themes.
    The lines of figures and their marks stand 3:1 against the theme's background too: England's grey was 2.97:1 on black."""
    from tests.colours import contrast

    problems = []
    try:
        for scheme in ("dark", "light"):
            page.emulate_media(forced_colors="active", color_scheme=scheme)
            page.goto(reverse("evidence:school-results", args=[school.urn]) + "#key-stage-4")
            ink = page.evaluate(CHART_INK)
            background = ink["background"]
            assert ink["marks"], "no chart on the page marks a year with no figure"
            for item in ink["found"]:
                least = {"words": 4.5, "outline": 3}.get(item["kind"])
                if least and contrast(item["colour"], background) < least:
                    problems.append(f"{scheme}: {item['what']}: {item['kind']} {item['colour']} on {background}")
                if item["kind"] == "inside" and contrast(item["colour"], background) != 1:
                    problems.append(f"{scheme}: {item['what']} is not hollow: filled {item['colour']} on {background}")
            chart = page.locator(".cg-chart-frame:has(svg.cg-chart g):visible").first
            chart.scroll_into_view_if_needed()
            page.screenshot(path=str(SCREENSHOTS / f"real-contrast-theme-{scheme}.png"))
    finally:
        page.emulate_media(forced_colors="none", color_scheme="light")
    return sorted(set(problems))


SCROLL_BOXES = """() => [...document.querySelectorAll('.cg-table-scroll')].map(box => ({
    name: (box.querySelector('caption, title') || box).textContent.trim().slice(0, 60),
    shown: box.offsetParent !== null,
    overflows: box.scrollWidth > box.clientWidth,
    stop: box.getAttribute('tabindex') === '0' && box.getAttribute('role') === 'region' && !!box.getAttribute('aria-labelledby'),
    any: ['tabindex', 'role', 'aria-labelledby', 'aria-describedby'].some(name => box.hasAttribute(name)),
}))"""


def scroll_boxes(page) -> list[dict]:
    """Each box that scrolls sideways, once the browser has laid out the page and its scripts have seen the sizes."""
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    return page.evaluate(SCROLL_BOXES)


def misnamed(boxes: list[dict]) -> list[str]:
    """Boxes that are a tab stop and a named region though their content fits, or not though it overflows."""
    return [
        f"{box['name']!r} overflows: {box['overflows']}" for box in boxes if box["stop"] != box["overflows"] or box["any"] != box["stop"]
    ]


def test_a_box_that_scrolls_sideways_is_a_tab_stop_only_while_its_content_overflows(page, surrey, sign_in_as, browser, live_server):
    """A box is focusable, and a named region, so that a keyboard can scroll it: one whose content fits was a tab stop,
    announced as scrolling, for nothing (17 of 33 tab stops on a results page at 1280px). Checked when the page opens,
    when the window changes size and when a tab shows its panel; without JavaScript every box stays a tab stop."""
    officer = UserFactory(email="officer@surreycc.example", full_name="Priya Shah")
    grant(officer, Role.LA_OFFICER, surrey.la)
    sign_in_as(officer)
    path = reverse("evidence:school-results", args=[surrey.primary.urn])
    page.goto(path)
    wide = scroll_boxes(page)
    assert wide and not [box for box in wide if box["overflows"]], "every table and chart fits at 1280px"
    assert not misnamed(wide)
    page.set_viewport_size({"width": 320, "height": 640})
    narrow = scroll_boxes(page)
    assert len([box for box in narrow if box["overflows"]]) > 10 and not misnamed(narrow)
    rule = page.evaluate("async () => (await axe.run(document, {runOnly: ['scrollable-region-focusable']})).violations")
    assert not rule, format_violations(rule)
    problems = page_problems(page, "real-scroll-boxes-320")
    assert not problems, "\n".join(problems)
    # Tabs show one panel at a time from tablet width: a box in a panel shown later is checked when it is.
    page.set_viewport_size({"width": 700, "height": 800})
    page.locator(".govuk-tabs__tab").nth(1).click()
    tablet = scroll_boxes(page)
    assert [box for box in tablet if box["shown"] and box["overflows"]] and not misnamed(tablet)
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not misnamed(scroll_boxes(page))
    # Without JavaScript nothing checks, so every box stays one a keyboard can reach.
    plain = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    try:
        plain.add_cookies(page.context.cookies())
        without = plain.new_page()
        without.goto(path)
        boxes = without.evaluate(SCROLL_BOXES)
        assert boxes and all(box["stop"] for box in boxes)
    finally:
        plain.close()
