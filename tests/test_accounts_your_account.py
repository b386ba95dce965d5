"""The signed-in person's own account: their name, email address, roles, two-factor authentication and password."""

import re

import pytest
from django.urls import reverse

from accounts.roles import Role

from .conftest import sign_in
from .evidence_helpers import text
from .factories import UserFactory

ACCOUNT = reverse("accounts:your-account")
SET_UP = reverse("accounts:two-factor-setup") + "?next=%2Faccounts%2Fme%2F"


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_their_own_name_email_and_roles_only(client, world, role):
    page = text(sign_in(client, world.users[role]).get(ACCOUNT))
    assert f"Name {role.label} Email address {role.value}@example.org Roles {role.label} –" in page
    for other in set(Role) - {role}:
        assert f"{other.value}@example.org" not in page
        assert f"{other.label} –" not in page


def test_an_adviser_with_a_caseload_sees_the_role_and_its_schools_as_the_home_page_words_them(client, caseload):
    adviser, schools = caseload
    page = text(sign_in(client, adviser).get(ACCOUNT))
    assert (
        "Roles Link adviser at 4 schools Ash Grange Primary School Kingswood Primary School Ottershaw Primary School"
        " Wey Primary School Chair or member of governors – Ottershaw Primary School"
    ) in page


def test_someone_with_no_role_is_told_whom_to_ask(client, db):
    client.force_login(UserFactory(full_name="Sam Lee"))
    assert "Roles None. Ask your local authority's administrator to give you one." in text(client.get(ACCOUNT))


def test_two_factor_off_for_a_headteacher_links_to_setting_up_an_app(client, world):
    client.force_login(world.users[Role.HEADTEACHER])
    response = client.get(ACCOUNT)
    page = text(response)
    assert "Two-factor authentication Off Your roles do not need it, but it keeps your account safer. Set up an authenticator app" in page
    assert f'href="{SET_UP}">Set up an authenticator app</a>' in response.content.decode().replace("&amp;", "&")


def test_two_factor_on_says_an_app_asks_for_a_code_and_offers_no_set_up(client, world):
    response = sign_in(client, world.users[Role.GOVERNOR]).get(ACCOUNT)
    page = text(response)
    assert "Two-factor authentication On: an authenticator app asks for a code each time you sign in Your roles do not need it" in page
    assert "Set up an authenticator app" not in page


def test_two_factor_says_when_the_roles_need_it(client, world):
    page = text(sign_in(client, world.users[Role.LA_OFFICER]).get(ACCOUNT))
    assert "On: an authenticator app asks for a code each time you sign in Your roles need it." in page


def test_where_two_factor_is_switched_off_a_role_that_needs_it_is_not_told_it_does_not(client, world, settings):
    """The demonstration switches it off: a trust leader was told their roles do not need it, which the demo's own notice
    ('it is required by default') contradicts."""
    settings.REQUIRE_TWO_FACTOR = False
    client.force_login(world.users[Role.TRUST_LEADER])
    page = text(client.get(ACCOUNT))
    assert "Off It is switched off on this site, though your roles need it where it is on. It keeps your account safer." in page
    assert "Your roles do not need it" not in page
    client.force_login(world.users[Role.HEADTEACHER])
    assert "Off Your roles do not need it, but it keeps your account safer." in text(client.get(ACCOUNT))


def test_a_site_administrator_is_told_their_account_needs_it(client, db):
    admin = UserFactory(is_superuser=True, is_staff=True)
    page = text(sign_in(client, admin).get(ACCOUNT))
    assert "Roles None. Two-factor authentication On" in page and "Site administrators need it." in page


def test_change_your_password_leads_to_the_form_that_changes_it(client, world):
    client.force_login(world.users[Role.SCHOOL_STAFF])
    html = client.get(ACCOUNT).content.decode()
    assert f'href="{reverse("accounts:change-password")}">Change your password</a>' in html


def test_the_reset_page_reached_signed_in_has_their_email_address(client, world):
    user = world.users[Role.SCHOOL_STAFF]
    client.force_login(user)
    assert email_given(client.get(reverse("accounts:password-reset"))) == user.email


def test_the_reset_page_is_empty_for_someone_signed_out(client, db):
    assert email_given(client.get(reverse("accounts:password-reset"))) == ""


def email_given(response) -> str:
    """What the password reset page's email address field holds."""
    return re.search(r'id="email" name="email"[^>]* value="([^"]*)"', response.content.decode())[1]


def test_the_service_navigation_has_your_account_before_sign_out(client, world):
    html = sign_in(client, world.users[Role.HEADTEACHER]).get(ACCOUNT).content.decode()
    items = re.findall(r'<li class="govuk-service-navigation__item([^"]*)">\s*<a[^>]*>\s*(?:<strong[^>]*>)?([^<]+)', html)
    assert [(text.strip(), "active" in classes) for classes, text in items][-2:] == [("Your account", True), ("Sign out", False)]
