"""Who uploaded a file stays on its import's pages after their account has gone; only an import from the command line
says it came from there."""

import gzip
import importlib

from django.apps import apps
from django.db import connection, transaction
from django.test import override_settings
from django.urls import reverse

from accounts.roles import Role
from imports.models import ImportOutcome, ImportRun
from imports.services import import_file

from .conftest import sign_in
from .factories import UserFactory, grant
from .test_import_demo_files import GIAS_2021
from .test_import_pages import IMMEDIATE_TASKS


def _delete_account(user):
    """Delete the account as only someone at the database could: the audit log's append-only triggers refuse to let go
    of its events' link to the person (their email address stays), so they are lifted for the deletion: the events'
    places' first (on PostgreSQL they call the events' function), and put back last."""
    migrations = [importlib.import_module(f"audit.migrations.{name}") for name in ("0006_auditplace", "0002_append_only")]
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        for migration in migrations:
            for sql in migration.POSTGRES_REVERSE if postgres else migration.SQLITE_REVERSE:
                cursor.execute(sql)
        user.delete()
        for migration in reversed(migrations):
            for sql in migration.POSTGRES if postgres else migration.SQLITE:
                cursor.execute(sql)


def _colleague(world):
    colleague = UserFactory(email="leaver@surrey.example", full_name="Lee Leaver")
    grant(colleague, Role.LA_ADMIN, world.la)
    return colleague


def _upload(client, tmp_path, capture_on_commit_callbacks, *, execute):
    """Upload a file; with `execute`, the worker imports it then; without, what would queue it is returned."""
    upload = tmp_path / "surrey.csv.gz"
    upload.write_bytes(gzip.compress(GIAS_2021.read_bytes()))
    with upload.open("rb") as f, capture_on_commit_callbacks(execute=execute) as queued:
        client.post(reverse("imports:list"), {"file": f, "la": ["936"]})
    return ImportRun.objects.get(file_name="surrey.csv.gz"), queued


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_an_upload_is_still_theirs_after_the_uploaders_account_has_gone(
    client, world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    leaver = _colleague(world)
    sign_in(client, leaver)
    run, _ = _upload(client, tmp_path, django_capture_on_commit_callbacks, execute=True)
    assert (run.outcome, run.user, run.user_name) == (ImportOutcome.SUCCEEDED, leaver, "Lee Leaver")
    import_file(GIAS_2021)  # from the command line
    _delete_account(leaver)
    run.refresh_from_db()
    assert (run.user, run.user_name) == (None, "Lee Leaver")
    sign_in(client, world.users[Role.LA_ADMIN])
    listed = client.get(reverse("imports:list")).content.decode()
    assert listed.count("Lee Leaver") == 1 and listed.count("Command line") == 1
    page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert "Lee Leaver" in page and "Command line" not in page and "Uploaded" in page
    # The audit log kept their email address.
    events = client.get(reverse("audit:list"), {"who": "leaver@surrey.example"}).content.decode()
    assert "leaver@surrey.example" in events and "Command line" not in events


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_an_upload_keeps_its_uploaders_name_if_their_account_goes_before_the_worker_takes_it(
    client, world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    leaver = _colleague(world)
    sign_in(client, leaver)
    run, queued = _upload(client, tmp_path, django_capture_on_commit_callbacks, execute=False)
    _delete_account(leaver)
    for callback in queued:
        callback()
    run.refresh_from_db()
    assert (run.outcome, run.user, run.user_name) == (ImportOutcome.SUCCEEDED, None, "Lee Leaver")


def test_an_import_from_the_command_line_keeps_no_name(world):
    assert import_file(GIAS_2021).user_name == ""
    assert import_file(GIAS_2021, user=world.users[Role.LA_ADMIN]).user_name == world.users[Role.LA_ADMIN].full_name


def test_runs_imported_before_names_were_kept_are_given_their_uploaders(world):
    keep = importlib.import_module("imports.migrations.0004_importrun_user_name").keep_uploaders_names
    admin, nameless = world.users[Role.LA_ADMIN], UserFactory(email="nameless@surrey.example", full_name="")
    for name, user in (("a.csv", admin), ("b.csv", nameless), ("c.csv", None)):
        ImportRun.objects.create(file_name=name, checksum="0", user=user)
    keep(apps, None)
    names = dict(ImportRun.objects.values_list("file_name", "user_name"))
    assert names == {"a.csv": admin.full_name, "b.csv": "nameless@surrey.example", "c.csv": ""}
