"""PostgreSQL's planner statistics, brought up to date as soon as an import has changed much of a table.

PostgreSQL plans each query from statistics about each table (how many rows, how values are spread), which ANALYZE
gathers. Its autovacuum gathers them again once a tenth of a table has changed, but on its own schedule, a minute or
more later, and not at all where it is switched off. Until then, a table an import has just filled is planned for as
the empty table it was: a list page that joins it ran for twenty seconds, not a tenth of one. So, in the import's
transaction, the tables it changed by autovacuum's own measure are noted (pg_stat_xact_user_tables counts the
transaction's own inserts, updates and deletes), and once it has committed, each is analysed.
"""

from django.db import connection

# Autovacuum's defaults: a table is analysed again once 50 rows and a tenth of its rows have changed.
BASE_ROWS, SHARE = 50, 0.1


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


def analyse(tables: list[str]) -> None:
    """Gather the planner's statistics for each of `tables` (names as tables_much_changed gives them, quoted)."""
    if not tables:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(tables)}")
