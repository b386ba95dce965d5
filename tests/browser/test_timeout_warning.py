"""The warning before a signed-in session ends, in a real browser, with sessions a few seconds long: the dialog opens
with the keyboard's focus in it, "Stay signed in" (or Escape) renews the session and gives the focus back, and a
session left to run out lands on the sign-in page, which says why and sends them back to the page, and to the same part
of it (the tab its address named)."""

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.roles import Role

from .conftest import PASSWORD, check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def expires(page):
    """When the browser's session ends on the server, unless another request comes first."""
    key = next(cookie["value"] for cookie in page.context.cookies() if cookie["name"] == "sessionid")
    return Session.objects.get(session_key=key).expire_date


def renewed_since(page, before) -> bool:
    """Whether the session's end moved on from `before` within a second (the renewal is sent as the dialog closes)."""
    for _ in range(10):
        if expires(page) > before:
            return True
        page.wait_for_timeout(100)
    return False


def focused_text(page) -> str:
    return page.evaluate("() => document.activeElement.textContent.trim()")


def test_the_warning_opens_with_focus_and_staying_signed_in_renews_the_session(page, world, sign_in_as, settings):
    # Warned after a fifth of it: at 4 seconds, with 16 to go (time enough on a busy machine for the checks between).
    settings.SESSION_COOKIE_AGE = 20
    sign_in_as(world.users[Role.HEADTEACHER])
    page.goto("/home/")
    page.locator("main a").first.focus()
    was_focused = focused_text(page)
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible(timeout=10_000)
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    expect(dialog).to_contain_text("For your security, we will sign you out in")
    # Read out when it opens and now and then, not every second as the countdown shown changes.
    expect(dialog.locator("[aria-live=polite]")).to_have_text(re.compile(r"For your security, we will sign you out in \d+ seconds\."))
    check_page(page, "timeout-warning")

    before = expires(page)
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    assert focused_text(page) == was_focused
    assert renewed_since(page, before)
    assert page.url.endswith("/home/")

    # Escape, too, keeps them signed in.
    expect(dialog).to_be_visible(timeout=10_000)
    before = expires(page)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert renewed_since(page, before)
    assert focused_text(page) == was_focused


def test_a_session_left_to_run_out_lands_on_sign_in_which_says_why_and_comes_back(page, world, sign_in_as, settings):
    settings.SESSION_COOKIE_AGE = 8  # warned at 1.6 seconds: a busy machine may take a while to show the page
    sign_in_as(world.users[Role.HEADTEACHER])
    school = world.school
    page.goto(f"/schools/{school.urn}/")
    expect(page.get_by_role("dialog")).to_be_visible(timeout=8000)
    page.wait_for_url("**/accounts/sign-in/**", timeout=15_000)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("For your security, you have been signed out")
    check_page(page, "timeout-warning-signed-out")

    # Signing in again goes back to the page (the second factor, which these test accounts have, comes first).
    assert page.locator("form input[name=next]").input_value() == f"/schools/{school.urn}/"


def test_signing_in_again_after_the_session_ran_out_lands_on_the_tab_the_person_was_on(
    page, world, sign_in_as, settings, school_with_results
):
    """A tab of a school's results (#key-stage-2) is named by the address's fragment, which never reaches the server:
    signing in again went back to the page's first tab. The fragment goes into `next`, and the tab opens again."""
    settings.SESSION_COOKIE_AGE = 8
    user = sign_in_as(world.users[Role.LA_OFFICER])
    results = f"/schools/{school_with_results.urn}/results/"
    page.goto(results + "#key-stage-2")
    selected = page.locator(".govuk-tabs__list-item--selected")
    expect(selected).to_have_text("Key stage 2")
    page.wait_for_url("**/accounts/sign-in/**", timeout=15_000)
    assert page.locator("form input[name=next]").input_value() == results + "#key-stage-2"

    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/two-factor/verify/**")
    page.locator("#code").fill(f"{totp(TOTPDevice.objects.get(user=user).bin_key):06d}")
    page.locator("main button").click()
    page.wait_for_url(f"**{results}#key-stage-2")
    expect(selected).to_have_text("Key stage 2")
    expect(page.locator("#key-stage-2")).to_be_visible()
    check_page(page, "timeout-warning-signed-in-again-on-the-tab")


def test_the_sign_in_page_adds_to_next_only_a_fragment_that_names_a_part_of_a_page(page, world):
    """A page asked for again once signed out (reloaded) comes to sign in with its fragment, which the browser keeps
    through the redirect: a plain name is added to where signing in leads, nothing else, and `next` is checked as ever."""
    results = f"/schools/{world.school.urn}/results/"
    for asked, next_url in (
        (results + "#key-stage-2", results + "#key-stage-2"),
        (results + "#x%22%3E%3Cb%3E", results),
        (results + "#a'b", results),
    ):
        page.goto(asked)
        page.wait_for_url("**/accounts/sign-in/**")
        assert page.locator("form input[name=next]").input_value() == next_url, asked
    # Another site's address is no `next`, with a fragment or without.
    page.goto("/accounts/sign-in/?next=https://example.org/#key-stage-2")
    assert page.locator("form input[name=next]").count() == 0


def test_an_account_deactivated_meanwhile_lands_on_sign_in_which_says_so_not_that_time_ran_out(page, world, sign_in_as, settings):
    settings.SESSION_COOKIE_AGE = 8
    user = sign_in_as(world.users[Role.HEADTEACHER])
    page.goto("/home/")
    user.is_active = False
    user.save()
    page.wait_for_url("**/accounts/sign-in/**", timeout=15_000)
    assert "signed_out=ended" in page.url
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_be_visible()
    expect(banner).not_to_contain_text("For your security, you have been signed out")


def test_work_in_another_tab_keeps_the_warning_from_signing_anyone_out(page, world, sign_in_as, settings):
    settings.SESSION_COOKIE_AGE = 15
    sign_in_as(world.users[Role.HEADTEACHER])
    page.goto("/home/")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=10_000)
    settings.SESSION_COOKIE_AGE = 120  # so that the other tab's request renews it well past this page's reckoning
    other_tab = page.context.new_page()
    other_tab.goto("/schools/")
    other_tab.close()
    # This page's own 15 seconds run out; asking the server first, it closes the warning instead of signing out.
    expect(dialog).to_be_hidden(timeout=20_000)
    assert page.url.endswith("/home/")
    assert 90 < (expires(page) - timezone.now()).total_seconds() <= 120


def test_an_imports_progress_signed_out_takes_the_whole_page_to_sign_in_and_back(page, world, sign_in_as):
    """The progress panel asks every two seconds: once the session has gone, the page goes to sign in, not the panel."""
    from imports.models import ImportOutcome, ImportRun

    sign_in_as(world.users[Role.LA_ADMIN])
    run = ImportRun.objects.create(file_name="surrey.csv", checksum="", outcome=ImportOutcome.RUNNING)
    page.goto(f"/imports/{run.pk}/")
    expect(page.locator("#import-progress")).to_be_visible()
    Session.objects.all().delete()  # signed out meanwhile (the session ran out, or was ended elsewhere)
    page.wait_for_url("**/accounts/sign-in/**", timeout=15_000)
    assert page.locator("form input[name=next]").input_value() == f"/imports/{run.pk}/"
    assert page.locator("#import-progress").count() == 0


def test_near_its_absolute_limit_the_warning_offers_no_more_time_and_continuing_lands_on_sign_in(page, world, sign_in_as, settings):
    """Staying signed in renews the session only up to its absolute limit; then the warning says that this is as long as
    anyone stays signed in, offers to continue until then instead, and at the limit the page goes to sign in."""
    settings.SESSION_COOKIE_AGE = 20  # warned at 4 seconds, with 16 to go
    settings.SESSION_ABSOLUTE_SECONDS = 26
    sign_in_as(world.users[Role.HEADTEACHER])
    page.goto("/home/")
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible(timeout=10_000)
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    expect(dialog.get_by_role("button", name="Continue")).to_be_hidden()
    expect(dialog.get_by_text("You can stay signed in for up to", exact=False)).to_be_hidden()
    # Staying signed in with 8 seconds to go (at about 12 seconds) would renew the session to past its limit.
    expect(dialog.locator("[data-countdown]")).to_have_text(re.compile(r"^[1-8] seconds?$"), timeout=15_000)
    dialog.get_by_role("button", name="Stay signed in").click()

    # Renewed up to the limit only: the warning comes back at once, and this time it is the end. (Closed for as long as
    # the session's check takes, it may open again before a check that it closed would see it closed: on a busy machine
    # that check failed, so what it opens again with is what shows that it was renewed.)
    expect(dialog.get_by_role("button", name="Continue")).to_be_visible(timeout=10_000)
    expect(dialog).to_be_visible()
    expect(dialog.get_by_text("You can stay signed in for up to 26 seconds at a time.", exact=False)).to_be_visible()
    expect(dialog.get_by_role("button", name="Continue")).to_be_focused()
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_hidden()
    check_page(page, "timeout-warning-at-limit")
    dialog.get_by_role("button", name="Continue").click()
    expect(dialog).to_be_hidden()
    assert page.url.endswith("/home/")

    page.wait_for_url("**/accounts/sign-in/**", timeout=25_000)
    assert "signed_out=at_limit" in page.url
    expect(page.locator(".govuk-notification-banner")).to_contain_text("the longest you can stay signed in at a time")
    check_page(page, "timeout-warning-signed-out-at-limit")


def test_a_session_not_of_whole_minutes_is_counted_down_to_the_second(page, world, sign_in_as, settings):
    """A session of 90 seconds is warned of with 72 to go: the dialog said 'in 2 minutes', rounding them up, though the
    whole session was shorter than that. The page's timers are run on (the server's time is its own)."""
    settings.SESSION_COOKIE_AGE = 90
    sign_in_as(world.users[Role.HEADTEACHER])
    page.clock.install()
    page.goto("/home/")
    key = next(cookie["value"] for cookie in page.context.cookies() if cookie["name"] == "sessionid")
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(seconds=72))
    page.clock.fast_forward(18_000)  # when the page asks the server, which says 72 seconds are left
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible(timeout=10_000)
    expect(dialog.locator("[data-countdown]")).to_have_text(re.compile(r"^1 minute and (\d|[1-6]\d) seconds$"))
    expect(dialog.locator("[aria-live=polite]")).to_have_text(
        re.compile(r"^For your security, we will sign you out in 1 minute and (\d|[1-6]\d) seconds\.$")
    )
    check_page(page, "timeout-warning-minutes")


def test_a_password_changed_elsewhere_found_by_the_background_check_lands_on_sign_in_saying_so(page, world, sign_in_as):
    """The warning's check of the session, before it opens, is the first request since the password was changed in
    another browser: the sign-in page said the person had not used Common Ground for an hour."""
    head = sign_in_as(world.users[Role.HEADTEACHER])
    page.clock.install()
    page.goto("/home/")
    head.set_password("a new and long passphrase 42")
    head.save(update_fields=["password"])
    page.clock.fast_forward(55 * 60 * 1000)  # 5 minutes before the hour's end, the page asks the server
    page.wait_for_url("**/accounts/sign-in/?next=/home/&signed_out=password_changed")
    expect(page.locator("main")).to_contain_text("you have been signed out because your password has been changed")
    expect(page.locator("main")).not_to_contain_text("had not used Common Ground")
