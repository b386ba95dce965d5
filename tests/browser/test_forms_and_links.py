"""Pages in the states that sending a form, following an emailed link or uploading a file puts them in: each
checked like every other page (GOV.UK styled, no axe-core WCAG 2.2 A or AA violation, screenshotted).

A form sent with mistakes shows GOV.UK's error summary and says "Error:" in its title; an emailed link sets a
password, then, used again, has expired; an account is locked; an uploaded file is refused, or imported
while its page follows the progress.
"""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.roles import Role
from core.words import isolated
from evidence.models import IntelligenceEntry
from imports.models import WAITING_TOO_LONG, ImportOutcome, ImportRun
from tests.evidence_helpers import GIAS_2022
from tests.test_accounts_password_reset import NEW_PASSWORD, emailed_link
from tests.test_import_pages import IMMEDIATE_TASKS
from tests.test_import_refusals import corrupt

from .conftest import PASSWORD, assert_govuk_styled, check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check_errors(page, name: str, *messages: str) -> None:
    """The page shows GOV.UK's error summary with `messages`, says "Error:" in its title, and passes every check."""
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert page.title().startswith("Error: "), f"{page.url}: title {page.title()!r} does not start with 'Error: '"
    for message in messages:
        assert message in summary.inner_text(), f"{page.url}: the error summary does not say {message!r}"
    assert_govuk_styled(page)
    check_page(page, name)


def check(page, name: str, heading: str) -> None:
    """The page's heading is `heading`, and the page passes every check."""
    assert page.locator("h1").inner_text().strip() == heading, f"{page.url}: h1 is {page.locator('h1').inner_text()!r}"
    assert_govuk_styled(page)
    check_page(page, name)


def sign_in_with_password(page, email: str, password: str = PASSWORD) -> None:
    page.goto(reverse("accounts:sign-in"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def set_passwords(page, first: str, second: str) -> None:
    page.get_by_label("New password", exact=True).fill(first)
    page.get_by_label("Confirm new password").fill(second)
    page.get_by_role("button", name="Set password").click()


def test_a_headteacher_resets_their_password_by_email(page, world):
    head = world.users[Role.HEADTEACHER]
    page.goto(reverse("accounts:password-reset"))
    page.get_by_role("button", name="Send the link").click()
    check_errors(page, "reset-1-nothing-entered", "Enter your email address")
    page.get_by_label("Email address").fill("daniel.evans at school")
    page.get_by_role("button", name="Send the link").click()
    check_errors(page, "reset-2-not-an-address", "Enter an email address in the correct format")

    page.get_by_label("Email address").fill(head.email)
    page.get_by_role("button", name="Send the link").click()
    page.wait_for_url("**/password-reset/sent/")
    check(page, "reset-3-sent", "Check your email")

    link = emailed_link(mail.outbox[-1])
    page.goto(link)
    page.wait_for_url("**/set-password/")
    check(page, "reset-4-new-password", "Set a new password")
    set_passwords(page, "short pass", "short pass")
    check_errors(page, "reset-4a-too-short", "Your new password must be at least 12 characters long")
    expect(page.locator("#new_password1-error")).to_contain_text("Your new password must be at least 12 characters long")
    set_passwords(page, NEW_PASSWORD, NEW_PASSWORD + "!")
    check_errors(page, "reset-5-passwords-differ", "The new passwords do not match")
    set_passwords(page, NEW_PASSWORD, NEW_PASSWORD)
    page.wait_for_url("**/reset/done/")
    check(page, "reset-6-done", "Your password has been changed")

    page.goto(link)
    check(page, "reset-7-link-used-again", "This link has expired")


def test_an_invited_headteacher_sets_their_password(page, world):
    from accounts import services

    services.invite_user(
        email="nadia.okafor@example.org",
        full_name="Nadia Okafor",
        role=Role.HEADTEACHER,
        target=world.school,
        invited_by=world.users[Role.LA_ADMIN],
    )
    link = emailed_link(mail.outbox[-1])
    page.goto(link)
    page.wait_for_url("**/set-password/")
    check(page, "invitation-1-set-password", "Set your password")
    set_passwords(page, "", "")
    check_errors(page, "invitation-2-nothing-entered", "Enter a new password", "Enter the new password again")
    set_passwords(page, "nadia.okafor@example.org", "nadia.okafor@example.org")
    check_errors(page, "invitation-2a-like-the-email-address", "Your new password is too like your email address")
    expect(page.locator("#new_password1-error")).to_contain_text("Your new password is too like your email address")
    set_passwords(page, NEW_PASSWORD, NEW_PASSWORD)
    page.wait_for_url("**/accounts/sign-in/")
    assert "Your password is set" in page.locator(".govuk-notification-banner").inner_text()
    check(page, "invitation-3-password-set", "Sign in")

    page.goto(link)
    check(page, "invitation-4-link-used-again", "This invitation link has expired")


def test_an_account_is_locked_after_repeated_wrong_passwords(page, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in_with_password(page, "headteacher@example.org", "not the password")
        if page.locator("h1").inner_text().strip() != "Sign in":
            break
    check(page, "sign-in-locked-out", "Your account is locked")


def test_a_returning_la_officer_mistypes_the_code_from_their_app(page, world):
    TOTPDevice.objects.create(user=world.users[Role.LA_OFFICER], name="Phone", confirmed=True)
    sign_in_with_password(page, "la_officer@example.org")
    page.wait_for_url("**/accounts/two-factor/verify/**")
    page.locator("#code").fill("12345")
    page.get_by_role("button", name="Continue").click()
    check_errors(page, "two-factor-verify-errors", "Enter the code as 6 digits")


def test_an_la_administrator_grants_a_role_with_nothing_chosen(page, world, sign_in_as):
    sign_in_as(world.users[Role.LA_ADMIN])
    page.goto(reverse("accounts:user-detail", args=[world.users[Role.HEADTEACHER].pk]))
    page.get_by_role("button", name="Grant role").click()
    check_errors(page, "user-grant-role-errors")
    # A role chosen with nothing said of what it is for: its own question, revealed, says what it needs.
    page.get_by_label("Chair or member of governors").check()
    page.get_by_role("button", name="Grant role").click()
    check_errors(page, "user-grant-role-no-school", "Chair or member of governors is a role for a school: enter the school's URN")
    expect(page.get_by_role("textbox", name="School URN")).to_be_visible()


def test_an_la_administrator_is_asked_before_taking_access_away(page, world, sign_in_as):
    """Revoke, Reset two-factor authentication and Deactivate account each ask first: each question's page is checked,
    and its Cancel link leads back to the person's page with nothing changed. Confirming acts."""
    from tests.factories import UserFactory, grant

    person = UserFactory(email="alex.smith@example.org", full_name="Alex Smith")
    grant(person, Role.GOVERNOR, world.school)
    TOTPDevice.objects.create(user=person, name="Phone", confirmed=True)
    their_page = reverse("accounts:user-detail", args=[person.pk])
    sign_in_as(world.users[Role.LA_ADMIN])
    questions = {
        "revoke": ("Revoke", "Revoke Alex Smith's role?"),
        "reset-two-factor": ("Reset two-factor authentication", "Reset Alex Smith's two-factor authentication?"),
        "deactivate": ("Deactivate account", "Deactivate Alex Smith's account?"),
    }
    page.goto(their_page)
    for name, (button, question) in questions.items():
        page.get_by_role("button", name=button).click()
        expect(page.locator("h1")).to_have_text(question)  # the question is posted to the person's address: no new URL
        check(page, f"user-confirm-{name}", question)
        page.get_by_role("link", name="Cancel").click()
        expect(page.locator("h1")).to_have_text("Alex Smith")
    assert person.roles.current().exists() and TOTPDevice.objects.filter(user=person).exists()

    page.get_by_role("button", name="Deactivate account").click()
    expect(page.locator("h1")).to_have_text(questions["deactivate"][1])
    page.get_by_role("button", name="Deactivate account").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"{isolated('Alex Smith')} is deactivated and can no longer sign in")
    check(page, "user-deactivated", "Alex Smith")


def test_an_la_officer_records_intelligence_on_a_day_that_does_not_exist(page, world, sign_in_as):
    """A date error marks the one part of the date that is wrong, and links to it."""
    sign_in_as(world.users[Role.LA_OFFICER])
    page.goto(reverse("evidence:intelligence-new", args=[world.school.urn]))
    page.get_by_label("Complaint").check()
    page.get_by_label("Medium").check()
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2025")
    page.get_by_label("Summary").fill("Parent complaint about communication around the change of headteacher.")
    page.get_by_role("button", name="Save entry").click()
    check_errors(page, "intelligence-impossible-date", "Date it happened must be a real date")
    assert page.locator("#occurred-day").get_attribute("class").count("govuk-input--error") == 1
    assert "govuk-input--error" not in page.locator("#occurred-month").get_attribute("class")


def test_an_la_officer_clicks_save_entry_twice_on_a_slow_connection_and_records_the_entry_once(page, world, sign_in_as):
    """The second click of a double click, made while the first was still being answered, sent the entry again, and
    it was recorded twice. Each answer here is held back 0.8 seconds, as a slow connection holds it."""
    sign_in_as(world.users[Role.LA_OFFICER])
    page.goto(reverse("evidence:intelligence-new", args=[world.school.urn]))
    page.get_by_label("Budget deficit").check()
    page.get_by_label("High").check()
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2025")
    page.get_by_label("Summary").fill("A deficit of £120,000 is forecast for next year.")
    sent = []

    def slowly(route):
        if route.request.method != "POST":
            return route.continue_()
        sent.append(route.request.url)
        answer = route.fetch(max_redirects=0)  # the server has it: what it does with it is done
        time.sleep(0.8)
        route.fulfill(response=answer)

    page.route("**/intelligence/new/", slowly)
    page.evaluate(
        "() => { const save = document.querySelector('main form .govuk-button'); save.click(); setTimeout(() => save.click(), 150); }"
    )
    expect(page.locator(".govuk-notification-banner").first).to_contain_text("Entry recorded")
    page.wait_for_timeout(1500)  # time for a second sending to arrive, had there been one
    assert len(sent) == 1
    assert IntelligenceEntry.objects.filter(school=world.school, kind="budget").count() == 1


def test_an_la_administrator_imports_with_no_file_chosen(page, world, sign_in_as):
    sign_in_as(world.users[Role.LA_ADMIN])
    page.goto(reverse("imports:list"))
    page.get_by_label("Kind of file").select_option(label="GIAS establishment extract")
    page.get_by_role("button", name="Import file").click()
    check_errors(page, "imports-no-file-chosen", "Select a file to import")
    assert page.get_by_label("Kind of file").input_value() == "gias_establishments", "the kind chosen is kept"


def test_an_la_administrator_uploads_a_register_extract_that_is_refused(page, world, sign_in_as, settings, tmp_path):
    """The real April 2022 extract with a URN mistyped on row 7: the upload page, then the refused import's page."""
    settings.TASKS = IMMEDIATE_TASKS
    settings.UPLOAD_DIR = tmp_path / "uploads"
    path = corrupt(GIAS_2022, tmp_path, 7, lambda line: "12A936" + line[line.index(",") :])
    sign_in_as(world.users[Role.LA_ADMIN])
    page.goto(reverse("imports:list"))
    page.get_by_label("Upload a file").set_input_files(path)
    check_page(page, "imports-file-chosen")
    page.get_by_role("button", name="Import file").click()
    page.wait_for_url("**/imports/*/")
    assert "row 7, column 'URN': '12A936' is not a whole number" in page.locator(".govuk-inset-text").inner_text()
    check(page, "import-uploaded-refused", path.name)


def test_an_import_page_follows_the_import_as_it_runs(page, world, sign_in_as):
    """The progress panel is replaced every two seconds while the import runs: checked as it is after a swap."""
    run = ImportRun.objects.create(file_name="surrey-2022-04-20-primary-establishments.csv", checksum="", outcome=ImportOutcome.QUEUED)
    sign_in_as(world.users[Role.LA_ADMIN])
    page.goto(reverse("imports:detail", args=[run.pk]))
    expect(page.locator("#import-progress")).to_contain_text("Waiting to start")
    refresh = page.get_by_role("link", name="Refresh this page")
    refresh.focus()
    ImportRun.objects.filter(pk=run.pk).update(outcome=ImportOutcome.RUNNING, kind="gias_establishments", progress=60)
    expect(page.locator("#import-progress")).to_contain_text("Importing: 60% done", timeout=6_000)
    expect(refresh).to_be_focused()  # the panel replaced, the keyboard's place on the page is kept
    refresh.blur()  # axe-core takes GOV.UK's focus state (no underline) for a link told apart by colour alone
    check_page(page, "import-progress-updated")
    page.goto("about:blank")  # stop polling before the server stops


def test_an_import_page_says_when_the_import_starts_or_has_waited_too_long_and_not_at_every_refresh(page, world, sign_in_as):
    """The panel, replaced every two seconds, holds no live region: the page's own, which stays, is given the panel's
    words when they change (WCAG 4.1.3), so that a screen reader hears the import start, or that it has waited too long
    to start, and hears nothing at a refresh that changes only the share done."""
    run = ImportRun.objects.create(file_name="surrey-2022-04-20-primary-establishments.csv", checksum="", outcome=ImportOutcome.QUEUED)
    sign_in_as(world.users[Role.LA_ADMIN])
    page.goto(reverse("imports:detail", args=[run.pk]))
    said = page.get_by_role("status")
    expect(said).to_have_attribute("id", "import-progress-said")
    expect(said).to_have_text("")  # nothing is read out as the page loads: its own text says the import is waiting
    page.evaluate(
        """() => { window.saidChanges = 0; new MutationObserver(() => window.saidChanges++)
            .observe(document.getElementById('import-progress-said'), {childList: true, characterData: true, subtree: true}); }"""
    )

    ImportRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - WAITING_TOO_LONG - timedelta(minutes=1))
    expect(said).to_have_text(re.compile(r"^Waiting to start\. The import has not started yet: the background worker"), timeout=6_000)
    ImportRun.objects.filter(pk=run.pk).update(outcome=ImportOutcome.RUNNING, kind="gias_establishments", progress=20)
    expect(said).to_have_text("Importing.", timeout=6_000)
    changes = page.evaluate("window.saidChanges")
    ImportRun.objects.filter(pk=run.pk).update(progress=70)
    expect(page.locator("#import-progress")).to_contain_text("Importing: 70% done", timeout=6_000)
    page.wait_for_timeout(2_500)  # a refresh more, saying the same
    assert page.evaluate("window.saidChanges") == changes
    expect(said).to_have_text("Importing.")
    page.goto("about:blank")  # stop polling before the server stops


def test_an_la_officer_corrects_an_entry_and_checks_it_before_saving(page, world, sign_in_as):
    """The correction form starts from the entry, refuses a correction with no reason, and shows each changed answer
    before and after on the check page; saving keeps the earlier version."""
    from .test_page_walk import corrected_entry

    entry = corrected_entry(world)
    sign_in_as(world.users[Role.LA_OFFICER])
    page.goto(reverse("evidence:intelligence-correct", args=[world.school.urn, entry.pk]))
    page.get_by_label("Medium").check()
    page.get_by_role("button", name="Continue").click()
    check_errors(page, "intelligence-correct-no-reason", "Enter why you are correcting this entry")
    page.get_by_label("Why are you correcting it?").fill("The chair of governors rated it medium, not high.")
    page.get_by_role("button", name="Continue").click()
    check(page, "intelligence-correct-check", "Check your correction")
    page.get_by_role("button", name="Save correction").click()
    expect(page.locator(".govuk-summary-card")).to_contain_text("The chair of governors rated it medium")
    check(page, "intelligence-corrected", "Local intelligence")


def test_an_answer_changed_from_the_check_page_lands_on_pages_without_the_answers_fragment(page, world, sign_in_as):
    """A "Change" link goes to its answer on the form (#severity); the check page it comes back to, and the entries the
    correction is saved to, are addressed without it: a page left at the fragment of a field it does not have."""
    from .test_page_walk import corrected_entry

    entry = corrected_entry(world)
    sign_in_as(world.users[Role.LA_OFFICER])
    page.goto(reverse("evidence:intelligence-correct", args=[world.school.urn, entry.pk]))
    page.get_by_label("Medium").check()
    page.get_by_label("Why are you correcting it?").fill("The chair of governors rated it medium, not high.")
    page.get_by_role("button", name="Continue").click()
    page.locator(".govuk-summary-card", has_text="Severity").get_by_role("link", name="Change").click()
    page.wait_for_url("**/correct/?change#severity")
    page.get_by_label("Low").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Check your correction")
    assert page.url.endswith("/correct/check/"), page.url
    check(page, "intelligence-correct-check-changed", "Check your correction")
    page.get_by_role("button", name="Save correction").click()
    expect(page.locator("h1")).to_have_text("Local intelligence")
    assert page.url.endswith("/intelligence/"), page.url
    expect(page.locator(".govuk-summary-card").first).to_contain_text("Low")
    check(page, "intelligence-corrected-from-the-check-page", "Local intelligence")


def test_an_la_officer_withdraws_an_entry_without_a_reason_then_with_one(page, world, sign_in_as):
    from .test_page_walk import corrected_entry

    entry = corrected_entry(world)
    sign_in_as(world.users[Role.LA_OFFICER])
    page.goto(reverse("evidence:intelligence-withdraw", args=[world.school.urn, entry.pk]))
    page.get_by_role("button", name="Withdraw entry").click()
    check_errors(page, "intelligence-withdraw-no-reason", "Enter why you are withdrawing this entry")
    page.get_by_label("Why are you withdrawing it?").fill("Recorded against the wrong school.")
    page.get_by_role("button", name="Withdraw entry").click()
    expect(page.locator("main")).to_contain_text("Show withdrawn entries (1)")
    check(page, "intelligence-withdrawn-done", "Local intelligence")
