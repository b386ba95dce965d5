import importlib
import re

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from accounts.roles import Role

from .factories import (
    BodyFactory,
    GroupFactory,
    GroupMembershipFactory,
    LocalAuthorityFactory,
    SchoolFactory,
    UserFactory,
    grant,
)

# Property tests check what is true of every input, not how fast inputs come: on a busy machine (CI shares two cores
# with browsers and a database) one slow draw or example is a pause of the machine's, not a fault.
hypothesis_settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("suite")


def pytest_sessionstart(session):
    """The last run's failure screenshots go before this run's begin: once, by the process that runs the others (each
    of pytest-xdist's processes clearing them as its browser started would delete another's from this run)."""
    if not hasattr(session.config, "workerinput"):
        from django.conf import settings

        for old in (settings.BASE_DIR / "var" / "screenshots").glob("FAILED-*.png"):
            old.unlink()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: what an import's worker said of its run (progress, when last heard from) is
    kept by the run's id, which the next test's database gives again."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    """Two authorities; schools in each; a trust spanning one school; one user per role.

    Returns a simple namespace: world.la, world.other_la, world.school, world.other_school,
    world.trust_school, world.trust, world.body, and world.users[role] for every Role.
    """

    class World:
        pass

    w = World()
    w.la = LocalAuthorityFactory(code=936, name="Surrey")
    w.other_la = LocalAuthorityFactory(code=850, name="Hampshire")
    w.school = SchoolFactory(la=w.la, name="Ash Grange Primary School")
    w.other_school = SchoolFactory(la=w.la, name="Busbridge Infant School")
    w.far_school = SchoolFactory(la=w.other_la, name="Hampshire Primary School")
    w.trust = GroupFactory(name="Good Shepherd Trust")
    w.trust_school = SchoolFactory(la=w.la, name="St Mary's Academy", type_name="Academy converter")
    GroupMembershipFactory(group=w.trust, school=w.trust_school)
    w.body = BodyFactory(authority=w.la, name="Surrey review group")
    w.body.schools.add(w.school)
    targets = {
        Role.LA_ADMIN: w.la,
        Role.LA_OFFICER: w.la,
        Role.ADVISER: w.school,
        Role.HEADTEACHER: w.school,
        Role.SCHOOL_STAFF: w.school,
        Role.GOVERNOR: w.school,
        Role.TRUST_LEADER: w.trust,
        Role.BODY_MEMBER: w.body,
        Role.STAKEHOLDER: w.body,
    }
    w.users = {}
    for role, target in targets.items():
        user = UserFactory(email=f"{role.value}@example.org", full_name=role.label)
        grant(user, role, target)
        w.users[role] = user
    return w


@pytest.fixture
def caseload(world):
    """Three schools of Surrey besides the world's, at each of which, and at the world's school, one adviser is the link
    adviser; they are also a governor of one of them."""
    schools = [world.school] + [SchoolFactory(la=world.la, name=f"{name} Primary School") for name in ("Kingswood", "Ottershaw", "Wey")]
    adviser = UserFactory(email="helen.wright@example.org", full_name="Helen Wright")
    for school in schools:
        grant(adviser, Role.ADVISER, school)
    grant(adviser, Role.GOVERNOR, schools[2])
    return adviser, schools


def sign_in(client, user):
    """Sign `user` in, with their second factor already given where their roles need one."""
    client.force_login(user)
    session = client.session
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Test", confirmed=True
    )
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def events_seen_by(user) -> set[int]:
    """The ids of the events the audit log's page lists for `user`, every page of it."""
    from accounts.access import scope_for
    from audit.log import AuditLog

    log = AuditLog(scope_for(user))
    return {event.id for event in log[0 : log.count()]}


def rows_not_headed_by_their_first_cell(html: str) -> list[str]:
    """Each body row of the page's tables whose first cell is not its row's header (<th scope="row">), by its text."""
    rows = [row for body in re.findall(r"<tbody[^>]*>(.*?)</tbody>", html, re.S) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split())[:80] for row in rows if not row.lstrip().startswith('<th scope="row"')]


@pytest.fixture
def emptied_audit_log(transactional_db):
    """A transactional database is emptied by a flush after each test. On
    SQLite that flush is a DELETE, which the audit log's append-only triggers refuse; lift them
    for the audit rows (events and their places) this test wrote, then put them back. (PostgreSQL flushes with TRUNCATE,
    which its row triggers do not see.)"""
    yield
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    events = importlib.import_module("audit.migrations.0002_append_only")
    places = importlib.import_module("audit.migrations.0006_auditplace")
    with connection.cursor() as cursor:
        for sql in events.SQLITE_REVERSE + places.SQLITE_REVERSE:
            cursor.execute(sql)
        cursor.execute("DELETE FROM audit_auditplace")
        cursor.execute("DELETE FROM audit_auditevent")
        for sql in events.SQLITE + places.SQLITE:
            cursor.execute(sql)
