"""Pages anyone can open, and the sign-in pages: GOV.UK styled, accessible (axe-core, WCAG 2.2 AA), screenshotted."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .conftest import assert_govuk_styled, check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("start", "/"),
        ("statistics", "/statistics/"),
        ("accessibility", "/accessibility/"),
        ("cookies", "/cookies/"),
        ("privacy", "/privacy/"),
        ("sign-in", "/accounts/sign-in/"),
        ("sign-in-timed-out", "/accounts/sign-in/?signed_out=timed_out"),
        ("sign-in-account-ended", "/accounts/sign-in/?signed_out=ended"),
        ("password-reset", "/accounts/password-reset/"),
        ("password-reset-sent", "/accounts/password-reset/sent/"),
        ("password-reset-complete", "/accounts/reset/done/"),
        # An emailed link that is no longer good (used, too old or mistyped) says so on a page of its own.
        ("password-reset-link-expired", "/accounts/reset/MQ/ck1h2y-0123456789abcdef0123456789abcdef/"),
        ("invitation-link-expired", "/accounts/invitation/MQ/ck1h2y-0123456789abcdef0123456789abcdef/"),
    ],
)
def test_public_page(page, name, path):
    response = page.goto(path)
    assert response.status == 200, f"{path} answered {response.status}"
    assert_govuk_styled(page)
    check_page(page, f"public-{name}")


def test_anonymous_visitors_are_sent_to_sign_in(page):
    page.goto("/no-such-page/")
    # Nothing, not even whether a page exists, is revealed before signing in.
    assert "/accounts/sign-in/?next=/no-such-page/" in page.url


def test_sign_in_with_nothing_entered_shows_an_accessible_error_summary(page):
    page.goto("/accounts/sign-in/")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert page.title().startswith("Error: ")
    assert "Enter your email address" in summary.inner_text()
    # GOV.UK Frontend's JavaScript moves focus to the summary so screen readers announce it. The summary is in the page
    # as it arrives; the script, a module, runs once the page is parsed, so the focus may follow a moment later.
    focused = "() => { const s = document.querySelector('.govuk-error-summary'); return s.contains(document.activeElement); }"
    try:
        page.wait_for_function(focused, timeout=5000)
    except PlaywrightTimeoutError:
        pytest.fail("focus is not on the error summary (is GOV.UK Frontend's JavaScript running?)")
    # Each error links to its field.
    page.locator(".govuk-error-summary__list a").first.click()
    assert page.evaluate("() => document.activeElement.id") == "email"
    check_page(page, "public-sign-in-errors")


def test_sign_in_with_a_wrong_password(page, world):
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill("headteacher@example.org")
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    page.locator(".govuk-error-summary").wait_for()
    check_page(page, "public-sign-in-wrong-password")


@pytest.mark.parametrize("path", ["/accessibility/", "/privacy/"])
def test_the_organisations_email_addresses_do_not_widen_a_small_screen(page, settings, path):
    """WCAG 1.4.10: the accessibility statement and the privacy notice give the organisation's email addresses, as a
    council's run (school.improvement@surreycc.gov.uk): with nowhere to wrap, they made the page 479px wide at 320."""
    settings.ORGANISATION_EMAIL = settings.SUPPORT_EMAIL = "school.improvement@demo.commonground.example"
    settings.DATA_PROTECTION_OFFICER_EMAIL = "data.protection@demo.commonground.example"
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(path)
    assert "school.improvement@demo.commonground.example" in page.locator("main").inner_text()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    check_page(page, f"mobile-public-{path.strip('/')}")
    assert width <= 320, f"{page.url} is {width}px wide at 320px: it scrolls sideways"
