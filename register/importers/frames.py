"""Reading a CSV into a frame of text columns, and turning columns into numbers and dates.

Every check is vectorised; when one fails, the first bad row is named as a spreadsheet shows it
(the header is row 1, so the frame's row i is row i + 2) with its column and value.
"""

import csv
import io
import re
from dataclasses import replace
from datetime import date
from functools import wraps

import polars as pl

from core.jinja import gov_date
from imports.refusals import cut_short, not_a_date, with_thousands
from imports.registry import ImportContext, ImportRefused, Remedy, SourceFile
from imports.sources import utf8_bytes

# How many unquoted overflow fields a row may carry before we fall back to the exact (slow) count.
SPARE_COLUMNS = 8
EXTRA = "__extra"


def skipping_empty_rows(load):
    """The register's loaders find a row by its place among the file's rows (first_row): they are given the file without
    the rows that hold nothing (blank, or only commas), which the import counts as skipped (imports.services
    .with_empty_rows), and the rows a refusal names are numbered as the file numbers them."""

    @wraps(load)
    def wrapper(ctx: ImportContext):
        empty = ctx.source.empty_rows
        if not empty:
            return load(ctx)
        source, data, at = ctx.source, [], 0
        for _, start, end in empty:
            data.append(source.data[at:start])
            at = end
        data.append(source.data[at:])
        ctx.source = replace(source, data=b"".join(data))
        try:
            return load(ctx)
        except ImportRefused as refusal:
            refusal.row = refusal.row and as_in_file(refusal.row, empty)
            refusal.rows = tuple(as_in_file(row, empty) for row in refusal.rows)
            raise
        finally:
            ctx.source = source

    return wrapper


def as_in_file(row: int, empty: list[tuple[int, int, int]]) -> int:
    """The number in the file of the row numbered `row` among those that hold something (`empty` are those that do not)."""
    for number, _, _ in empty:
        if number > row:
            break
        row += 1
    return row


def first_row(mask: pl.Series) -> int:
    """The spreadsheet row number of the first True in `mask`."""
    return int(mask.arg_true()[0]) + 2


def read_table(source: SourceFile, *, overflow_into_last: bool = False) -> pl.DataFrame:
    """Every field as text (null when blank and unquoted); one column per header field.

    GIAS sometimes fails to quote its last column ("Linked establishments"), so a value holding
    commas spills into extra fields; with `overflow_into_last` those are joined back onto the last
    column. Otherwise a row with more or fewer fields than the header refuses the file.
    """
    names = _column_names(source.header)
    width = len(names)
    spare = [f"{EXTRA}{i}" for i in range(SPARE_COLUMNS)]
    try:
        frame = pl.read_csv(
            utf8_bytes(source),
            has_header=False,
            skip_rows=1,
            schema=dict.fromkeys(names + spare, pl.String),
            missing_columns="insert",
        )
    except pl.exceptions.PolarsError:
        _refuse_ragged(source, width, overflow_into_last)
        raise
    extra = frame.select(pl.any_horizontal(pl.col(spare).is_not_null())).to_series()
    if extra.any():
        if not overflow_into_last:
            _refuse_ragged(source, width, overflow_into_last)
        last = names[-1]
        frame = frame.with_columns(
            pl.when(extra)
            .then(pl.concat_str([pl.col(last), *[pl.col(c) for c in spare]], separator=",", ignore_nulls=True))
            .otherwise(pl.col(last))
            .alias(last)
        )
    frame = frame.drop(spare)
    # A missing last field reads as null, as does an unquoted blank one: count exactly only then.
    if frame.height and frame[names[-1]].is_null().any():
        _refuse_ragged(source, width, overflow_into_last)
    return frame


def _column_names(header: list[str]) -> list[str]:
    names, seen = [], set()
    for i, name in enumerate(header):
        name = name or f"column {i + 1}"
        while name in seen:
            name += "'"
        seen.add(name)
        names.append(name)
    return names


def _refuse_ragged(source: SourceFile, width: int, overflow_allowed: bool) -> None:
    """Count fields row by row (csv module) and refuse at the first row of the wrong width: as cut short, where it is
    the last and no line end follows it (a download that stopped part-way)."""
    reader = csv.reader(io.StringIO(source.text))
    next(reader, None)
    for row_number, fields in enumerate(reader, start=2):
        if not fields:
            continue
        if len(fields) < width and not source.text.endswith(("\n", "\r")) and next(reader, None) is None:
            raise cut_short(row_number, len(fields), width)
        if len(fields) < width or (len(fields) > width and not overflow_allowed):
            raise ImportRefused(
                f"this row has {len(fields)} fields but the header has {width}",
                row=row_number,
                column=source.header[min(len(fields), width - 1)] if len(fields) < width else None,
            )


def text(frame: pl.DataFrame, column: str) -> pl.Series:
    """A text column with surrounding spaces removed and blanks as empty strings ('' if absent)."""
    if column not in frame.columns:
        return pl.Series(column, [""] * frame.height, dtype=pl.String)
    return frame[column].str.strip_chars().fill_null("")


def whole_numbers(
    frame: pl.DataFrame, column: str, *, required: bool = False, minimum: int | None = 0, maximum: int | None = None
) -> pl.Series:
    """A column of whole numbers (null when blank); a value that is not one, or is out of range, refuses the file."""
    raw = text(frame, column)
    blank = raw == ""
    if required and blank.any():
        raise ImportRefused("this must not be blank", row=first_row(blank), column=column)
    values = raw.cast(pl.Int64, strict=False)
    bad = ~blank & values.is_null()
    if bad.any():
        row = first_row(bad)
        raise ImportRefused(f"'{raw[row - 2]}' is not a whole number{with_thousands(raw[row - 2])}", row=row, column=column)
    _refuse_out_of_range(raw, values, column, minimum, maximum)
    return values


def decimals(frame: pl.DataFrame, column: str, *, places: int = 1, minimum: float | None = None, maximum: float | None = None) -> pl.Series:
    """A column of numbers (null when blank); a value that is not a (finite) number, or is out of range, refuses the file."""
    raw = text(frame, column)
    blank = raw == ""
    values = raw.cast(pl.Float64, strict=False)
    bad = ~blank & (values.is_null() | ~values.is_finite())
    if bad.any():
        row = first_row(bad)
        raise ImportRefused(f"'{raw[row - 2]}' is not a number{with_thousands(raw[row - 2])}", row=row, column=column)
    _refuse_out_of_range(raw, values, column, minimum, maximum)
    return values.round(places)


def _refuse_out_of_range(raw: pl.Series, values: pl.Series, column: str, minimum, maximum) -> None:
    """Refuse the file at the first value below `minimum`, else at the first above `maximum` (None: no limit)."""
    if minimum is not None:
        _refuse_where(values < minimum, raw, column, f"is less than {minimum}")
    if maximum is not None:
        _refuse_where(values > maximum, raw, column, f"is more than {maximum}")


def _refuse_where(mask: pl.Series, raw: pl.Series, column: str, words: str) -> None:
    if (mask := mask.fill_null(False)).any():
        row = first_row(mask)
        raise ImportRefused(f"'{raw[row - 2]}' {words}", row=row, column=column)


DMY = ("%d-%m-%Y", "dd-mm-yyyy")
ISO = ("%Y-%m-%d", "yyyy-mm-dd")
UNKNOWN_DATES = {date(1900, 1, 1)}  # the date GIAS gives for "not recorded"
# How a spreadsheet set to English (United Kingdom) saves the dates of a CSV file it opened: GIAS never writes them so.
SPREADSHEETS_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")


def _shape(fmt: str) -> str:
    """A date format's shape as a regular expression ("%d-%m-%Y": two digits at most, a dash, …), for not_a_date."""
    return re.sub(r"%[dm]", r"\\d{1,2}", re.sub("%Y", r"\\d{4}", fmt))


def _parsed_dates(raw: pl.Expr | pl.Series, formats) -> pl.Expr:
    """The dates of `raw` in the first of `formats` each cell is written in, else null. A cell must have the format's
    shape as well as parse: polars reads '01-09-17' by '%d-%m-%Y' as the year 17, where a spreadsheet wrote 2017."""
    raw = pl.lit(raw) if isinstance(raw, pl.Series) else raw
    return pl.coalesce([pl.when(raw.str.contains(f"^{_shape(fmt)}$")).then(raw.str.to_date(fmt, strict=False)) for fmt, _ in formats])


def dates(frame: pl.DataFrame, column: str, formats=(DMY,)) -> pl.Series:
    """A column of dates in any of `formats` (null when blank or the "not recorded" date); others refuse the file."""
    raw = text(frame, column)
    blank = raw == ""
    parsed = pl.select(_parsed_dates(raw, formats)).to_series()
    bad = ~blank & parsed.is_null()
    if bad.any():
        row = first_row(bad)
        expected = " or ".join(label for _, label in formats)
        cell = raw[row - 2]
        if SPREADSHEETS_DATE.fullmatch(cell):
            raise ImportRefused(
                f"'{cell}' is written dd/mm/yyyy, as a spreadsheet saves dates, where GIAS writes {expected}: the file looks "
                "opened and saved in a spreadsheet, which may have changed other values too (a telephone number's leading "
                "0, say). Import the file as downloaded from GIAS",
                row=row,
                column=column,
                remedy=Remedy.DOWNLOAD,
            )
        raise ImportRefused(not_a_date(cell, expected, [_shape(fmt) for fmt, _ in formats]), row=row, column=column)
    not_recorded = parsed.is_in(list(UNKNOWN_DATES)).fill_null(False)
    return pl.select(pl.when(not_recorded).then(None).otherwise(parsed)).to_series().alias(column)


def parse_columns(frame: pl.DataFrame, specs: list[tuple]) -> pl.DataFrame | None:
    """Parse many columns in one pass: `specs` holds (field, column, kind, options) with kind "text",
    "int" (options: required, minimum, maximum), "decimal" (places, minimum, maximum) or "date" (formats).

    Returns None when any value is bad or missing where required; the caller then parses column by
    column with the functions above, which name the first bad row, column and value exactly.
    """

    def cleaned(column):
        if column not in frame.columns:
            return pl.lit("", dtype=pl.String)
        return pl.col(column).str.strip_chars().fill_null("")

    values, bad = [], []
    for field, column, kind, options in specs:
        raw = cleaned(column)
        blank = raw == ""
        if kind == "text":
            values.append(raw.alias(field))
            continue
        if kind == "int":
            parsed = raw.cast(pl.Int64, strict=False)
            bad.append(~blank & parsed.is_null())
            if options.get("required"):
                bad.append(blank)
            bad.append(_out_of_range(parsed, options.get("minimum", 0), options.get("maximum")))
        elif kind == "decimal":
            parsed = raw.cast(pl.Float64, strict=False)
            bad.append(~blank & (parsed.is_null() | ~parsed.is_finite()))
            bad.append(_out_of_range(parsed, options.get("minimum"), options.get("maximum")))
            parsed = parsed.round(options.get("places", 1))
        else:
            parsed = _parsed_dates(raw, options.get("formats", (DMY,)))
            bad.append(~blank & parsed.is_null())
            parsed = pl.when(parsed.is_in(list(UNKNOWN_DATES))).then(None).otherwise(parsed)
        values.append(parsed.alias(field))
    parsed = frame.select(*values, pl.any_horizontal(bad).alias("__bad") if bad else pl.lit(False).alias("__bad"))
    if parsed["__bad"].any():
        return None
    return parsed.drop("__bad")


def _out_of_range(values: pl.Expr, minimum, maximum) -> pl.Expr:
    """True where a value is below `minimum` or above `maximum` (either may be None: no limit)."""
    outside = pl.lit(False)
    if minimum is not None:
        outside |= values < minimum
    if maximum is not None:
        outside |= values > maximum
    return outside.fill_null(False)


def refuse_duplicates(values: pl.Series, column: str, what: str) -> None:
    duplicated = values.is_duplicated() & values.is_not_null()
    if duplicated.any():
        row = first_row(duplicated)
        value = values[row - 2]
        rows = tuple(i + 2 for i in (values == value).arg_true().to_list())
        raise ImportRefused(f"{what} {value} appears more than once (rows {{rows}})", row=row, column=column, rows=rows)


def refuse_too_long(frame: pl.DataFrame, limits: dict[str, tuple[str, int]]) -> None:
    """`limits` maps a frame column to (the file's column name, the most characters we store)."""
    over = frame.select((pl.col(name).str.len_chars() > limit).fill_null(False).any().alias(name) for name, (_, limit) in limits.items())
    for name, (column, limit) in limits.items():
        if over[name][0]:
            row = first_row((frame[name].str.len_chars() > limit).fill_null(False))
            raise ImportRefused(f"this value is longer than the {limit} characters the register keeps", row=row, column=column)


def taken_as_older(ctx: ImportContext, dates: tuple[date | None, date | None], newest: str, held: str, kept: str) -> bool:
    """Whether a file with no date of its own is older than what the register holds: the newest date it gives (of a
    link, a joining, a group's opening or closing), the first of `dates`, is before the newest held, the second. If so,
    the import's note says so, in the words given: "This file's {newest} D1, before the newest {held} (D2), so it was
    taken as an older file: {kept}." An older file would undo what the newer one gave."""
    newest_here, newest_held = dates
    if newest_here is None or newest_held is None or newest_here >= newest_held:
        return False
    ctx.notes.append(
        f"This file's {newest} {gov_date(newest_here)}, before the newest {held} ({gov_date(newest_held)}), so it was "
        f"taken as an older file: {kept}."
    )
    ctx.kept_newer = True
    return True
