"""SQLite in WAL mode: an import's commit does not wait while its pages are copied into the database file.

In WAL mode SQLite appends each commit to a log beside the database, and by default the connection
that commits then copies the log back into the database file once the log passes 1,000 pages (a
"checkpoint"). After a national import that is tens of megabytes copied inside the import's commit,
doubling what it writes before it can answer. Around an import, the importing connection leaves the
log be; once the import has finished, a thread copies the log back on a connection of its own, as
PostgreSQL's checkpointer does for its own log. Readers and writers carry on meanwhile. Nothing is
at risk: the log is as durable as the database, and should the process stop first, the next
checkpoint (any connection's) copies it back.
"""

import sqlite3
import threading
from contextlib import closing, contextmanager

from django.db import connection

_pending: list[threading.Thread] = []
_lock = threading.Lock()


@contextmanager
def checkpoint_afterwards():
    if connection.vendor != "sqlite" or connection.in_atomic_block or not _in_wal_mode():
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        every = cursor.fetchone()[0]
        cursor.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint = {int(every)}")
        _start(connection.settings_dict["NAME"])


def wait_for_checkpoints() -> None:
    """Wait until every checkpoint started so far is done (the benchmarks time what follows on a quiet machine)."""
    with _lock:
        threads = list(_pending)
    for thread in threads:
        thread.join()


def _in_wal_mode() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        return cursor.fetchone()[0].lower() == "wal"


def _start(path: str) -> None:
    thread = threading.Thread(target=_checkpoint, args=(str(path),), name="sqlite-checkpoint")
    with _lock:
        _pending[:] = [t for t in _pending if t.is_alive()]
        _pending.append(thread)
    thread.start()


def _checkpoint(path: str) -> None:
    # PASSIVE: copy what no reader still needs, without waiting for anyone; a busy database is
    # checkpointed by the next commit instead.
    with closing(sqlite3.connect(path, timeout=20)) as database:
        database.execute("PRAGMA wal_checkpoint(PASSIVE)")
