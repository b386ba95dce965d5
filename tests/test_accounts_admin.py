"""The Django admin: superusers only, and only after their second factor."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from accounts.roles import Role

from .conftest import sign_in
from .factories import UserFactory


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@example.org", is_superuser=True, is_staff=True)


def test_admin_lets_a_verified_superuser_in(client, superuser):
    sign_in(client, superuser)
    assert client.get("/django-admin/").status_code == 200
    assert client.get("/django-admin/accounts/user/").status_code == 200


@pytest.mark.parametrize("role", [Role.LA_ADMIN, Role.HEADTEACHER])
def test_admin_refuses_a_signed_in_user_who_is_not_a_superuser(client, world, role):
    user = world.users[role]
    user.is_staff = True  # even staff status is not enough
    user.save()
    sign_in(client, user)
    response = client.get("/django-admin/", follow=True)
    assert response.status_code == 403
    assert client.get("/django-admin/accounts/user/", follow=True).status_code == 403


def test_admin_sends_a_signed_out_visitor_to_our_sign_in(client, db):
    response = client.get("/django-admin/")
    assert response["Location"].startswith("/accounts/sign-in/")


def test_superuser_must_give_a_second_factor_first(client, superuser):
    client.force_login(superuser)
    assert client.get("/django-admin/")["Location"].startswith("/accounts/two-factor/setup/")
    request = RequestFactory().get("/django-admin/")
    request.user = superuser
    superuser.is_verified = lambda: False
    assert not admin.site.has_permission(request)


def test_superuser_without_second_factor_is_let_in_when_two_factor_is_off(superuser, settings):
    settings.REQUIRE_TWO_FACTOR = False
    request = RequestFactory().get("/django-admin/")
    request.user = superuser
    superuser.is_verified = lambda: False
    assert admin.site.has_permission(request)
