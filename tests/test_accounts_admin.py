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


def test_changes_made_in_the_admin_are_audited_with_who_made_them(client, world, superuser):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from audit.models import AuditAction, AuditEvent

    sign_in(client, superuser)
    person = world.users[Role.HEADTEACHER]
    response = client.post(
        f"/django-admin/accounts/user/{person.pk}/change/",
        {"email": person.email, "full_name": "Renamed Person", "is_active": "on", "roles-TOTAL_FORMS": "0", "roles-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    change = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="accounts.user", object_id=str(person.pk))
    assert change.user == superuser
    assert change.detail == {"via": "Django admin", "change": [{"changed": {"fields": ["Full name"]}}]}
    assert change.path == f"/django-admin/accounts/user/{person.pk}/change/"

    # A library's admin too: taking away someone's second factor (a bulk action) is recorded device by device.
    devices = [TOTPDevice.objects.create(user=person, name=name, confirmed=True) for name in ("Phone", "Tablet")]
    response = client.post(
        "/django-admin/otp_totp/totpdevice/",
        {"action": "delete_selected", "_selected_action": [d.pk for d in devices], "post": "yes"},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=person).exists()
    deleted = AuditEvent.objects.filter(action=AuditAction.DELETE, object_type="otp_totp.totpdevice")
    assert sorted(int(e.object_id) for e in deleted) == sorted(d.pk for d in devices)
    assert {e.user for e in deleted} == {superuser}


def test_the_job_queues_dashboard_is_not_in_the_admin(client, world, superuser):
    """django-rq's dashboard would show the queues' statistics to any staff member, and its pages break the CSP."""
    staff = world.users[Role.LA_ADMIN]
    staff.is_staff = True
    staff.save()
    for person, status in ((staff, 403), (superuser, 404)):
        sign_in(client, person)
        for path in ("/django-admin/django_rq/dashboard/", "/django-admin/django_rq/dashboard/stats.json/"):
            assert client.get(path, follow=True).status_code == status, (person, path)


@pytest.mark.parametrize(
    ("path", "caption"),
    [
        ("/django-admin/accounts/user/", "Users"),
        ("/django-admin/accounts/roleassignment/", "Role assignments"),
        ("/django-admin/accounts/invitation/", "Invitations"),
    ],
)
def test_each_admin_list_names_its_table_with_a_caption(client, world, superuser, path, caption):
    """WCAG 1.3.1: Django's table of results had no caption, so a screen reader's list of tables named it by nothing."""
    from accounts.models import Invitation

    Invitation.objects.create(user=world.users[Role.GOVERNOR], invited_by=superuser)
    sign_in(client, superuser)
    html = client.get(path).content.decode()
    assert f'<table id="result_list"><caption class="visually-hidden">{caption}</caption>' in html


def test_what_the_admin_shows_of_people_is_audited_as_a_read(client, world, superuser):
    """The service's own pages record each read of a person's account; the admin shows the same, and more."""
    from audit.models import AuditAction, AuditEvent

    sign_in(client, superuser)
    person = world.users[Role.HEADTEACHER]
    assert client.get("/django-admin/accounts/user/").status_code == 200
    assert client.get(f"/django-admin/accounts/user/{person.pk}/change/").status_code == 200
    reads = AuditEvent.objects.filter(action=AuditAction.VIEW, user=superuser, object_type="accounts.user", detail__via="Django admin")
    assert {(event.object_id, event.path) for event in reads} == {
        ("", "/django-admin/accounts/user/"),
        (str(person.pk), f"/django-admin/accounts/user/{person.pk}/change/"),
    }
    assert client.get("/django-admin/accounts/user/0/change/").status_code == 302  # none such: no read recorded
    assert reads.count() == 2


def test_a_records_history_and_its_deletion_page_are_audited_as_reads_of_it(client, world, superuser):
    """Both pages show the record, as its own page does: its history what was changed in it and by whom, the page
    before a deletion the record and all that would go with it."""
    from accounts.models import Invitation
    from audit.models import AuditAction, AuditEvent

    person = world.users[Role.HEADTEACHER]
    invitation = Invitation.objects.create(user=person, invited_by=superuser)
    sign_in(client, superuser)
    history = f"/django-admin/accounts/invitation/{invitation.pk}/history/"
    delete = f"/django-admin/accounts/invitation/{invitation.pk}/delete/"
    assert client.get(history).status_code == 200
    assert client.get(delete).status_code == 200
    reads = AuditEvent.objects.filter(action=AuditAction.VIEW, user=superuser, detail__via="Django admin")
    assert {(event.object_type, event.object_id, event.path) for event in reads} == {
        ("accounts.invitation", str(invitation.pk), history),
        ("accounts.invitation", str(invitation.pk), delete),
    }
    for path in ("/django-admin/accounts/invitation/0/history/", "/django-admin/accounts/invitation/0/delete/"):
        assert client.get(path).status_code == 302  # none such: no read recorded
    assert reads.count() == 2


def test_the_page_before_deleting_chosen_records_is_audited_as_a_read_of_each(client, world, superuser):
    """'Delete selected' lists the chosen records for confirmation before it deletes them."""
    from accounts.models import Invitation
    from audit.models import AuditAction, AuditEvent

    invitations = [Invitation.objects.create(user=world.users[role], invited_by=superuser) for role in (Role.HEADTEACHER, Role.GOVERNOR)]
    Invitation.objects.create(user=world.users[Role.LA_OFFICER], invited_by=superuser)  # not chosen
    sign_in(client, superuser)
    response = client.post(
        "/django-admin/accounts/invitation/", {"action": "delete_selected", "_selected_action": [i.pk for i in invitations]}
    )
    assert response.status_code == 200
    assert Invitation.objects.count() == 3  # not yet deleted
    reads = AuditEvent.objects.filter(action=AuditAction.VIEW, user=superuser, detail__via="Django admin")
    assert sorted((event.object_type, event.object_id, event.path) for event in reads) == sorted(
        ("accounts.invitation", str(i.pk), "/django-admin/accounts/invitation/") for i in invitations
    )


def test_a_password_changed_in_the_admin_is_audited_without_the_password(client, superuser):
    from audit.models import AuditAction, AuditEvent

    sign_in(client, superuser)
    path = "/django-admin/password_change/"
    refused = {"old_password": "not the password", "new_password1": "a new long passphrase", "new_password2": "a new long passphrase"}
    assert client.post(path, refused).status_code == 200
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE).exists()

    changed = refused | {"old_password": "correct horse battery staple"}
    assert client.post(path, changed)["Location"] == "/django-admin/password_change/done/"
    superuser.refresh_from_db()
    assert superuser.check_password("a new long passphrase")
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert (event.user, event.object_type, event.object_id, event.path) == (superuser, "accounts.user", str(superuser.pk), path)
    assert event.detail == {"via": "Django admin", "change": "password changed"}


def test_the_admin_neither_shows_a_second_factors_secret_nor_adds_one_for_someone(client, world, superuser):
    """Whoever has a device's key (shown as itself, or in its QR code) can make its owner's codes; and a device added
    here would be a second factor its owner never set up."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=world.users[Role.HEADTEACHER], name="Phone", confirmed=True)
    sign_in(client, superuser)
    listed = client.get("/django-admin/otp_totp/totpdevice/").content.decode()
    shown = client.get(f"/django-admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert "Phone" in listed and "Phone" in shown
    for html in (listed, shown):
        assert device.key not in html
        assert "qrcode" not in html.lower()
    for view in ("config", "qrcode"):
        assert client.get(f"/django-admin/otp_totp/totpdevice/{device.pk}/{view}/").status_code == 403
    assert 'href="/django-admin/otp_totp/totpdevice/add/"' not in listed
    assert client.get("/django-admin/otp_totp/totpdevice/add/").status_code == 403
    response = client.post(
        "/django-admin/otp_totp/totpdevice/add/",
        {"user": world.users[Role.GOVERNOR].pk, "name": "Chosen for them", "confirmed": "on", "key": "3132333435363738393031323334353637383930",
         "step": 30, "t0": 0, "digits": 6, "tolerance": 1, "drift": 0, "throttling_failure_count": 0},
    )  # fmt: skip
    assert response.status_code == 403
    assert not TOTPDevice.objects.filter(user=world.users[Role.GOVERNOR]).exists()


def test_the_admin_neither_moves_a_second_factor_to_someone_else_nor_confirms_it_for_them(client, world, superuser):
    """A device moved to another person, or confirmed for its owner, would be a second factor they never set up."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=world.users[Role.HEADTEACHER], name="Phone", confirmed=False)
    sign_in(client, superuser)
    page = f"/django-admin/otp_totp/totpdevice/{device.pk}/change/"
    assert 'name="name"' in client.get(page).content.decode()
    for field in ("user", "confirmed"):
        assert f'name="{field}"' not in client.get(page).content.decode()
    client.post(page, {"user": world.users[Role.GOVERNOR].pk, "name": "Renamed", "confirmed": "on", "step": 30, "t0": 0,
                       "digits": 6, "tolerance": 1, "drift": 0, "throttling_failure_count": 0})  # fmt: skip
    device.refresh_from_db()
    assert (device.name, device.user, device.confirmed) == ("Renamed", world.users[Role.HEADTEACHER], False)


def test_the_admins_log_out_is_the_services_sign_out(client, superuser):
    """Recorded as any sign-out is, and the sign-in page after it does not say the session ran out."""
    from accounts.middleware import SIGNED_IN_COOKIE
    from audit.models import AuditAction, AuditEvent

    sign_in(client, superuser)
    client.cookies[SIGNED_IN_COOKIE] = "1"
    assert 'action="/django-admin/logout/"' in client.get("/django-admin/").content.decode()  # the admin's own button
    response = client.post("/django-admin/logout/", follow=True)
    assert "_auth_user_id" not in client.session
    assert "You have been signed out" in response.content.decode()
    assert SIGNED_IN_COOKIE not in client.cookies or not client.cookies[SIGNED_IN_COOKIE].value
    event = AuditEvent.objects.get(action=AuditAction.SIGN_OUT)
    assert (event.user, event.path) == (superuser, "/django-admin/logout/")


def test_the_admin_has_no_clean_up_of_sign_in_attempts(client, superuser):
    """django-axes' action failed with an error, and would have deleted attempts unrecorded, whichever were chosen."""
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    sign_in(client, superuser)  # before the attempt: each sign-in clears expired ones
    attempt = AccessAttempt.objects.create(
        username="someone@example.org", ip_address="127.0.0.1", user_agent="", http_accept="", path_info="/accounts/sign-in/",
        failures_since_start=5, get_data="", post_data="",
    )  # fmt: skip
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=timezone.now() - timedelta(days=1))
    listed = client.get("/django-admin/axes/accessattempt/").content.decode()
    assert 'value="delete_selected"' in listed
    assert "cleanup_expired_attempts" not in listed
    response = client.post(
        "/django-admin/axes/accessattempt/", {"action": "cleanup_expired_attempts", "index": 0, "_selected_action": [attempt.pk]}
    )
    assert response.status_code == 302  # back to the list, no action taken
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_a_records_history_names_its_table_with_a_caption(client, world, superuser):
    """WCAG 1.3.1, as on the lists: Django's table of a record's changes had no caption."""
    person = world.users[Role.HEADTEACHER]
    sign_in(client, superuser)
    client.post(
        f"/django-admin/accounts/user/{person.pk}/change/",
        {"email": person.email, "full_name": "Renamed Person", "is_active": "on", "roles-TOTAL_FORMS": "0", "roles-INITIAL_FORMS": "0"},
    )
    html = client.get(f"/django-admin/accounts/user/{person.pk}/history/").content.decode()
    assert '<table><caption class="visually-hidden">Change history: Renamed Person</caption>' in html


@pytest.mark.parametrize("name", ["Jane\nSmith", "Jane\tSmith", "Jane\u2028Smith"])
def test_the_admin_refuses_a_full_name_that_is_not_one_line_as_the_invitation_does(client, world, superuser, name):
    """A name heads every page, email and log entry that names the person: one stored on two lines, or with a tab, broke
    each (the invitation form refused it, but the admin's took it)."""
    person = world.users[Role.HEADTEACHER]
    before = person.full_name
    sign_in(client, superuser)
    response = client.post(
        f"/django-admin/accounts/user/{person.pk}/change/",
        {"email": person.email, "full_name": name, "is_active": "on", "roles-TOTAL_FORMS": "0", "roles-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 200
    assert "Enter their full name on one line, without line breaks or tabs" in response.content.decode()
    person.refresh_from_db()
    assert person.full_name == before
