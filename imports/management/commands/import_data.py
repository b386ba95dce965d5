"""python manage.py import_data FILE... [--la CODE]... [--kind KIND] [--replaced]: each file is its own transaction."""

from django.core.management.base import BaseCommand, CommandError

from core.words import listed
from imports.models import ImportOutcome
from imports.progress import ProgressBar
from imports.registry import KINDS
from imports.services import import_file


class Command(BaseCommand):
    help = "Import register and evidence files; the kind of each is detected from its header."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="CSV files, optionally gzipped (.gz)")
        parser.add_argument(
            "--la",
            dest="la_codes",
            type=int,
            action="append",
            default=[],
            metavar="CODE",
            help="Only these three-digit LA codes (repeatable)",
        )
        parser.add_argument("--kind", choices=sorted(KINDS), help="Take every file as this kind instead of detecting it")
        parser.add_argument(
            "--replaced",
            action="store_true",
            help="Import a file imported before even though a different file of its year and release has replaced it since",
        )

    def handle(self, *args, files, la_codes, kind, replaced, **options):
        """Each file is imported whole or not at all, so one refused does not stop the rest: every file is tried,
        and the command fails at the end, saying why each file it could not import was not."""
        not_imported = {}
        for number, path in enumerate(files):
            try:
                self.stdout.write(self.style.SUCCESS(self._import(path, kind, la_codes, replaced)))
            except CommandError as error:
                not_imported[path] = str(error)
            except Exception:
                if untried := files[number + 1 :]:
                    self.stderr.write(f"Not tried, after the failure below: {listed(untried)}")
                raise
        if not_imported:
            summary = [f"{len(not_imported)} of {len(files)} files not imported: {listed(list(not_imported))}."] if len(files) > 1 else []
            raise CommandError("\n".join([*not_imported.values(), *summary]))

    def _import(self, path, kind, la_codes, replacing=False) -> str:
        """Import one file and return what it did; raise CommandError if it cannot be read or is refused."""
        bar = ProgressBar()
        started = []

        def announce(run, named):
            # In brackets, in the words the run's message will use: the labels are singular ("… extract") and plural ("… tables").
            self.stdout.write(f"Importing {run.file_name} {named}")
            started.append(run)
            run.heard_from(0)

        def progress(done, total):
            bar(done, total)
            # As the worker does: the Imports page shows how far the import is, and takes a run not heard from for
            # half an hour for stopped.
            started[0].heard_of_rows(done, total)

        try:
            run = import_file(path, kind=kind, la_codes=la_codes, progress=progress, on_start=announce, replacing=replacing)
        except OSError as exc:
            raise CommandError(f"{path}: cannot read the file ({exc.strerror or exc}).")
        finally:
            bar.close()
        if run.outcome == ImportOutcome.REFUSED:
            raise CommandError(run.message)
        return run.message
