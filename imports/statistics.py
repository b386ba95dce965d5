"""PostgreSQL's planner statistics, brought up to date as soon as an import has changed much of a table.

PostgreSQL plans each query from statistics about each table (how many rows, how values are spread), which ANALYZE
gathers. Its autovacuum gathers them again once a tenth of a table has changed, but on its own schedule, a minute or
more later, and not at all where it is switched off. Until then, a table an import has just filled is planned for as
the empty table it was: a list page that joins it ran for twenty seconds, not a tenth of one. So, in the import's
transaction, the tables it changed by autovacuum's own measure are noted (pg_stat_xact_user_tables counts the
transaction's own inserts, updates and deletes), and once it has committed, a thread analyses each on a connection
of its own, as autovacuum would, while the import answers (a national register's tables take about half a second).
"""

import logging
import threading

from django.db import DEFAULT_DB_ALIAS, connection, connections

logger = logging.getLogger(__name__)

# Autovacuum's defaults: a table is analysed again once 50 rows and a tenth of its rows have changed.
BASE_ROWS, SHARE = 50, 0.1

_pending: list[threading.Thread] = []
_lock = threading.Lock()


def tables_much_changed() -> list[str]:
    """The tables the current transaction has changed by more than BASE_ROWS and SHARE of their rows (as last
    analysed; a table never analysed counts as empty). PostgreSQL only; called inside the transaction."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT format('%%I.%%I', changed.schemaname, changed.relname)
            FROM pg_stat_xact_user_tables AS changed JOIN pg_class ON pg_class.oid = changed.relid
            WHERE changed.n_tup_ins + changed.n_tup_upd + changed.n_tup_del > %s + %s * GREATEST(pg_class.reltuples, 0)
            ORDER BY 1
            """,
            [BASE_ROWS, SHARE],
        )
        return [table for (table,) in cursor.fetchall()]


def analyse_soon(tables: list[str]) -> None:
    """Gather the planner's statistics for each of `tables` (as tables_much_changed names them) in a thread of its own."""
    if not tables:
        return
    thread = threading.Thread(target=_analyse, args=(list(tables),), name="postgresql-analyse")
    with _lock:
        _pending[:] = [t for t in _pending if t.is_alive()]
        _pending.append(thread)
    thread.start()


def wait_for_analyses() -> None:
    """Wait until every analysis started so far is done (before a benchmark's next run, or a test's check)."""
    with _lock:
        threads = list(_pending)
    for thread in threads:
        thread.join()


def _analyse(tables: list[str]) -> None:
    # The thread's own connection (Django's are per thread), closed when done.
    own = connections[DEFAULT_DB_ALIAS]
    try:
        with own.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(tables)}")
    except Exception:
        # Not the import's failure: autovacuum, where it is on, gathers them later.
        logger.exception("Could not analyse %s after an import", ", ".join(tables))
    finally:
        own.close()
