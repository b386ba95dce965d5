"""python manage.py import_data FILE... [--la CODE]... [--kind KIND]: each file is its own transaction."""

from django.core.management.base import BaseCommand, CommandError

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

    def handle(self, *args, files, la_codes, kind, **options):
        for path in files:
            bar = ProgressBar()

            def announce(run, chosen):
                self.stdout.write(f"Took {run.file_name} as a {chosen.label}")

            try:
                run = import_file(path, kind=kind, la_codes=la_codes, progress=bar, on_start=announce)
            except OSError as exc:
                raise CommandError(f"{path}: cannot read the file ({exc.strerror or exc}).")
            finally:
                bar.close()
            if run.outcome == ImportOutcome.REFUSED:
                raise CommandError(run.message)
            self.stdout.write(self.style.SUCCESS(run.message))
