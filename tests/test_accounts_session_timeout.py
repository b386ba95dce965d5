"""The warning before a session ends: asking how long it has left (which does not renew it), staying signed in (which
does), and the dialog that signed-in pages carry for it. In the browser: tests/browser/test_timeout_warning.py."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings as settings_module
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from accounts.middleware import SIGNED_IN_COOKIE
from accounts.roles import Role
from accounts.sessions import SIGNED_IN_AT
from audit.models import AuditAction, AuditEvent
from core.jinja import gov_date

from .conftest import sign_in

STATUS = "/accounts/session/"
STAY = "/accounts/session/stay-signed-in/"


@pytest.fixture
def officer(world):
    return world.users[Role.LA_OFFICER]


def session_ending_in(client, seconds: int) -> Session:
    """The client's session, as if its last request had been long enough ago to leave it `seconds` more."""
    session = Session.objects.get(session_key=client.session.session_key)
    session.expire_date = timezone.now() + timedelta(seconds=seconds)
    session.save()
    return session


def expiry(session: Session):
    session.refresh_from_db()
    return session.expire_date


def never_cached(response) -> bool:
    return {"no-store", "private"} <= {part.strip() for part in response.headers["Cache-Control"].split(",")}


def test_asking_how_long_the_session_has_left_does_not_renew_it(client, officer):
    sign_in(client, officer)
    session = session_ending_in(client, 100)
    before = expiry(session)
    response = client.get(STATUS)
    assert response.status_code == 200
    assert 90 <= response.json()["seconds_left"] <= 100  # less the moments a busy machine takes between the two
    assert expiry(session) == before
    assert never_cached(response)


def test_staying_signed_in_renews_the_session_without_leaving_the_page(client, officer, settings):
    sign_in(client, officer)
    session = session_ending_in(client, 100)
    response = client.post(STAY)
    assert response.status_code == 204
    assert never_cached(response)
    assert expiry(session) >= timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 5)
    assert client.get(STATUS).json()["seconds_left"] > settings.SESSION_COOKIE_AGE - 5


def test_staying_signed_in_is_a_post_with_the_forms_csrf_token(world, officer):
    client = sign_in(Client(enforce_csrf_checks=True), officer)
    session = session_ending_in(client, 100)
    assert client.get(STAY).status_code == 405
    assert client.post(STAY).status_code == 403
    page = client.get("/home/").content.decode()
    token = re.search(
        r'stay-signed-in/" data-stay-signed-in data-renewable>\s*<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"', page
    )[1]
    session_ending_in(client, 100)
    assert client.post(STAY, {"csrfmiddlewaretoken": token}).status_code == 204
    assert expiry(session) > timezone.now() + timedelta(seconds=200)


def test_signed_out_neither_asks_nor_renews_but_is_sent_to_sign_in(client, db):
    for response in (client.get(STATUS), client.post(STAY)):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/sign-in/")
    assert not Session.objects.exists()


def test_an_ended_session_is_sent_to_sign_in_not_told_it_has_time(client, officer):
    sign_in(client, officer)
    session_ending_in(client, -1)
    response = client.get(STATUS)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


@pytest.mark.parametrize(("ended_by", "reason"), [("deactivating", "ended"), ("time", "timed_out")])
def test_asking_in_the_background_leaves_the_reason_for_the_page_asked_for_next(client, officer, ended_by, reason):
    """The warning, finding the session over, asks for its page again: the sign-in page that follows says why, whether
    an administrator deactivated the account meanwhile or the session ran out."""
    sign_in(client, officer)
    client.cookies[SIGNED_IN_COOKIE] = "1"  # set by the sign-in page
    if ended_by == "deactivating":
        officer.is_active = False
        officer.save()
    else:
        session_ending_in(client, -1)
    for response in (client.get(STATUS), client.post(STAY)):
        assert response.status_code == 302
        assert "signed_out" not in response["Location"]
    response = client.get("/home/")
    assert response["Location"] == f"/accounts/sign-in/?next=/home/&signed_out={reason}"


def test_signed_in_pages_carry_the_warning_with_the_sessions_length(client, officer, settings):
    settings.SESSION_COOKIE_AGE = 1200
    sign_in(client, officer)
    html = client.get("/home/").content.decode()
    assert '<dialog id="timeout-warning"' in html
    assert 'data-session-seconds="1200"' in html
    assert 'action="/accounts/session/stay-signed-in/"' in html
    assert 'action="/accounts/sign-out/"' in html


def test_pages_for_the_signed_out_and_for_giving_the_second_factor_carry_no_warning(client, officer):
    for url in ("/", "/accessibility/", "/accounts/sign-in/"):
        assert "timeout-warning" not in client.get(url).content.decode(), url
    client.force_login(officer)  # the second factor not yet given
    response = client.get("/accounts/two-factor/setup/")
    assert response.status_code == 200
    assert "timeout-warning" not in response.content.decode()


@pytest.mark.parametrize(
    ("current", "back_to"),
    [
        ("http://testserver/imports/7/?page=2", "/imports/7/%3Fpage%3D2"),
        ("https://elsewhere.example//elsewhere.example/", "/imports/7/progress/"),  # never to another site
    ],
)
def test_a_part_of_a_page_refreshing_itself_signed_out_sends_the_whole_page_to_sign_in(client, current, back_to):
    """An import's progress asks every two seconds: signed out, the page itself goes to sign in and comes back after,
    rather than the sign-in page taking the progress panel's place."""
    client.cookies[SIGNED_IN_COOKIE] = "1"  # the session has run out
    response = client.get("/imports/7/progress/", headers={"HX-Request": "true", "HX-Current-URL": current})
    assert response.status_code == 204 and "Location" not in response
    assert response["HX-Redirect"] == f"/accounts/sign-in/?next={back_to}&signed_out=timed_out"


def signed_in_ago(client, seconds: int) -> None:
    """The client's session, as if its person had signed in `seconds` ago (and been busy since)."""
    session = client.session
    session[SIGNED_IN_AT] = int(timezone.now().timestamp()) - seconds
    session.save()


def test_signing_in_records_when_the_session_began_in_the_session_on_the_server(client, world):
    head = world.users[Role.HEADTEACHER]
    before = int(timezone.now().timestamp())
    response = client.post("/accounts/sign-in/", {"email": head.email, "password": "correct horse battery staple"})
    assert response.status_code == 302
    assert before <= client.session[SIGNED_IN_AT] <= int(timezone.now().timestamp())
    # The cookie holds only the session's key, and the browser still forgets it when it closes.
    cookie = response.cookies[settings_module.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert str(client.session[SIGNED_IN_AT]) not in cookie.value


def test_a_busy_session_ends_at_its_absolute_limit_and_the_sign_in_page_says_why(client, officer, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 12 * 3600
    sign_in(client, officer)
    client.cookies[SIGNED_IN_COOKIE] = "1"  # set by the sign-in page
    signed_in_ago(client, 12 * 3600 - 60)
    assert client.get("/home/").status_code == 200
    signed_in_ago(client, 12 * 3600)
    response = client.get("/home/")
    assert response["Location"] == "/accounts/sign-in/?next=/home/&signed_out=at_limit"
    ended = AuditEvent.objects.get(action=AuditAction.SIGN_OUT, user=officer)
    assert ended.detail == {"reason": "signed in for the longest a session lasts"} and ended.path == "/home/"
    page = client.get(response["Location"]).content.decode()
    assert "you had been signed in for 12 hours, the longest you can stay signed in at a time. Sign in again" in page
    assert client.get("/home/")["Location"] == "/accounts/sign-in/?next=/home/"  # signed out for good


def test_a_public_page_after_the_absolute_limit_shows_the_person_signed_out(client, officer):
    sign_in(client, officer)
    signed_in_ago(client, 13 * 3600)
    assert client.get("/accessibility/").status_code == 200
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_OUT, user=officer).count() == 1


def test_staying_signed_in_does_not_take_a_session_past_its_absolute_limit(client, officer, settings):
    sign_in(client, officer)
    signed_in_ago(client, settings.SESSION_ABSOLUTE_SECONDS - 100)
    session_ending_in(client, 60)
    status = client.get(STATUS).json()
    assert 50 <= status["seconds_left"] <= 60 and 90 <= status["seconds_to_limit"] <= 100
    assert client.post(STAY).status_code == 204
    status = client.get(STATUS).json()
    assert 90 <= status["seconds_left"] <= 100 and status["seconds_left"] == status["seconds_to_limit"]
    signed_in_ago(client, settings.SESSION_ABSOLUTE_SECONDS)
    for response in (client.post(STAY), client.get(STATUS)):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")


def test_asking_in_the_background_at_the_absolute_limit_leaves_the_reason_for_the_page(client, officer, settings):
    sign_in(client, officer)
    client.cookies[SIGNED_IN_COOKIE] = "1"
    signed_in_ago(client, settings.SESSION_ABSOLUTE_SECONDS + 1)
    response = client.get(STATUS)
    assert response.status_code == 302 and "signed_out" not in response["Location"]
    assert client.get("/home/")["Location"] == "/accounts/sign-in/?next=/home/&signed_out=at_limit"


def test_a_session_from_before_sessions_recorded_their_start_begins_at_its_next_request(client, officer, settings):
    sign_in(client, officer)
    session = client.session
    del session[SIGNED_IN_AT]
    session.save()
    assert client.get("/home/").status_code == 200
    assert abs(client.session[SIGNED_IN_AT] - timezone.now().timestamp()) < 5


def test_signed_in_pages_tell_the_warning_how_long_the_session_has_to_its_absolute_limit(client, officer, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 8 * 3600
    sign_in(client, officer)
    signed_in_ago(client, 3 * 3600)
    html = client.get("/home/").content.decode()
    limit = int(re.search(r'data-limit-seconds="(\d+)"', html)[1])
    assert 5 * 3600 - 5 <= limit <= 5 * 3600
    # Shown minutes before the limit, when the person has not yet been signed in that long.
    assert "You can stay signed in for up to 8 hours at a time. To carry on after that, sign in again." in html
    assert "You have been signed in for" not in html


def test_signing_in_again_with_a_password_alone_neither_keeps_the_second_factor_nor_puts_off_the_limit(client, officer, settings):
    """A sign-in form left open in another tab, sent while signed in: the session begins afresh. Kept, it would still
    count the second factor given hours before, and a password alone would give it another SESSION_ABSOLUTE_SECONDS."""
    sign_in(client, officer)
    signed_in_ago(client, settings.SESSION_ABSOLUTE_SECONDS - 60)
    response = client.post("/accounts/sign-in/", {"email": officer.email, "password": "correct horse battery staple"})
    assert response["Location"].startswith("/accounts/two-factor/verify/")
    assert client.get("/home/")["Location"].startswith("/accounts/two-factor/verify/")


def test_a_sign_in_after_the_absolute_limit_leaves_no_reason_behind_for_a_later_sign_out(client, officer):
    """Signed out at the limit on a public page, which does not send them to sign in, the person signs in again: the
    new session does not keep the old one's reason, which would then be given for its own end, whatever that was."""
    sign_in(client, officer)
    client.cookies[SIGNED_IN_COOKIE] = "1"
    signed_in_ago(client, 13 * 3600)
    client.get("/accessibility/")
    client.post("/accounts/sign-in/", {"email": officer.email, "password": "correct horse battery staple"})
    officer.is_active = False
    officer.save()
    assert client.get("/home/")["Location"] == "/accounts/sign-in/?next=/home/&signed_out=ended"


def sign_outs(user):
    return AuditEvent.objects.filter(action=AuditAction.SIGN_OUT, user=user)


def test_a_session_unused_for_an_hour_is_recorded_as_a_sign_out_once_by_the_next_request(client, officer):
    """Its cookie comes back after the session ran out: the person's sign-out is recorded then, with why, as one at the
    absolute limit is; and the sign-in page says why."""
    sign_in(client, officer)
    client.cookies[SIGNED_IN_COOKIE] = "1"  # set by the sign-in page
    session = session_ending_in(client, -1)
    response = client.get("/home/")
    assert response["Location"] == "/accounts/sign-in/?next=/home/&signed_out=timed_out"
    ended = sign_outs(officer).get()
    assert ended.detail == {"reason": "an hour without use", "ended": gov_date(session.expire_date, with_time=True)}
    assert ended.path == "/home/" and ended.user_email == officer.email
    assert not Session.objects.filter(session_key=session.session_key).exists()
    page = client.get(response["Location"]).content.decode()
    assert "you have been signed out because you had not used Common Ground for an hour. Sign in again" in page
    client.cookies[settings_module.SESSION_COOKIE_NAME] = session.session_key  # the old cookie, sent again
    client.get("/home/")
    assert sign_outs(officer).count() == 1


def test_a_session_found_unused_on_a_public_page_is_recorded_there(client, officer, settings):
    settings.SESSION_COOKIE_AGE = 1800
    sign_in(client, officer)
    session_ending_in(client, -1)
    assert client.get("/accessibility/").status_code == 200
    assert sign_outs(officer).get().detail["reason"] == "30 minutes without use"


def test_a_session_unused_after_its_absolute_limit_had_passed_ended_at_the_limit(client, officer, settings):
    """Left unused across its 12-hour limit, the session had ended at the limit: that is the reason recorded and given,
    and the moment recorded as its end."""
    sign_in(client, officer)
    client.cookies[SIGNED_IN_COOKIE] = "1"
    signed_in_ago(client, settings.SESSION_ABSOLUTE_SECONDS + 60 * 60)  # the limit an hour ago
    limit = datetime.fromtimestamp(client.session[SIGNED_IN_AT] + settings.SESSION_ABSOLUTE_SECONDS, UTC)
    ended = gov_date(limit, with_time=True)
    session_ending_in(client, -1)  # its last request an hour ago: the limit came within the hour that followed
    assert client.get("/home/")["Location"] == "/accounts/sign-in/?next=/home/&signed_out=at_limit"
    assert sign_outs(officer).get().detail == {"reason": "signed in for the longest a session lasts", "ended": ended}


def test_clearing_expired_sessions_records_each_signed_in_ones_sign_out(client, world, officer):
    """`manage.py clearsessions` deletes the sessions that ran out before any request found them: each signed-in one's
    person is recorded as signed out, once; a session with no one signed in, or one still open, records nothing."""
    from django.core.management import call_command

    sign_in(client, officer)
    expired = session_ending_in(client, -5 * 60 * 60)  # ended five hours before clearsessions ran
    head = world.users[Role.HEADTEACHER]
    still_open = sign_in(Client(), head)
    anonymous = Client()
    anonymous.get("/accounts/sign-in/")
    session = anonymous.session
    session["anything"] = 1
    session.save()
    session_ending_in(anonymous, -1)
    # Sessions that had ended already, as their accounts were deactivated or their passwords changed meanwhile.
    for role, change in ((Role.ADVISER, "is_active"), (Role.LA_ADMIN, "password")):
        person = world.users[role]
        session_ending_in(sign_in(Client(), person), -1)
        setattr(person, change, False if change == "is_active" else "changed")
        person.save()
    call_command("clearsessions")
    ended = sign_outs(officer).get()
    assert ended.detail == {"reason": "an hour without use", "ended": gov_date(expired.expire_date, with_time=True)}
    assert ended.path == "" and ended.who == officer.email
    assert not sign_outs(head).exists() and AuditEvent.objects.filter(action=AuditAction.SIGN_OUT).count() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [still_open.session.session_key]
    client.cookies[settings_module.SESSION_COOKIE_NAME] = expired.session_key
    client.get("/home/")
    call_command("clearsessions")
    assert sign_outs(officer).count() == 1


def test_two_requests_at_the_absolute_limit_at_the_same_moment_record_one_sign_out(client, officer, settings):
    """Both loaded the session, past its limit, before either ended it: the one that deletes it records the sign-out;
    the other signs out too, recording nothing more."""
    from django.test import RequestFactory

    from accounts.session_store import SessionStore
    from accounts.sessions import end_at_absolute_limit

    sign_in(client, officer)
    signed_in_ago(client, settings.SESSION_ABSOLUTE_SECONDS + 1)
    requests = []
    for _ in range(2):
        request = RequestFactory().get("/home/")
        request.session, request.user = SessionStore(client.session.session_key), officer
        assert request.session[SIGNED_IN_AT]  # loaded
        requests.append(request)
    assert [end_at_absolute_limit(request) for request in requests] == [True, True]
    assert [request.user.is_authenticated for request in requests] == [False, False]
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_OUT, user=officer).count() == 1


@pytest.mark.parametrize("cookie", ['"\\000"', '"abcdefghij\\000klmnopqrstu"', "x", "Not-A-Session-Key-Of-Ours", "a" * 41])
def test_a_cookie_that_could_not_be_a_sessions_is_not_looked_up(client, db, cookie):
    """Not a key Django makes (a NUL character in it, which PostgreSQL refuses in a query): the page works, as one with
    no cookie does, and nothing is asked of the database for it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/accessibility/", HTTP_COOKIE=f"{settings_module.SESSION_COOKIE_NAME}={cookie}")
    assert response.status_code == 200 and not queries.captured_queries


@pytest.mark.parametrize(
    ("idle", "words"),
    [
        (90, "a minute and 30 seconds"),
        (150, "2 minutes and 30 seconds"),
        (3630, "an hour and 30 seconds"),
        (5430, "90 minutes and 30 seconds"),
        (60 * 60, "an hour"),
        (90 * 60, "90 minutes"),
        (45, "45 seconds"),
    ],
)
def test_a_session_setting_that_is_not_whole_minutes_is_worded_as_it_is(client, officer, settings, idle, words):
    """A session unused for 90 seconds was said to have gone unused for 2 minutes (and one of 150 seconds, rounded half
    to even, for 2 minutes too), and one of an hour and 30 seconds, for an hour: the sign-in page, the warning's words
    on the longest a session lasts and the audit log's reason say how long it is, to the second."""
    settings.SESSION_COOKIE_AGE = idle
    settings.SESSION_ABSOLUTE_SECONDS = idle + 60 * 60 * 12
    sign_in(client, officer)
    client.cookies[SIGNED_IN_COOKIE] = "1"
    session_ending_in(client, -1)
    response = client.get("/home/")
    assert sign_outs(officer).get().detail["reason"] == f"{words} without use"
    page = client.get(response["Location"]).content.decode()
    assert f"you had not used Common Ground for {words}. Sign in again" in page
    settings.SESSION_ABSOLUTE_SECONDS = idle
    html = sign_in(client, officer).get("/home/").content.decode()
    assert f"You can stay signed in for up to {words} at a time." in html
