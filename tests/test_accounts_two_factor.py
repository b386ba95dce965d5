"""The second factor: who is asked, setting up an authenticator app, and entering its code."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django.utils.http import urlencode
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.roles import Role
from accounts.tokens import authenticator_setup_tokens
from accounts.two_factor import MAILBOX_SHOWN
from audit.models import AuditAction, AuditEvent
from core.words import isolated

PASSWORD = "correct horse battery staple"
SIGN_IN = "/accounts/sign-in/"
SETUP = "/accounts/two-factor/setup/"
VERIFY = "/accounts/two-factor/verify/"


def current_code(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def wrong_code(device) -> str:
    return f"{(int(current_code(device)) + 500000) % 1000000:06d}"


def forgive(device):
    """Wrong codes make the device wait before the next try; the tests need not wait."""
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()


def password_sign_in(client, user, **extra):
    return client.post(SIGN_IN, {"email": user.email, "password": PASSWORD, **extra})


def emailed_link(message) -> str:
    """The path of the link in an email."""
    return re.search(r"https?://[^/\s]+(/accounts/(?:two-factor/link|invitation|reset)/\S+)", message.body)[1]


@pytest.fixture
def emailing(django_capture_on_commit_callbacks):
    """Make a request (or call a service) and send the emails it leaves until its transaction commits, which a test's
    own transaction never does."""

    def emailing(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return emailing


@pytest.fixture
def through_the_emailed_link(emailing):
    """Show that the mailbox is the signed-in person's, as setting up an app needs: the set-up page emails a link, and
    this session uses it."""

    def through_the_emailed_link(client):
        emailing(client.get, SETUP)
        response = client.post(emailed_link(mail.outbox[-1]))
        assert response["Location"] == SETUP

    return through_the_emailed_link


@pytest.fixture
def a_minute_later(monkeypatch):
    """Put the clock forward a minute and a second, as the audit log, sessions and the limit on sending links read it
    (not the links' own clock)."""

    def a_minute_later():
        now = timezone.now
        monkeypatch.setattr(timezone, "now", lambda: now() + timedelta(seconds=61))

    return a_minute_later


@pytest.fixture
def officer(world):
    return world.users[Role.LA_OFFICER]


def test_la_officer_is_sent_to_set_up_two_factor_after_password(client, officer):
    response = password_sign_in(client, officer)
    assert response["Location"] == SETUP
    assert client.get("/home/")["Location"].startswith(SETUP)


def test_setting_up_shows_a_qr_code_and_key_and_confirms_with_a_real_code(client, officer, through_the_emailed_link):
    password_sign_in(client, officer, next="/schools/")
    through_the_emailed_link(client)
    response = client.get(SETUP + "?next=/schools/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    key = re.search(r'id="secret-key">([A-Z2-7 ]+)<', html).group(1)
    assert key.replace(" ", "") in device.config_url
    # Reloading the page keeps the same key, so a half-done setup still works.
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=officer).count() == 1

    response = client.post(SETUP, {"code": wrong_code(device), "next": "/schools/"})
    assert response.status_code == 200
    assert "Error: Set up two-factor authentication" in response.content.decode()
    assert 'href="#code"' in response.content.decode()
    forgive(device)

    response = client.post(SETUP, {"code": current_code(device), "next": "/schools/"})
    assert response["Location"] == "/schools/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/home/").status_code == 200


def test_officer_with_an_app_enters_its_code_after_the_password(client, officer):
    device = TOTPDevice.objects.create(user=officer, name="Phone", confirmed=True)
    response = password_sign_in(client, officer)
    assert response["Location"] == VERIFY
    response = client.post(VERIFY, {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "The code is not correct" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED, user=officer).exists()
    forgive(device)
    response = client.post(VERIFY, {"code": current_code(device)})
    assert response["Location"] == "/home/"
    assert client.get("/home/").status_code == 200


def test_the_code_page_says_who_may_reset_a_lost_app(client, officer):
    """An authority's administrator may reset the second factor only of someone whose roles are all in their authorities
    (accounts.people._may_manage_account): a trust leader of a trust with schools in several asks a site administrator."""
    TOTPDevice.objects.create(user=officer, name="Phone", confirmed=True)
    password_sign_in(client, officer)
    page = " ".join(client.get(VERIFY).content.decode().split())
    assert (
        "If you have lost the phone or app, ask your local authority's administrator to reset your two-factor "
        "authentication. If your roles are in more than one authority (for example, at a trust with schools in more than one "
        "authority), ask a site "
        "administrator: no one authority's administrator may reset it."
    ) in page


def test_code_must_be_six_digits(client, officer):
    TOTPDevice.objects.create(user=officer, name="Phone", confirmed=True)
    password_sign_in(client, officer)
    response = client.post(VERIFY, {"code": "12ab"})
    assert "Enter the code as 6 digits" in response.content.decode()


def test_unverified_officer_cannot_replace_their_app(client, officer):
    TOTPDevice.objects.create(user=officer, name="Phone", confirmed=True)
    password_sign_in(client, officer)
    assert client.get(SETUP)["Location"] == VERIFY
    assert TOTPDevice.objects.filter(user=officer).count() == 1


@pytest.mark.parametrize("role", [Role.TRUST_LEADER, Role.BODY_MEMBER])
def test_roles_that_reach_many_schools_confidential_records_are_sent_to_set_up_two_factor(client, world, role):
    """A trust leader reads the confidential records of every school of the trust, and a partnership body's member those
    of every school the body covers, as an adviser does of a caseload: a password alone is not enough."""
    response = password_sign_in(client, world.users[role])
    assert response["Location"] == SETUP
    assert client.get("/home/")["Location"].startswith(SETUP)


@pytest.mark.parametrize("role", [Role.HEADTEACHER, Role.SCHOOL_STAFF, Role.GOVERNOR, Role.STAKEHOLDER])
def test_roles_at_one_school_or_none_are_not_asked_for_a_second_factor(client, world, role):
    response = password_sign_in(client, world.users[role])
    assert response["Location"] == "/home/"


def test_headteacher_is_not_asked_for_a_second_factor(client, world):
    response = password_sign_in(client, world.users[Role.HEADTEACHER])
    assert response["Location"] == "/home/"
    assert client.get("/home/").status_code == 200


def test_switching_two_factor_off_skips_it(client, officer, settings):
    settings.REQUIRE_TWO_FACTOR = False
    response = password_sign_in(client, officer)
    assert response["Location"] == "/home/"
    response = client.get("/home/")
    assert response.status_code == 200
    html = response.content.decode()
    # The demonstration banner says so, inside the page's header: no content stands outside a landmark.
    header = html.split('<header class="govuk-template__header', 1)[1].split("</header>", 1)[0]
    assert "Two-factor authentication is switched off here" in header


def test_headteacher_may_choose_two_factor_and_is_then_asked_for_it(client, world, emailing):
    head = world.users[Role.HEADTEACHER]
    password_sign_in(client, head)
    emailing(client.post, SETUP, {"action": "send"})
    assert client.post(emailed_link(mail.outbox[-1]))["Location"] == SETUP
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=head)
    assert client.post(SETUP, {"code": current_code(device)})["Location"] == "/home/"
    client.post("/accounts/sign-out/")

    response = password_sign_in(client, head)
    assert response["Location"] == VERIFY
    assert client.get("/home/")["Location"].startswith(VERIFY)


def test_a_code_typed_as_the_app_shows_it_in_two_halves_is_the_code(client, officer):
    """Authenticator apps show '024 909': typed with its space, it was refused as not 6 digits."""
    device = TOTPDevice.objects.create(user=officer, name="Phone", confirmed=True)
    password_sign_in(client, officer)
    code = current_code(device)
    response = client.post(VERIFY, {"code": f" {code[:3]} {code[3:]} "})
    assert response["Location"] == "/home/"


def test_after_wrong_codes_the_page_says_to_wait_rather_that_the_right_code_is_wrong(client, officer):
    """After wrong codes the device refuses any for a while, the right one too, which the page called 'not correct'."""
    device = TOTPDevice.objects.create(user=officer, name="Phone", confirmed=True)
    password_sign_in(client, officer)
    for _ in range(3):
        client.post(VERIFY, {"code": wrong_code(device)})
    html = client.post(VERIFY, {"code": current_code(device)}).content.decode()
    assert re.search(r"A wrong code was entered (just now|\d+ times): wait \d+ seconds?, then enter the latest code", html)
    assert "The code is not correct" not in html
    forgive(device)
    assert client.post(VERIFY, {"code": current_code(device)})["Location"] == "/home/"


# Setting up an app takes a link emailed to the person: their password alone does not let anyone make an app of their
# own the second factor of an account that has none (a new account, or one whose app an administrator reset).


def test_signed_in_with_a_password_alone_the_set_up_page_emails_a_link_and_shows_no_key(client, officer, emailing):
    password_sign_in(client, officer)
    response = emailing(client.get, SETUP)
    html = response.content.decode()
    assert response.status_code == 200 and "<title>Check your email – Common Ground</title>" in html
    assert 'role="img"' not in html and "secret-key" not in html  # no QR code, no key
    # Whoever reads the page signed in just now: the warning for a sign-in the mailbox's owner did not make is the email's.
    assert "someone else may know your password" not in html
    assert (
        f'We have sent an email to <strong class="cg-break">{officer.email}</strong> with a link to set up your authenticator app.' in html
    )
    [message] = mail.outbox
    assert message.to == [officer.email] and message.subject == "Set up your authenticator app for Common Ground"
    assert "The link works once, for 2 hours." in message.body
    sent = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="accounts.user", object_id=str(officer.pk))
    assert sent.user == officer and sent.object_repr == f"Link to set up an authenticator app for {officer.email}"
    # Not sent again as the page is asked for again; and a code posted without the link sets nothing up.
    device = TOTPDevice.objects.get(user=officer)
    response = client.post(SETUP, {"code": current_code(device)})
    assert "Check your email" in response.content.decode()
    assert len(mail.outbox) == 1 and not TOTPDevice.objects.filter(confirmed=True).exists()
    assert client.get("/home/")["Location"].startswith(SETUP)


def test_opening_the_set_up_page_emails_nothing_its_button_does(client, world, emailing):
    """Only signing in leads to a link emailed without asking: opening the page (which a page on another site could
    make a browser do) offers a button to send one, for a role that needs no second factor as for one that does."""
    head = world.users[Role.HEADTEACHER]
    password_sign_in(client, head)
    response = emailing(client.get, SETUP)
    html = response.content.decode()
    assert response.status_code == 200 and "<title>Set up two-factor authentication – Common Ground</title>" in html
    assert f'We will email <strong class="cg-break">{head.email}</strong> a link to set up your authenticator app.' in html
    assert 'name="csrfmiddlewaretoken"' in html and '<input type="hidden" name="action" value="send">' in html
    assert "Email me a link to set up an app" in html and "secret-key" not in html
    assert emailing(client.get, SETUP).status_code == 200 and mail.outbox == []
    assert not AuditEvent.objects.filter(object_repr__startswith="Link to set up an authenticator app").exists()

    response = emailing(client.post, SETUP, {"action": "send"})
    assert response["Location"] == SETUP
    [message] = mail.outbox
    assert message.to == [head.email] and message.subject == "Set up your authenticator app for Common Ground"
    assert "Check your email" in emailing(client.get, SETUP).content.decode() and len(mail.outbox) == 1


def test_an_officer_whose_link_from_signing_in_ran_out_asks_for_another_with_the_button(client, officer, emailing, a_minute_later):
    password_sign_in(client, officer)
    emailing(client.get, SETUP)
    session = client.session
    session["cg_setup_link_sent"] -= 2 * 3600 + 1
    session.save()
    a_minute_later()
    assert "Email me a link to set up an app" in emailing(client.get, SETUP).content.decode()
    assert client.get("/home/")["Location"].startswith(SETUP) and len(mail.outbox) == 1
    emailing(client.post, SETUP, {"action": "send"})
    assert len(mail.outbox) == 2 and "Check your email" in client.get(SETUP).content.decode()


def test_the_emailed_link_lets_the_session_set_up_the_app_once(client, officer, emailing):
    password_sign_in(client, officer)
    emailing(client.get, SETUP)
    link = emailed_link(mail.outbox[0])
    key = TOTPDevice.objects.get(user=officer).key
    # Opening the link (as a mail system checking it may) uses nothing: its button does.
    page = client.get(link).content.decode()
    assert "Set up your authenticator app" in page and "Continue" in page
    assert TOTPDevice.objects.get(user=officer).key == key
    assert client.post(link)["Location"] == SETUP
    used = AuditEvent.objects.get(action=AuditAction.UPDATE, user=officer, detail__change="link to set up an authenticator app used")
    assert used.object_id == str(officer.pk)
    html = client.get(SETUP).content.decode()
    assert "<svg" in html and "secret-key" in html
    device = TOTPDevice.objects.get(user=officer)
    assert device.key != key  # a new key, never one shown before the link was used
    # Used once, the link works no more, in this session or another.
    for other in (client, Client()):
        assert "This link does not work" in other.get(link).content.decode()
        assert other.post(link).status_code == 200
    assert client.post(SETUP, {"code": current_code(device)})["Location"] == "/home/"
    assert MAILBOX_SHOWN not in client.session


def test_the_link_opened_before_signing_in_lets_that_browser_set_up_the_app_after(client, officer, emailing):
    """Sent from a sign-in on one computer, the link is opened on another: that browser signs in, then sets up the app;
    the first, with the password alone, still cannot."""
    password_sign_in(client, officer)
    emailing(client.get, SETUP)
    elsewhere = Client()
    response = elsewhere.post(emailed_link(mail.outbox[0]))
    assert response["Location"] == SIGN_IN
    assert password_sign_in(elsewhere, officer)["Location"] == SETUP
    assert "secret-key" in elsewhere.get(SETUP).content.decode()
    assert "Check your email" in client.get(SETUP).content.decode()


def test_a_link_is_void_once_an_app_is_set_up_or_reset_or_after_two_hours(client, world, officer, emailing):
    def link_sent():
        client.post("/accounts/sign-out/")
        password_sign_in(client, officer)
        emailing(client.get, SETUP)
        return emailed_link(mail.outbox[-1])

    link = link_sent()
    TOTPDevice.objects.filter(user=officer).update(confirmed=True)  # set up, in another session that had the mailbox
    assert "This link does not work" in client.get(link).content.decode()

    services.reset_two_factor(user=officer, reset_by=world.users[Role.LA_ADMIN])
    link = link_sent()
    services.reset_two_factor(user=officer, reset_by=world.users[Role.LA_ADMIN])  # the app reset after it was sent
    assert "This link does not work" in client.get(link).content.decode()

    third = link_sent()
    later = authenticator_setup_tokens._now() + timedelta(hours=2, seconds=1)
    authenticator_setup_tokens._now = lambda: later
    try:
        assert "This link does not work" in client.get(third).content.decode()
    finally:
        del authenticator_setup_tokens._now
    assert "Set up your authenticator app" in client.get(third).content.decode()


def test_a_link_for_another_account_is_refused_to_whoever_is_signed_in(client, world, officer, emailing):
    password_sign_in(client, officer)
    emailing(client.get, SETUP)
    link = emailed_link(mail.outbox[0])
    adviser = Client()
    password_sign_in(adviser, world.users[Role.ADVISER])
    assert "This link is for a different account from the one signed in here" in adviser.get(link).content.decode()
    assert "This link is for a different account" in adviser.post(link).content.decode()
    assert not AuditEvent.objects.filter(detail__change="link to set up an authenticator app used").exists()


def test_another_link_is_sent_when_asked_a_minute_after_the_last(client, officer, emailing, a_minute_later):
    password_sign_in(client, officer)
    emailing(client.get, SETUP)
    response = emailing(client.post, SETUP, {"action": "send-again"}, follow=True)
    assert "We sent you a link less than a minute ago" in response.content.decode() and len(mail.outbox) == 1
    a_minute_later()
    response = emailing(client.post, SETUP, {"action": "send-again"}, follow=True)
    assert f"We have sent another link to {isolated(officer.email)}" in response.content.decode() and len(mail.outbox) == 2
    assert client.post(emailed_link(mail.outbox[1]))["Location"] == SETUP


def test_a_link_sent_again_leaves_the_first_working_until_either_is_used(client, officer, emailing, a_minute_later):
    """Sending another link changes nothing the first holds (the app waiting to be set up): both work until one is
    used. The page does not say the new link replaces the first, which someone told so might throw away."""
    password_sign_in(client, officer)
    page = emailing(client.get, SETUP).content.decode()
    assert "we can send another link. Either link works until one of them is used." in page and "replaces" not in page
    a_minute_later()
    emailing(client.post, SETUP, {"action": "send-again"})
    first, second = emailed_link(mail.outbox[0]), emailed_link(mail.outbox[1])
    assert "Continue" in Client().get(first).content.decode()
    assert client.post(first)["Location"] == SETUP
    assert "This link does not work" in Client().get(second).content.decode()


def test_a_person_is_sent_one_link_a_minute_however_many_sessions_ask(client, world, officer, emailing, a_minute_later):
    """Signing in again and again, or in several browsers, each with a password alone: one link a minute, not one for
    each sign-in. Each page still says, truly, that a link has been sent."""
    sent_to_them = f'We have sent an email to <strong class="cg-break">{officer.email}</strong>'
    sessions = [client, client, Client(), Client()]
    for session in sessions:
        session.post("/accounts/sign-out/")
        password_sign_in(session, officer)
        assert sent_to_them in emailing(session.get, SETUP).content.decode()
    assert len(mail.outbox) == 1
    # Asked for again in another session within the minute: none is sent, and the page says why.
    response = emailing(sessions[-1].post, SETUP, {"action": "send-again"}, follow=True)
    assert "We sent you a link less than a minute ago" in response.content.decode() and len(mail.outbox) == 1
    sent = AuditEvent.objects.filter(action=AuditAction.CREATE, object_repr__startswith="Link to set up an authenticator app")
    assert sent.count() == 1
    # Another person is not held up by the first's link.
    adviser = world.users[Role.ADVISER]
    password_sign_in(Client(), adviser)
    other = Client()
    password_sign_in(other, adviser)
    emailing(other.get, SETUP)
    assert [message.to for message in mail.outbox] == [[officer.email], [adviser.email]]
    a_minute_later()
    fresh = Client()
    password_sign_in(fresh, officer)
    assert sent_to_them in emailing(fresh.get, SETUP).content.decode()
    assert len(mail.outbox) == 3 and mail.outbox[-1].to == [officer.email] and sent.count() == 3
    assert fresh.post(emailed_link(mail.outbox[-1]))["Location"] == SETUP


def test_one_link_a_minute_holds_for_an_app_waiting_since_before_apps_recorded_when_they_were_made(officer, emailing):
    """An app waiting to be set up from before django-otp recorded when each was made (its created_at empty) is as
    old as any link: signing in again and again sends one link a minute, not one each time."""
    TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=False)
    TOTPDevice.objects.filter(user=officer).update(created_at=None)
    for _ in range(3):
        session = Client()
        password_sign_in(session, officer)
        emailing(session.get, SETUP)
    assert len(mail.outbox) == 1


def test_the_page_asked_for_is_reached_through_the_emailed_link_after_setting_up(client, world, officer, emailing):
    """The person asked for a school's page, signed in with their password and was emailed a link to set up their
    app: after setting it up they reach that page, not their home page, whichever browser opened the link."""
    page = f"/schools/{world.school.urn}/?tab=results"
    assert client.get(page)["Location"] == f"{SIGN_IN}?next=/schools/{world.school.urn}/%3Ftab%3Dresults"
    set_up = password_sign_in(client, officer, next=page)["Location"]
    assert set_up == f"{SETUP}?next=%2Fschools%2F{world.school.urn}%2F%3Ftab%3Dresults"
    emailing(client.get, set_up)
    link = emailed_link(mail.outbox[0])
    assert link.endswith(f"?next=%2Fschools%2F{world.school.urn}%2F%3Ftab%3Dresults")
    elsewhere = Client()
    assert elsewhere.post(link)["Location"] == f"{SIGN_IN}?next=%2Fschools%2F{world.school.urn}%2F%3Ftab%3Dresults"
    assert password_sign_in(elsewhere, officer, next=page)["Location"] == set_up
    assert f'name="next" value="/schools/{world.school.urn}/?tab=results"' in elsewhere.get(set_up).content.decode()
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert elsewhere.post(SETUP, {"code": current_code(device), "next": page})["Location"] == page


def test_the_emailed_link_used_in_the_browser_that_signed_in_goes_on_to_the_page_asked_for(client, officer, emailing):
    password_sign_in(client, officer, next="/schools/")
    emailing(client.get, f"{SETUP}?next=/schools/")
    assert client.post(emailed_link(mail.outbox[0]))["Location"] == f"{SETUP}?next=%2Fschools%2F"


def test_a_link_sent_again_keeps_the_page_asked_for(client, officer, emailing, a_minute_later):
    password_sign_in(client, officer, next="/schools/")
    page = emailing(client.get, f"{SETUP}?next=/schools/").content.decode()
    assert '<input type="hidden" name="next" value="/schools/">' in page
    a_minute_later()
    response = emailing(client.post, SETUP, {"action": "send-again", "next": "/schools/"})
    assert response["Location"] == f"{SETUP}?next=%2Fschools%2F"
    assert emailed_link(mail.outbox[1]).endswith("?next=%2Fschools%2F")


def test_a_link_that_no_longer_works_sends_the_person_to_sign_in_for_the_page_asked_for(client, officer, emailing):
    """Used already (or too old), the link's page says to sign in for another: the sign-in keeps the page it held."""
    password_sign_in(client, officer, next="/schools/?q=Busbridge")
    emailing(client.get, f"{SETUP}?{urlencode({'next': '/schools/?q=Busbridge'})}")
    link = emailed_link(mail.outbox[0])
    Client().post(link)
    html = Client().get(link).content.decode()
    assert "This link does not work" in html
    assert '<a class="govuk-link" href="/accounts/sign-in/?next=/schools/%3Fq%3DBusbridge">Sign in</a>' in html
    elsewhere = f"{link.partition('?')[0]}?next=https://elsewhere.example/"
    assert 'href="/accounts/sign-in/">Sign in</a>' in Client().get(elsewhere).content.decode()


@pytest.mark.parametrize("elsewhere", ["https://elsewhere.example/", "//elsewhere.example/", "http://testserver.elsewhere.example/"])
def test_a_page_on_another_site_is_never_where_the_link_goes_on_to(client, officer, emailing, elsewhere):
    """Neither asked for at sign-in (which drops it) nor put into a link by hand: setting up ends on the home page."""
    password_sign_in(client, officer, next=elsewhere)
    emailing(client.get, f"{SETUP}?{urlencode({'next': elsewhere})}")
    link = emailed_link(mail.outbox[0])
    assert "next" not in link and "elsewhere" not in mail.outbox[0].body
    assert client.post(f"{link}?{urlencode({'next': elsewhere})}")["Location"] == SETUP
    before_signing_in = services.emailed_link("accounts:two-factor-link", authenticator_setup_tokens, officer, next_url=elsewhere)
    assert Client().post(before_signing_in.removeprefix("http://127.0.0.1:8000"))["Location"] == SIGN_IN
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert client.post(SETUP, {"code": current_code(device), "next": elsewhere})["Location"] == "/home/"


def accept_invitation(emailing, client, admin, email, role, target):
    emailing(services.invite_user, email=email, full_name="New Officer", role=role, target=target, invited_by=admin)
    set_password_url = client.get(emailed_link(mail.outbox[-1]))["Location"]
    client.post(set_password_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})


def reset_password(client, user, *, then=None):
    client.post("/accounts/password-reset/", {"email": user.email})
    set_password_url = client.get(emailed_link(mail.outbox[-1]))["Location"]
    client.post(set_password_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})


@pytest.mark.parametrize("came_by", ["invitation", "password reset"])
def test_a_session_that_came_by_an_emailed_invitation_or_reset_link_sets_up_the_app_at_once(client, world, came_by, emailing):
    if came_by == "invitation":
        accept_invitation(emailing, client, world.users[Role.LA_ADMIN], "new-officer@example.org", Role.LA_OFFICER, world.la)
        from accounts.models import User

        person = User.objects.get(email="new-officer@example.org")
    else:
        person = world.users[Role.LA_OFFICER]
        reset_password(client, person)
    sent = len(mail.outbox)
    assert password_sign_in(client, person)["Location"] == SETUP
    assert "secret-key" in client.get(SETUP).content.decode()
    assert len(mail.outbox) == sent


def test_a_reset_link_used_over_two_hours_before_no_longer_shows_the_mailbox(client, world, officer):
    reset_password(client, officer)
    session = client.session
    session[MAILBOX_SHOWN] = {"user": officer.pk, "at": session[MAILBOX_SHOWN]["at"] - 2 * 3600 - 1}
    session.save()
    password_sign_in(client, officer)
    assert "Check your email" in client.get(SETUP).content.decode()


def test_a_link_used_twice_at_the_same_moment_is_used_once(client, officer, emailing):
    """Two requests posting the link both found it good before either used it: the second, checking again once the
    first is done, finds it void, and sets nothing up nor records anything."""
    from django.test import RequestFactory

    password_sign_in(client, officer)
    emailing(client.get, SETUP)
    token = emailed_link(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]
    requests = [RequestFactory().post("/accounts/two-factor/link/"), RequestFactory().post("/accounts/two-factor/link/")]
    for request in requests:
        request.session, request.user = client.session, officer
        assert authenticator_setup_tokens.check_token(officer, token)
    used = [services.use_authenticator_setup_link(user=officer, token=token, request=request) for request in requests]
    assert used == [True, False]
    assert AuditEvent.objects.filter(detail__change="link to set up an authenticator app used").count() == 1
    assert TOTPDevice.objects.filter(user=officer).count() == 1


def test_a_link_that_no_longer_works_offers_someone_signed_in_another_not_signing_in(client, world):
    """The sign-in page sends someone signed in already to their home page: for them the way to another link is the page
    that emails one."""
    head = world.users[Role.HEADTEACHER]
    html = client.get("/accounts/two-factor/link/MQ/no-such-token/?next=/schools/").content.decode()
    assert 'href="/accounts/sign-in/?next=/schools/">Sign in</a>' in html  # not signed in: signing in sends one
    password_sign_in(client, head)
    html = client.get("/accounts/two-factor/link/MQ/no-such-token/?next=/schools/").content.decode()
    assert "This link does not work" in html and "/accounts/sign-in/" not in html.split("<main")[1]
    assert 'href="/accounts/two-factor/setup/?next=/schools/">Ask for another link</a> if you still need one.' in html


def test_the_email_says_the_person_asked_for_the_link_when_they_did_not_that_they_just_signed_in(client, world, officer, emailing):
    """A head who chose to set up an app from their account, hours after signing in, was told 'If you did not just sign
    in to Common Ground, someone else may know your password. Do not open the link.' The email sent as someone signs in
    keeps those words."""
    head = world.users[Role.HEADTEACHER]
    password_sign_in(client, head)
    emailing(client.post, SETUP, {"action": "send"})
    asked = mail.outbox[-1].body
    assert "You asked for a link to set up two-factor authentication for your Common Ground account" in asked
    assert "If you did not ask for it, someone else may know your password. Do not open the link." in asked
    assert "If it has expired, ask for another as you asked for this one." in asked
    assert "just sign in" not in asked and "You signed in" not in asked

    officer_client = Client()
    password_sign_in(officer_client, officer)
    emailing(officer_client.get, SETUP)  # sent as the officer, whose role needs an app, signs in
    sent = mail.outbox[-1].body
    assert mail.outbox[-1].to == [officer.email]
    assert "You signed in to Common Ground" in sent and "If you did not just sign in to Common Ground" in sent
    assert "If it has expired, sign in again and we will send you another." in sent
