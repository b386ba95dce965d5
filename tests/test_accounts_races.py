"""Two requests at the same moment that would each record the same end or use: on PostgreSQL, where they run at once,
each is recorded once. (SQLite runs one write at a time; tests/test_accounts_two_factor.py and
tests/test_accounts_session_timeout.py take the same two requests one after the other.)"""

import re
import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts import services, sessions
from accounts.roles import Role
from accounts.sessions import SIGNED_IN_AT
from audit.models import AuditAction, AuditEvent

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one write at a time: two requests cannot race")


def at_once(monkeypatch, module, name, *, when=lambda result: True):
    """Make `module.name` wait, once it has run, for a second caller to reach the same point: the two requests then go
    on from there together. `when`: whether a call's result is one to wait at."""
    real, together = getattr(module, name), threading.Barrier(2)

    def waiting(*args, **kwargs):
        result = real(*args, **kwargs)
        if when(result):
            together.wait(timeout=20)
        return result

    monkeypatch.setattr(module, name, waiting)


def both(*calls):
    """Run the calls in two threads at once, each with its own connection; their results."""
    results = [None, None]

    def run(index, call):
        try:
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_a_set_up_link_posted_twice_at_the_same_moment_is_used_once(world, monkeypatch):
    officer = world.users[Role.LA_OFFICER]
    client = Client()
    client.post("/accounts/sign-in/", {"email": officer.email, "password": "correct horse battery staple"})
    client.get("/accounts/two-factor/setup/")
    link = re.search(r"https?://[^/\s]+(/accounts/two-factor/link/\S+)", mail.outbox[-1].body)[1]
    # Both requests have found the link good before either uses it.
    real = services.use_authenticator_setup_link
    together = threading.Barrier(2)

    def waiting(**kwargs):
        together.wait(timeout=20)
        return real(**kwargs)

    monkeypatch.setattr(services, "use_authenticator_setup_link", waiting)
    responses = both(lambda: Client().post(link), lambda: Client().post(link))
    assert sorted(response.status_code for response in responses) == [200, 302]
    assert AuditEvent.objects.filter(detail__change="link to set up an authenticator app used").count() == 1


def test_two_requests_at_the_absolute_limit_at_the_same_moment_record_one_sign_out(world, monkeypatch, settings):
    officer = world.users[Role.LA_OFFICER]
    client = sign_in(Client(), officer)
    session = client.session
    session[SIGNED_IN_AT] = int(timezone.now().timestamp()) - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    # Both requests have found the session past its limit before either ends it.
    at_once(monkeypatch, sessions, "seconds_to_absolute_limit", when=lambda seconds: seconds == 0)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value

    def request():
        other = Client()
        other.cookies[settings.SESSION_COOKIE_NAME] = key
        return other.get("/home/")

    responses = both(request, request)
    assert [response.status_code for response in responses] == [302, 302]
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_OUT, user=officer).count() == 1
