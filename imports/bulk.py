"""Writing many rows at once, fast on both databases.

A national register is ~50,000 rows of ~70 fields: building a model instance per row and letting
the ORM prepare each value costs far more than the database does. These helpers take plain tuples
whose values are already what the columns hold (text, int, float, date, None) and send them with
one parameterised statement (`executemany`), or `COPY` on PostgreSQL. Table and column names come
from the model's metadata, so the SQL stays portable.
"""

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from itertools import chain

import polars as pl
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.utils import timezone


def now_value():
    """The current time as the database stores a DateTimeField."""
    return connection.ops.adapt_datetimefield_value(timezone.now())


@contextmanager
def bulk_load(model, rows_expected: int, threshold: int = 10_000, *, unique_checked: bool = False):
    """Around an insert that fills most of a table, set aside what slows each row and restore it after.

    This is the databases' own advice for bulk loads. Building an index once over all the rows is
    several times cheaper than updating it row by row, and on PostgreSQL a foreign key re-added after
    the load is checked by one join, not by a trigger per row at commit (a third of a national import).
    Unique indexes and primary keys stay, so duplicates are still refused, unless the caller has
    refused duplicates itself (`unique_checked`): then PostgreSQL also sets aside the unique constraints
    and builds each again once, which still fails on a duplicate. (SQLite cannot drop a table's own unique
    constraints.) The re-added keys are checked in full, so nothing unchecked gets in. Everything
    happens inside the import's transaction (both databases' DDL is transactional), so a refused file
    leaves the schema as it was.

    Only for large loads (`threshold` rows) into a table holding fewer rows than the load brings: then
    rebuilding costs less than upkeep. On PostgreSQL the table is locked against reading until the
    import commits, which for such a load (an authority's or the country's first import) is seconds.
    """
    if rows_expected < threshold or _holds_at_least(model, rows_expected):
        yield
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            restore = _set_aside_sqlite(cursor, table)
        else:
            restore = _set_aside_postgresql(cursor, table, unique_too=unique_checked)
    yield
    with connection.cursor() as cursor:
        for statement in restore:
            cursor.execute(statement)


def _holds_at_least(model, rows: int) -> bool:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} LIMIT %s) AS held", [rows])  # noqa: S608 (name from model metadata)
        return cursor.fetchone()[0] >= rows


def _set_aside_sqlite(cursor, table: str) -> list[str]:
    """Drop the table's non-unique indexes; return the statements that build them again.
    (SQLite checks deferred foreign keys with a counter, which costs next to nothing.)"""
    cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL", [table])
    dropped = [(name, sql) for name, sql in cursor.fetchall() if not sql.upper().startswith("CREATE UNIQUE")]
    for name, _ in dropped:
        cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [sql for _, sql in dropped]


def _set_aside_postgresql(cursor, table: str, *, unique_too: bool = False) -> list[str]:
    """Drop the table's non-unique indexes and its foreign keys (and `unique_too`, its unique constraints);
    return the statements that restore them."""
    quoted = connection.ops.quote_name(table)
    # A table with pending deferred checks cannot be altered: run the checks now (and keep deferring later ones).
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisunique AND NOT i.indisprimary",
        [quoted],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(c.oid), confrelid::regclass::text, quote_ident(a.attname) FROM pg_constraint c "
        "JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = c.confkey[1] WHERE conrelid = %s::regclass AND contype = 'f'",
        [quoted],
    )
    keys = cursor.fetchall()
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    uniques = []
    if unique_too:
        unique = "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'u'"
        cursor.execute(unique, [quoted])
        uniques = cursor.fetchall()
    for name, *_ in [*keys, *uniques]:
        cursor.execute(f"ALTER TABLE {quoted} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    # Re-adding a key checks every row with a join planned from the statistics of the table it points to: one
    # not yet analysed (a register just loaded) looks like a single row and gets a nested loop, so that
    # seconds become minutes. The key columns pointed to are analysed first (the loaded table's count does not matter).
    referenced = ", ".join(dict.fromkeys(f"{target} ({column})" for *_, target, column in keys))
    restore = [f"ANALYZE {referenced}"] if referenced else []
    restore += [sql for _, sql in indexes]
    return restore + [f"ALTER TABLE {quoted} ADD CONSTRAINT {connection.ops.quote_name(name)} {sql}" for name, sql, *_ in [*uniques, *keys]]


def among(column: str, values: list) -> tuple[str, list]:
    """A condition that `column` holds one of `values`, and its parameters: one array on PostgreSQL
    (thousands of placeholders cost the driver more than the query), a list of them on SQLite."""
    if not values:
        return "1 = 0", []
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def as_written(frame: pl.DataFrame) -> pl.DataFrame:
    """Dates as ISO text, which both databases take for a date column: converting them in polars
    spares the database driver a Python call per value."""
    return frame.with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"))


def _field(model, name: str):
    """A model field by attribute name; "school_id" names the foreign key "school"."""
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return model._meta.get_field(name.removesuffix("_id"))


def column_names(model, fields: Sequence[str]) -> list[str]:
    return [connection.ops.quote_name(_field(model, name).column) for name in fields]


def insert_rows(model, fields: Sequence[str], rows: Iterable[Sequence]) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(column_names(model, fields))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)  # noqa: S608 (names from model metadata)


def insert_frame(model, frame: pl.DataFrame, *, batch: int = 5000, done: Callable[[int], None] | None = None) -> None:
    """Insert the frame's rows (its columns named as the model's fields); `done(n)` hears how many are in after each batch.

    PostgreSQL takes them in one COPY, as CSV that polars writes a batch at a time: every text is quoted,
    so an empty text stays empty and only an unquoted blank is NULL. The server parses one batch while the
    next is written. SQLite takes them many rows to a statement (one per row costs more than the database's
    own work), with SQLite's own placeholders (Django's rewriting of `%s` would scan each long statement
    again). The values of the next statement are gathered in a second thread while SQLite, which lets go
    of Python's lock while it works, stores the last."""
    table, names = connection.ops.quote_name(model._meta.db_table), ", ".join(column_names(model, frame.columns))
    if connection.vendor != "sqlite":
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv)") as copy:
            sent = 0
            for part in frame.iter_slices(batch):
                copy.write(part.write_csv(include_header=False, quote_style="non_numeric"))
                sent += part.height
                if done:
                    done(sent)
        return
    connection.ensure_connection()
    database = connection.connection
    # About a thousand rows to a statement: more makes each statement slower to compile than it saves.
    per_statement = min(1000, database.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // frame.width)
    row = f"({', '.join(['?'] * frame.width)})"

    def values(chunk: pl.DataFrame) -> list:
        return list(chain.from_iterable(zip(*(chunk[name].to_list() for name in chunk.columns), strict=True)))

    chunks = list(frame.iter_slices(per_statement))
    stored = 0
    with ThreadPoolExecutor(max_workers=1) as gatherer:
        pending = gatherer.submit(values, chunks[0]) if chunks else None
        for i, chunk in enumerate(chunks):
            ready = pending.result()
            pending = gatherer.submit(values, chunks[i + 1]) if i + 1 < len(chunks) else None
            database.execute(f"INSERT INTO {table} ({names}) VALUES {', '.join([row] * chunk.height)}", ready)  # noqa: S608
            stored += chunk.height
            if done and (stored % batch < chunk.height or i + 1 == len(chunks)):
                done(stored)


def update_rows(model, fields: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Each row holds the new values of `fields`, then the primary key."""
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(f"{column} = %s" for column in column_names(model, fields))
    pk = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", rows)  # noqa: S608 (names from model metadata)
