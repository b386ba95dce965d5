"""Writing many rows at once, fast on both databases.

A national register is ~50,000 rows of ~70 fields: building a model instance per row and letting
the ORM prepare each value costs far more than the database does. These helpers take plain tuples
whose values are already what the columns hold (text, int, float, date, None) and send them with
one parameterised statement (`executemany`), or `COPY` on PostgreSQL. Table and column names come
from the model's metadata, so the SQL stays portable.
"""

import sqlite3
from collections.abc import Iterable, Sequence
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
def indexes_rebuilt_after(model, rows_expected: int, threshold: int = 10_000):
    """Around a large insert on SQLite, drop the table's non-unique indexes and build them again after.

    Building an index once over sorted data is several times cheaper than updating it row by row; for
    a national extract into an empty register this saves about a second. Unique indexes stay, so
    duplicates are still refused. Everything happens inside the import's transaction (SQLite's DDL is
    transactional), so a refused file leaves the indexes as they were. PostgreSQL's COPY needs no help.
    """
    if connection.vendor != "sqlite" or rows_expected < threshold:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
            [model._meta.db_table],
        )
        dropped = [(name, sql) for name, sql in cursor.fetchall() if not sql.upper().startswith("CREATE UNIQUE")]
        for name, _ in dropped:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for _, sql in dropped:
            cursor.execute(sql)


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
        # SQLite's default page cache (2 MB) spills while indexing tens of thousands of rows.
        cursor.execute("PRAGMA cache_size = -131072")
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)  # noqa: S608 (names from model metadata)


def insert_frame(model, frame: pl.DataFrame) -> None:
    """Insert the frame's rows (its columns named as the model's fields).

    PostgreSQL takes them by COPY. SQLite takes them many rows to a statement (executing one per row
    costs more than the database's own work), sent as written, with SQLite's own placeholders: Django's
    rewriting of `%s` would scan each long statement again."""
    if connection.vendor != "sqlite":
        insert_rows(model, frame.columns, frame.iter_rows())
        return
    table, names = connection.ops.quote_name(model._meta.db_table), ", ".join(column_names(model, frame.columns))
    row = f"({', '.join(['?'] * frame.width)})"
    connection.ensure_connection()
    database = connection.connection
    per_statement = database.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // frame.width
    for chunk in frame.iter_slices(per_statement):
        values = list(chain.from_iterable(zip(*(chunk[name].to_list() for name in chunk.columns), strict=True)))
        database.execute(f"INSERT INTO {table} ({names}) VALUES {', '.join([row] * chunk.height)}", values)  # noqa: S608


def update_rows(model, fields: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Each row holds the new values of `fields`, then the primary key."""
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(f"{column} = %s" for column in column_names(model, fields))
    pk = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", rows)  # noqa: S608 (names from model metadata)
