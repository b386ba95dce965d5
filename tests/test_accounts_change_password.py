"""Changing one's password from 'Your account': the current password, then a new one twice."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.middleware import SIGNED_IN_COOKIE
from accounts.roles import Role
from audit.models import AuditAction, AuditEvent

from .conftest import sign_in
from .evidence_helpers import text

CHANGE = reverse("accounts:change-password")
ACCOUNT = reverse("accounts:your-account")
CURRENT = "correct horse battery staple"  # tests.factories.UserFactory's
NEW = "a new and long passphrase 42"


def change(client, current=CURRENT, new=NEW, again=None, **kwargs):
    return client.post(CHANGE, {"old_password": current, "new_password1": new, "new_password2": NEW if again is None else again}, **kwargs)


def errors(response) -> dict[str, str]:
    """Each field's error message as the page shows it, by the field's id."""
    html = response.content.decode()
    found = re.findall(
        r'<p id="([a-z_0-9]+)-error" class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:</span>\s*([^<]*)</p>', html
    )
    return {field: message.strip() for field, message in found}


def summary(response) -> list[tuple[str, str]]:
    """The error summary's links: (where each goes, what it says)."""
    box = response.content.decode().split('class="govuk-error-summary"')[1].split("</ul>")[0]
    return [(href, words.strip()) for href, words in re.findall(r'<a href="([^"]+)">([^<]*)</a>', box)]


def test_your_account_links_to_the_change_password_form(client, world):
    html = sign_in(client, world.users[Role.HEADTEACHER]).get(ACCOUNT).content.decode()
    assert f'<a class="govuk-link" href="{CHANGE}">Change your password</a>' in html


def test_the_form_asks_for_the_current_password_and_the_new_one_twice_with_the_right_autocomplete(client, world):
    head = world.users[Role.HEADTEACHER]
    html = sign_in(client, head).get(CHANGE).content.decode()
    inputs = dict(re.findall(r'<input[^>]* name="([^"]+)" type="password"[^>]*autocomplete="([^"]+)"', html))
    assert inputs == {"old_password": "current-password", "new_password1": "new-password", "new_password2": "new-password"}
    assert f'<input type="email" id="username" value="{head.email}" autocomplete="username" hidden readonly>' in html
    assert "At least 12 characters." in text(client.get(CHANGE))


def test_a_changed_password_keeps_this_session_and_lands_on_your_account_saying_so(client, world):
    head = world.users[Role.HEADTEACHER]
    sign_in(client, head)
    response = change(client)
    assert response.status_code == 302 and response["Location"] == ACCOUNT
    head.refresh_from_db()
    assert head.check_password(NEW) and not head.check_password(CURRENT)
    page = client.get(ACCOUNT)
    assert page.status_code == 200  # still signed in
    html = page.content.decode()
    assert "govuk-notification-banner--success" in html
    assert "Your password has been changed. Anywhere else you were signed in, you have been signed out" in text(page)
    response = Client().post(reverse("accounts:sign-in"), {"email": head.email, "password": NEW})
    assert response.status_code == 302


def test_the_change_is_recorded_in_the_audit_log_as_a_reset_is(client, world):
    head = world.users[Role.HEADTEACHER]
    change(sign_in(client, head))
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, detail__change="password changed")
    assert (event.user, event.object_type, event.object_id, event.path) == (head, "accounts.user", str(head.pk), CHANGE)
    assert NEW not in str(event.detail) and CURRENT not in str(event.detail)


def test_every_other_session_of_the_person_ends_and_is_told_the_password_changed(client, world):
    head = world.users[Role.HEADTEACHER]
    other = sign_in(Client(), head)
    other.cookies[SIGNED_IN_COOKIE] = "1"  # set by the sign-in page
    someone_else = sign_in(Client(), world.users[Role.GOVERNOR])
    change(sign_in(client, head))
    response = other.get("/home/")
    assert response["Location"] == "/accounts/sign-in/?next=/home/&signed_out=password_changed"
    page = other.get(response["Location"]).content.decode()
    assert "you have been signed out because your password has been changed. Sign in with your new password." in page
    assert client.get("/home/").status_code == 200  # the session that changed it
    assert someone_else.get("/home/").status_code == 200  # nobody else's


def test_the_person_is_emailed_that_their_password_changed_and_what_to_do_if_it_was_not_them(
    client, world, django_capture_on_commit_callbacks
):
    head = world.users[Role.HEADTEACHER]
    sign_in(client, head)
    with django_capture_on_commit_callbacks(execute=True):
        change(client)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [head.email]
    assert message.subject == "Your Common Ground password has been changed"
    body = " ".join(message.body.split())
    assert f"The password for your Common Ground account ({head.email}) was changed on " in body
    assert "If you did not change it, someone else may know your password. Set a new password straight away at" in body
    assert "http://testserver/accounts/password-reset/" in body
    assert "tell your local authority's Common Ground administrator" in body
    assert "was changed on " in body and ", from the 'Your account' page. Anywhere else you were signed in" in body
    assert NEW not in body


def test_a_failing_mail_server_does_not_undo_the_change_nor_fail_the_page(
    client, world, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    head = world.users[Role.HEADTEACHER]
    sign_in(client, head)

    def refused(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("accounts.services.send_mail", refused)
    with django_capture_on_commit_callbacks(execute=True):
        response = change(client)
    assert response["Location"] == ACCOUNT
    head.refresh_from_db()
    assert head.check_password(NEW)
    assert "mail server down" in caplog.text


def test_a_wrong_current_password_is_refused_recorded_and_nothing_changes(client, world):
    head = world.users[Role.HEADTEACHER]
    sign_in(client, head)
    response = change(client, current="not my password")
    assert response.status_code == 200
    assert errors(response) == {"old_password": "Your current password is not correct"}
    assert summary(response) == [("#old_password", "Your current password is not correct")]
    assert "<title>Error: Change your password – Common Ground</title>" in response.content.decode()
    head.refresh_from_db()
    assert head.check_password(CURRENT)
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert (event.user, event.object_id, event.detail["stage"]) == (head, str(head.pk), "current password, to change it")
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE, detail__change="password changed").exists()
    assert mail.outbox == []


def test_the_page_gives_back_nothing_that_was_typed(client, world):
    sign_in(client, world.users[Role.HEADTEACHER])
    typed = ("wrong current 1", "a new and long passphrase 42", "a different long passphrase")
    html = change(client, current=typed[0], new=typed[1], again=typed[2]).content.decode()
    for each in typed:
        assert each not in html
    assert 'value="' not in "".join(re.findall(r'<input[^>]*type="password"[^>]*>', html))


def test_wrong_current_passwords_count_towards_the_sign_in_lock(client, world, settings):
    settings.AXES_FAILURE_LIMIT = 3
    head = world.users[Role.HEADTEACHER]
    Client().post(reverse("accounts:sign-in"), {"email": head.email, "password": "wrong at sign-in"})
    sign_in(client, head)
    assert change(client, current="wrong once").status_code == 200
    response = change(client, current="wrong twice")
    assert response.status_code == 429
    page = text(response)
    assert "Your account is locked You entered your current password wrongly too many times. Until the lock ends, you cannot change" in page
    assert "wrong email address" not in page
    assert AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT, user_email=head.email).exists()
    # Locked, the right password changes nothing, here or at sign-in.
    assert change(client).status_code == 429
    head.refresh_from_db()
    assert head.check_password(CURRENT)
    assert Client().post(reverse("accounts:sign-in"), {"email": head.email, "password": CURRENT}).status_code == 429


def test_a_changed_password_forgets_the_wrong_ones_before_it_as_a_reset_does(client, world, settings):
    """Wrong current passwords typed before the right one count no more once the password is changed: the wrong ones
    were of the old password, as a new one set from a reset link forgets them."""
    settings.AXES_FAILURE_LIMIT = 3
    head = world.users[Role.HEADTEACHER]
    sign_in(client, head)
    assert change(client, current="wrong once").status_code == 200
    assert change(client, current="wrong twice").status_code == 200
    assert change(client).status_code == 302
    for attempt in ("wrong at sign-in", "wrong again"):
        assert Client().post(reverse("accounts:sign-in"), {"email": head.email, "password": attempt}).status_code == 200
    assert Client().post(reverse("accounts:sign-in"), {"email": head.email, "password": NEW}).status_code == 302


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("short pass", "Your new password must be at least 12 characters long"),
        ("password1234", "Your new password is one of those used most often, which are guessed first: choose a less common one"),
        ("736459120348576", "Your new password must not be only numbers"),
        ("headteacher@example.org", "Your new password is too like your email address: choose one that does not contain it"),
        (CURRENT, "Your new password must be different from your current password"),
    ],
)
def test_a_new_password_the_validators_refuse_says_exactly_why_under_the_new_password(client, world, new, message):
    head = world.users[Role.HEADTEACHER]
    response = change(sign_in(client, head), new=new, again=new)
    assert errors(response) == {"new_password1": message}
    assert summary(response) == [("#new_password1", message)]
    head.refresh_from_db()
    assert head.check_password(CURRENT)


def test_the_validators_are_the_settings(client, world, settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 40}}
    ]
    sign_in(client, world.users[Role.HEADTEACHER])
    assert "At least 40 characters." in text(client.get(CHANGE))
    assert errors(change(client)) == {"new_password1": "Your new password must be at least 40 characters long"}


def test_new_passwords_that_do_not_match_are_refused_under_the_second(client, world):
    head = world.users[Role.HEADTEACHER]
    response = change(sign_in(client, head), again=NEW + "!")
    assert errors(response) == {"new_password2": "The new passwords do not match: enter the same new password twice"}
    head.refresh_from_db()
    assert head.check_password(CURRENT)


def test_each_empty_field_says_what_to_enter(client, world):
    response = change(sign_in(client, world.users[Role.HEADTEACHER]), current="", new="", again="")
    assert errors(response) == {
        "old_password": "Enter your current password",
        "new_password1": "Enter a new password",
        "new_password2": "Enter the new password again",
    }
    assert [href for href, _ in summary(response)] == ["#old_password", "#new_password1", "#new_password2"]
    assert not AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).exists()


def test_a_post_without_the_csrf_token_is_refused(world):
    head = world.users[Role.HEADTEACHER]
    client = sign_in(Client(enforce_csrf_checks=True), head)
    response = change(client)
    assert response.status_code == 403
    head.refresh_from_db()
    assert head.check_password(CURRENT)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(CHANGE).content.decode())[1]
    response = client.post(CHANGE, {"csrfmiddlewaretoken": token, "old_password": CURRENT, "new_password1": NEW, "new_password2": NEW})
    assert response["Location"] == ACCOUNT


def test_someone_signed_out_is_sent_to_sign_in_and_back(client, db):
    response = client.get(CHANGE)
    assert response["Location"] == f"/accounts/sign-in/?next={CHANGE}"
    assert client.post(CHANGE, {"old_password": CURRENT})["Location"] == f"/accounts/sign-in/?next={CHANGE}"


def test_a_role_that_needs_the_second_factor_gives_it_first(client, world):
    officer = world.users[Role.LA_OFFICER]
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=officer, name="Phone", confirmed=True)
    client.force_login(officer)  # password alone
    response = client.get(CHANGE)
    assert response["Location"] == f"/accounts/two-factor/verify/?next={CHANGE.replace('/', '%2F')}"
    assert change(client)["Location"] == "/accounts/two-factor/verify/"
    officer.refresh_from_db()
    assert officer.check_password(CURRENT)
    sign_in(client, officer)
    assert change(client)["Location"] == ACCOUNT


def test_the_reset_by_email_stays_on_the_sign_in_page_and_the_form_offers_it(client, world):
    html = client.get(reverse("accounts:sign-in")).content.decode()
    assert f'href="{reverse("accounts:password-reset")}">I have forgotten my password</a>' in html
    html = sign_in(client, world.users[Role.HEADTEACHER]).get(CHANGE).content.decode()
    assert f'<a class="govuk-link" href="{reverse("accounts:password-reset")}">reset it by email</a>' in html


def test_the_reason_survives_the_background_check_finding_the_session_ended_first(client, world):
    """The warning's background check (accounts/session/) may be the first request to bring back a session begun before
    the password was changed: Django ends it as it reads it, and the page then asked for again said the person had
    not used Common Ground for an hour."""
    head = world.users[Role.HEADTEACHER]
    other = sign_in(Client(), head)
    other.cookies[SIGNED_IN_COOKIE] = "1"  # set by the sign-in page
    change(sign_in(client, head))
    background = other.get(reverse("accounts:session"), headers={"accept": "application/json"})
    assert background.status_code == 302 and "signed_out" not in background["Location"]
    response = other.get("/home/")  # the page, asked for again to go to sign in (timeout-warning.mjs)
    assert response["Location"] == "/accounts/sign-in/?next=/home/&signed_out=password_changed"
    page = other.get(response["Location"]).content.decode()
    assert "you have been signed out because your password has been changed" in page
    assert "had not used Common Ground" not in page
    assert other.get("/home/")["Location"] == "/accounts/sign-in/?next=/home/"  # said once


CHANGED = {"old_password": CURRENT, "new_password1": NEW, "new_password2": NEW}
SIGNED_IN = {"email": "someone@example.org", "password": CURRENT}


@pytest.mark.parametrize(
    ("page", "posted"),
    [
        ("accounts.your_account.ChangePasswordForm", CHANGED),
        ("accounts.views.SignInForm", SIGNED_IN),
        # Checking the password itself: the report gives each frame's variables, the form's among them.
        ("accounts.forms.authenticate", CHANGED),
        ("accounts.forms.authenticate", SIGNED_IN),
        ("accounts.forms.password_validation.validate_password", CHANGED),
    ],
)
def test_passwords_posted_are_hidden_from_the_report_of_an_error(world, monkeypatch, page, posted):
    """Should changing a password or signing in fail with an error, the report of it (logged, emailed to the service's
    administrators, or shown where DEBUG is on) gives no password typed: Django's filter hides the values of a view's
    POST, and a function's variables, only where the view or the function says they are sensitive."""
    import sys

    from django.core.signals import got_request_exception
    from django.views.debug import ExceptionReporter
    from django.views.decorators.debug import sensitive_variables

    @sensitive_variables()  # what it is given is the form's data, which the product's own frames never hold as a whole
    def broken(*args, **kwargs):
        raise RuntimeError("the form broke")

    monkeypatch.setattr(page, broken)
    failed = []

    def keep(sender, request, **kwargs):
        failed.append((request, sys.exc_info()))

    got_request_exception.connect(keep)
    try:
        client = Client(raise_request_exception=False)
        changing = posted is CHANGED
        if changing:
            sign_in(client, world.users[Role.HEADTEACHER])
        url = CHANGE if changing else reverse("accounts:sign-in")
        assert client.post(url, posted).status_code == 500
    finally:
        got_request_exception.disconnect(keep)
    request, exc_info = failed[0]
    reporter = ExceptionReporter(request, *exc_info)
    report = reporter.get_traceback_text() + reporter.get_traceback_html()  # the HTML gives each frame's variables
    assert "the form broke" in report and CURRENT not in report and NEW not in report
