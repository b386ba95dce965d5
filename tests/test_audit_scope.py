from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.roles import Role
from audit.models import AuditAction, AuditEvent
from audit.services import record
from evidence.models import IntelligenceEntry
from imports.models import ImportRun

from .conftest import events_seen_by, sign_in
from .factories import UserFactory, grant


def test_an_la_administrator_sees_events_about_what_lies_in_their_authorities_only(world):
    officer = world.users[Role.LA_OFFICER]
    own = record(AuditAction.VIEW, user=officer, obj=world.school)
    elsewhere = record(AuditAction.VIEW, obj=world.far_school)
    # Even their own officer's doings about another authority's school are that authority's to read.
    by_own_officer_elsewhere = record(AuditAction.VIEW, user=officer, obj=world.far_school)
    entry = IntelligenceEntry.objects.create(school=world.school, kind="complaint", severity="low", occurred_on="2025-01-01", summary="x")
    about_entry = record(AuditAction.CREATE, user=officer, obj=entry)
    read_intelligence = record(AuditAction.VIEW, user=officer, obj=world.school, object_type="evidence.intelligence")
    signed_in = record(AuditAction.SIGN_IN, user=officer)
    seen = events_seen_by(world.users[Role.LA_ADMIN])
    assert {own.id, about_entry.id, read_intelligence.id, signed_in.id} <= seen
    assert not {elsewhere.id, by_own_officer_elsewhere.id} & seen
    assert not events_seen_by(world.users[Role.HEADTEACHER])


def test_a_role_given_and_taken_back_opens_nothing_of_another_authoritys_log(client, world):
    """Giving an existing account a role here (and revoking it) shows nothing it did before, elsewhere or after."""
    hampshire_admin = UserFactory(email="admin@hampshire.example")
    grant(hampshire_admin, Role.LA_ADMIN, world.other_la)
    their_read = record(AuditAction.VIEW, user=hampshire_admin, obj=world.far_school, object_type="evidence.intelligence")
    earlier_sign_in = record(AuditAction.SIGN_IN, user=hampshire_admin)
    admin = world.users[Role.LA_ADMIN]
    sign_in(client, admin)
    client.post(
        "/accounts/users/invite/",
        {"full_name": "x", "email": hampshire_admin.email, "role": Role.GOVERNOR, "school_urn": str(world.school.urn)},
    )
    assignment = hampshire_admin.roles.get(school=world.school)
    while_governor = record(AuditAction.SIGN_IN, user=hampshire_admin)
    services.revoke_role(assignment=assignment, revoked_by=admin)
    later = record(AuditAction.SIGN_IN, user=hampshire_admin)
    seen = events_seen_by(admin)
    assert while_governor.id in seen
    assert not {their_read.id, earlier_sign_in.id, later.id} & seen
    page = client.get(reverse("audit:list"), {"who": hampshire_admin.email}).content.decode()
    assert world.far_school.name not in page


def test_what_an_administrator_looks_for_among_their_users_and_in_their_log_stays_in_their_authorities_log(client, world):
    """Surrey's administrator gives Hampshire's a governor's role in Surrey (any existing account may be invited). Their
    signing in while they hold it is Surrey's to read, but not what they search for among Hampshire's users or in
    Hampshire's log: those pages are about Hampshire, and their searches name Hampshire's people."""
    hampshire_admin = UserFactory(email="admin@hampshire.example")
    grant(hampshire_admin, Role.LA_ADMIN, world.other_la)
    services.grant_role(user=hampshire_admin, role=Role.GOVERNOR, target=world.school, granted_by=world.users[Role.LA_ADMIN])
    sign_in(client, hampshire_admin)
    client.get(reverse("accounts:user-list"), {"q": "whistle.blower"})
    client.get(reverse("audit:list"), {"who": "whistle.blower@example.org"})
    searches = set(AuditEvent.objects.filter(user=hampshire_admin, action=AuditAction.VIEW).values_list("id", flat=True))
    assert len(searches) == 2
    assert not searches & events_seen_by(world.users[Role.LA_ADMIN])
    assert searches <= events_seen_by(hampshire_admin)


def test_what_a_service_administrator_looks_for_among_everyones_users_stays_out_of_an_authoritys_log(client, world):
    """A service administrator given a governor's role in Surrey (any existing account may be invited) searches every
    authority's people, on the service's pages and in the Django admin: what they search for names Hampshire's people
    as well as Surrey's, so it is not Surrey's administrators' to read, but the service administrators'."""
    root = UserFactory(email="root@example.org", is_superuser=True, is_staff=True)
    services.grant_role(user=root, role=Role.GOVERNOR, target=world.school, granted_by=world.users[Role.LA_ADMIN])
    sign_in(client, root)
    client.get(reverse("accounts:user-list"), {"q": "whistle.blower"})
    client.get(reverse("audit:list"), {"who": "whistle.blower@example.org"})
    client.get("/django-admin/accounts/user/", {"q": "whistle.blower"})
    searches = set(AuditEvent.objects.filter(user=root, action=AuditAction.VIEW).values_list("id", flat=True))
    assert len(searches) == 3
    assert not searches & events_seen_by(world.users[Role.LA_ADMIN])
    assert searches <= events_seen_by(UserFactory(email="other.root@example.org", is_superuser=True))


def test_events_before_a_role_was_granted_are_not_shown(world):
    newcomer = UserFactory(email="new@example.org")
    before = record(AuditAction.SIGN_IN, user=newcomer)
    assignment = grant(newcomer, Role.LA_OFFICER, world.la)
    assignment.granted_at = timezone.now() + timedelta(seconds=1)
    assignment.save()
    assert before.id not in events_seen_by(world.users[Role.LA_ADMIN])


def test_imports_are_in_the_log_of_the_authorities_they_concern(world):
    national = ImportRun.objects.create(file_name="england.csv", checksum="0", la_codes="")
    hampshire = ImportRun.objects.create(file_name="hampshire.csv", checksum="0", la_codes="850")
    surrey = ImportRun.objects.create(file_name="surrey.csv", checksum="0", la_codes="850,936")
    events = {run.file_name: record(AuditAction.IMPORT, obj=run).id for run in (national, hampshire, surrey)}
    seen = events_seen_by(world.users[Role.LA_ADMIN])
    assert events["england.csv"] in seen and events["surrey.csv"] in seen and events["hampshire.csv"] not in seen


def test_an_invitation_is_in_the_log_of_the_authority_whose_role_it_was_sent_with(world):
    hampshire_admin = UserFactory(email="admin@hampshire.example")
    grant(hampshire_admin, Role.LA_ADMIN, world.other_la)
    person = services.invite_user(
        email="new@example.org", full_name="New", role=Role.GOVERNOR, target=world.far_school, invited_by=hampshire_admin
    ).user
    surrey_admin = world.users[Role.LA_ADMIN]
    assignment = services.grant_role(user=person, role=Role.GOVERNOR, target=world.school, granted_by=surrey_admin)
    services.revoke_role(assignment=assignment, revoked_by=surrey_admin)
    theirs = services.invite_user(
        email="other@example.org", full_name="Other", role=Role.GOVERNOR, target=world.school, invited_by=surrey_admin
    ).user
    invitations = {
        event.object_repr: event.id for event in AuditEvent.objects.filter(object_type="accounts.invitation", action=AuditAction.CREATE)
    }
    seen = events_seen_by(surrey_admin)
    assert invitations[f"Invitation for {theirs.email}"] in seen
    assert invitations[f"Invitation for {person.email}"] not in seen


def test_a_trusts_log_stays_where_it_lay_when_recorded(world):
    """A trust that gains a school here later brings none of its past here; one that loses its school
    here takes none of this authority's own doings away."""
    from datetime import date

    from register.models import GroupMembership

    from .factories import GroupFactory, GroupMembershipFactory

    hampshire_admin = UserFactory(email="admin@hampshire.example")
    grant(hampshire_admin, Role.LA_ADMIN, world.other_la)
    trust = GroupFactory(name="Hampshire Only Trust")
    GroupMembershipFactory(group=trust, school=world.far_school)
    leader = UserFactory(email="leader@hampshire.example")
    services.grant_role(user=leader, role=Role.TRUST_LEADER, target=trust, granted_by=hampshire_admin)
    their_grant = AuditEvent.objects.get(object_type="accounts.roleassignment", user=hampshire_admin)
    their_sign_in = record(AuditAction.SIGN_IN, user=leader)
    GroupMembershipFactory(group=trust, school=world.other_school)  # a Surrey school joins
    surrey_admin = world.users[Role.LA_ADMIN]
    assert not {their_grant.id, their_sign_in.id} & events_seen_by(surrey_admin)

    person = UserFactory(email="leader2@example.org")
    services.grant_role(user=person, role=Role.TRUST_LEADER, target=world.trust, granted_by=surrey_admin)
    own_grant = AuditEvent.objects.get(object_type="accounts.roleassignment", user=surrey_admin)
    GroupMembership.objects.filter(group=world.trust).update(left_on=date.today())  # its Surrey school leaves
    assert own_grant.id in events_seen_by(surrey_admin)


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET user_email = 'someone@else.example'",
        "DELETE FROM audit_auditevent",
        "UPDATE audit_auditplace SET authority_id = authority_id + 1",
        "DELETE FROM audit_auditplace",
    ],
)
def test_the_database_itself_refuses_to_change_or_delete_an_audit_event(world, statement):
    from django.db import DatabaseError, connection, transaction

    record(AuditAction.SIGN_IN, user=world.users[Role.LA_OFFICER])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.filter(user_email=world.users[Role.LA_OFFICER].email).exists()


def test_an_account_made_by_an_invitation_is_in_the_log_of_the_authority_it_was_made_for(world):
    admin = world.users[Role.LA_ADMIN]
    person = services.invite_user(email="new@example.org", full_name="New", role=Role.GOVERNOR, target=world.school, invited_by=admin).user
    created = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="accounts.user", object_id=str(person.pk))
    assert created.id in events_seen_by(admin)


def test_a_change_to_the_account_of_someone_whose_roles_have_all_ended_is_in_the_log_of_where_they_last_held_one(world):
    """Surrey's administrator ends a leaver's role, then deactivates them (theirs to do): Surrey's log says so. Of
    their earlier roles, only the last place counts: a role long ended elsewhere opens nothing there."""
    hampshire_admin = UserFactory(email="admin@hampshire.example")
    grant(hampshire_admin, Role.LA_ADMIN, world.other_la)
    head = world.users[Role.HEADTEACHER]
    earlier = grant(head, Role.GOVERNOR, world.far_school)
    services.revoke_role(assignment=earlier, revoked_by=hampshire_admin)
    admin = world.users[Role.LA_ADMIN]
    services.revoke_role(assignment=head.roles.current().get(), revoked_by=admin)
    services.set_active(user=head, active=False, changed_by=admin)
    deactivated = AuditEvent.objects.get(object_type="accounts.user", object_id=str(head.pk), detail__change="account deactivated")
    assert deactivated.id in events_seen_by(admin)
    assert deactivated.id not in events_seen_by(hampshire_admin)
    # Their own doings, with no role, still lie nowhere.
    assert record(AuditAction.SIGN_IN, user=head).id not in events_seen_by(admin)
