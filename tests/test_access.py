"""Every URL × every role: who may open what. A new URL without an expectation here fails the suite."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.roles import Role

from .conftest import sign_in

LA = {Role.LA_ADMIN, Role.LA_OFFICER}


# Asked for by a page, to refresh a part of it: walked as the page asks (a request for one as a page is sent to the page).
PARTS_OF_PAGES = {"imports:progress"}


def as_asked(client, name, url):
    return client.get(url, headers={"HX-Request": "true"} if name in PARTS_OF_PAGES else {})


def an_import_run():
    from imports.models import ImportRun

    return ImportRun.objects.get_or_create(file_name="surrey.csv", checksum="0" * 64, kind="gias_establishments", outcome="running")[0]


def an_entry(school):
    """An intelligence entry about `school`, recorded by none of the roles walked (so no adviser is its author)."""
    from evidence.models import IntelligenceEntry

    return IntelligenceEntry.objects.get_or_create(
        school=school, kind="complaint", severity="low", occurred_on="2024-01-15", summary="A complaint.", recorded_by_name="Someone"
    )[0]


ALL = set(Role)
SCHOOL_PEOPLE = LA | {Role.ADVISER, Role.HEADTEACHER, Role.SCHOOL_STAFF, Role.GOVERNOR, Role.BODY_MEMBER}

# (url name, how to build its arguments from the world, roles that get the page). Everyone else is
# refused (403) or told it does not exist (404); anonymous visitors are sent to sign in.
PAGES = [
    ("core:home", lambda w: [], ALL),
    ("accounts:session", lambda w: [], ALL),
    ("accounts:your-account", lambda w: [], ALL),
    ("accounts:change-password", lambda w: [], ALL),
    ("register:school-list", lambda w: [], ALL),
    ("register:school-detail", lambda w: [w.school.urn], ALL),
    ("register:school-detail", lambda w: [w.far_school.urn], set()),
    ("register:school-people", lambda w: [w.school.urn], SCHOOL_PEOPLE),
    ("register:school-people", lambda w: [w.other_school.urn], LA),
    ("register:school-people", lambda w: [w.trust_school.urn], LA | {Role.TRUST_LEADER}),
    ("register:school-people", lambda w: [w.far_school.urn], set()),
    ("register:trust-list", lambda w: [], ALL),
    ("register:trust-detail", lambda w: [w.trust.uid], ALL),
    ("register:authority-list", lambda w: [], ALL),
    ("register:authority-detail", lambda w: [936], ALL),
    ("register:authority-detail", lambda w: [850], set()),
    ("core:administration", lambda w: [], {Role.LA_ADMIN}),
    ("audit:list", lambda w: [], {Role.LA_ADMIN}),
    ("imports:list", lambda w: [], {Role.LA_ADMIN}),
    ("imports:detail", lambda w: [an_import_run().pk], {Role.LA_ADMIN}),
    ("imports:progress", lambda w: [an_import_run().pk], {Role.LA_ADMIN}),
    ("accounts:user-list", lambda w: [], {Role.LA_ADMIN}),
    ("accounts:user-invite", lambda w: [], {Role.LA_ADMIN}),
    ("accounts:user-detail", lambda w: [w.users[Role.HEADTEACHER].pk], {Role.LA_ADMIN}),
    ("evidence:school-results", lambda w: [w.school.urn], ALL),
    ("evidence:school-results", lambda w: [w.far_school.urn], set()),
    ("evidence:school-timeline", lambda w: [w.school.urn], ALL),
    ("evidence:school-timeline", lambda w: [w.far_school.urn], set()),
    ("evidence:school-intelligence", lambda w: [w.school.urn], LA | {Role.ADVISER}),
    ("evidence:school-intelligence", lambda w: [w.other_school.urn], LA),
    ("evidence:school-intelligence", lambda w: [w.far_school.urn], set()),
    ("evidence:intelligence-new", lambda w: [w.school.urn], LA | {Role.ADVISER}),
    ("evidence:intelligence-new", lambda w: [w.trust_school.urn], LA),
    # Corrected or withdrawn by its author or the authority's officers: a link adviser only their own.
    ("evidence:intelligence-correct", lambda w: [w.school.urn, an_entry(w.school).pk], LA),
    ("evidence:intelligence-correct", lambda w: [w.far_school.urn, an_entry(w.far_school).pk], set()),
    ("evidence:intelligence-withdraw", lambda w: [w.school.urn, an_entry(w.school).pk], LA),
    ("evidence:intelligence-withdraw", lambda w: [w.other_school.urn, an_entry(w.other_school).pk], LA),
    ("evidence:intelligence-withdrawn", lambda w: [w.school.urn], LA),
    ("evidence:intelligence-withdrawn", lambda w: [w.far_school.urn], set()),
    ("evidence:authority-intelligence", lambda w: [936], LA | {Role.ADVISER}),
    ("evidence:authority-intelligence", lambda w: [850], set()),
    ("evidence:authority-results", lambda w: [936], ALL),
    ("evidence:authority-results", lambda w: [850], set()),
    ("evidence:authority-results-csv", lambda w: [936], ALL),
    ("evidence:authority-results-xlsx", lambda w: [936], ALL),
    ("evidence:authority-results-csv", lambda w: [850], set()),
    ("evidence:authority-results-notes-csv", lambda w: [936], ALL),
    ("evidence:authority-results-notes-csv", lambda w: [850], set()),
    ("evidence:authority-results-outcomes-csv", lambda w: [936], ALL),
    ("evidence:authority-results-outcomes-csv", lambda w: [850], set()),
]
# Open to anyone, signed in or not: (url name, how to build its arguments from the world).
PUBLIC = [
    ("core:start", lambda w: []),
    ("core:accessibility", lambda w: []),
    ("core:cookies", lambda w: []),
    ("core:privacy", lambda w: []),
    ("evidence:statistics", lambda w: []),
    ("evidence:authority-statistics", lambda w: [936]),
    ("evidence:authority-statistics-csv", lambda w: [936]),
    ("evidence:authority-statistics-xlsx", lambda w: [936]),
    ("evidence:authority-statistics-notes-csv", lambda w: [936]),
    ("evidence:authority-statistics-outcomes-csv", lambda w: [936]),
]
# Pages reached only through a form post or an emailed token, tested where they are built.
NOT_WALKED = {
    "accounts:sign-in",
    "accounts:sign-out",
    "accounts:stay-signed-in",  # a post from the warning before the session ends: tests/test_accounts_session_timeout.py
    "accounts:password-reset",
    "accounts:password-reset-sent",
    "accounts:password-reset-confirm",
    "accounts:password-reset-complete",
    "accounts:invitation-accept",
    "accounts:two-factor-setup",
    "accounts:two-factor-verify",
    "accounts:two-factor-link",  # emailed: tests/test_accounts_two_factor.py
    "evidence:intelligence-correct-check",  # after the correction form's post: tests/test_evidence_intelligence_corrections.py
}


def all_url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from all_url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_url_has_an_access_expectation():
    covered = {name for name, _, _ in PAGES} | {name for name, _ in PUBLIC} | NOT_WALKED
    missing = sorted(set(all_url_names()) - covered)
    assert not missing, f"Add these URLs to tests/test_access.py with who may open them: {missing}"


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_each_role_opens_exactly_the_pages_its_scope_gives(client, world, role):
    from django.urls import reverse

    sign_in(client, world.users[role])
    wrong = []
    for name, args, allowed in PAGES:
        url = reverse(name, args=args(world))
        status = as_asked(client, name, url).status_code
        expected_ok = role in allowed
        if expected_ok and status != 200:
            wrong.append(f"{url}: expected 200, got {status}")
        if not expected_ok and status not in (403, 404):
            wrong.append(f"{url}: expected 403/404, got {status}")
    assert not wrong, "\n".join(wrong)


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    from django.urls import reverse

    for name, args, _ in PAGES:
        url = reverse(name, args=args(world))
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/accounts/sign-in/"), url
    for name, args in PUBLIC:
        assert client.get(reverse(name, args=args(world))).status_code == 200, name


def test_superuser_opens_every_page(client, world):
    from django.urls import reverse

    from .factories import UserFactory

    admin = UserFactory(email="root@example.org", is_superuser=True, is_staff=True)
    sign_in(client, admin)
    for name, args, allowed in PAGES:
        if not allowed:
            continue
        url = reverse(name, args=args(world))
        assert as_asked(client, name, url).status_code == 200, url


def test_a_body_opens_the_confidential_records_of_its_own_authoritys_schools_only(world):
    """A body is its authority's: a school of another authority added to it stays closed to the body's members."""
    from register.models import School

    world.body.schools.add(world.far_school)
    member = world.users[Role.BODY_MEMBER]
    assert set(School.objects.confidential_to(member)) == {world.school}


def test_a_trust_role_browses_the_register_where_its_schools_are_now_not_where_one_was(world):
    from datetime import date

    from accounts.access import scope_for

    from .factories import GroupMembershipFactory

    leader = world.users[Role.TRUST_LEADER]
    left = GroupMembershipFactory(group=world.trust, school=world.far_school, left_on=date(2024, 8, 31))
    assert scope_for(leader).register_authority_ids == {world.la.id}
    left.left_on = None
    left.save()
    leader = type(leader).objects.get(pk=leader.pk)  # a fresh request's user: the scope is worked out once per user
    assert scope_for(leader).register_authority_ids == {world.la.id, world.other_la.id}
