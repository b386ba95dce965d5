"""A signed-in person refused a page, or a school's confidential records, is recorded: where the school lies, so
its authority's administrators can see who tried."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from audit.models import AuditAction, AuditEvent

from .conftest import events_seen_by, sign_in


def refusals():
    return list(AuditEvent.objects.filter(action=AuditAction.REFUSED))


def test_another_schools_confidential_page_is_a_404_recorded_as_refused_where_that_school_lies(client, world):
    headteacher = world.users[Role.HEADTEACHER]
    sign_in(client, headteacher)
    for name in ("evidence:school-intelligence", "register:school-people"):
        assert client.get(reverse(name, args=[world.far_school.urn])).status_code == 404
    first, second = refusals()
    assert (first.user, first.object_type, first.object_id) == (headteacher, "register.school", str(world.far_school.pk))
    assert first.detail == {"method": "GET"} and second.path == reverse("evidence:school-intelligence", args=[world.far_school.urn])
    assert first.authorities == f",{world.other_la.pk},"
    assert first.id not in events_seen_by(world.users[Role.LA_ADMIN])


def test_a_urn_that_names_no_school_is_not_a_refusal(client, world):
    sign_in(client, world.users[Role.HEADTEACHER])
    assert client.get(reverse("evidence:school-intelligence", args=[999999])).status_code == 404
    assert refusals() == []


def test_a_role_that_may_not_open_a_schools_page_is_a_403_recorded_against_the_school(client, world):
    governor = world.users[Role.GOVERNOR]
    sign_in(client, governor)
    assert client.get(reverse("evidence:school-intelligence", args=[world.school.urn])).status_code == 403
    (event,) = refusals()
    assert (event.user, event.object_id, event.authorities) == (governor, str(world.school.pk), f",{world.la.pk},")
    assert event.id in events_seen_by(world.users[Role.LA_ADMIN])


@pytest.mark.parametrize("method", ["get", "post"])
def test_any_other_403_is_recorded_with_its_page(client, world, method):
    staff = world.users[Role.SCHOOL_STAFF]
    sign_in(client, staff)
    assert getattr(client, method)(reverse("imports:list")).status_code == 403
    (event,) = refusals()
    assert (event.user, event.object_type, event.object_repr) == (staff, "", reverse("imports:list"))
    assert event.detail == {"method": method.upper()}


def test_nobody_signed_in_is_sent_to_sign_in_and_nothing_is_recorded(client, world):
    response = client.get(reverse("evidence:school-intelligence", args=[world.school.urn]))
    assert response.status_code == 302
    assert refusals() == []


def test_a_page_opened_is_not_a_refusal(client, world):
    sign_in(client, world.users[Role.LA_OFFICER])
    assert client.get(reverse("evidence:school-intelligence", args=[world.school.urn])).status_code == 200
    assert refusals() == []


def test_a_page_that_asks_again_and_again_is_recorded_once_a_minute(client, world):
    """An import's page polls every two seconds: after its reader's role is taken away, each ask is refused."""
    staff = world.users[Role.SCHOOL_STAFF]
    sign_in(client, staff)
    for _ in range(3):
        assert client.get(reverse("imports:list")).status_code == 403
    assert client.post(reverse("imports:list")).status_code == 403  # another method: another event
    assert client.get(reverse("audit:list")).status_code == 403  # another page: another event
    assert len(refusals()) == 3
    cache.clear()  # as REFUSALS_APART seconds later
    assert client.get(reverse("imports:list")).status_code == 403
    assert len(refusals()) == 4


def test_a_form_sent_without_its_csrf_token_is_not_a_refusal(world):
    """A form from a page left open while its person signed in again elsewhere: not something their roles refuse."""
    client = sign_in(Client(enforce_csrf_checks=True), world.users[Role.LA_OFFICER])
    assert client.post(reverse("accounts:stay-signed-in")).status_code == 403
    assert refusals() == []


def test_one_person_refused_page_after_page_is_recorded_a_few_dozen_times_a_minute(client, world, caplog):
    from audit.services import REFUSALS_AT_MOST

    sign_in(client, world.users[Role.HEADTEACHER])
    for run in range(1, REFUSALS_AT_MOST + 6):
        assert client.get(reverse("imports:detail", args=[run])).status_code == 403
    assert len(refusals()) == REFUSALS_AT_MOST
    assert caplog.text.count("refused more than 30 pages within 60 seconds") == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_authoritys_person_is_a_404_recorded_as_refused_where_that_person_holds_roles(client, world, method):
    """Hampshire's administrator opening Surrey's headteacher's page, or trying to revoke their role: Surrey's
    administrators see who tried. A number that names nobody is no refusal."""
    from .factories import UserFactory, grant

    hampshire_admin = UserFactory(email="admin@hampshire.example")
    grant(hampshire_admin, Role.LA_ADMIN, world.other_la)
    sign_in(client, hampshire_admin)
    head = world.users[Role.HEADTEACHER]
    data = {"action": "revoke", "assignment": head.roles.get().pk, "confirm": "yes"} if method == "post" else {}
    assert getattr(client, method)(reverse("accounts:user-detail", args=[head.pk]), data).status_code == 404
    (event,) = refusals()
    assert (event.user, event.object_type, event.object_id) == (hampshire_admin, "accounts.user", str(head.pk))
    assert event.detail == {"method": method.upper()}
    assert event.id in events_seen_by(world.users[Role.LA_ADMIN])
    assert event.id not in events_seen_by(hampshire_admin)
    assert head.roles.current().exists()
    assert client.get(reverse("accounts:user-detail", args=[999999])).status_code == 404
    assert len(refusals()) == 1
