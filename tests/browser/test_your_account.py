"""A headteacher, whose role does not need two-factor authentication, finds their account from the service navigation,
sees it is off, and goes on to set up an authenticator app; then changes their password, wrongly, then rightly. Each
page is checked with axe-core (WCAG 2.2 A and AA) and screenshotted to var/screenshots/your-account-*.png."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.roles import Role

from .conftest import PASSWORD, assert_govuk_styled, check_page

NEW_PASSWORD = "a new and long passphrase 42"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_headteacher_finds_their_account_and_the_way_to_set_up_an_app(page, world, sign_in_as):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    headteacher = sign_in_as(world.users[Role.HEADTEACHER])
    TOTPDevice.objects.filter(user=headteacher).delete()  # signed in with a password alone: no app yet
    page.goto(reverse("core:home"))
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your account").click()
    page.wait_for_url(f"**{reverse('accounts:your-account')}")
    main = page.locator("main").inner_text()
    assert "Headteacher – Ash Grange Primary School" in main
    assert "Off\n" in main and "Your roles do not need it" in main
    assert_govuk_styled(page)
    check_page(page, "your-account-two-factor-off")

    page.get_by_role("link", name="Set up an authenticator app").click()
    page.get_by_role("button", name="Email me a link to set up an app").wait_for()

    page.go_back()
    page.get_by_role("link", name="Change your password").click()
    page.wait_for_url(f"**{reverse('accounts:change-password')}")
    assert_govuk_styled(page)
    check_page(page, "your-account-change-password")

    # A wrong current password and a new one too short: the summary and each field say which is wrong, and why.
    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password", exact=True).fill("too short")
    page.get_by_label("Confirm new password").fill("too short")
    page.get_by_role("button", name="Change password").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert summary.inner_text().split("\n")[-2:] == [
        "Your current password is not correct",
        "Your new password must be at least 12 characters long",
    ]
    expect(summary).to_be_focused()  # by GOV.UK Frontend's script, once it has started on the page
    assert [page.get_by_label(label, exact=True).input_value() for label in ("Current password", "New password")] == ["", ""]
    check_page(page, "your-account-change-password-errors")

    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    page.wait_for_url(f"**{reverse('accounts:your-account')}")
    banner = page.locator(".govuk-notification-banner--success")
    assert "Your password has been changed" in banner.inner_text()
    check_page(page, "your-account-password-changed")
    headteacher.refresh_from_db()
    assert headteacher.check_password(NEW_PASSWORD)
