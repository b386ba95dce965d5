"""Uploaded imports run in a worker: the database backend by default, Redis in larger installations."""

import io

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from accounts.roles import Role
from imports.models import ImportOutcome, ImportRun
from imports.tasks import run_import
from register.models import School

from .conftest import sign_in

GIAS_2021 = settings.BASE_DIR / "demo" / "register" / "surrey-2021-05-establishments.csv"
REDIS_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
REDIS_QUEUES = {"default": {"URL": "redis://127.0.0.1:6379/15", "DEFAULT_TIMEOUT": 600}}


@override_settings(TASKS=REDIS_TASKS, RQ_QUEUES=REDIS_QUEUES)
def test_a_redis_worker_runs_an_uploaded_import(db):
    import django_rq
    from django_tasks_rq import Job
    from rq import SimpleWorker

    queue = django_rq.get_queue("default", job_class=Job)
    queue.empty()
    run = ImportRun.objects.create(file_name=GIAS_2021.name, checksum="", outcome=ImportOutcome.QUEUED)
    result = run_import.enqueue(run.pk, str(GIAS_2021), [936], None)
    assert queue.count == 1
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
    run.refresh_from_db()
    assert (run.outcome, run.created) == (ImportOutcome.SUCCEEDED, 590)
    assert School.objects.filter(urn=125004).exists()
    assert result.id


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_database_worker_runs_an_uploaded_import(emptied_audit_log):
    # A transactional database: the worker closes its connection when it is done, as in production.
    run = ImportRun.objects.create(file_name=GIAS_2021.name, checksum="", outcome=ImportOutcome.QUEUED)
    result = run_import.enqueue(run.pk, str(GIAS_2021), [936], None)
    run.refresh_from_db()
    assert run.outcome == ImportOutcome.QUEUED  # nothing runs until a worker takes it
    call_command("db_worker", "--batch", "--interval", "0", stdout=io.StringIO(), stderr=io.StringIO())
    run.refresh_from_db()
    assert (run.outcome, run.created) == (ImportOutcome.SUCCEEDED, 590)
    assert School.objects.filter(urn=125004).exists()
    result.refresh()
    assert result.status == "SUCCESSFUL" and result.return_value == ImportOutcome.SUCCEEDED


def test_progress_shown_while_running_comes_from_the_worker_through_the_cache(client, world):
    run = ImportRun.objects.create(file_name="national.csv", checksum="", outcome=ImportOutcome.RUNNING, progress=10)
    cache.set(run.progress_key, 57)
    sign_in(client, world.users[Role.LA_ADMIN])
    panel = client.get(reverse("imports:progress", args=[run.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "Importing: 57% done." in panel and 'value="57"' in panel


def test_a_run_waiting_for_its_worker_shows_no_progress_left_in_the_cache_by_an_earlier_run_of_its_number(client, world):
    """The cache keeps a run's word for a day, and the database may be made afresh or restored from a backup beside it:
    an upload waiting for its worker, numbered as a run of the earlier database that got to 99%, showed a bar 99% done."""
    earlier = ImportRun.objects.create(file_name="national.csv", checksum="", outcome=ImportOutcome.RUNNING)
    earlier.heard_from(99)
    ImportRun.objects.filter(pk=earlier.pk).delete()  # the database made afresh, and the cache kept
    run = ImportRun.objects.create(pk=earlier.pk, file_name="surrey.csv", checksum="", outcome=ImportOutcome.QUEUED)
    sign_in(client, world.users[Role.LA_ADMIN])
    panel = client.get(reverse("imports:progress", args=[run.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "Waiting to start." in panel and 'value="0"' in panel
    run.heard_from(12)  # its own word, once its worker takes it, is heard
    assert ImportRun.objects.get(pk=run.pk).live_progress == 12


IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def run_queued(file_name="surrey.csv", **fields) -> ImportRun:
    return ImportRun.objects.create(file_name=file_name, checksum="", outcome=ImportOutcome.QUEUED, la_codes="936", **fields)


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_a_worker_that_cannot_read_the_upload_marks_the_run_failed_and_says_so(db, tmp_path):
    run = run_queued()
    result = run_import.enqueue(run.pk, str(tmp_path / "gone.csv"), [936], None)
    run.refresh_from_db()
    assert result.status == "FAILED" and run.outcome == ImportOutcome.FAILED and run.finished_at
    assert run.message.startswith("surrey.csv: the import stopped with an error before it finished (")
    assert "Nothing was imported from this file" in run.message and "tell your service administrator" in run.message
    from audit.models import AuditAction, AuditEvent

    assert AuditEvent.objects.get(action=AuditAction.IMPORT, object_id=str(run.pk)).detail["outcome"] == ImportOutcome.FAILED


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_with_the_cache_down_the_worker_still_imports_the_file(db, tmp_path, monkeypatch, caplog):
    import shutil

    class CacheDown:
        def set_many(self, *args, **kwargs):
            raise ConnectionError("Connection refused")

    monkeypatch.setattr("imports.models.cache", CacheDown())
    run = run_queued(GIAS_2021.name)
    upload = tmp_path / "upload.csv"
    shutil.copy(GIAS_2021, upload)
    result = run_import.enqueue(run.pk, str(upload), [936], None)
    run.refresh_from_db()
    assert (result.status, run.outcome) == ("SUCCESSFUL", ImportOutcome.SUCCEEDED), run.message
    assert School.objects.exists()
    assert [r.message for r in caplog.records if "cache cannot be written" in r.message] == [
        f"The cache cannot be written: import {run.pk} cannot say how far it has gone"
    ]  # once, not at every step


@override_settings(TASKS=REDIS_TASKS, RQ_QUEUES={"default": {"URL": "redis://127.0.0.1:1/0", "DEFAULT_TIMEOUT": 600}})
def test_an_upload_the_queue_cannot_take_is_marked_failed_not_left_queued(
    client, world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.UPLOAD_DIR = tmp_path / "uploads"  # nothing listens on port 1: the queue's Redis is down
    sign_in(client, world.users[Role.LA_ADMIN])
    with GIAS_2021.open("rb") as f, django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:list"), {"file": f, "la": ["936"]})
    run = ImportRun.objects.get()
    assert run.outcome == ImportOutcome.FAILED and "could not be queued" in run.message
    assert not any(settings.UPLOAD_DIR.iterdir())
    page = client.get(response["Location"]).content.decode()
    assert "The import failed" in page and "the background job service did not answer (ConnectionError)" in page


def test_a_run_its_worker_has_not_spoken_of_for_half_an_hour_is_marked_as_stopped(client, world):
    from datetime import timedelta

    from django.utils import timezone

    silent, busy = run_queued("silent.csv"), run_queued("busy.csv")
    ImportRun.objects.filter(pk__in=[silent.pk, busy.pk]).update(
        outcome=ImportOutcome.RUNNING, started_at=timezone.now() - timedelta(hours=2)
    )
    silent.refresh_from_db()
    busy.refresh_from_db()
    cache.set(silent.heartbeat_key, (timezone.now() - timedelta(minutes=31)).timestamp())
    busy.heard_from(40)
    sign_in(client, world.users[Role.LA_ADMIN])
    listing = client.get(reverse("imports:list")).content.decode()
    silent.refresh_from_db()
    busy.refresh_from_db()
    assert (silent.outcome, busy.outcome) == (ImportOutcome.FAILED, ImportOutcome.RUNNING)
    assert "nothing was heard from the import for 30 minutes" in silent.message
    assert "Failed" in listing
    # The administrator's page found it stopped, but the log does not make them (or the command line) its author.
    from audit.models import AuditEvent

    stop = AuditEvent.objects.filter(object_type="imports.importrun", object_id=str(silent.pk)).latest("id")
    assert (stop.user, stop.who, stop.detail["outcome"]) == (None, "Common Ground itself", ImportOutcome.FAILED)
    page = client.get(reverse("imports:detail", args=[busy.pk])).content.decode()
    assert "Importing: 40% done." in page


def test_a_run_waiting_for_a_worker_for_long_says_the_worker_may_not_be_running(client, world):
    from datetime import timedelta

    from django.utils import timezone

    fresh, waiting = run_queued("fresh.csv"), run_queued("waiting.csv")
    ImportRun.objects.filter(pk=waiting.pk).update(started_at=timezone.now() - timedelta(minutes=6))
    sign_in(client, world.users[Role.LA_ADMIN])
    note = "the background worker that runs imports may not be running"
    assert note not in client.get(reverse("imports:detail", args=[fresh.pk])).content.decode()
    assert note in client.get(reverse("imports:detail", args=[waiting.pk])).content.decode()
    waiting.refresh_from_db()
    assert waiting.outcome == ImportOutcome.QUEUED  # it will run when a worker does


def test_asking_for_progress_leaves_the_session_as_it_was(client, world):
    from django.contrib.sessions.models import Session

    run = run_queued()
    sign_in(client, world.users[Role.LA_ADMIN])
    client.get(reverse("imports:list"))
    session = Session.objects.get(session_key=client.session.session_key)
    client.get(reverse("imports:progress", args=[run.pk]), headers={"HX-Request": "true"})
    assert Session.objects.get(session_key=session.session_key).expire_date == session.expire_date
    client.get(reverse("imports:list"))
    assert Session.objects.get(session_key=session.session_key).expire_date > session.expire_date


def test_with_the_cache_down_the_imports_pages_still_open_and_no_run_is_taken_for_stopped(client, world, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    class CacheDown:
        def get(self, *args, **kwargs):
            raise ConnectionError("Connection refused")

    running = run_queued("national.csv")
    ImportRun.objects.filter(pk=running.pk).update(
        outcome=ImportOutcome.RUNNING, progress=10, started_at=timezone.now() - timedelta(hours=2)
    )
    sign_in(client, world.users[Role.LA_ADMIN])
    monkeypatch.setattr("imports.models.cache", CacheDown())
    assert client.get(reverse("imports:list")).status_code == 200
    assert "Importing: 10% done." in client.get(reverse("imports:detail", args=[running.pk])).content.decode()
    running.refresh_from_db()
    assert running.outcome == ImportOutcome.RUNNING  # not known to have stopped


def test_a_run_found_stopped_has_its_upload_deleted(client, world, settings, tmp_path):
    from datetime import timedelta

    from django.utils import timezone

    from imports.forms import upload_path

    settings.UPLOAD_DIR = tmp_path / "uploads"
    run = run_queued()
    upload_path(run, ".csv").write_text("URN\n1\n")
    ImportRun.objects.filter(pk=run.pk).update(outcome=ImportOutcome.RUNNING, started_at=timezone.now() - timedelta(hours=1))
    sign_in(client, world.users[Role.LA_ADMIN])
    client.get(reverse("imports:detail", args=[run.pk]))
    run.refresh_from_db()
    assert run.outcome == ImportOutcome.FAILED and "the command or the background worker running it may have been stopped" in run.message
    assert not any(settings.UPLOAD_DIR.iterdir())


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_an_error_naming_a_control_character_leaves_the_database_worker_running(emptied_audit_log, monkeypatch):
    """An error's words holding a file's NUL byte could be stored neither as the run's reason nor as the job's
    outcome in PostgreSQL, which holds no NUL in text: the worker stopped, and every later upload waited for it."""

    def damaged(*args, **kwargs):
        raise ValueError("could not parse '\x00\x00137' as a number")

    monkeypatch.setattr("imports.tasks.import_file", damaged)
    run = ImportRun.objects.create(file_name=GIAS_2021.name, checksum="", outcome=ImportOutcome.QUEUED)
    result = run_import.enqueue(run.pk, str(GIAS_2021), [936], None)
    call_command("db_worker", "--batch", "--interval", "0", stdout=io.StringIO(), stderr=io.StringIO())
    run.refresh_from_db()
    assert run.outcome == ImportOutcome.FAILED
    assert "(could not parse '\\x00\\x00137' as a number)" in run.message, run.message
    result.refresh()
    assert result.status == "FAILED"
