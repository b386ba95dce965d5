"""The background job that imports an uploaded file."""

import logging

from django.contrib.auth import get_user_model
from django_tasks import task

from .forms import KIND_GIVEN_BY, REPLACED_GIVEN_BY, delete_upload
from .models import ImportOutcome, ImportRun
from .registry import visible
from .services import import_file, stopped

logger = logging.getLogger(__name__)


@task()
def run_import(
    run_id: int, path: str, la_codes: list[int], user_id: int | None = None, kind: str | None = None, replacing: bool = False
) -> str:
    """Import the file uploaded for run `run_id` at `path`: as `kind` (a code of imports.registry.KINDS) if the uploader
    chose one, else as its header says; `replacing`, though a different file of its year and release replaced it since,
    if the uploader said so (imports.services.refuse_replaced)."""
    run = ImportRun.objects.get(pk=run_id)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None

    def progress(done: int, total: int) -> None:
        # The import's rows are written in one transaction that other connections cannot see until it
        # commits, so progress travels through the shared cache instead.
        run.heard_of_rows(done, total)

    try:
        # Running from the moment a worker takes it (reading a large file takes a while), whatever happens next.
        ImportRun.objects.filter(pk=run.pk, outcome=ImportOutcome.QUEUED).update(outcome=ImportOutcome.RUNNING)
        run.heard_from(0)
        run = import_file(
            path,
            file_name=run.file_name,
            kind=kind,
            la_codes=la_codes,
            user=user,
            progress=progress,
            run=run,
            kind_given_by=KIND_GIVEN_BY,
            replacing=replacing,
            replacing_given_by=REPLACED_GIVEN_BY,
        )
    except Exception as error:
        stopped(run, f"the import stopped with an error before it finished ({error})", user)
        if visible(str(error)) == str(error):
            raise
        # Its words quote a file's control character (a NUL byte, say), which the queue could not store as the job's
        # outcome in PostgreSQL, and its worker would stop: the log keeps the error whole, the queue its words made visible.
        logger.exception("Import %s stopped with an error", run.pk)
        raise RuntimeError(visible(str(error))) from None
    finally:
        # The import keeps the file's name and checksum, and its figures if it was taken; the upload itself, perhaps
        # the wrong file sent by mistake, is not kept. A file from anywhere else is left where it is.
        delete_upload(run)
    return run.outcome
