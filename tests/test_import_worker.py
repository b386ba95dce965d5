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
