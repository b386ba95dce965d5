"""A throwaway database for benchmarks, never the one the demo or the user's data lives in.

Django's test-database machinery creates it beside the configured one (a SQLite file under
var/bench/, or `<name>_bench` on the PostgreSQL server of DATABASE_URL), migrates it, and
drops it afterwards.
"""

from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction


@contextmanager
def throwaway_database(directory: Path):
    test = connection.settings_dict.setdefault("TEST", {})
    directory.mkdir(parents=True, exist_ok=True)  # benchmarks also keep the files they make here
    if connection.vendor == "sqlite":
        test["NAME"] = str(directory / "bench.sqlite3")
    else:
        test["NAME"] = f"{connection.settings_dict['NAME']}_bench"
    original = connection.settings_dict["NAME"]
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    assert name != original and name != settings.DATABASES["default"].get("ORIGINAL_NAME")
    try:
        yield name
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)


def empty_tables(*models) -> None:
    """Take the models' tables back to empty, as in the new database each module starts with: every row is removed
    and the space given back, so each timed run starts from the same place (not, on PostgreSQL, from a table of
    dead rows that autovacuum has yet to clear). Name the tables that point to others first."""
    tables = [connection.ops.quote_name(m._meta.db_table) for m in models]
    if not tables:
        return
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
