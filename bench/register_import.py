"""Importing a national GIAS extract: first into an empty register, then again (nothing changed)."""

import polars as pl
from django.conf import settings

from bench import Case
from bench.database import empty_tables
from bench.gias_national import build
from evidence.models import Inspection
from imports.models import ImportOutcome
from imports.services import import_file
from register.models import LocalAuthority, RegisterEvent, School

ROWS = 50_000


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
            setup=empty_register,
        ),
        Case(
            f"Import the same national extract again (all {ROWS:,} rows unchanged)",
            reimport_national,
            read_with_polars,
            setup=imported_once,
        ),
    ]


def empty_register():
    """Take the register back to empty, as in the new database this module starts with."""
    empty_tables(Inspection, RegisterEvent, School, LocalAuthority)
