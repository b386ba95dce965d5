"""Importing a national GIAS extract: first into an empty register, then again (nothing changed)."""

import polars as pl
from django.conf import settings
from django.db import connection, transaction

from bench import Case
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
    """Take the register back to empty, as in the new database this module starts with: every row the
    import writes is removed and the space given back, so each timed run starts from the same place."""
    tables = [connection.ops.quote_name(m._meta.db_table) for m in (Inspection, RegisterEvent, School, LocalAuthority)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if connection.in_atomic_block:  # a table with deferred checks pending cannot be truncated: run them now
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
            return
        with transaction.atomic():
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (names from model metadata)
        if not connection.in_atomic_block:  # VACUUM cannot run inside a transaction (as in the tests)
            cursor.execute("VACUUM")
