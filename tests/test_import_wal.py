"""On SQLite in WAL mode an import leaves copying its log into the database file to a thread."""

import os
import sqlite3
from contextlib import closing

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper

from imports import services, wal


@pytest.fixture
def file_database(db, tmp_path, monkeypatch):
    """A Django connection to a SQLite file in WAL mode (the suite's own database lives in memory)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    settings = {**connection.settings_dict, "NAME": str(tmp_path / "wal.sqlite3")}
    settings["OPTIONS"] = {**settings.get("OPTIONS", {}), "init_command": "PRAGMA journal_mode=WAL;"}
    database = DatabaseWrapper(settings, alias="wal-test")
    monkeypatch.setattr(wal, "connection", database)
    yield database
    database.close()


def autocheckpoint(database) -> int:
    with database.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        return cursor.fetchone()[0]


def test_the_log_is_copied_back_after_the_import_not_at_its_commit(file_database):
    path = file_database.settings_dict["NAME"]
    with file_database.cursor() as cursor:
        cursor.execute("CREATE TABLE figures (id INTEGER PRIMARY KEY, value TEXT)")
    with wal.checkpoint_afterwards():
        assert autocheckpoint(file_database) == 0
        with file_database.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.executemany("INSERT INTO figures (value) VALUES (%s)", [("x" * 200,) for _ in range(20_000)])
            cursor.execute("COMMIT")
        with closing(sqlite3.connect(path)) as other:
            # Committed and visible, but only in the log (over 1,000 pages of it): the file itself is as it was.
            assert other.execute("SELECT COUNT(*) FROM figures").fetchone()[0] == 20_000
        assert os.path.getsize(f"{path}-wal") > 1000 * 4096 and os.path.getsize(path) < 100_000
    assert autocheckpoint(file_database) == 1000
    wal.wait_for_checkpoints()
    assert os.path.getsize(path) > 20_000 * 200


def test_nothing_changes_for_a_database_not_in_wal_mode(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    # The suite's in-memory database has no log: the import runs as it always did.
    before = autocheckpoint(connection)
    with wal.checkpoint_afterwards():
        assert autocheckpoint(connection) == before
    wal.wait_for_checkpoints()


def busy_timeout(database) -> int:
    with database.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        return cursor.fetchone()[0]


def test_an_import_waits_its_turn_for_the_write_lock_longer_than_a_page_does(file_database, monkeypatch):
    """A page gives up on the write lock after a while (here 0.1 s); an import queued behind another waits it out."""
    import threading
    import time

    from django.db.utils import OperationalError

    monkeypatch.setattr(services, "connection", file_database)  # the import's connection
    with file_database.cursor() as cursor:
        cursor.execute("CREATE TABLE figures (id INTEGER PRIMARY KEY)")
        cursor.execute("PRAGMA busy_timeout = 100")
    other = sqlite3.connect(file_database.settings_dict["NAME"], check_same_thread=False, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another import, writing
    with pytest.raises(OperationalError, match="locked"), file_database.cursor() as cursor:
        cursor.execute("INSERT INTO figures VALUES (1)")
    threading.Timer(1.0, lambda: other.execute("COMMIT")).start()
    started = time.monotonic()
    with services.one_import_at_a_time():
        assert busy_timeout(file_database) == services.IMPORT_WAITS_SECONDS * 1000
        with file_database.cursor() as cursor:
            cursor.execute("INSERT INTO figures VALUES (1)")
    assert time.monotonic() - started >= 0.9
    assert busy_timeout(file_database) == 100
    other.close()
