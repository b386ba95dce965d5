"""Pages few people see, checked like every other (axe-core WCAG 2.2 A and AA, JavaScript and CSP errors,
assets; screenshots in var/screenshots/rare-*.png): what a service administrator (a superuser) sees, their
Django admin, the pages of someone with no role, the page of a fault in the service, the page of a form sent
without its CSRF cookie, the demonstration's banner, and signing in on a phone.
"""

import re

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.factories import UserFactory

from .conftest import PASSWORD, assert_govuk_styled, check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def superuser(world):
    """A service administrator: every authority, and the Django admin."""
    return UserFactory(email="service.admin@example.org", full_name="Sam Patel", is_superuser=True, is_staff=True)


def open_page(page, path, expected=200):
    response = page.goto(path)
    assert response.status == expected, f"{path} answered {response.status}, expected {expected} (now at {page.url})"


# What a superuser sees differently: every authority (the school list's authority filter and column, the upload's
# choice of authorities), and no role of their own.
SUPERUSER_PAGES = {
    "home": lambda w: reverse("core:home"),
    "schools": lambda w: reverse("register:school-list"),
    "schools-of-one-authority": lambda w: reverse("register:school-list") + f"?la={w.other_la.code}",
    "authorities": lambda w: reverse("register:authority-list"),
    "imports": lambda w: reverse("imports:list"),
    "users": lambda w: reverse("accounts:user-list"),
    "audit-log": lambda w: reverse("audit:list"),
}


@pytest.mark.parametrize("name", SUPERUSER_PAGES)
def test_a_service_administrators_page(page, world, superuser, sign_in_as, name):
    sign_in_as(superuser)
    open_page(page, SUPERUSER_PAGES[name](world))
    assert_govuk_styled(page)
    check_page(page, f"rare-superuser-{name}")


def test_a_service_administrator_imports_a_file_with_no_file_chosen(page, world, superuser, sign_in_as):
    """The superuser's upload form has a checkbox for each authority: its error state."""
    sign_in_as(superuser)
    open_page(page, reverse("imports:list"))
    page.get_by_label("Surrey (936)").check()
    page.get_by_role("button", name="Import file").click()
    page.locator(".govuk-error-summary").wait_for()
    assert page.get_by_label("Surrey (936)").is_checked(), "the authority chosen is kept"
    check_page(page, "rare-superuser-imports-no-file-chosen")


DJANGO_ADMIN_PAGES = {
    "index": lambda w: reverse("admin:index"),
    "users": lambda w: reverse("admin:accounts_user_changelist"),
    "user": lambda w: reverse("admin:accounts_user_change", args=[w.users[Role.HEADTEACHER].pk]),
    "role-assignments": lambda w: reverse("admin:accounts_roleassignment_changelist"),
    "invitations": lambda w: reverse("admin:accounts_invitation_changelist"),
    "two-factor-devices": lambda w: reverse("admin:otp_totp_totpdevice_changelist"),
    "sign-in-attempts": lambda w: reverse("admin:axes_accessattempt_changelist"),
    "background-tasks": lambda w: reverse("admin:django_tasks_database_dbtaskresult_changelist"),
    "user-history": lambda w: reverse("admin:accounts_user_history", args=[w.users[Role.HEADTEACHER].pk]),
}


@pytest.mark.parametrize("name", DJANGO_ADMIN_PAGES)
def test_a_django_admin_page(page, world, superuser, sign_in_as, name):
    """Django's own pages (not GOV.UK's), for the service administrator only: accessible all the same."""
    sign_in_as(superuser)
    open_page(page, DJANGO_ADMIN_PAGES[name](world))
    check_page(page, f"rare-django-admin-{name}")


@pytest.fixture
def roleless(world):
    """Someone whose only role has ended: they can still sign in."""
    from accounts import services
    from tests.factories import grant

    person = UserFactory(email="former.governor@example.org", full_name="Martin Hughes")
    services.revoke_role(assignment=grant(person, Role.GOVERNOR, world.school), revoked_by=world.users[Role.LA_ADMIN])
    return person


@pytest.mark.parametrize(
    ("name", "path", "says"),
    [
        ("home", "/home/", "You do not have a role yet"),
        ("schools", "/schools/", "No schools found"),
        ("authorities", "/authorities/", "None of your roles is tied to an authority"),
    ],
)
def test_a_page_of_someone_with_no_role(page, roleless, sign_in_as, name, path, says):
    sign_in_as(roleless)
    open_page(page, path)
    assert says in page.locator("main").inner_text()
    assert_govuk_styled(page)
    check_page(page, f"rare-no-role-{name}")


@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [
        ("/fault/", 500, "Sorry, there is a problem with the service"),
        ("/bad-request/", 400, "Sorry, the service could not read what was sent"),
    ],
)
def test_the_page_of_a_fault_or_a_request_the_service_cannot_read(page, world, sign_in_as, settings, path, status, heading):
    settings.ROOT_URLCONF = "tests.browser.urls_with_a_fault"
    sign_in_as(world.users[Role.HEADTEACHER])
    open_page(page, path, expected=status)
    assert page.locator("h1").inner_text() == heading
    assert_govuk_styled(page)
    check_page(page, f"rare-{status}")


def test_the_page_of_a_form_sent_without_its_csrf_cookie(page, context, world):
    """Someone whose browser lost the cookie (or blocks it) while the sign-in page was open, then signs in."""
    open_page(page, reverse("accounts:sign-in"))
    context.clear_cookies()
    page.get_by_label("Email address").fill("headteacher@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Sign in").click()
    assert posted.value.status == 403
    check_page(page, "rare-csrf-failure")
    assert_govuk_styled(page)


def test_the_demonstrations_banner(page, world, sign_in_as, settings):
    """The demonstration runs with open data and two-factor authentication off, and says so on every page."""
    settings.DEMO_NOTICE = True
    settings.REQUIRE_TWO_FACTOR = False
    open_page(page, "/")
    assert "This is a demonstration with open data" in page.locator(".govuk-phase-banner").inner_text()
    check_page(page, "rare-demo-start")
    sign_in_as(world.users[Role.HEADTEACHER])
    open_page(page, reverse("register:school-detail", args=[world.school.urn]))
    assert "Two-factor authentication is switched off here" in page.locator(".govuk-phase-banner").inner_text()
    check_page(page, "rare-demo-school")


def test_signing_in_on_a_small_screen(page, world):
    """WCAG 1.4.10 at 320 CSS pixels: the sign-in page with its errors, then setting up two-factor
    authentication (the page that says a link was emailed, then a QR code and a long key) on a phone."""
    from django.core import mail

    page.set_viewport_size({"width": 320, "height": 640})
    problems = []
    open_page(page, reverse("accounts:sign-in"))
    page.get_by_role("button", name="Sign in").click()
    page.locator(".govuk-error-summary").wait_for()
    check_page(page, "rare-mobile-sign-in-errors")
    problems += too_wide(page)
    page.get_by_label("Email address").fill("la_officer@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/two-factor/setup/**")
    check_page(page, "rare-mobile-check-your-email")
    problems += too_wide(page)
    page.goto(re.search(r"https?://[^/\s]+(/accounts/two-factor/link/\S+)", mail.outbox[-1].body)[1])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/accounts/two-factor/setup/**")
    check_page(page, "rare-mobile-two-factor-setup")
    problems += too_wide(page)
    assert not problems, "; ".join(problems)


def test_an_email_address_named_on_a_page_does_not_widen_a_small_screen(page, world, sign_in_as):
    """WCAG 1.4.10 at 320 CSS pixels: an email address is one long word (there is nowhere to wrap it), and the
    sign-out page and an invitation's page name the person by theirs: it widened the page, which scrolled sideways."""
    from django.core import mail

    from accounts import services
    from tests.test_accounts_password_reset import emailed_link

    email = "clerk.to.the.governors@ashgrangeprimary.surrey.sch.uk"
    page.set_viewport_size({"width": 320, "height": 640})
    problems = []
    services.invite_user(
        email=email, full_name="Adaeze Okonkwo", role=Role.GOVERNOR, target=world.school, invited_by=world.users[Role.LA_ADMIN]
    )
    page.goto(emailed_link(mail.outbox[-1]))
    page.wait_for_url("**/set-password/")
    assert email in page.locator("main").inner_text()
    problems += too_wide(page)
    sign_in_as(UserFactory(email=email.replace("clerk", "chair"), full_name="Tom Okafor"))
    open_page(page, reverse("accounts:sign-out"))
    assert "chair.to.the.governors@" in page.locator("main").inner_text()
    problems += too_wide(page)
    assert not problems, "; ".join(problems)


def too_wide(page) -> list[str]:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    return [f"{page.url} is {width}px wide at 320px: it scrolls sideways"] if width > 320 else []
