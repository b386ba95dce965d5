"""Password reset by email: the emailed link sets a new password that then signs in."""

import re

from django.core import mail

from accounts.roles import Role
from audit.models import AuditAction, AuditEvent

NEW_PASSWORD = "a new and long passphrase 42"


def emailed_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_password_reset_emails_a_link_that_sets_a_new_password(client, world):
    head = world.users[Role.HEADTEACHER]
    response = client.post("/accounts/password-reset/", {"email": head.email.upper()})
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [head.email]
    assert mail.outbox[0].subject == "Reset your Common Ground password"

    response = client.get(emailed_link(mail.outbox[0]))
    assert response.status_code == 302  # to the same page without the token in the address
    set_password_url = response["Location"]
    page = client.get(set_password_url).content.decode()
    assert "Set a new password" in page
    # A password manager saves the new password under the address it signs in with.
    assert f'<input type="email" id="username" value="{head.email}" autocomplete="username" hidden readonly>' in page

    response = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == "/accounts/reset/done/"
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, user=head, detail__change="password reset").exists()

    response = client.post("/accounts/sign-in/", {"email": head.email, "password": NEW_PASSWORD})
    assert response["Location"] == "/home/"


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, db):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.org"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert mail.outbox == []


def test_a_used_reset_link_has_expired(client, world):
    head = world.users[Role.HEADTEACHER]
    client.post("/accounts/password-reset/", {"email": head.email})
    link = emailed_link(mail.outbox[0])
    set_password_url = client.get(link)["Location"]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = client.get(link, follow=True)
    assert "This link has expired" in response.content.decode()


def test_a_reset_link_sent_before_the_account_was_deactivated_no_longer_works(client, world):
    """The password could be set, and the page said it was, but the account could never sign in with it."""
    head = world.users[Role.HEADTEACHER]
    client.post("/accounts/password-reset/", {"email": head.email})
    link = emailed_link(mail.outbox[0])
    head.is_active = False
    head.save(update_fields=["is_active"])
    response = client.get(link, follow=True)
    assert "This link has expired" in response.content.decode()
    client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    head.refresh_from_db()
    assert not head.check_password(NEW_PASSWORD)


def test_weak_new_password_is_refused_with_an_error_summary(client, world):
    head = world.users[Role.HEADTEACHER]
    client.post("/accounts/password-reset/", {"email": head.email})
    set_password_url = client.get(emailed_link(mail.outbox[0]))["Location"]
    response = client.post(set_password_url, {"new_password1": "short", "new_password2": "short"})
    html = response.content.decode()
    assert "<title>Error: Set a new password – Common Ground</title>" in html
    assert 'href="#new_password1"' in html and 'href="#new_password2"' not in html


def test_errors_are_in_plain_words_not_the_frameworks(client, world):
    html = client.post("/accounts/password-reset/", {"email": ""}).content.decode()
    assert "Enter your email address" in html and "This field is required" not in html
    html = client.post("/accounts/password-reset/", {"email": "not an address"}).content.decode()
    assert "Enter an email address in the correct format, like name@example.org" in html
    head = world.users[Role.HEADTEACHER]
    client.post("/accounts/password-reset/", {"email": head.email})
    set_password_url = client.get(emailed_link(mail.outbox[0]))["Location"]
    html = client.post(set_password_url, {"new_password1": "", "new_password2": ""}).content.decode()
    assert "Enter a new password" in html and "Enter the new password again" in html
    assert "This field is required" not in html and "match" not in html
    html = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "!"}).content.decode()
    assert "The new passwords do not match" in html


def test_a_new_password_lifts_a_lock_on_signing_in(client, world, settings):
    """The lock page says to reset a forgotten password; reset, the new password was still refused as locked."""
    from django.test import Client

    settings.AXES_FAILURE_LIMIT = 2
    head = world.users[Role.HEADTEACHER]
    for typed in (head.email, head.email.upper()):
        response = Client().post("/accounts/sign-in/", {"email": typed, "password": "wrong"})
    assert response.status_code == 429
    client.post("/accounts/password-reset/", {"email": head.email})
    set_password_url = client.get(emailed_link(mail.outbox[0]))["Location"]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = Client().post("/accounts/sign-in/", {"email": head.email, "password": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/home/"
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, user=head, detail__change="sign-in lock lifted by a new password").exists()


def test_the_answer_to_a_reset_request_goes_before_any_email_so_its_time_does_not_tell_who_has_an_account(
    world, rf, django_capture_on_commit_callbacks
):
    """Sending an email takes the time of a connection to the mail server, which an address with no account did not
    take: the page's answer goes first, for every address, and the email once the server has sent it (and closes it)."""
    from django.contrib.auth.models import AnonymousUser

    from accounts.services import invite_user
    from accounts.views import password_reset

    with django_capture_on_commit_callbacks(execute=True):
        invite_user(
            email="nia@example.org", full_name="Nia Jones", role=Role.GOVERNOR, target=world.school,
            invited_by=world.users[Role.LA_ADMIN],
        )  # fmt: skip
    mail.outbox.clear()
    for email in (world.users[Role.HEADTEACHER].email, "nia@example.org", "nobody@example.org"):
        request = rf.post("/accounts/password-reset/", {"email": email})
        request.user, request._dont_enforce_csrf_checks = AnonymousUser(), True
        with django_capture_on_commit_callbacks(execute=True):
            response = password_reset(request)
            assert (response.status_code, response["Location"]) == (302, "/accounts/password-reset/sent/")
            assert mail.outbox == [], email  # nothing sent while the answer is made
            closed_as_the_server_closes_it(response)
        assert len(mail.outbox) == (0 if email.startswith("nobody") else 1), email
        mail.outbox.clear()


def closed_as_the_server_closes_it(response) -> None:
    """Close the response as a WSGI server does once it has sent it, but leave the test's database connection open (as
    Django's test client does): closing a response signals that the request is finished, which closes connections."""
    from django.core.signals import request_finished
    from django.db import close_old_connections

    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def test_one_address_is_not_mailed_a_reset_link_more_than_a_few_times_an_hour(client, world, caplog):
    """Anyone may ask for a reset for any address: unchecked, a script could fill a person's inbox with reset emails
    sent in the service's name. The page says the same each time, so as not to tell that the limit was reached."""
    from django.core.cache import cache

    from accounts.forms import RESETS_PER_ADDRESS

    head = world.users[Role.HEADTEACHER]
    for typed in [head.email, head.email.upper(), f" {head.email} "] * 10:
        response = client.post("/accounts/password-reset/", {"email": typed})
        assert response["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == RESETS_PER_ADDRESS
    assert "more password resets" in caplog.text
    officer = world.users[Role.LA_OFFICER]
    client.post("/accounts/password-reset/", {"email": officer.email})
    assert mail.outbox[-1].to == [officer.email]  # another address is not held back by the first's
    cache.clear()  # as an hour later
    client.post("/accounts/password-reset/", {"email": head.email})
    assert len(mail.outbox) == RESETS_PER_ADDRESS + 2


def test_an_invitation_is_not_sent_again_more_than_a_few_times_an_hour_by_asking_for_resets(
    client, world, django_capture_on_commit_callbacks
):
    from accounts.forms import RESETS_PER_ADDRESS
    from accounts.services import invite_user

    with django_capture_on_commit_callbacks(execute=True):
        invite_user(
            email="nia@example.org", full_name="Nia Jones", role=Role.GOVERNOR, target=world.school,
            invited_by=world.users[Role.LA_ADMIN],
        )  # fmt: skip
    assert len(mail.outbox) == 1
    for _ in range(20):
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/accounts/password-reset/", {"email": "nia@example.org"})
    assert len(mail.outbox) == 1 + RESETS_PER_ADDRESS


def test_a_session_begun_before_the_password_was_reset_says_so_not_that_it_went_unused(client, world):
    """Signed in in one browser, the person resets their password in another: the first browser's next page sends them
    to sign in, saying the password has changed (not that they had not used Common Ground for an hour)."""
    from django.test import Client

    from accounts.middleware import SIGNED_IN_COOKIE

    from .conftest import sign_in

    head = world.users[Role.HEADTEACHER]
    first = sign_in(Client(), head)
    first.cookies[SIGNED_IN_COOKIE] = "1"  # set by the sign-in page
    client.post("/accounts/password-reset/", {"email": head.email})
    set_password_url = client.get(emailed_link(mail.outbox[0]))["Location"]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = first.get("/home/")
    assert response["Location"] == "/accounts/sign-in/?next=/home/&signed_out=password_changed"
    page = first.get(response["Location"]).content.decode()
    assert "you have been signed out because your password has been changed. Sign in with your new password." in page
    assert "had not used Common Ground" not in page


def reset_by_link(client, person, new=NEW_PASSWORD):
    """Ask for a reset link for `person` and set `new` with it."""
    client.post("/accounts/password-reset/", {"email": person.email})
    set_password_url = client.get(emailed_link(mail.outbox[-1]))["Location"]
    return client.post(set_password_url, {"new_password1": new, "new_password2": new})


def test_the_person_is_emailed_that_their_password_was_reset_and_what_to_do_if_it_was_not_them(
    client, world, django_capture_on_commit_callbacks
):
    """As changing it from 'Your account' does: whoever reset it can read the person's email, which the email says."""
    head = world.users[Role.HEADTEACHER]
    with django_capture_on_commit_callbacks(execute=True):
        response = reset_by_link(client, head)
    assert response["Location"] == "/accounts/reset/done/"
    assert len(mail.outbox) == 2  # the link, then this
    message = mail.outbox[-1]
    assert message.to == [head.email]
    assert message.subject == "Your Common Ground password has been changed"
    body = " ".join(message.body.split())
    assert f"The password for your Common Ground account ({head.email}) was changed on " in body
    assert ", with a link to reset it that we emailed to you. Anywhere else you were signed in, you have been signed out." in body
    assert "'Your account'" not in body
    assert "If you changed it, you do not need to do anything." in body
    assert (
        "If you did not change it, someone else may be able to read your email. Change the password for your email account,"
        " then set a new Common Ground password straight away at http://testserver/accounts/password-reset/ (we will"
        " email you a link), and tell your local authority's Common Ground administrator." in body
    )
    assert NEW_PASSWORD not in body


def test_the_reset_pages_say_the_person_will_be_emailed_that_their_password_was_changed(client, world):
    """As the page that changes it from 'Your account' says: the page that sets a new password, and the page after it."""
    head = world.users[Role.HEADTEACHER]
    client.post("/accounts/password-reset/", {"email": head.email})
    set_password_url = client.get(emailed_link(mail.outbox[-1]))["Location"]
    page = client.get(set_password_url).content.decode()
    said = '<p class="govuk-body">Once it is set, we will email you to say your password has been changed.</p>'
    assert page.index("Set a new password</h1>") < page.index(said) < page.index("<form")
    response = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    done = client.get(response["Location"]).content.decode()
    assert "Your password has been changed" in done
    assert '<p class="govuk-body">We will email you to say it has been changed.</p>' in done
    # A link that no longer works sets nothing, and says nothing of an email.
    assert "email you" not in client.get(set_password_url).content.decode()


def test_a_new_password_refused_sends_no_email(client, world, django_capture_on_commit_callbacks):
    head = world.users[Role.HEADTEACHER]
    with django_capture_on_commit_callbacks(execute=True):
        response = reset_by_link(client, head, new="short")
    assert response.status_code == 200
    assert [message.subject for message in mail.outbox] == ["Reset your Common Ground password"]


def test_a_failing_mail_server_does_not_undo_the_reset_nor_fail_the_page(
    client, world, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    head = world.users[Role.HEADTEACHER]
    client.post("/accounts/password-reset/", {"email": head.email})
    set_password_url = client.get(emailed_link(mail.outbox[-1]))["Location"]

    def refused(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("accounts.services.send_mail", refused)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert callbacks  # the email was to be sent
    assert response["Location"] == "/accounts/reset/done/"
    head.refresh_from_db()
    assert head.check_password(NEW_PASSWORD)
    assert "mail server down" in caplog.text


def test_accepting_an_invitation_sends_no_such_email(client, world, django_capture_on_commit_callbacks):
    """Setting a first password changes none the person had."""
    from accounts.services import invite_user

    with django_capture_on_commit_callbacks(execute=True):
        invite_user(
            email="nia@example.org", full_name="Nia Jones", role=Role.GOVERNOR, target=world.school,
            invited_by=world.users[Role.LA_ADMIN],
        )  # fmt: skip
    set_password_url = client.get(emailed_link(mail.outbox[-1]))["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == "/accounts/sign-in/"
    assert [message.subject for message in mail.outbox] == [mail.outbox[0].subject]
    assert "invit" in mail.outbox[0].subject.lower()


def test_the_page_and_the_email_say_how_long_the_reset_link_works(client, world, settings):
    """'A limited time' left the person guessing whether to hurry; the link to set up an authenticator app says its time."""
    settings.PASSWORD_RESET_TIMEOUT = 60 * 60 * 2
    response = client.post("/accounts/password-reset/", {"email": world.users[Role.HEADTEACHER].email}, follow=True)
    assert "The link works once, for 2 hours." in response.content.decode()
    assert "The link works once, for 2 hours." in mail.outbox[0].body
    settings.PASSWORD_RESET_TIMEOUT = 60 * 30
    assert "The link works once, for 30 minutes." in client.get("/accounts/password-reset/sent/").content.decode()
