"""What an import of figures says of the rows it took, after its counts (ImportContext.notes): where a row stops early.
Made from the frames evidence.store matched. Plain polars, no Django."""

import polars as pl

from core.words import listed

from .readers import NOT_IN_ROW, row_widths

EXAMPLES = 3  # rows named in a note


def short_rows(taken: pl.DataFrame, data: bytes, header: list[str]) -> list[str]:
    """The rows of `data` (whose columns are `header`) that stop before a column giving one of the figures taken
    (`taken`, with their file lines): those figures are not said either way (NOT_IN_ROW), so any held stay. A row the
    import skips (a school not in the register, an authority not asked for) is not counted: nothing of it is taken,
    whatever it stops before."""
    lines = taken.filter(pl.col("status") == NOT_IN_ROW)["line"].drop_nulls().unique().sort()
    if lines.is_empty():
        return []
    first = lines.head(EXAMPLES).to_list()
    widths = row_widths(data, first)
    meaning = "the figures of {} later columns are not read, and any held for them stay as they were."
    if len(lines) == 1:
        line, width = first[0], widths[first[0]]
        return [f"Row {line} stops after column '{header[width - 1]}' ({width} of {len(header)} columns): {meaning.format('its')}"]
    examples = _named([f"row {line} (after column '{header[widths[line] - 1]}')" for line in first], len(lines))
    return [f"{len(lines):,} rows stop early, {examples}: {meaning.format('their')}"]


def _named(examples: list[str], count: int) -> str:
    """The examples of `count` things: all of them, or 'such as' some."""
    return listed(examples) if count == len(examples) else f"such as {listed(examples)}"
