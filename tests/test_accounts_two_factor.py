"""The second factor: who is asked, setting up an authenticator app, and entering its code."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from audit.models import AuditAction, AuditEvent

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


@pytest.fixture
def officer(world):
    return world.users[Role.LA_OFFICER]


def test_la_officer_is_sent_to_set_up_two_factor_after_password(client, officer):
    response = password_sign_in(client, officer)
    assert response["Location"] == SETUP
    assert client.get("/home/")["Location"].startswith(SETUP)


def test_setting_up_shows_a_qr_code_and_key_and_confirms_with_a_real_code(client, officer):
    password_sign_in(client, officer, next="/schools/")
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
    (accounts.views._may_manage_account): a trust leader of a trust with schools in several asks a site administrator."""
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


def test_headteacher_may_choose_two_factor_and_is_then_asked_for_it(client, world):
    head = world.users[Role.HEADTEACHER]
    password_sign_in(client, head)
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
