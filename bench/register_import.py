"""Importing a national GIAS extract: first into an empty register, then again (nothing changed)."""

import polars as pl
from django.conf import settings

from bench import Case
from bench.gias_national import build
from imports.models import ImportOutcome, ImportRun
from imports.services import import_file
from register.models import LocalAuthority, RegisterEvent, School

ROWS = 50_000


def _empty_register():
    RegisterEvent.objects.all().delete()
    School.objects.all().delete()
    LocalAuthority.objects.all().delete()
    ImportRun.objects.all().delete()


def cases():
    path = build(settings.VAR_DIR / "bench" / f"gias-national-{ROWS}.csv", ROWS)

    def read_with_polars():
        pl.read_csv(path, infer_schema=False)

    def import_national():
        run = import_file(path)
        assert run.outcome == ImportOutcome.SUCCEEDED and run.created == ROWS, run.message

    def reimport_national():
        run = import_file(path)
        assert run.outcome == ImportOutcome.UNCHANGED, run.message

    def imported_once():
        if not School.objects.exists():
            import_national()

    return [
        Case(
            f"Import a national GIAS extract ({ROWS:,} rows) into an empty register",
            import_national,
            read_with_polars,
            setup=_empty_register,
        ),
        Case(
            f"Import the same national extract again (all {ROWS:,} rows unchanged)",
            reimport_national,
            read_with_polars,
            setup=imported_once,
        ),
    ]
