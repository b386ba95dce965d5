"""Whole journeys in a real browser, the way people will make them: by keyboard where it matters,
through the real sign-in and second-factor forms, checking each page on the way."""

import base64
import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from playwright.sync_api import expect

from accounts.roles import Role
from tests.colours import contrast

from .conftest import PASSWORD, assert_govuk_styled, check_page, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_headteacher_signs_in_finds_a_school_and_opens_it_by_keyboard_alone(page, world):
    """No mouse: Tab, type and Enter from the start page to a school's profile."""
    school = world.other_school
    page.goto("/")
    tab_to(page, "main a:has-text('Sign in')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/sign-in/**")

    tab_to(page, "#email")
    page.keyboard.type("headteacher@example.org")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "password", "Tab from the email field should reach the password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/home/")
    assert_govuk_styled(page)
    check_page(page, "journey-headteacher-1-home")

    tab_to(page, ".govuk-service-navigation a:text-is('Schools')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/schools/")

    tab_to(page, "#q")
    page.keyboard.type("Busbridge")
    page.keyboard.press("Enter")
    page.wait_for_url("**/schools/?q=Busbridge*")
    results = page.locator("main table a")
    assert results.all_inner_texts() == [school.name]
    check_page(page, "journey-headteacher-2-search")

    tab_to(page, f"main table a:text-is({school.name!r})")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/schools/{school.urn}/")
    assert page.locator("h1").inner_text().strip().endswith(school.name)
    check_page(page, "journey-headteacher-3-school")


def test_an_la_officer_signs_in_and_sets_up_two_factor_authentication(page, world):
    """The first sign-in of a role that needs a second factor: a link emailed to show the mailbox is theirs, then scan
    (here: read) the key, enter a code."""
    from django.core import mail

    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill("la_officer@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/two-factor/setup/**")
    expect(page.locator("h1")).to_have_text("Check your email")
    page.get_by_text("The email has not arrived").click()
    assert_govuk_styled(page)
    check_page(page, "journey-la-officer-0-check-your-email")

    page.goto(re.search(r"https?://[^/\s]+(/accounts/two-factor/link/\S+)", mail.outbox[-1].body)[1])
    check_page(page, "journey-la-officer-0-emailed-link")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/accounts/two-factor/setup/**")
    expect(page.locator("h1")).to_have_text("Set up two-factor authentication")
    check_page(page, "journey-la-officer-1-two-factor-setup")

    # A wrong code first: the error must be announced accessibly.
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Continue").click()
    page.locator(".govuk-error-summary").wait_for()
    check_page(page, "journey-la-officer-2-two-factor-setup-error")

    # django-otp throttles a device for a second after a wrong code (doubling each time).
    page.wait_for_timeout(1100)
    key = page.locator("#secret-key").inner_text().replace(" ", "")
    key += "=" * (-len(key) % 8)
    page.get_by_label("Code from your authenticator app").fill(f"{totp(base64.b32decode(key)):06d}")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/home/")
    assert "Two-factor authentication is set up" in page.locator("main").inner_text()
    check_page(page, "journey-la-officer-3-home")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Schools").click()
    page.get_by_label("State-funded schools", exact=True).check()
    page.get_by_label("Name, URN, LAESTAB or postcode").fill(str(world.school.urn))
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_label("State-funded schools", exact=True)).to_be_checked()
    page.get_by_role("link", name=world.school.name).click()
    page.get_by_role("link", name="People").click()
    assert world.users[Role.HEADTEACHER].full_name in page.locator("main").inner_text()
    check_page(page, "journey-la-officer-4-school-people")


def test_a_headteacher_chooses_two_factor_authentication_and_asks_for_the_link(page, world):
    """A role that needs no second factor opens the set-up page: nothing is sent until they press its button."""
    from django.core import mail

    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill("headteacher@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/home/")
    page.goto(reverse("accounts:two-factor-setup"))
    expect(page.locator("h1")).to_have_text("Set up two-factor authentication")
    assert mail.outbox == []
    check_page(page, "journey-headteacher-two-factor-ask-for-link")
    page.get_by_role("button", name="Email me a link to set up an app").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    assert [message.to for message in mail.outbox] == [["headteacher@example.org"]]


def test_an_la_officer_asks_for_a_school_and_reaches_it_after_setting_up_their_app(page, world):
    """The page asked for before signing in is where setting up the app through the emailed link ends."""
    from django.core import mail

    school_page = f"/schools/{world.school.urn}/"
    page.goto(school_page)
    page.get_by_label("Email address").fill("la_officer@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    page.goto(re.search(r"https?://[^/\s]+(/accounts/two-factor/link/\S+)", mail.outbox[-1].body)[1])
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Set up two-factor authentication")
    key = page.locator("#secret-key").inner_text().replace(" ", "")
    key += "=" * (-len(key) % 8)
    page.get_by_label("Code from your authenticator app").fill(f"{totp(base64.b32decode(key)):06d}")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**{school_page}")
    assert "Two-factor authentication is set up" in page.locator("main").inner_text()
    assert page.locator("h1").inner_text().strip().endswith(world.school.name)
    check_page(page, "journey-la-officer-set-up-then-the-school-asked-for")


def test_a_returning_la_officer_gives_a_code_from_their_app(page, world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=world.users[Role.LA_OFFICER], name="Phone", confirmed=True)
    page.goto("/schools/")
    page.get_by_label("Email address").fill("la_officer@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/two-factor/verify/**")
    check_page(page, "journey-la-officer-returning-1-verify")
    page.locator("#code").fill(f"{totp(device.bin_key):06d}")
    page.locator("main button").click()
    page.wait_for_url("**/schools/")


def test_an_la_administrator_invites_a_headteacher(page, world, sign_in_as):
    sign_in_as(world.users[Role.LA_ADMIN])
    response = page.goto(reverse("accounts:user-invite"))
    assert response.status == 200, f"invite page answered {response.status}"
    page.locator("main form button").last.click()
    page.locator(".govuk-error-summary").wait_for()
    assert page.title().startswith("Error: ")
    check_page(page, "journey-la-admin-1-invite-errors")

    # No role chosen, no question of what it is for shows; each role reveals its own (GOV.UK's conditional reveal).
    what_it_is_for = (
        page.locator(".govuk-radios__conditional")
        .get_by_role("textbox")
        .or_(page.locator(".govuk-radios__conditional").get_by_role("combobox"))
    )
    expect(what_it_is_for).to_have_count(0)
    page.get_by_label("LA school improvement lead or officer").check()
    expect(what_it_is_for).to_have_count(1)
    expect(page.get_by_role("combobox", name="Local authority")).to_be_visible()
    page.get_by_label("Full name").fill("Nadia Okafor")
    page.get_by_label("Email address").fill("nadia.okafor@example.org")
    page.get_by_label("Headteacher", exact=True).check()
    expect(what_it_is_for).to_have_count(1)
    page.get_by_role("textbox", name="School URN").fill("12x")
    page.locator("main form button").last.click()
    page.locator(".govuk-error-summary").wait_for()
    expect(page.get_by_role("textbox", name="School URN")).to_have_value("12x")  # shown again, as it was typed
    check_page(page, "journey-la-admin-1-invite-urn-error")
    page.get_by_role("link", name="URN must be a number, like 125000").click()
    expect(page.get_by_role("textbox", name="School URN")).to_be_focused()
    page.get_by_role("textbox", name="School URN").fill(str(world.school.urn))
    page.locator("main form button").last.click()
    page.wait_for_url(re.compile(r".*/accounts/users/\d+/$"))
    assert "Nadia Okafor" in page.locator("h1").inner_text()
    check_page(page, "journey-la-admin-2-invited")


def test_an_la_administrator_invites_a_headteacher_without_javascript(browser, live_server, world, sign_in_as, context):
    """Without JavaScript each role's question of what it is for shows under it: the one under the role chosen is read."""
    sign_in_as(world.users[Role.LA_ADMIN])
    plain = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    try:
        plain.add_cookies(context.cookies())
        page = plain.new_page()
        page.goto(reverse("accounts:user-invite"))
        expect(page.get_by_role("textbox", name="School URN")).to_have_count(4)  # an adviser's, a headteacher's, ...
        page.get_by_label("Full name").fill("Nadia Okafor")
        page.get_by_label("Email address").fill("nadia.okafor@example.org")
        page.get_by_label("Headteacher", exact=True).check()
        page.locator("#adviser-school_urn").fill("125000")  # under another role: not read
        page.locator("#headteacher-school_urn").fill(str(world.school.urn))
        page.locator("main form button").last.click()
        page.wait_for_url(re.compile(r".*/accounts/users/\d+/$"))
        expect(page.get_by_role("table", name="Current roles")).to_contain_text(f"Headteacher {world.school}")
    finally:
        plain.close()


def test_the_intelligence_summary_counts_its_characters_as_they_are_typed(page, world, sign_in_as):
    """GOV.UK's character count: the 2,000-character limit shows while typing, not only after sending."""
    sign_in_as(world.users[Role.LA_OFFICER])
    page.goto(reverse("evidence:intelligence-new", args=[world.school.urn]))
    summary, count = page.get_by_label("Summary"), page.locator(".govuk-character-count__status")
    expect(count).to_have_text("You have 2,000 characters remaining")
    summary.fill("Parents' complaint about SEN provision.")
    expect(count).to_have_text("You have 1,961 characters remaining")
    summary.fill("x" * 2001)
    expect(count).to_have_text("You have 1 character too many")
    check_page(page, "journey-la-officer-intelligence-summary-too-long")


def test_signing_out(page, world, sign_in_as):
    sign_in_as(world.users[Role.GOVERNOR])
    page.goto("/home/")
    page.get_by_role("link", name="Sign out").click()
    check_page(page, "journey-sign-out")
    button = page.locator("main form button")
    if button.count():
        button.first.click()
    page.wait_for_url(lambda u: "/home/" not in u)
    assert "You have been signed out" in page.locator(".govuk-notification-banner").inner_text()
    check_page(page, "journey-signed-out")
    page.goto("/home/")
    assert "/accounts/sign-in/" in page.url


# Who reads each page on a phone, and where it is; long_texts gives the world the long words real data has.
SMALL_SCREEN_PAGES = {
    "start": (Role.HEADTEACHER, lambda w: "/"),
    "schools": (Role.HEADTEACHER, lambda w: reverse("register:school-list")),
    "school": (Role.HEADTEACHER, lambda w: reverse("register:school-detail", args=[w.school.urn])),
    "school-people": (Role.HEADTEACHER, lambda w: reverse("register:school-people", args=[w.school.urn])),
    "school-intelligence": (Role.LA_OFFICER, lambda w: reverse("evidence:school-intelligence", args=[w.school.urn])),
    "authority-intelligence": (Role.LA_OFFICER, lambda w: reverse("evidence:authority-intelligence", args=[w.la.code])),
    "trusts": (Role.LA_OFFICER, lambda w: reverse("register:trust-list")),
    "trust": (Role.LA_OFFICER, lambda w: reverse("register:trust-detail", args=[w.trust.uid])),
    "users": (Role.LA_ADMIN, lambda w: reverse("accounts:user-list")),
    "user": (Role.LA_ADMIN, lambda w: reverse("accounts:user-detail", args=[w.clerk.pk])),
    "user-unnamed": (Role.LA_ADMIN, lambda w: reverse("accounts:user-detail", args=[w.unnamed.pk])),
    "user-invite": (Role.LA_ADMIN, lambda w: reverse("accounts:user-invite")),
    "home": (Role.LA_ADMIN, lambda w: "/home/"),
    "authorities": (Role.LA_OFFICER, lambda w: reverse("register:authority-list")),
    "authority": (Role.LA_OFFICER, lambda w: reverse("register:authority-detail", args=[w.la.code])),
    "school-results": (Role.HEADTEACHER, lambda w: reverse("evidence:school-results", args=[w.school.urn])),
    "school-timeline": (Role.LA_OFFICER, lambda w: reverse("evidence:school-timeline", args=[w.school.urn])),
    "intelligence-new": (Role.LA_OFFICER, lambda w: reverse("evidence:intelligence-new", args=[w.school.urn])),
    "imports": (Role.LA_ADMIN, lambda w: reverse("imports:list")),
    "import": (Role.LA_ADMIN, lambda w: reverse("imports:detail", args=[w.school.import_run.pk])),
    "audit-log": (Role.LA_ADMIN, lambda w: reverse("audit:list")),
    "cookies": (Role.HEADTEACHER, lambda w: reverse("core:cookies")),
}


@pytest.fixture
def long_texts(world):
    """A governor with a long email address, another known only by theirs (the heading of their page), an intelligence entry, the register file the school came from, the school
    it replaced, and a trust named in capitals, as GIAS writes them."""
    from datetime import date

    from evidence.services import record_intelligence
    from imports.models import ImportOutcome, ImportRun
    from register.models import SchoolLink
    from tests.factories import UserFactory, grant

    clerk = UserFactory(email="clerk.to.the.governors@ashgrangeprimary.surrey.sch.uk", full_name="Adaeze Okonkwo-Whitfield")
    grant(clerk, Role.GOVERNOR, world.school)
    world.clerk = clerk
    world.unnamed = UserFactory(email="chair.of.the.governing.board@ashgrangeprimary.surrey.sch.uk", full_name="")
    grant(world.unnamed, Role.GOVERNOR, world.school)
    record_intelligence(
        world.school,
        user=world.users[Role.LA_OFFICER],
        kind="complaint",
        severity="medium",
        occurred_on=date(2025, 3, 27),
        # With a link pasted whole, a word too long for a small screen's line, which has nowhere to wrap.
        summary="Parent complaint about communication around the change of headteacher: https://www.example.org/complaints"
        "/2025/03/27/communication-around-the-change-of-headteacher-at-ash-grange-primary-school-and-the-reply.",
    )
    world.school.import_run = ImportRun.objects.create(
        file_name="surrey-2022-04-20-primary-establishments.csv", kind="gias_establishments", outcome=ImportOutcome.SUCCEEDED
    )
    world.school.save()
    SchoolLink.objects.create(
        urn=world.school.urn,
        linked_urn=125249,
        linked_name="Ash Grange County Infant School",
        link_type="Predecessor - amalgamated",
        established_on=date(2016, 9, 1),
    )
    world.trust.name = "THE HOWARD PARTNERSHIP TRUST"
    world.trust.save()
    return world


@pytest.mark.parametrize("name", SMALL_SCREEN_PAGES)
def test_pages_reflow_on_a_small_screen(page, long_texts, sign_in_as, name):
    """WCAG 1.4.10: usable at 320 CSS pixels wide without scrolling the page sideways (a wide table scrolls in
    a box of its own)."""
    role, path = SMALL_SCREEN_PAGES[name]
    sign_in_as(long_texts.users[role])
    page.set_viewport_size({"width": 320, "height": 640})
    response = page.goto(path(long_texts))
    assert response.status == 200, f"{role.label} opening {page.url}: {response.status}"
    width = page.evaluate("() => document.documentElement.scrollWidth")
    check_page(page, f"mobile-{name}")
    assert width <= 320, f"{page.url} is {width}px wide at 320px: it scrolls sideways"
    # WCAG 1.4.12: and with the text spacing a reader may set (through the page's own styles: CSP refuses a <style>).
    width = page.evaluate(TEXT_SPACING)
    assert width <= 320, f"{page.url} is {width}px wide at 320px with text spacing: it scrolls sideways"


@pytest.fixture
def gias_links_import(world):
    """A register file imported under the name GIAS gives it, one long word with no hyphen to break at, which recorded
    more changes to the authority's schools than its page lists (so that it names the import)."""
    from datetime import date

    from imports.models import ImportOutcome, ImportRun
    from register.models import RegisterEvent, RegisterEventKind

    name = "links_edubasealldata20261101.csv"
    run = ImportRun.objects.create(
        file_name=name,
        kind="gias_links",
        outcome=ImportOutcome.SUCCEEDED,
        message=f"{name} (GIAS establishment links list): 1,204 rows read; 21 new, 0 changed, 1,183 unchanged.",
    )
    for day in range(1, 22):
        RegisterEvent.objects.create(
            school=world.school,
            kind=RegisterEventKind.HEAD_CHANGED,
            occurred_on=date(2026, 10, day),
            import_run=run,
            new_value="Ms Adaeze Okonkwo",
        )
    return run


def test_a_file_name_as_gias_gives_it_does_not_widen_a_small_screen(page, world, sign_in_as, gias_links_import):
    """WCAG 1.4.10: an import's name is its page's heading, and is named in the authority's recent changes. GIAS's
    names (edubasealldata20261101.csv) have nowhere to wrap: at 320 CSS pixels they widened the page, and the
    heading was cut off at its edge."""
    sign_in_as(world.users[Role.LA_ADMIN])
    page.set_viewport_size({"width": 320, "height": 640})
    problems = []
    for path in (reverse("imports:detail", args=[gias_links_import.pk]), reverse("register:authority-detail", args=[world.la.code])):
        page.goto(path)
        expect(page.locator("main")).to_contain_text(gias_links_import.file_name)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 320:
            problems.append(f"{page.url} is {width}px wide at 320px: it scrolls sideways")
    assert not problems, "\n".join(problems)


def test_the_authoritys_tables_of_schools_fit_a_small_screen(page, world, sign_in_as):
    """At 320 CSS pixels, the authority's tables of open schools by phase and by type group fit the page, every column in
    view: GIAS's longest words ('Local authority maintained schools', 'Independent schools', and 'Not recorded' for the
    pupils of a children's centre) made the type groups' table 294px wide in a box of 290px, its 'Pupils' cut off at the
    box's edge with no sign that it scrolls."""
    from register.models import School
    from tests.factories import SchoolFactory

    for name, type_group, pupils in (
        ("Ashford Church of England Primary School", "Local authority maintained schools", 91747),
        ("Ewell Castle School", "Independent schools", 38387),
        ("Ashtead Children's Centre", "Children's Centres", None),
    ):
        SchoolFactory(la=world.la, name=name, type_group=type_group, pupils=pupils)
    assert School.objects.filter(la=world.la, pupils__isnull=True).exists()
    sign_in_as(world.users[Role.LA_OFFICER])
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(reverse("register:authority-detail", args=[world.la.code]))
    expect(page.locator("#by-type_group")).to_have_text("Type group")
    check_page(page, "mobile-authority-type-groups")
    wider = page.evaluate(
        """() => [...document.querySelectorAll('main .cg-table-scroll')]
            .filter(box => box.scrollWidth > box.clientWidth)
            .map(box => `${box.getAttribute('aria-labelledby')}: ${box.scrollWidth}px wide in a box of ${box.clientWidth}px`)"""
    )
    assert not wider


# Line height 1.5, paragraphs 2 lines apart, letters 0.12 and words 0.16 of the font size apart (WCAG 1.4.12).
TEXT_SPACING = """() => {
    for (const element of document.querySelectorAll("body *")) {
        element.style.lineHeight = "1.5";
        element.style.letterSpacing = "0.12em";
        element.style.wordSpacing = "0.16em";
        if (element.tagName === "P") element.style.marginBottom = "2em";
    }
    return document.documentElement.scrollWidth;
}"""


def test_a_box_that_scrolls_sideways_is_a_region_named_by_the_words_that_name_its_table(page, world, sign_in_as):
    """A screen reader names the region a keyboard tabs to by the caption of the table in it, or by the heading above
    the table where a caption would repeat it: the name the browser gives it, from the words on the page."""
    sign_in_as(world.users[Role.LA_ADMIN])
    page.set_viewport_size({"width": 320, "height": 640})
    for path, name in (
        (reverse("register:school-list"), "Schools matching your search"),
        (reverse("accounts:user-detail", args=[world.users[Role.HEADTEACHER].pk]), "Current roles"),
    ):
        page.goto(path)
        box = tab_to(page, ".cg-table-scroll[tabindex='0']")
        expect(box).to_have_role("region")
        expect(box).to_have_accessible_name(name)
        expect(box.locator("table")).to_have_accessible_name(name)
        check_page(page, f"scroll-region-{name}")


def test_a_box_that_scrolls_sideways_shows_its_focus_against_the_white_page(page, world, sign_in_as):
    """WCAG 1.4.11 and 2.4.7: a table that scrolls sideways in a box of its own is a tab stop on a small screen, and its
    focus must show. A yellow ring alone is next to invisible on white (1.3:1): GOV.UK draws a black one round it."""
    sign_in_as(world.users[Role.LA_OFFICER])
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(reverse("register:school-list"))
    box = tab_to(page, ".cg-table-scroll[tabindex='0']")
    colours = box.evaluate(
        """box => { const s = getComputedStyle(box);
            const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 ? [s.outlineColor] : [];
            return outline.concat(s.boxShadow.match(/rgba?\\([^)]*\\)/g) || []); }"""
    )
    contrasts = [contrast(colour) for colour in colours]
    assert max(contrasts, default=1) >= 3, f"the focused box's ring ({colours}) does not stand out from the white page: {contrasts}"
