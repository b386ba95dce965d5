from collections import Counter
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from core import demo
from imports.models import ImportOutcome, ImportRun
from register.models import RegisterEvent, School, SchoolLink, SchoolStatus


@pytest.fixture(autouse=True)
def a_demonstration(settings):
    """The demo is loaded only where the installation says it is a demonstration (DEMO=true)."""
    settings.DEMO_NOTICE = True


@pytest.fixture
def var_dir(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_load_demo_refuses_an_installation_that_is_not_a_demonstration(var_dir, settings):
    """Its accounts, an LA administrator's among them, share one password that the command prints: run against a real
    installation's database by mistake, it would open it to whoever reads the output."""
    from django.core.management.base import CommandError

    settings.DEMO_NOTICE = False
    with pytest.raises(CommandError, match="DEMO=true"):
        call_command("load_demo", stdout=StringIO())
    assert not User.objects.exists() and not ImportRun.objects.exists()


@pytest.mark.django_db
def test_load_demo_imports_surrey_and_makes_one_account_per_role(var_dir):
    out = StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert School.objects.filter(la__code=936).count() > 800
    assert not School.objects.exclude(la__code=936).exists()
    for role in Role:
        assert RoleAssignment.objects.current().filter(role=role).exists(), role
    password = (var_dir / "demo_password").read_text().strip()
    assert f"Password: {password}" in text
    assert User.objects.get(email="headteacher@demo.commonground.example").check_password(password)
    assert RoleAssignment.objects.filter(role=Role.ADVISER).count() > 1
    # The demo's schools are open and not replaced since the extract, by GIAS's links either way round.
    schools = School.objects.filter(pk__in=RoleAssignment.objects.current().values("school"))
    assert schools.count() == demo.ADVISER_CASELOAD and all(school.status == SchoolStatus.OPEN for school in schools)
    urns = {school.urn for school in schools}
    assert not SchoolLink.objects.filter(urn__in=urns, link_type__startswith="Successor").exists()
    assert not SchoolLink.objects.filter(linked_urn__in=urns, link_type__startswith="Predecessor").exists()

    # Loading it again changes nothing and says so.
    events, runs = RegisterEvent.objects.count(), ImportRun.objects.count()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert RegisterEvent.objects.count() == events
    assert ImportRun.objects.count() == runs
    assert "surrey-2021-05-establishments.csv: already imported on" in out.getvalue()
    assert not ImportRun.objects.exclude(outcome=ImportOutcome.SUCCEEDED).exists()


@pytest.mark.django_db
def test_load_demo_reads_each_file_once(var_dir, monkeypatch):
    """It reads a file to see whether it was imported before, and imports what it read rather than reading it again."""
    manifest = var_dir / "manifest.txt"
    manifest.write_text("register/surrey-2021-05-establishments.csv la=936\nevidence/2018-2019-936-ks2final.csv\n")
    monkeypatch.setattr(demo, "MANIFEST", manifest)
    reads = Counter()
    read_bytes = Path.read_bytes

    def counted(path):
        if path.is_relative_to(demo.DEMO_DIR):
            reads[path.name] += 1
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", counted)
    call_command("load_demo", stdout=StringIO())
    assert reads == {"surrey-2021-05-establishments.csv": 1, "2018-2019-936-ks2final.csv": 1}
    assert ImportRun.objects.filter(outcome=ImportOutcome.SUCCEEDED).count() == 2


@pytest.fixture
def register_only(var_dir, monkeypatch):
    """A demo of Surrey's register alone: its accounts' roles are at its schools, its authority and a review group."""
    manifest = var_dir / "manifest.txt"
    manifest.write_text("register/surrey-2021-05-establishments.csv la=936\n")
    monkeypatch.setattr(demo, "MANIFEST", manifest)
    return manifest


@pytest.mark.django_db
def test_load_demo_grants_its_accounts_roles_as_the_user_pages_do_and_the_audit_log_says_from_the_command_line(client, register_only):
    """Each grant is the accounts service's: recorded with whom it was granted to, and by no one, which the audit log
    calls the command line."""
    from audit.models import AuditAction, AuditEvent

    from .conftest import sign_in
    from .test_audit_list import entry_words

    call_command("load_demo", stdout=StringIO())
    granted = RoleAssignment.objects.current().select_related("user")
    assert granted.count() > len(Role) - 1  # the adviser's caseload; no trust without the group links
    events = AuditEvent.objects.filter(action=AuditAction.GRANT)
    assert sorted((event.object_id, event.detail["to"], event.detail["role"]) for event in events) == sorted(
        (str(assignment.pk), assignment.user.email, assignment.role) for assignment in granted
    )
    assert not events.exclude(user=None).exists() and not granted.exclude(granted_by=None).exists()
    sign_in(client, User.objects.get(email="la.admin@demo.commonground.example"))
    head = granted.get(role=Role.HEADTEACHER)
    entries = entry_words(client.get("/audit/", {"action": AuditAction.GRANT}).content.decode(), AuditAction.GRANT)
    said = f"| Command line | Granted role | Role: Headteacher — {head.school} to: headteacher@demo.commonground.example |"
    assert len([entry for entry in entries if said in entry]) == 1
    # A demo account is made before it holds a role, so its making lies in no authority: a service administrator reads it.
    from .factories import UserFactory

    sign_in(client, UserFactory(is_superuser=True))
    created = entry_words(client.get("/audit/", {"action": AuditAction.CREATE}).content.decode(), AuditAction.CREATE)
    from core.demo import DEMO_NAMES

    said = f"| Command line | Created | User: {DEMO_NAMES[Role.HEADTEACHER]} reason: demo account |"
    assert len([entry for entry in created if said in entry]) == 1, created
    # Loading it again grants nothing again.
    call_command("load_demo", stdout=StringIO())
    assert AuditEvent.objects.filter(action=AuditAction.GRANT).count() == events.count() == granted.count()


@pytest.mark.django_db
def test_load_demo_stops_where_the_accounts_service_refuses_a_demo_account_its_role(register_only, monkeypatch):
    """The service's rules are the demo's: no role at a school that has closed. The command says whose account, and
    where, and makes none of the accounts."""
    from django.core.management.base import CommandError

    targets, closed = demo._targets, []

    def at_a_school_that_has_closed(authority):
        found = targets(authority)
        school = School.objects.filter(la=authority).order_by("-urn").first()
        school.status, school.closed_on = SchoolStatus.CLOSED, date(2021, 8, 31)
        school.save()
        closed.append(school)
        found[Role.HEADTEACHER] = [school]
        return found

    monkeypatch.setattr(demo, "_targets", at_a_school_that_has_closed)
    with pytest.raises(CommandError) as refused:
        call_command("load_demo", stdout=StringIO())
    school = closed[0]
    assert str(refused.value).startswith(
        f"The demo account headteacher@demo.commonground.example cannot be given the role Headteacher for {school}: {school} closed on"
    )
    # A command's refusal says what the rule is, not what to enter on a form.
    assert str(refused.value).endswith("A role may be given only at a school that is open or proposed to open.")
    assert not User.objects.exists() and not RoleAssignment.objects.exists()
