"""Signing in and out: email and password, safe `next`, failures, lockout and expired sessions."""

import pytest

from accounts.middleware import SIGNED_IN_COOKIE
from accounts.roles import Role
from audit.models import AuditAction, AuditEvent

PASSWORD = "correct horse battery staple"
SIGN_IN = "/accounts/sign-in/"


@pytest.fixture
def head(world):
    return world.users[Role.HEADTEACHER]


def test_sign_in_page_asks_for_email_and_password(client, db):
    response = client.get(SIGN_IN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Sign in – Common Ground</title>" in html
    assert 'name="email"' in html and 'name="password"' in html


def test_correct_password_signs_in_and_lands_on_home(client, head):
    response = client.post(SIGN_IN, {"email": head.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/home/"
    assert client.session["_auth_user_id"] == str(head.pk)
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN, user=head).exists()


def test_email_is_matched_whatever_its_case(client, head):
    response = client.post(SIGN_IN, {"email": head.email.upper(), "password": PASSWORD})
    assert response.status_code == 302


def test_sign_in_honours_a_safe_next(client, head):
    response = client.post(SIGN_IN, {"email": head.email, "password": PASSWORD, "next": "/schools/?q=ash"})
    assert response["Location"] == "/schools/?q=ash"


def test_sign_in_ignores_a_next_on_another_site(client, head):
    response = client.post(SIGN_IN, {"email": head.email, "password": PASSWORD, "next": "https://evil.example.com/"})
    assert response["Location"] == "/home/"


def test_signed_out_visitor_is_sent_to_sign_in_with_next(client, db):
    response = client.get("/accounts/users/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/?next=/accounts/users/"


def test_wrong_password_shows_an_error_summary_and_keeps_the_email(client, head):
    response = client.post(SIGN_IN, {"email": head.email, "password": "wrong password"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: Sign in – Common Ground</title>" in html
    assert "govuk-error-summary" in html
    assert 'href="#email"' in html
    assert f'value="{head.email}"' in html
    assert "wrong password" not in html
    assert "_auth_user_id" not in client.session
    failed = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert failed.user_email == head.email and failed.user is None


def test_missing_fields_are_each_named(client, db):
    response = client.post(SIGN_IN, {"email": "", "password": ""})
    html = response.content.decode()
    assert "Enter your email address" in html
    assert "Enter your password" in html
    assert not AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).exists()


@pytest.mark.parametrize("hours, words", [(1, "an hour"), (2, "2 hours"), (0.001, "a minute")])
def test_the_lockout_page_says_how_long_to_wait_as_people_say_it(client, head, settings, hours, words):
    settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME = 1, hours
    response = client.post(SIGN_IN, {"email": head.email, "password": "wrong"})
    assert response.status_code == 429 and f"You can try again in {words}." in response.content.decode()


def test_account_is_locked_after_the_failure_limit(client, head, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert client.post(SIGN_IN, {"email": head.email, "password": "wrong"}).status_code == 200
    response = client.post(SIGN_IN, {"email": head.email, "password": "wrong"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Your account is locked" in html
    assert "You can try again in 30 minutes." in html
    # Even the right password is refused while locked.
    response = client.post(SIGN_IN, {"email": head.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT, user_email=head.email).exists()


def test_lockout_of_one_account_does_not_lock_another(client, world, settings):
    settings.AXES_FAILURE_LIMIT = 2
    head = world.users[Role.HEADTEACHER]
    for _ in range(2):
        client.post(SIGN_IN, {"email": head.email, "password": "wrong"})
    governor = world.users[Role.GOVERNOR]
    response = client.post(SIGN_IN, {"email": governor.email, "password": PASSWORD})
    assert response.status_code == 302


def test_sign_out_asks_first_then_signs_out(client, head):
    from .conftest import sign_in

    sign_in(client, head)
    response = client.get("/accounts/sign-out/")
    assert response.status_code == 200
    assert "_auth_user_id" in client.session
    response = client.post("/accounts/sign-out/", follow=True)
    assert "_auth_user_id" not in client.session
    assert "You have been signed out" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_OUT, user=head).exists()


def test_signing_out_in_two_tabs_at_the_same_moment_records_one_sign_out(client, head):
    """Both requests loaded the session before either signed out: the one that deletes it records the sign-out; the
    other signs out too, recording nothing more. So too a sign-out as the session is found ended unused elsewhere."""
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.test import RequestFactory

    from accounts.session_store import SessionStore
    from accounts.views import sign_out

    from .conftest import sign_in

    sign_in(client, head)
    requests = []
    for _ in range(2):
        request = RequestFactory().post("/accounts/sign-out/")
        request.session, request.user = SessionStore(client.session.session_key), head
        assert request.session["_auth_user_id"]  # loaded
        request._messages = FallbackStorage(request)
        requests.append(request)
    assert [sign_out(request).status_code for request in requests] == [302, 302]
    assert [request.user.is_authenticated for request in requests] == [False, False]
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_OUT, user=head).count() == 1


def test_signing_in_over_a_session_records_its_end(client, world, head):
    """A sign-in form left open, used by the same person or another at a shared computer: the session it replaces is
    recorded as ended, for whoever was signed in to it, and the new one as begun."""
    from .conftest import sign_in

    governor = world.users[Role.GOVERNOR]
    sign_in(client, head)
    client.post(SIGN_IN, {"email": governor.email, "password": PASSWORD})
    ended = AuditEvent.objects.get(action=AuditAction.SIGN_OUT)
    assert ended.user == head and ended.detail == {"reason": "signed in again in the same browser"}
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN, user=governor).exists()
    assert client.session["_auth_user_id"] == str(governor.pk)


def test_expired_session_says_you_were_signed_out(client, db):
    client.cookies[SIGNED_IN_COOKIE] = "1"
    response = client.get("/home/")
    assert response.status_code == 302
    assert "signed_out=timed_out" in response["Location"]
    response = client.get(response["Location"])
    assert "For your security, you have been signed out because you had not used Common Ground for an hour" in response.content.decode()


def test_behind_a_proxy_the_client_address_comes_from_the_entry_the_proxy_added(client, head, settings):
    """With one proxy of our own, the last X-Forwarded-For entry is the client's; what the client sent before it is not
    believed. The lockout is per account and address, so failures from one client do not lock the account elsewhere."""
    settings.PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 2
    spoofing = {"HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.9", "REMOTE_ADDR": "127.0.0.1"}
    for _ in range(2):
        client.post(SIGN_IN, {"email": head.email, "password": "wrong"}, **spoofing)
    locked = AuditEvent.objects.get(action=AuditAction.LOCKED_OUT, user_email=head.email)
    assert locked.ip_address == "203.0.113.9"
    other_client = {"HTTP_X_FORWARDED_FOR": "192.0.2.44", "REMOTE_ADDR": "127.0.0.1"}
    response = client.post(SIGN_IN, {"email": head.email, "password": PASSWORD}, **other_client)
    assert response.status_code == 302
    assert AuditEvent.objects.get(action=AuditAction.SIGN_IN, user_email=head.email).ip_address == "192.0.2.44"


def test_without_a_proxy_a_forwarded_address_is_not_believed(client, head, settings):
    settings.PROXY_COUNT = 0
    client.post(SIGN_IN, {"email": head.email, "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="192.0.2.1")
    assert AuditEvent.objects.get(action=AuditAction.SIGN_IN, user_email=head.email).ip_address == "192.0.2.1"


@pytest.mark.parametrize(
    ("forwarded", "client"),
    [("203.0.113.9:51234", "203.0.113.9"), ("[2001:db8::1]:443", "2001:db8::1"), ("2001:db8::1", "2001:db8::1"), ("junk", "127.0.0.1")],
)
def test_a_forwarded_address_is_read_with_or_without_its_port(rf, settings, forwarded, client):
    from audit.services import client_ip

    settings.PROXY_COUNT = 1
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="127.0.0.1")) == client


def test_the_authoritys_administrators_see_failed_sign_ins_and_lock_outs_of_its_people(client, world, head, settings):
    """Failed sign-ins and lock-outs were recorded about no one, so they lay in no authority: an LA administrator's log
    never showed them. Those as someone with an account lie where the account does; those as an unknown address
    still lie nowhere (only a service administrator reads them)."""
    from django.test import Client

    from .conftest import sign_in
    from .test_audit_list import entry_words

    settings.AXES_FAILURE_LIMIT = 2
    client.post(SIGN_IN, {"email": head.email.upper(), "password": "wrong"})
    client.post(SIGN_IN, {"email": head.email, "password": "wrong"})
    Client().post(SIGN_IN, {"email": "nobody@example.org", "password": "wrong"})
    admin = sign_in(Client(), world.users[Role.LA_ADMIN])
    for action, count in ((AuditAction.SIGN_IN_FAILED, 2), (AuditAction.LOCKED_OUT, 1)):
        entries = entry_words(admin.get("/audit/", {"action": action}).content.decode(), action)
        assert len([entry for entry in entries if head.full_name in entry]) == count, entries
        assert not [entry for entry in entries if "nobody@example.org" in entry]


def test_an_account_with_every_role_revoked_lies_where_its_last_roles_were(world):
    """Its deactivation, after its roles were revoked, lay in no authority, so the administrator who did both could not
    see it in the log."""
    from accounts.apps import where_an_account_lies
    from accounts.services import revoke_role

    head = world.users[Role.HEADTEACHER]
    assert where_an_account_lies(head.pk) == {world.la.pk}
    for assignment in head.roles.current():
        revoke_role(assignment=assignment, revoked_by=world.users[Role.LA_ADMIN])
    assert where_an_account_lies(head.pk) == {world.la.pk}


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_sign_out_page_sends_someone_signed_out_already_to_the_start_page_not_to_sign_in(client, head, method):
    """Back to the sign-out page after signing out: sent to sign in, the person was brought back to it after signing in
    again, and asked whether to sign out."""
    from .conftest import sign_in

    sign_in(client, head)
    client.post("/accounts/sign-out/")
    response = getattr(client, method)("/accounts/sign-out/")
    assert (response.status_code, response["Location"]) == (302, "/")
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_OUT, user=head).count() == 1


def test_the_sign_out_page_is_kept_in_no_cache_though_anyone_may_ask_for_it(client, head):
    """It names the person signed in: no browser keeps it to show after they have gone, as no signed-in page is kept."""
    from .conftest import sign_in

    sign_in(client, head)
    response = client.get("/accounts/sign-out/")
    assert head.email in response.content.decode() and "no-store" in response["Cache-Control"]


DEMO_EMAIL = "governor@demo.commonground.example"


@pytest.mark.parametrize("demo", [True, False])
def test_a_demonstration_account_signs_in_only_where_the_service_runs_as_a_demonstration(client, world, settings, demo):
    """load_demo prints the one password of its accounts: a database that served a demonstration, served later without
    DEMO, does not let that password in."""
    from .factories import UserFactory, grant

    settings.DEMO_NOTICE = demo
    governor = UserFactory(email=DEMO_EMAIL)
    grant(governor, Role.GOVERNOR, world.school)
    response = client.post(SIGN_IN, {"email": DEMO_EMAIL, "password": PASSWORD})
    if demo:
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(governor.pk)
        return
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "signs in only where the service runs as one" in response.content.decode()
    failed = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED, object_id=str(governor.pk))
    assert failed.detail["stage"] == "demo account"


def test_a_demonstration_accounts_session_ends_where_the_service_no_longer_runs_as_a_demonstration(client, world, settings):
    """A session begun while the service was a demonstration opens no more, once it is not, than the printed password."""
    from .conftest import sign_in
    from .factories import UserFactory, grant

    settings.DEMO_NOTICE = True
    governor = UserFactory(email=DEMO_EMAIL)
    grant(governor, Role.GOVERNOR, world.school)
    sign_in(client, governor)
    client.cookies[SIGNED_IN_COOKIE] = "1"
    people = f"/schools/{world.school.urn}/people/"
    assert client.get(people).status_code == 200
    settings.DEMO_NOTICE = False
    response = client.get(people)
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN) and "signed_out=ended" in response["Location"]
    assert "_auth_user_id" not in client.session
    ended = AuditEvent.objects.get(action=AuditAction.SIGN_OUT, user=governor)
    assert ended.detail["reason"] == "a demonstration's account, where the service is not one"
    assert "your account can no longer be used" in client.get(response["Location"]).content.decode()
