from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from core import demo
from imports.models import ImportOutcome, ImportRun
from register.models import RegisterEvent, School, SchoolLink, SchoolStatus


@pytest.fixture
def var_dir(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    return tmp_path


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
