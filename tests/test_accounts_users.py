"""Managing users: LA administrators invite, grant and revoke within their own authorities only."""

import importlib
import re
from datetime import date
from html import unescape

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.access import scope_for
from accounts.middleware import SIGNED_IN_COOKIE
from accounts.models import Invitation, RoleAssignment, User
from accounts.roles import Role
from audit.models import AuditAction, AuditEvent
from core.words import isolated
from imports.services import import_file
from register.models import GroupKind, School, SchoolLink, SchoolStatus

from .conftest import sign_in
from .evidence_helpers import GIAS_2022, LINKS_2025, text
from .factories import GroupFactory, GroupMembershipFactory, LocalAuthorityFactory, SchoolFactory, UserFactory, grant

NEW_PASSWORD = "a new and long passphrase 42"


@pytest.fixture
def admin_client(client, world):
    return sign_in(client, world.users[Role.LA_ADMIN])


@pytest.fixture
def outsider(world):
    """A headteacher in the other authority, whom Surrey's administrator must not manage."""
    user = UserFactory(email="far-head@example.org", full_name="Far Head")
    grant(user, Role.HEADTEACHER, world.far_school)
    return user


def act(client, person, action, *, confirm=True, **fields):
    """Post `action` to the person's page: confirmed, as the question's page sends it; else as their page's button does."""
    return client.post(f"/accounts/users/{person.pk}/", {"action": action, **fields} | ({"confirm": "yes"} if confirm else {}))


def refused_at_both_steps(client, person, action, **fields) -> bool:
    """Whether the question and the confirmed action are both refused (403): the question must refuse what the action does."""
    return all(act(client, person, action, confirm=confirm, **fields).status_code == 403 for confirm in (False, True))


TARGET_FIELDS = ("authority", "school_urn", "trust", "body")


def invite(client, **fields):
    """Post the invite form as its page sends it: what the role is for, in the input the role's radio reveals
    ("headteacher-school_urn")."""
    data = {"full_name": "Nia Patel", "email": "nia@example.org", "role": Role.HEADTEACHER} | fields
    return client.post("/accounts/users/invite/", {f"{data['role']}-{k}" if k in TARGET_FIELDS else k: v for k, v in data.items()})


@pytest.mark.parametrize("path", ["/accounts/users/", "/accounts/users/invite/", "/accounts/users/{pk}/"])
@pytest.mark.parametrize("role", [Role.HEADTEACHER, Role.LA_OFFICER, Role.TRUST_LEADER, Role.STAKEHOLDER])
def test_only_administrators_may_open_user_pages(client, world, path, role):
    sign_in(client, world.users[role])
    response = client.get(path.format(pk=world.users[Role.HEADTEACHER].pk))
    assert response.status_code == 403


def test_la_admin_sees_users_with_roles_in_their_authority_only(admin_client, world, outsider):
    response = admin_client.get("/accounts/users/")
    assert response.status_code == 200
    html = response.content.decode()
    assert world.users[Role.HEADTEACHER].email in html
    assert world.users[Role.TRUST_LEADER].email in html  # the trust has a school in Surrey
    assert world.users[Role.BODY_MEMBER].email in html
    assert outsider.email not in html
    assert admin_client.get(f"/accounts/users/{outsider.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="accounts.user").exists()


def test_user_list_searches_by_name_or_email(admin_client, world):
    html = admin_client.get("/accounts/users/?q=governors").content.decode()
    assert world.users[Role.GOVERNOR].email in html
    assert world.users[Role.HEADTEACHER].email not in html


def test_user_list_does_not_query_per_user(admin_client, world, django_assert_max_num_queries):
    for n in range(20):
        grant(UserFactory(email=f"staff{n}@example.org"), Role.SCHOOL_STAFF, world.school)
    with django_assert_max_num_queries(15):
        admin_client.get("/accounts/users/")


def test_invite_end_to_end_from_email_to_signed_in(admin_client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(admin_client, school_urn=str(world.school.urn))
    user = User.objects.get(email="nia@example.org")
    assert response["Location"] == f"/accounts/users/{user.pk}/"
    assert not user.has_usable_password()
    assignment = RoleAssignment.objects.get(user=user)
    assert (assignment.role, assignment.school, assignment.granted_by) == (Role.HEADTEACHER, world.school, world.users[Role.LA_ADMIN])
    assert Invitation.objects.filter(user=user, invited_by=world.users[Role.LA_ADMIN]).exists()
    assert AuditEvent.objects.filter(action=AuditAction.GRANT, object_id=str(assignment.pk)).exists()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nia@example.org"]
    link = re.search(r"https?://[^/\s]+(/accounts/invitation/\S+)", mail.outbox[0].body).group(1)

    admin_client.post("/accounts/sign-out/")
    set_password_url = admin_client.get(link)["Location"]
    assert "Set your password" in admin_client.get(set_password_url).content.decode()
    response = admin_client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == "/accounts/sign-in/"
    assert Invitation.objects.get(user=user).accepted_at is not None

    response = admin_client.post("/accounts/sign-in/", {"email": "nia@example.org", "password": NEW_PASSWORD})
    assert response["Location"] == "/home/"
    assert world.school.name in admin_client.get("/home/").content.decode()


def test_an_invitation_to_an_account_deactivated_since_cannot_be_used(admin_client, world, django_capture_on_commit_callbacks):
    """Its password could be set, and the page then said to sign in, which the account never could."""
    with django_capture_on_commit_callbacks(execute=True):
        invite(admin_client, school_urn=str(world.school.urn))
    user = User.objects.get(email="nia@example.org")
    link = re.search(r"https?://[^/\s]+(/accounts/invitation/\S+)", mail.outbox[0].body).group(1)
    act(admin_client, user, "deactivate")
    admin_client.post("/accounts/sign-out/")
    html = admin_client.get(link, follow=True).content.decode()
    assert "This account has been deactivated" in html and "Set your password" not in html
    admin_client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()


def test_invite_form_shows_errors_linked_to_fields_and_keeps_what_was_typed(admin_client, world):
    response = invite(admin_client, email="not an email", full_name="Nia Patel", school_urn="12x")
    html = response.content.decode()
    assert "<title>Error: Invite a user – Common Ground</title>" in html
    assert 'href="#email"' in html and 'href="#headteacher-school_urn"' in html
    assert 'value="Nia Patel"' in html and 'value="12x"' in html
    assert not User.objects.filter(full_name="Nia Patel").exists()


@pytest.mark.parametrize("name", ["Nia\nPatel", "Nia Patel\r\nBcc: someone@example.org", "Nia\tPatel", "Nia\u2028Patel", "Nia\x85Patel"])
def test_invite_refuses_a_full_name_of_more_than_one_line(admin_client, world, name):
    """A name heads the invitation's email and every page and log entry that names the person: a line break in it
    would start a line of its own there."""
    response = invite(admin_client, full_name=name)
    html = response.content.decode()
    assert "Enter their full name on one line, without line breaks or tabs" in html and 'href="#full_name"' in html
    assert not User.objects.filter(email="nia@example.org").exists()


def test_full_names_stored_before_the_form_refused_breaks_are_put_on_one_line(db):
    """The migration puts a name stored on more than one line on one: each run of whitespace with a break in it becomes
    one space, and none is left at the ends. A name on one line is left as it is, double space and all."""
    from django.apps import apps

    migration = importlib.import_module("accounts.migrations.0004_full_names_on_one_line")
    stored = {
        "nia@example.org": ("Nia\nPatel", "Nia Patel"),
        "bcc@example.org": (" Nia Patel\r\n\tBcc: someone@example.org\n", "Nia Patel Bcc: someone@example.org"),
        "ls@example.org": ("Nia\u2028 \u2029Patel", "Nia Patel"),
        "nel@example.org": ("Nia\x85Patel\x0b", "Nia Patel"),
        "bel@example.org": ("Nia\x07Patel", "Nia Patel"),
        "fine@example.org": ("Nia  Patel", "Nia  Patel"),
    }
    for email, (name, _) in stored.items():
        UserFactory(email=email, full_name=name)
    migration.put_full_names_on_one_line(apps, None)
    names = dict(User.objects.filter(email__in=stored).values_list("email", "full_name"))
    assert names == {email: on_one_line for email, (_, on_one_line) in stored.items()}


def test_invite_says_which_target_the_role_needs(admin_client, world):
    response = invite(admin_client, role=Role.HEADTEACHER, authority=str(world.la.pk))
    assert "Headteacher is a role for a school: enter the school&#39;s URN" in response.content.decode()
    response = invite(admin_client, role=Role.LA_OFFICER, school_urn=str(world.school.urn))
    assert "is a role for a local authority: select the local authority" in response.content.decode()
    assert not User.objects.filter(email="nia@example.org").exists()


def test_la_admin_cannot_invite_into_another_authority(admin_client, world):
    response = invite(admin_client, school_urn=str(world.far_school.urn))
    assert "Enter the URN of a school in your local authority" in response.content.decode()
    response = invite(admin_client, role=Role.LA_OFFICER, authority=str(world.other_la.pk))
    assert "Select a valid choice" in response.content.decode()
    assert not User.objects.filter(email="nia@example.org").exists()


@pytest.fixture
def busbridge(world):
    """The real Surrey register of April 2022 and GIAS's links: Busbridge Infant School (URN 125099) closed on 31 March
    2022, and the sponsored academy that replaced it (URN 149037) opened the next day."""
    import_file(GIAS_2022)
    import_file(LINKS_2025, la_codes=[936])
    return School.objects.get(urn=125099)


def test_nobody_is_invited_to_a_role_at_a_closed_school_and_the_refusal_names_its_successor(admin_client, busbridge):
    response = invite(admin_client, full_name="Nia Patel", school_urn=" 125099 ")
    html = unescape(response.content.decode())
    assert response.status_code == 200 and "Invitation sent" not in html
    refusal = (
        f"{isolated('Busbridge Infant School (125099)')} closed on 31 March 2022; its successor is "
        f"{isolated('Busbridge Infant School (149037)')}. Enter the URN of a school that is open or proposed to open"
    )
    assert html.count(refusal) == 2  # in the error summary, and above the field
    assert 'href="#headteacher-school_urn"' in html and 'value="Nia Patel"' in html and 'value=" 125099 "' in html
    assert not User.objects.filter(email="nia@example.org").exists() and mail.outbox == []
    invite(admin_client, school_urn="149037")
    assert RoleAssignment.objects.get(user__email="nia@example.org").school.urn == 149037


def test_no_role_is_granted_at_a_closed_school_on_the_persons_page(admin_client, world):
    closed = SchoolFactory(la=world.la, name="Old Park Junior School", status=SchoolStatus.CLOSED, closed_on=date(2019, 8, 31))
    head = world.users[Role.HEADTEACHER]
    response = admin_client.post(f"/accounts/users/{head.pk}/", {"action": "grant", "role": Role.GOVERNOR, "school_urn": str(closed.urn)})
    html = unescape(response.content.decode())
    assert f"{isolated(str(closed))} closed on 31 August 2019. Enter the URN of a school that is open or proposed to open" in html
    assert f'value="{closed.urn}"' in html and "Role granted" not in html
    assert not head.roles.filter(school=closed).exists()


def test_a_closed_schools_refusal_names_each_successor_the_register_holds(world):
    closed = SchoolFactory(la=world.la, name="Old Park School", status=SchoolStatus.CLOSED, closed_on=None)
    infants, juniors = (SchoolFactory(la=world.la, name=f"Old Park {part} School") for part in ("Infant", "Junior"))
    for urn in (infants.urn, 999999):  # the last is not in the register
        SchoolLink.objects.create(urn=closed.urn, linked_urn=urn, link_type="Successor - split")
    # GIAS's links say it either way round: the junior school's own link names the closed school as its predecessor.
    SchoolLink.objects.create(urn=juniors.urn, linked_urn=closed.urn, link_type="Predecessor - split school")
    SchoolLink.objects.create(urn=closed.urn, linked_urn=world.school.urn, link_type="Predecessor")
    assert services.closed_school_refusal(closed) == (
        f"{isolated(str(closed))} has closed; its successors are {isolated(str(infants))} and {isolated(str(juniors))}. "
        "Enter the URN of a school that is open or proposed to open"
    )


def test_the_services_refuse_a_role_at_a_closed_school_whichever_way_they_are_called(world):
    """The pages' forms refuse it first; a command or any other caller of the services is refused too."""
    closed = SchoolFactory(la=world.la, status=SchoolStatus.CLOSED, closed_on=date(2022, 3, 31))
    admin = world.users[Role.LA_ADMIN]
    with pytest.raises(ValidationError, match="closed on 31 March 2022"):
        services.grant_role(user=world.users[Role.GOVERNOR], role=Role.HEADTEACHER, target=closed, granted_by=admin)
    with pytest.raises(ValidationError, match="closed on 31 March 2022"):
        services.invite_user(email="nia@example.org", full_name="Nia Patel", role=Role.ADVISER, target=closed, invited_by=admin)
    assert not RoleAssignment.objects.filter(school=closed).exists() and not User.objects.filter(email="nia@example.org").exists()
    proposed = SchoolFactory(la=world.la, status=SchoolStatus.PROPOSED_TO_OPEN)
    assert services.grant_role(user=world.users[Role.GOVERNOR], role=Role.HEADTEACHER, target=proposed, granted_by=admin).school == proposed


def test_trust_leader_is_invited_by_group_id(admin_client, world):
    invite(admin_client, role=Role.TRUST_LEADER, trust=world.trust.group_id.lower())
    assert RoleAssignment.objects.get(user__email="nia@example.org").group == world.trust


def test_inviting_an_existing_email_only_grants_the_role(admin_client, world, django_capture_on_commit_callbacks):
    head = world.users[Role.HEADTEACHER]
    with django_capture_on_commit_callbacks(execute=True):
        invite(admin_client, email=head.email.upper(), full_name="Someone Else", role=Role.GOVERNOR, school_urn=str(world.other_school.urn))
    head.refresh_from_db()
    assert head.full_name == Role.HEADTEACHER.label
    assert set(head.roles.current().values_list("role", flat=True)) == {Role.HEADTEACHER, Role.GOVERNOR}
    assert mail.outbox == []
    assert User.objects.filter(email__iexact=head.email).count() == 1
    page = admin_client.get(f"/accounts/users/{head.pk}/").content.decode()
    assert f"{isolated(head.email)} already had an account as {isolated(head.full_name)}. They now hold the new role" in page


def test_a_person_invited_by_another_authority_does_not_show_who_invited_them_there(admin_client, world, outsider):
    """Hampshire's administrator invited the person; Surrey's gives them a role too. Surrey's sees its own invitation
    only, not Hampshire's, nor the name of Hampshire's administrator, as it sees none of Hampshire's roles."""
    hampshire_admin = UserFactory(email="hants-admin@example.org", full_name="Hampshire Administrator")
    grant(hampshire_admin, Role.LA_ADMIN, world.other_la)
    held = outsider.roles.get()
    Invitation.objects.create(user=outsider, invited_by=hampshire_admin, assignment=held)
    surrey_admin = world.users[Role.LA_ADMIN]
    governor = services.grant_role(user=outsider, role=Role.GOVERNOR, target=world.school, granted_by=surrey_admin)

    page = admin_client.get(f"/accounts/users/{outsider.pk}/").content.decode()
    assert "Hampshire Administrator" not in page
    assert invited(page) == "None from your authorities"  # Surrey never invited them; Hampshire did, which is not said

    Invitation.objects.create(user=outsider, invited_by=surrey_admin, assignment=governor, sent_at=held.granted_at)
    page = admin_client.get(f"/accounts/users/{outsider.pk}/").content.decode()
    assert invited(page).endswith(f"by {surrey_admin.display_name}") and "Hampshire Administrator" not in page


def invited(page: str) -> str:
    """What the person's page says in its 'Invited' row."""
    return re.search(r">\s*Invited\s*</dt>\s*<dd[^>]*>\s*(.*?)\s*</dd>", page, re.S).group(1)


def test_la_admin_grants_another_role_on_the_user_page(admin_client, world):
    head = world.users[Role.HEADTEACHER]
    response = admin_client.post(
        f"/accounts/users/{head.pk}/", {"action": "grant", "role": Role.ADVISER, "school_urn": str(world.other_school.urn)}
    )
    assert response.status_code == 302
    assert head.roles.current().filter(role=Role.ADVISER, school=world.other_school).exists()
    assert world.other_school.pk in scope_for(User.objects.get(pk=head.pk)).school_ids


def test_granting_a_role_the_person_holds_already_says_so_rather_than_that_it_was_granted(admin_client, world):
    head = world.users[Role.HEADTEACHER]
    data = {"action": "grant", "role": Role.HEADTEACHER, "school_urn": str(world.school.urn)}
    response = admin_client.post(f"/accounts/users/{head.pk}/", data)
    html = response.content.decode()
    assert response.status_code == 200 and "Role granted" not in html
    # Names isolated: an error summary's message is plain text, where <bdi> cannot be.
    assert f"{isolated(head.display_name)} already holds this role: Headteacher, {isolated(str(world.school))}" in html
    assert 'href="#role"' in html and f'value="{world.school.urn}"' in html  # in the error summary; what was typed is kept
    assert head.roles.count() == 1 and not AuditEvent.objects.filter(action=AuditAction.GRANT).exists()


def test_inviting_someone_to_a_role_they_hold_already_says_nothing_changed(admin_client, world):
    head = world.users[Role.HEADTEACHER]
    response = invite(admin_client, email=head.email, full_name="Someone Else", role=Role.HEADTEACHER, school_urn=str(world.school.urn))
    html = admin_client.get(response["Location"]).content.decode()
    assert (
        f"{isolated(head.email)} already had an account as {isolated(head.full_name)}, and already held this role: nothing changed" in html
    )
    assert "govuk-notification-banner--success" not in html
    assert head.roles.count() == 1


def test_revoking_a_role_removes_access_and_keeps_the_record(admin_client, world):
    head = world.users[Role.HEADTEACHER]
    assignment = head.roles.get()
    assert world.school.pk in scope_for(User.objects.get(pk=head.pk)).school_ids
    response = act(admin_client, head, "revoke", assignment=assignment.pk)
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.revoked_at is not None
    assert scope_for(User.objects.get(pk=head.pk)).school_ids == frozenset()
    assert AuditEvent.objects.filter(action=AuditAction.REVOKE, object_id=str(assignment.pk)).exists()
    # The administrator still sees them, with the past role.
    assert "Past roles (1)" in admin_client.get(f"/accounts/users/{head.pk}/").content.decode()


@pytest.fixture
def alex(world):
    """A governor with an authenticator app: someone each action that takes access away can act on."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    person = UserFactory(email="alex.smith@example.org", full_name="Alex Smith")
    grant(person, Role.GOVERNOR, world.school)
    TOTPDevice.objects.create(user=person, name="Phone", confirmed=True)
    return person


def access_of(person) -> tuple:
    """What the three actions change: the person's current roles, whether they may sign in, their authenticator apps."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    roles = tuple(person.roles.current().values_list("pk", flat=True))
    return roles, User.objects.get(pk=person.pk).is_active, TOTPDevice.objects.filter(user=person).count()


# For each action: its question, what else its page says, and the message once it is done.
QUESTIONS = {
    "revoke": (
        "Revoke Alex Smith's role?",
        ("Role Chair or member of governors", "For Ash Grange Primary School", "They keep any other roles they hold."),
        "Role revoked: Chair or member of governors, \u2068Ash Grange Primary School (",
    ),
    "deactivate": (
        "Deactivate Alex Smith's account?",
        (
            "Alex Smith will not be able to sign in, and any session they have open will end.",
            "Their roles and everything they recorded are kept. An administrator can reactivate the account.",
        ),
        f"{isolated('Alex Smith')} is deactivated and can no longer sign in",
    ),
    "reset_two_factor": (
        "Reset Alex Smith's two-factor authentication?",
        ("Alex Smith will set up a new authenticator app when they next sign in.",),
        f"Two-factor authentication reset: {isolated('Alex Smith')} will set up their authenticator app again",
    ),
}


@pytest.mark.parametrize("action", QUESTIONS)
def test_an_action_that_takes_access_away_asks_first_and_acts_only_once_confirmed(admin_client, world, alex, action):
    """The button on the person's page posts the action alone: that shows the question and changes nothing (the page is
    audited as a view of the person, as theirs is). The question's form posts it again, confirmed, and that acts."""
    question, says, done = QUESTIONS[action]
    fields = {"assignment": str(alex.roles.get().pk)} if action == "revoke" else {}
    before, earlier_events = access_of(alex), list(AuditEvent.objects.values_list("pk", flat=True))
    asked = act(admin_client, alex, action, confirm=False, **fields)
    assert asked.status_code == 200
    page = asked.content.decode()
    # The name isolated: by <bdi> on the page, and in its title, which holds no markup, by Unicode's own marks.
    assert unescape(re.search(r"<h1[^>]*>(.*?)</h1>", page).group(1)) == question.replace("Alex Smith", "<bdi>Alex Smith</bdi>")
    assert f"<title>{question.replace('Alex Smith', isolated('Alex Smith'))} – Common Ground</title>" in unescape(page)
    assert all(words in unescape(text(asked)) for words in says), unescape(text(asked))
    assert access_of(alex) == before
    new_events = AuditEvent.objects.exclude(pk__in=earlier_events)
    assert [(e.action, e.object_id) for e in new_events] == [(AuditAction.VIEW, str(alex.pk))]

    form = page[page.index('<form method="post"', page.index("</h1>")) :]
    sent = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form))
    del sent["csrfmiddlewaretoken"]
    assert sent == {"action": action, **fields, "confirm": "yes"}
    assert ("govuk-button--warning" in form) == (action != "reset_two_factor")
    assert f'<a class="govuk-link" href="/accounts/users/{alex.pk}/">Cancel</a>' in form

    acted = admin_client.post(f"/accounts/users/{alex.pk}/", sent)
    assert acted["Location"] == f"/accounts/users/{alex.pk}/"
    assert access_of(alex) != before
    assert done in admin_client.get(acted["Location"]).content.decode()


def test_the_question_names_the_persons_email_address_when_they_have_no_name(admin_client, world):
    person = UserFactory(email="no.name@example.org", full_name="")
    grant(person, Role.SCHOOL_STAFF, world.school)
    response = act(admin_client, person, "deactivate", confirm=False)
    assert "Deactivate no.name@example.org's account?" in unescape(text(response))


def test_the_questions_page_leads_back_to_the_person(admin_client, world, alex):
    response = act(admin_client, alex, "revoke", confirm=False, assignment=alex.roles.get().pk)
    breadcrumbs = re.findall(r'class="govuk-breadcrumbs__link" href="([^"]+)">([^<]+)<', response.content.decode())
    assert breadcrumbs == [
        ("/home/", "Home"),
        ("/administration/", "Administration"),
        ("/accounts/users/", "Users"),
        (f"/accounts/users/{alex.pk}/", "Alex Smith"),
    ]


def test_revoking_a_role_that_is_not_the_persons_or_no_longer_current_is_refused_at_both_steps(admin_client, world, alex):
    assert refused_at_both_steps(admin_client, alex, "revoke", assignment=world.users[Role.HEADTEACHER].roles.get().pk)
    assert refused_at_both_steps(admin_client, alex, "revoke", assignment="not a number")
    ended = alex.roles.get()
    services.revoke_role(assignment=ended, revoked_by=world.users[Role.LA_ADMIN])
    assert refused_at_both_steps(admin_client, alex, "revoke", assignment=ended.pk)


def test_deactivating_an_account_deactivated_already_is_refused_at_both_steps(admin_client, world, alex):
    services.set_active(user=alex, active=False, changed_by=world.users[Role.LA_ADMIN])
    assert refused_at_both_steps(admin_client, alex, "deactivate")


def test_reactivating_needs_no_question(admin_client, world, alex):
    """It gives access back: a mistaken click harms no one, and is undone from the same page."""
    services.set_active(user=alex, active=False, changed_by=world.users[Role.LA_ADMIN])
    assert act(admin_client, alex, "reactivate", confirm=False).status_code == 302
    assert User.objects.get(pk=alex.pk).is_active


def test_la_admin_cannot_manage_users_of_another_authority(client, world):
    hampshire_admin = UserFactory(email="hants-admin@example.org")
    grant(hampshire_admin, Role.LA_ADMIN, world.other_la)
    sign_in(client, hampshire_admin)
    head = world.users[Role.HEADTEACHER]
    assert client.get(f"/accounts/users/{head.pk}/").status_code == 404
    for confirm in (False, True):
        assert act(client, head, "revoke", confirm=confirm, assignment=head.roles.get().pk).status_code == 404
    assert head.roles.current().exists()


def test_la_admin_cannot_revoke_a_role_in_another_authority_of_a_shared_user(admin_client, world):
    head = world.users[Role.HEADTEACHER]
    far = grant(head, Role.GOVERNOR, world.far_school)
    assert refused_at_both_steps(admin_client, head, "revoke", assignment=far.pk)
    far.refresh_from_db()
    assert far.revoked_at is None


def test_a_shared_users_roles_in_another_authority_are_counted_not_shown(admin_client, world):
    """Surrey's administrator manages the head's Surrey roles; where else they hold one is Hampshire's business."""
    head = world.users[Role.HEADTEACHER]
    grant(head, Role.GOVERNOR, world.far_school)
    page = admin_client.get(f"/accounts/users/{head.pk}/").content.decode()
    assert world.school.name in page and world.far_school.name not in page
    assert "also holds 1 role in other authorities, which their administrators manage" in page


def test_la_admin_cannot_revoke_their_own_roles(admin_client, world):
    admin = world.users[Role.LA_ADMIN]
    assert refused_at_both_steps(admin_client, admin, "revoke", assignment=admin.roles.get().pk)
    assert admin.roles.current().exists()


def test_invited_user_without_a_role_stays_visible_to_whoever_invited_them(admin_client, world):
    person = User.objects.create_user("pending@example.org", full_name="Pending Person")
    Invitation.objects.create(user=person, invited_by=world.users[Role.LA_ADMIN])
    assert admin_client.get(f"/accounts/users/{person.pk}/").status_code == 200


def test_grant_role_refuses_a_target_of_the_wrong_kind(world):
    with pytest.raises(ValidationError):
        services.grant_role(user=world.users[Role.GOVERNOR], role=Role.HEADTEACHER, target=world.la, granted_by=None)


def test_granting_a_role_already_held_changes_nothing(world):
    head = world.users[Role.HEADTEACHER]
    existing = head.roles.get()
    again = services.grant_role(user=head, role=Role.HEADTEACHER, target=world.school, granted_by=None)
    assert again == existing
    assert head.roles.count() == 1


def test_superuser_manages_users_everywhere(client, world, outsider):
    superuser = UserFactory(email="root@example.org", is_superuser=True, is_staff=True)
    sign_in(client, superuser)
    assert outsider.email in client.get("/accounts/users/").content.decode()
    other_school = SchoolFactory(la=LocalAuthorityFactory(code=301, name="Barking"))
    response = client.post(
        f"/accounts/users/{outsider.pk}/", {"action": "grant", "role": Role.GOVERNOR, "school_urn": str(other_school.urn)}
    )
    assert response.status_code == 302
    assert outsider.roles.current().filter(school=other_school).exists()


def test_la_admin_resets_a_lost_authenticator_app(admin_client, world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    officer = world.users[Role.LA_OFFICER]
    TOTPDevice.objects.create(user=officer, name="Phone", confirmed=True)
    assert "Reset two-factor authentication" in admin_client.get(f"/accounts/users/{officer.pk}/").content.decode()
    response = act(admin_client, officer, "reset_two_factor")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_id=str(officer.pk), detail__change="two-factor authentication reset"
    ).exists()


def test_no_authority_resets_the_second_factor_of_someone_another_authority_gave_a_role(admin_client, world):
    """Granting an existing account a role here makes its holder one of "ours", but not to shut out or open up."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    hampshire_admin = UserFactory(email="admin@hampshire.example")
    grant(hampshire_admin, Role.LA_ADMIN, world.other_la)
    TOTPDevice.objects.create(user=hampshire_admin, name="Phone", confirmed=True)
    invite(admin_client, email=hampshire_admin.email, role=Role.GOVERNOR, school_urn=str(world.school.urn))
    page = admin_client.get(f"/accounts/users/{hampshire_admin.pk}/").content.decode()
    assert "Reset two-factor authentication" not in page and "Deactivate account" not in page
    assert refused_at_both_steps(admin_client, hampshire_admin, "reset_two_factor")
    assert TOTPDevice.objects.filter(user=hampshire_admin).exists()


def test_a_trust_whose_only_current_school_is_elsewhere_is_not_the_authoritys_to_give(admin_client, world):
    trust = GroupFactory(name="Moved Away Trust")
    GroupMembershipFactory(group=trust, school=SchoolFactory(la=world.la), left_on=date(2020, 8, 31))
    GroupMembershipFactory(group=trust, school=world.far_school)
    response = invite(admin_client, role=Role.TRUST_LEADER, trust=trust.group_id)
    assert "Enter the group UID or group ID of a trust with schools in your local authority" in response.content.decode()
    assert not RoleAssignment.objects.filter(group=trust).exists()
    # Nor can the authority end such a role that another authority gave.
    leader = UserFactory()
    assignment = grant(leader, Role.TRUST_LEADER, trust)
    assert not RoleAssignment.objects.in_authorities([world.la.id]).filter(pk=assignment.pk).exists()


@pytest.fixture
def spanning_trust(world):
    """GLF Schools: a school in Surrey and one in Hampshire."""
    trust = GroupFactory(name="GLF SCHOOLS")
    GroupMembershipFactory(group=trust, school=world.other_school)
    GroupMembershipFactory(group=trust, school=world.far_school)
    return trust


REFUSED_SPANNING_TRUST = (
    "GLF SCHOOLS also has schools in Hampshire (850). Only an administrator of every authority the trust&#39;s "
    "schools are in, or a site administrator, can give this role"
)


def test_a_trust_with_schools_in_another_authority_is_not_one_authoritys_to_give(admin_client, world, spanning_trust):
    """The trust's leader would read Hampshire's schools' confidential records: Surrey's administrator may not
    choose who does, neither by invitation nor on a user's page."""
    response = invite(admin_client, role=Role.TRUST_LEADER, trust=str(spanning_trust.uid))
    html = response.content.decode()
    assert "<title>Error: Invite a user – Common Ground</title>" in html
    assert html.count(REFUSED_SPANNING_TRUST) == 2 and 'href="#trust_leader-trust"' in html  # the summary and the field
    assert 'value="Nia Patel"' in html and f'value="{spanning_trust.uid}"' in html
    assert not User.objects.filter(email="nia@example.org").exists()
    head = world.users[Role.HEADTEACHER]
    response = admin_client.post(
        f"/accounts/users/{head.pk}/", {"action": "grant", "role": Role.TRUST_LEADER, "trust": spanning_trust.group_id}
    )
    assert response.status_code == 200 and REFUSED_SPANNING_TRUST in response.content.decode()
    assert not RoleAssignment.objects.filter(group=spanning_trust).exists()


def test_the_refusal_names_every_other_authority_of_the_trusts_current_schools(admin_client, world, spanning_trust):
    GroupMembershipFactory(group=spanning_trust, school=SchoolFactory(la=LocalAuthorityFactory(code=886, name="Kent")))
    GroupMembershipFactory(
        group=spanning_trust, school=SchoolFactory(la=LocalAuthorityFactory(code=301, name="Barking")), left_on=date(2020, 8, 31)
    )
    response = invite(admin_client, role=Role.TRUST_LEADER, trust=spanning_trust.group_id)
    assert "GLF SCHOOLS also has schools in Hampshire (850) and Kent (886). Only" in response.content.decode()


def test_a_trust_whose_current_schools_are_all_in_the_authority_is_the_authoritys_to_give(admin_client, world):
    """A school that left the trust, wherever it is, no longer counts."""
    trust = GroupFactory(name="Surrey Only Trust")
    GroupMembershipFactory(group=trust, school=world.school)
    GroupMembershipFactory(group=trust, school=world.other_school)
    GroupMembershipFactory(group=trust, school=world.far_school, left_on=date(2020, 8, 31))
    head = world.users[Role.HEADTEACHER]
    response = admin_client.post(f"/accounts/users/{head.pk}/", {"action": "grant", "role": Role.TRUST_LEADER, "trust": str(trust.uid)})
    assert response.status_code == 302
    assert head.roles.current().filter(role=Role.TRUST_LEADER, group=trust).exists()


def test_an_administrator_of_every_authority_of_the_trust_may_give_its_role(admin_client, world, spanning_trust):
    grant(world.users[Role.LA_ADMIN], Role.LA_ADMIN, world.other_la)
    invite(admin_client, role=Role.TRUST_LEADER, trust=spanning_trust.group_id)
    assert RoleAssignment.objects.get(user__email="nia@example.org").group == spanning_trust


def test_a_site_administrator_may_give_any_trusts_role(client, world, spanning_trust):
    sign_in(client, UserFactory(email="root@example.org", is_superuser=True, is_staff=True))
    response = invite(client, role=Role.TRUST_LEADER, trust=str(spanning_trust.uid))
    assert response.status_code == 302
    assert RoleAssignment.objects.get(user__email="nia@example.org").group == spanning_trust


def test_someone_who_moved_to_another_authority_is_no_longer_seen(admin_client, world):
    head = world.users[Role.HEADTEACHER]
    services.revoke_role(assignment=head.roles.get(), revoked_by=None)
    grant(head, Role.HEADTEACHER, world.far_school)
    assert admin_client.get(f"/accounts/users/{head.pk}/").status_code == 404


def test_an_invitation_link_lasts_days_and_is_not_a_password_reset_link(db, settings):
    from datetime import datetime, timedelta

    from django.contrib.auth.tokens import default_token_generator

    from accounts.tokens import InvitationTokenGenerator, invitation_token_generator

    from .factories import UserFactory

    user = UserFactory()
    token = invitation_token_generator.make_token(user)
    assert not default_token_generator.check_token(user, token)

    class ThreeDaysLater(InvitationTokenGenerator):
        def _now(self):
            return datetime.now() + timedelta(days=3)

    class EightDaysLater(InvitationTokenGenerator):
        def _now(self):
            return datetime.now() + timedelta(days=8)

    assert ThreeDaysLater().check_token(user, token)
    assert not EightDaysLater().check_token(user, token)


def test_an_invitation_link_lasts_to_the_second_is_signed_by_a_retired_key_too_and_refuses_a_changed_link(db, settings):
    from datetime import datetime, timedelta

    from accounts.tokens import InvitationTokenGenerator

    from .factories import UserFactory

    user = UserFactory()
    sent = datetime.now()

    def at(seconds):
        class Later(InvitationTokenGenerator):
            def _now(self):
                return sent + timedelta(seconds=seconds)

        return Later()

    token = at(0).make_token(user)
    assert at(settings.INVITATION_TIMEOUT).check_token(user, token)
    assert not at(settings.INVITATION_TIMEOUT + 1).check_token(user, token)
    stamp, signature = token.split("-")
    assert not at(0).check_token(user, f"{stamp}-{signature[:-1]}{'0' if signature[-1] != '0' else '1'}")
    assert not at(0).check_token(user, f"{stamp}-{signature}-x")
    assert not at(0).check_token(user, f"!-{signature}")
    assert not at(0).check_token(user, "")
    # A link sent before the key was changed still works while the old key is kept as a fallback.
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a new key " * 5
    assert at(0).check_token(user, token)
    settings.SECRET_KEY_FALLBACKS = []
    assert not at(0).check_token(user, token)


def test_la_admin_deactivates_someone_who_left_and_can_reactivate_them(admin_client, world):
    from django.test import Client

    head = world.users[Role.HEADTEACHER]
    their_browser = sign_in(Client(), head)
    their_browser.cookies[SIGNED_IN_COOKIE] = "1"  # as the sign-in page sets it
    assert their_browser.get("/schools/").status_code == 200
    page = admin_client.get(f"/accounts/users/{head.pk}/").content.decode()
    assert "Deactivate account" in page
    response = act(admin_client, head, "deactivate")
    assert response.status_code == 302
    head.refresh_from_db()
    assert not head.is_active
    assert head.roles.current().exists()  # roles are kept for the record
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(head.pk), detail__change="account deactivated").exists()
    # The session they had open ends, saying why (not that it ran out), and they cannot sign in again.
    ended = their_browser.get("/schools/")
    assert ended.status_code == 302 and "signed_out=ended" in ended["Location"]
    assert "your account can no longer be used" in their_browser.get(ended["Location"]).content.decode()
    assert "_auth_user_id" not in their_browser.session
    refused = Client().post("/accounts/sign-in/", {"email": head.email, "password": "correct horse battery staple"})
    assert refused.status_code == 200 and "_auth_user_id" not in refused.client.session
    assert "Deactivated" in admin_client.get(f"/accounts/users/{head.pk}/").content.decode()

    admin_client.post(f"/accounts/users/{head.pk}/", {"action": "reactivate"})
    head.refresh_from_db()
    assert head.is_active
    assert AuditEvent.objects.filter(object_id=str(head.pk), detail__change="account reactivated").exists()
    signed_in = Client().post("/accounts/sign-in/", {"email": head.email, "password": "correct horse battery staple"})
    assert signed_in.status_code == 302


def test_nobody_deactivates_themselves_a_superuser_or_someone_another_authority_also_gave_a_role(admin_client, world):
    admin = world.users[Role.LA_ADMIN]
    assert refused_at_both_steps(admin_client, admin, "deactivate")
    head = world.users[Role.HEADTEACHER]
    grant(head, Role.GOVERNOR, world.far_school)
    assert "Deactivate account" not in admin_client.get(f"/accounts/users/{head.pk}/").content.decode()
    assert refused_at_both_steps(admin_client, head, "deactivate")
    boss = UserFactory(email="root@example.org", is_superuser=True)
    grant(boss, Role.LA_OFFICER, world.la)
    assert refused_at_both_steps(admin_client, boss, "deactivate")
    assert User.objects.filter(pk__in=[admin.pk, head.pk, boss.pk], is_active=True).count() == 3


def test_an_administrator_sees_a_sign_in_lock_and_may_lift_it(admin_client, world, settings):
    """The person's page said 'Active' of someone locked out, with nothing to do about it."""
    from django.test import Client

    settings.AXES_FAILURE_LIMIT = 2
    head = world.users[Role.HEADTEACHER]
    page = admin_client.get(f"/accounts/users/{head.pk}/").content.decode()
    assert "Lift the sign-in lock" not in page
    for _ in range(2):
        Client().post("/accounts/sign-in/", {"email": head.email, "password": "wrong"})
    page = admin_client.get(f"/accounts/users/{head.pk}/").content.decode()
    assert "is locked after repeated failed attempts, until" in page and "Lift the sign-in lock" in page
    response = admin_client.post(f"/accounts/users/{head.pk}/", {"action": "unlock"})
    assert response.status_code == 302
    assert "Lift the sign-in lock" not in admin_client.get(f"/accounts/users/{head.pk}/").content.decode()
    assert Client().post("/accounts/sign-in/", {"email": head.email, "password": "correct horse battery staple"}).status_code == 302
    lifted = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(head.pk), detail__change="sign-in lock lifted")
    assert lifted.user == world.users[Role.LA_ADMIN]
    # As with deactivating: not their own account, which another administrator answers for.
    admin = world.users[Role.LA_ADMIN]
    assert admin_client.post(f"/accounts/users/{admin.pk}/", {"action": "unlock"}).status_code == 403


def test_inviting_again_someone_who_has_not_set_a_password_says_the_invitation_was_emailed_again(
    admin_client, world, django_capture_on_commit_callbacks
):
    """Their invitation was emailed each time, and the page said only that nothing changed."""
    with django_capture_on_commit_callbacks(execute=True):
        invite(admin_client, email="nia@example.org", full_name="Nia Jones", role=Role.GOVERNOR, school_urn=str(world.school.urn))
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(
            admin_client, email="NIA@example.org", full_name="Nia Jones", role=Role.GOVERNOR, school_urn=str(world.school.urn)
        )
    page = admin_client.get(response["Location"]).content.decode()
    assert (
        f"{isolated('nia@example.org')} already had an account, and already held this role: nothing changed. Their invitation was emailed"
        " again, as they have not set a password yet" in page
    )
    assert len(mail.outbox) == 2
    # The email says what they are invited to be, and where.
    assert f"Your role: Chair or member of governors, {world.school}." in mail.outbox[0].body


def test_someone_invited_who_asks_for_a_password_reset_is_sent_their_invitation_again(
    admin_client, world, django_capture_on_commit_callbacks
):
    """An invited person with no password yet, asking for a reset link, was sent nothing: Django sends one only to an
    account with a password. The page says the same either way."""
    with django_capture_on_commit_callbacks(execute=True):
        invite(admin_client, email="nia@example.org", full_name="Nia Jones", role=Role.GOVERNOR, school_urn=str(world.school.urn))
    from django.test import Client

    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/accounts/password-reset/", {"email": "Nia@Example.org"})
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 2 and mail.outbox[1].to == ["nia@example.org"]
    assert "/accounts/invitation/" in mail.outbox[1].body  # the invitation's link, which sets a first password
    again = AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="accounts.invitation").order_by("-pk").first()
    assert again.user is None
    # Not for a role since ended.
    from accounts import services

    services.revoke_role(assignment=RoleAssignment.objects.get(user__email="nia@example.org"), revoked_by=world.users[Role.LA_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/accounts/password-reset/", {"email": "nia@example.org"})
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("kind", [GroupKind.SPONSOR, GroupKind.FEDERATION])
def test_a_trust_leaders_role_is_for_a_trust_not_a_sponsor_or_federation(admin_client, world, kind):
    """GIAS lists sponsors and federations of maintained schools as groups beside the trusts: the role of academy trust
    leader was given for any of them, opening their schools' pages under a title that is not theirs."""
    from django.core.exceptions import ValidationError

    from accounts import services
    from tests.factories import GroupFactory, GroupMembershipFactory

    group = GroupFactory(name="GLF Schools", kind=kind)
    GroupMembershipFactory(group=group, school=world.school)
    response = invite(admin_client, role=Role.TRUST_LEADER, trust=str(group.uid))
    html = response.content.decode()
    assert response.status_code == 200 and 'href="#trust_leader-trust"' in html
    assert f"{isolated(str(group))} is a {kind.label.lower()}, not a trust: Academy trust leader is a role for a trust" in html
    assert not User.objects.filter(email="nia@example.org").exists()
    with pytest.raises(ValidationError, match="not a trust"):
        services.grant_role(user=world.users[Role.HEADTEACHER], role=Role.TRUST_LEADER, target=group, granted_by=None)


def test_a_role_at_a_trust_with_schools_in_another_authority_is_not_one_authoritys_to_end(admin_client, world, spanning_trust):
    """As it is not one authority's to give: Surrey's administrator sees the trust's leader, but neither ends their role
    nor shuts them out (deactivating them, resetting their second factor), which would end Hampshire's reader too."""
    leader = UserFactory(email="glf-ceo@example.org", full_name="GLF Chief Executive")
    assignment = grant(leader, Role.TRUST_LEADER, spanning_trust)
    page = admin_client.get(f"/accounts/users/{leader.pk}/").content.decode()
    assert spanning_trust.name in page
    assert "Revoke" not in page and "Deactivate account" not in page
    assert refused_at_both_steps(admin_client, leader, "revoke", assignment=assignment.pk)
    assert refused_at_both_steps(admin_client, leader, "deactivate")
    assert refused_at_both_steps(admin_client, leader, "reset_two_factor")
    assert access_of(leader)[:2] == ((assignment.pk,), True)
    # An administrator of every authority of the trust's schools may.
    grant(world.users[Role.LA_ADMIN], Role.LA_ADMIN, world.other_la)
    assert act(admin_client, leader, "revoke", assignment=assignment.pk).status_code == 302


def revealed_by_each_role(html: str) -> dict[str, tuple[bool, str]]:
    """Each role's radio → (whether what it reveals is hidden until it is chosen, what it reveals, as HTML)."""
    found = re.findall(
        r'<input class="govuk-radios__input" id="([\w-]+)" name="role" type="radio" value="(\w+)"[^>]*data-aria-controls="conditional-\1"'
        r'.*?<div class="govuk-radios__conditional( govuk-radios__conditional--hidden)?" id="conditional-\1">(.*?)(?=<div class="govuk-radios__item">|</fieldset>)',
        html,
        re.S,
    )
    return {role: (bool(hidden), " ".join(shown.split())) for _, role, hidden, shown in found}


def test_each_role_reveals_only_the_question_of_what_it_is_for(admin_client, world):
    """GOV.UK's conditionally revealed questions: the form asked all four "what the role is for" questions at once, for
    the one that matched the role to be answered. Each role's radio now reveals its own (a school's URN for a
    headteacher), shown alone once that role is chosen, keeping what was typed in it when the form is sent back."""
    html = admin_client.get("/accounts/users/invite/").content.decode()
    assert "What the role is for" not in html
    revealed = revealed_by_each_role(html)
    assert list(revealed) == list(Role.values)
    for role, (hidden, shown) in revealed.items():
        assert hidden and shown.count(' name="') == 1 and f'name="{role}-' in shown, role
    assert 'for="governor-school_urn"> School URN </label>' in revealed[Role.GOVERNOR][1]
    assert 'for="la_officer-authority"> Local authority </label>' in revealed[Role.LA_OFFICER][1]
    html = invite(admin_client, role=Role.GOVERNOR, school_urn="12x").content.decode()
    revealed = revealed_by_each_role(html)
    assert [role for role, (hidden, _) in revealed.items() if not hidden] == [Role.GOVERNOR]
    assert 'id="governor-school_urn" name="governor-school_urn" type="text" spellcheck="false" value="12x"' in revealed[Role.GOVERNOR][1]
    assert "URN must be a number, like 125000" in revealed[Role.GOVERNOR][1] and 'href="#governor-school_urn"' in html
    # The same on a person's page, granting another role.
    html = admin_client.get(f"/accounts/users/{world.users[Role.GOVERNOR].pk}/").content.decode()
    assert list(revealed_by_each_role(html)) == list(Role.values)


def test_the_users_list_is_paged_as_every_other_list_is_with_its_pages_numbered(admin_client, world):
    for n in range(120):
        grant(UserFactory(email=f"officer{n:03}@surreycc.gov.uk", full_name=f"Officer {n:03}"), Role.LA_OFFICER, world.la)
    page = admin_client.get("/accounts/users/?q=officer").content.decode()
    nav = re.search(r'<nav class="govuk-pagination[^"]*"[^>]*>.*?</nav>', page, re.S)
    assert nav and 'aria-label="Pages of results"' in nav.group(0)
    # Numbered pages, the search kept in each address, as the school, trust and import lists give them.
    assert "?q=officer&amp;page=3" in nav.group(0) and ">3<" in re.sub(r"\s+", "", nav.group(0))


def test_a_search_of_the_users_gives_its_words_isolated_from_the_sentence_around_them(admin_client, world):
    """The words searched for are quoted in the list's count ("3 users matching ‘…’"): isolated (<bdi>), so that words
    written right to left do not reorder the sentence around them."""
    page = admin_client.get("/accounts/users/", {"q": "שלום"}).content.decode()
    assert "No users match ‘<bdi>שלום</bdi>’." in page
    page = admin_client.get("/accounts/users/", {"q": "headteacher"}).content.decode()
    assert "1 user matching ‘<bdi>headteacher</bdi>’." in page


def role_hints(html) -> dict[str, str]:
    """Each role's hint under its radio on the invite form, by role."""
    hints = {}
    for item in html.split('<div class="govuk-radios__item">')[1:]:
        role = re.search(r'name="role" type="radio" value="(\w+)"', item)
        hint = re.search(r'<div id="role-[\w-]*item-hint"[^>]*>(.*?)</div>', item, re.S)
        if role and hint:
            hints[role[1]] = " ".join(unescape(hint[1]).split())
    return hints


def test_each_roles_hint_promises_only_what_the_role_can_do_today(admin_client, world):
    """Governors were promised their school's reports, plans and category, which Common Ground does not have yet. Each
    hint now says what the role's holder can open: local intelligence where they may use it, and said not to be theirs
    where a school's people may think it is; who holds a role at a school where they may open its People page."""
    from evidence.permissions import may_use_intelligence

    hints = role_hints(admin_client.get("/accounts/users/invite/").content.decode())
    assert list(hints) == list(Role.values)
    assert hints[Role.GOVERNOR] == "Sees their own school, and who holds a role there; not its local intelligence."
    for role, hint in hints.items():
        assert not re.search(r"report|plan|categor|visit|in full", hint, re.I), hint
        holder = world.users[role]
        school = School.objects.confidential_to(holder).order_by("urn").first()
        may_use = school is not None and may_use_intelligence(holder, school)
        said_to_use = "local intelligence" in hint and not re.search(r"not (its|their) local intelligence", hint)
        assert said_to_use == may_use, role
        if "who holds a role" in hint:
            people = sign_in(Client(), holder).get(reverse("register:school-people", args=[school.urn]))
            assert people.status_code == 200, role
        assert ("no confidential records" in hint) == (school is None), role


def test_a_person_whose_account_was_made_without_an_invitation_is_said_not_to_have_been_invited(client, world, admin_client):
    """The demonstration's accounts, and those made with createsuperuser or in the Django admin, have no invitation:
    their page said 'Invited: None from your authorities', as if another authority might have sent one."""
    head = world.users[Role.HEADTEACHER]
    assert not head.invitations.exists()
    assert invited(admin_client.get(f"/accounts/users/{head.pk}/").content.decode()) == "Not invited: a site administrator made the account"
    site_admin = UserFactory(email="site-admin@example.org", is_superuser=True)
    page = sign_in(client, site_admin).get(f"/accounts/users/{head.pk}/").content.decode()
    assert invited(page) == "Not invited: a site administrator made the account"
