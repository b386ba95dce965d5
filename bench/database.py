"""A throwaway database for benchmarks, never the one the demo or the user's data lives in.

Django's test-database machinery creates it beside the configured one (a SQLite file under
var/bench/, or `<name>_bench` on the PostgreSQL server of DATABASE_URL), migrates it, and
drops it afterwards.
"""

from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection


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
