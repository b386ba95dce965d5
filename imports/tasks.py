"""The background job that imports an uploaded file."""

from django.contrib.auth import get_user_model
from django_tasks import task

from .models import ImportRun
from .services import import_file


@task()
def run_import(run_id: int, path: str, la_codes: list[int], user_id: int | None = None) -> str:
    run = ImportRun.objects.get(pk=run_id)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None

    def progress(done: int, total: int) -> None:
        # Inside the import's transaction: other connections see it when the import commits.
        ImportRun.objects.filter(pk=run_id).update(progress=min(99, 10 + 89 * done // max(total, 1)))

    run = import_file(path, file_name=run.file_name, la_codes=la_codes, user=user, progress=progress, run=run)
    return run.outcome
