"""What an import of figures says of the rows it took, after its counts (ImportContext.notes): where a row stops early,
and where a school's row gives an LA code other than the register's, made from the frames evidence.store matched. Plain
polars, no Django."""

import polars as pl

from core.words import listed

from .readers import NOT_IN_ROW

EXAMPLES = 3  # rows named in a note


def short_rows(taken: pl.DataFrame, header: list[str]) -> list[str]:
    """The rows of the file (whose columns are `header`) that stop before a column giving one of the figures taken
    (`taken`, with the rows each is not said for, `stopped`, as evidence.readers gives them): those figures are not
    said either way (NOT_IN_ROW), so any held stay. A row the import skips (a school not in the register, an
    authority not asked for) is not counted, whatever it stops before, unless the count of pupils it stops before is
    one an authority's figure taken is calculated from: that figure is not said either."""
    stopped = taken.filter(pl.col("status") == NOT_IN_ROW)["stopped"].explode().drop_nulls()
    if stopped.is_empty():
        return []
    rows = stopped.struct.unnest().unique().sort("line")
    first = rows.head(EXAMPLES).rows()
    meaning = "the figures of {} later columns are not read, and any held for them stay as they were."
    if rows.height == 1:
        line, width = first[0]
        return [f"Row {line} stops after column '{header[width - 1]}' ({width} of {len(header)} columns): {meaning.format('its')}"]
    examples = _named([f"row {line} (after column '{header[width - 1]}')" for line, width in first], rows.height)
    return [f"{rows.height:,} rows stop early, {examples}: {meaning.format('their')}"]


def authorities_not_the_registers(matched: pl.DataFrame, placed_elsewhere: pl.DataFrame) -> list[str]:
    """The school rows whose LA code (`la_code`) is not the one the register holds for the school (`register_la_code`):
    of those taken (`matched`), the register's authority wins, as figures are filed by URN; `placed_elsewhere` are
    the rows an import limited to some authorities skipped because their LA code is one asked for but the register
    places the school in another (empty for an import of every authority)."""
    notes = []
    differ = matched.filter(pl.col("la_code") != pl.col("register_la_code"))
    if count := differ["line"].n_unique():
        rows, filed = ("1 row gives its school", "its figures are filed under the school")
        if count > 1:
            rows, filed = f"{count:,} rows give their schools", "their figures are filed under each school"
        notes.append(f"{rows} an LA code other than the register's, {_examples(differ, count)}: {filed} as the register places it.")
    if count := placed_elsewhere["line"].n_unique():
        rows, schools, were = "1 row gives", "a school the register places in another authority", "it was"
        if count > 1:
            rows, schools, were = f"{count:,} rows give", "schools the register places in other authorities", "they were"
        notes.append(
            f"{rows} an LA code asked for to {schools}, {_examples(placed_elsewhere, count)}: {were} skipped, as an import "
            "limited to some authorities takes only the schools the register places in them."
        )
    return notes


def _examples(rows: pl.DataFrame, count: int) -> str:
    """The first few rows' URNs and both LA codes."""
    first = rows.unique("line").sort("line").head(EXAMPLES).select("urn", "la_code", "register_la_code")
    return _named([f"URN {urn} (LA {given} in the file, {held} in the register)" for urn, given, held in first.iter_rows()], count)


def _named(examples: list[str], count: int) -> str:
    """The examples of `count` things: all of them, or 'such as' some."""
    return listed(examples) if count == len(examples) else f"such as {listed(examples)}"
