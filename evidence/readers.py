"""Reading the national data files into one long, tidy frame. Plain polars, no Django.

Every reader returns a frame with one row per figure:
    line (file line number, header = 1), area ("school", "la", "england", "england_all"),
    urn, la_code, year (ending: 2019 = 2018/19), measure (catalogue code), value, status, cohort,
    stopped (for a figure not said because a row stops before its column: that row's line and number of fields; for
    one calculated from schools' counts, those of each school's row that stops before a count it needs).

A value the file withholds keeps the file's reason as a status code (below); it never becomes 0.
A blank cell (or a field missing from a short row) gives no figure at all, unless the figure's cohort
column says it is about no pupils: then it is not applicable, and stored so. A school's row whose every cell is blank
gives its blanks, with no status (null): the store clears what an earlier file of the year held for it. Anything else that is
not a number is a corrupt file: the reader raises ImportRefused naming the line and column.
"""

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple, NoReturn

import polars as pl

from imports.refusals import cut_short, is_not, refuse_first, with_thousands
from imports.registry import ImportRefused, Remedy
from imports.rows import empty_rows

from .catalogue import BY_CODE, MEASURES, Column, Layout, Share, Unit

# The files' codes for "no value", to evidence.models.Status values.
(
    SUPPRESSED,
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    NO_ENTRIES,
    NOT_PUBLISHED,
    NEW_SCHOOL,
    NOT_REPORTED,
    LOW_COVERAGE,
    LOW_RELIABILITY,
    ROUNDS_TO_ZERO,
) = range(1, 11)
# Gap measures published as "disadvantaged pupils here minus other pupils nationally" (DIFFN_*) → the measures of
# the disadvantaged and the other pupils' figures.
NATIONAL_GAPS = {spec.code: spec.parts for spec in MEASURES if spec.parts}
ENGLAND_AREAS = ("england", "england_all")

# A field a short row stops before: the row says nothing about that column (not that it is blank).
NOT_IN_ROW = -1
NOT_IN_ROW_TEXT = "\x00"
# The column read_table adds: how many fields a row has, where it stops before the header's last column.
FIELDS = "_fields"
# The rows a figure is not said for (NOT_IN_ROW), as the import's note names them: each one's line and number of fields.
STOPPED = pl.List(pl.Struct({"line": pl.Int64, "fields": pl.Int64}))

CODES = {
    "SUPP": SUPPRESSED,
    "c": SUPPRESSED,
    "NA": NOT_APPLICABLE,
    "z": NOT_APPLICABLE,
    "x": NOT_AVAILABLE,
    "NE": NO_ENTRIES,
    "NP": NOT_PUBLISHED,
    "NEW": NEW_SCHOOL,
    "NR": NOT_REPORTED,
    "LOWCOV": LOW_COVERAGE,
    "u": LOW_RELIABILITY,
    "low": ROUNDS_TO_ZERO,
    ":": NOT_AVAILABLE,
}
CELL_CODES = CODES | {NOT_IN_ROW_TEXT: NOT_IN_ROW}
# The codes each publisher writes, for a refused cell to name those of its file: every reader takes all of CODES, but
# a council officer correcting a performance table looks for SUPP or NE, and one correcting an explore-education-
# statistics file (whose tables have a time_period column) for c or x. The older ':' is left out of the words.
PERFORMANCE_TABLE_CODES = ("SUPP", "NE", "NA", "NP", "NEW", "NR", "LOWCOV")
EES_CODES = ("c", "x", "z", "u", "low")

# Performance-table RECTYPE codes, as each year's meta file defines them (2016/17 to 2018/19).
KS2_RECTYPES = {"1": "school", "2": "school", "3": "la", "4": "england_all", "5": "england"}
KS4_RECTYPES = {"1": "school", "2": "school", "4": "la", "5": "england_all", "7": "england"}

OUTPUT_SCHEMA = {
    "line": pl.Int64,
    "area": pl.String,
    "urn": pl.Int64,
    "la_code": pl.Int64,
    "year": pl.Int64,
    "measure": pl.String,
    "value": pl.Float64,
    "status": pl.Int64,
    "cohort": pl.Int64,
    "stopped": STOPPED,
}


def read_table(data: bytes, columns: Iterable[str] | None = None) -> pl.DataFrame:
    """Every field as text, and (FIELDS) how many fields each row that stops before the header's last column has.
    DfE's rows stop early where their last columns are empty: the fields a row stops before are NOT_IN_ROW_TEXT,
    which parses as NOT_IN_ROW. A row with more fields than the header refuses the file: its values would sit under
    the wrong columns (an unquoted comma in a name shifts every figure after it). Blank surplus fields are allowed."""
    header = header_of(data)
    frame, widths = read_table_and_widths(data, columns)
    if widths is None or len(widths) != frame.height or min(widths, default=len(header)) >= len(header):
        return frame.with_columns(pl.lit(None, pl.Int64).alias(FIELDS))
    fields = pl.Series(widths)
    return frame.with_columns(
        *(
            pl.when(fields <= header.index(name)).then(pl.lit(NOT_IN_ROW_TEXT)).otherwise(pl.col(name)).alias(name)
            for name in frame.columns
        ),
        pl.when(fields < len(header)).then(fields).alias(FIELDS),
    )


def read_table_and_widths(data: bytes, columns: Iterable[str] | None = None) -> tuple[pl.DataFrame, list[int] | None]:
    """read_table's frame, short rows padded with nulls; and each row's number of fields (_row_widths), where a row
    may have stopped before the header's last column. Only a row whose last field is empty may have: where none is,
    None, and no row is counted (a file quoted throughout, as explore-education-statistics writes them, takes longer
    to count than to read)."""
    header = header_of(data)
    # By position, and named as header_of names them: a name with spaces around it ("URN ") is still found.
    wanted = None if columns is None else set(columns)
    positions = [i for i, name in enumerate(header) if wanted is None or name in wanted]
    try:
        read = _read_with_row_ends(data, len(header), positions)
    except pl.exceptions.PolarsError as error:
        _refuse_cut_in_quotes(data)
        raise ImportRefused(f"the file cannot be read as CSV ({str(error).splitlines()[0]})")
    surplus = read[SURPLUS].str.strip_chars().fill_null("") != ""
    if surplus.any():
        _refuse_surplus(data, int(surplus.arg_true()[0]) + 2)
    last_empty = read[str(len(header) - 1)].fill_null("") == ""
    frame = read.select(pl.col(str(i)).alias(header[i]) for i in positions)
    return frame, _row_widths(data, len(header)) if last_empty.any() else None


QUOTED = re.compile(rb'"[^"]*"')


def _last_record(data: bytes, tries: int = 100) -> bytes:
    """The text after the last line end that is not inside quotes (a quoted field may hold line ends): after
    a record's end, the quotes that follow are paired. A slice of the file's tail, not a copy of the file."""
    end = len(data)
    for _ in range(tries):
        end = data.rfind(b"\n", 0, end)
        if end < 0 or data.count(b'"', end) % 2 == 0:
            return data[end + 1 :]
    return b""


def _refuse_cut_in_quotes(data: bytes) -> None:
    """A file that ends part-way through a quoted value (a download of a file quoted throughout, as
    explore-education-statistics writes them, that stopped), cannot be read as CSV: say so, and where, rather than what
    the CSV reader made of it. The row is counted as the readers count rows: a line break inside a quoted value (which
    may come before the cut, in the same row or an earlier one) is inside its row."""
    if data.count(b'"') % 2 == 0:
        return
    # Without the quoted values that close, what is left ends with the quote that opens the one cut: the line ends
    # before it end the rows before it.
    unquoted = QUOTED.sub(b"", data)
    opened = unquoted.rfind(b'"')
    if unquoted[opened - 1 : opened] not in (b",", b"\n"):
        return  # a quote inside an unquoted value, not one opening a value
    raise ImportRefused(
        "the file ends part-way through a quoted value in this row, with no line end after it: it looks cut short, so download it again",
        row=unquoted.count(b"\n", 0, opened) + 1,
        remedy=Remedy.DOWNLOAD,
    )


def refuse_cut_short(data: bytes, width: int, line: int) -> None:
    """A file whose last row stops short with no line end after it has been cut short (a download that stopped):
    its last figure may be cut too. (DfE's performance tables end with short LA and England rows and no line
    end, so for them only a school's row at the end is taken as cut.)"""
    last = _last_record(data)
    fields = QUOTED.sub(b"", last).count(b",") + 1
    if last.strip(b"\r") and fields < width:
        raise cut_short(line, fields, width)


def _row_widths(data: bytes, width: int) -> list[int]:
    """How many fields each row after the header has (a quoted comma or line end is inside a field), as polars
    reads the rows: a blank line is a row, of nulls (given the header's width here, so that nothing of it is marked)."""
    lines = QUOTED.sub(b"", data).split(b"\n")[1:]
    if lines and not lines[-1].strip(b"\r"):
        lines.pop()  # the end of the last line, not a row
    return [line.count(b",") + 1 if line.strip(b"\r") else width for line in lines]


SURPLUS = "_surplus"  # the first field beyond the header's last, where a row has one


def _read_with_row_ends(data: bytes, width: int, positions: list[int]) -> pl.DataFrame:
    """The file's rows in one pass: the fields at `positions`, the last field by the header (whether a row's is empty
    or missing says whether it may have stopped short) and the first field beyond it (SURPLUS), as text. Columns
    are named by their position."""
    schema = {**{str(i): pl.String for i in range(width)}, SURPLUS: pl.String}
    columns = sorted({*positions, width - 1, width})
    options = {"has_header": False, "skip_rows": 1, "schema": schema, "columns": columns, "missing_columns": "insert"}
    options["truncate_ragged_lines"] = True
    try:
        # The import gives the readers UTF-8 (imports.sources), which is read quicker as such than with a replacement
        # for any byte that is not; bytes from elsewhere that are not UTF-8 are read so.
        return pl.read_csv(io.BytesIO(data), **options, encoding="utf8")
    except pl.exceptions.PolarsError:
        return pl.read_csv(io.BytesIO(data), **options, encoding="utf8-lossy")


def _refuse_surplus(data: bytes, row: int) -> None:
    width = len(header_of(data))
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig", errors="replace")))
    fields = next((fields for number, fields in enumerate(reader, start=1) if number == row), [])
    raise ImportRefused(
        f"this row has {len(fields)} fields but the header has {width}: a value holding a comma may have lost its quotes", row=row
    )


def require(header: Iterable[str], *names: str, one_of: tuple[str, ...] = ()) -> None:
    """Refuse a file without one of the columns its kind needs beside those that recognised it (or given a
    kind by hand that is not its own), naming the first missing."""
    header = set(header)
    missing = [f"'{name}'" for name in names if name not in header]
    if one_of and not header & set(one_of):
        missing.append(" or ".join(f"'{name}'" for name in one_of))
    if missing:
        raise ImportRefused(f"the file has no column {missing[0]}")


def header_of(data: bytes) -> list[str]:
    end = data.find(b"\n")
    first = data[: end if end >= 0 else len(data)].decode("utf-8-sig", errors="replace")  # the first line only, not a copy of the file
    return [name.strip() for name in next(csv.reader([first.rstrip("\r")]), [])]


YEAR_IN_NAME = re.compile(r"(20\d\d)[-_]?(20\d\d|\d\d)(?!\d)")
YEAR_SUFFIX = re.compile(r"_(\d\d)$")


def year_from_name(name: str) -> int | None:
    """2019 from '2018-2019-england_census.csv' or '201819_…'; None when the name has no academic year."""
    match = YEAR_IN_NAME.search(name)
    if not match:
        return None
    start, end = int(match.group(1)), int(match.group(2)[-2:])
    if (start + 1) % 100 != end:
        return None
    return start + 1


def year_from_suffixes(header: list[str]) -> int | None:
    """Performance tables repeat earlier years' figures in columns ending _16, _17 …: the file's year follows the latest."""
    counts = Counter(int(m.group(1)) for name in header if (m := YEAR_SUFFIX.search(name)))
    years = [y for y, n in counts.items() if n >= 3 and 10 <= y < 50]  # not grade suffixes such as _94, _95
    return 2000 + max(years) + 1 if years else None


def table_year(header: list[str], file_name: str) -> int:
    """The year of a performance table: from its columns, checked against its name where that has one."""
    by_columns, by_name = year_from_suffixes(header), year_from_name(file_name)
    if by_columns and by_name and by_columns != by_name:
        raise ImportRefused(
            f"the columns are those of {by_columns - 1}/{by_columns % 100:02d} but the name says {by_name - 1}/{by_name % 100:02d}"
        )
    year = by_columns or by_name
    if year is None:
        raise ImportRefused("cannot tell which academic year this file is for: put it in the file's name, e.g. 2018-2019-…")
    return year


def read_cells(raw: pl.Expr, words=()) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(number, code, blank) of each cell: what figures_from decides from."""
    text = raw.str.strip_chars()
    # Plain decimals only, as DfE writes them: '1e1', 'nan' and 'inf' would read as numbers, but are none.
    number = pl.when(text.str.contains(r"^[+-]?(?:\d+\.?\d*|\.\d+)%?$")).then(text.str.strip_suffix("%").cast(pl.Float64, strict=False))
    if words:
        number = number.fill_null(text.replace_strict(dict(words), default=None, return_dtype=pl.Float64))
    # '-0' and '-0.0%' are 0, not negative zero, which pages, charts and downloads would write as '-0%'.
    number = pl.when(number == 0).then(pl.lit(0.0)).otherwise(number)
    code = text.replace_strict(CELL_CODES, default=None, return_dtype=pl.Int64)
    return number, code, text.is_null() | (text == "")


def figures_from(number: pl.Expr, code: pl.Expr, blank: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    value = pl.when(code.is_null()).then(number)
    status = pl.when(blank).then(None).otherwise(code.fill_null(0))
    bad = ~blank & number.is_null() & code.is_null()
    return value, status, bad


def parse_integer(raw: pl.Expr) -> pl.Expr:
    """A URN or LA code: a whole number in plain digits ('936', or '936.0' as some tools write one), else empty. Never
    the whole part of another number ('145543.9', '1.45543E+05'), which would name a school or an authority the cell
    does not."""
    text = raw.str.strip_chars()
    return pl.when(text.str.contains(r"^\d+(?:\.0*)?$")).then(text.str.replace(r"\.0*$", "").cast(pl.Int64, strict=False))


URN_CELL = "a URN: a whole number"
LA_CELL = "an LA code: a whole number"


def sources_of(columns: Iterable[Column | Share]) -> set[str]:
    """Every column of the file that `columns` read."""
    return set().union(*(column.sources for column in columns))


def share_cells(share: Share) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(number, code, blank) of a Share: its parts' sum as a percentage of its cohort column. A part or
    cohort the file withholds withholds the share, with the first one's reason; a blank one blanks it.
    Reads the cells read_pupils has read."""
    parts = [_parsed(name) for name in share.parts]
    of_number, of_code, of_blank = _parsed(share.cohort)
    total = parts[0][0]
    for number, _, _ in parts[1:]:
        total = total + number
    number = pl.when(of_number > 0).then(percent_of(total, of_number))
    code = pl.coalesce(of_code, *(code for _, code, _ in parts), pl.when(of_number == 0).then(pl.lit(NOT_APPLICABLE)))
    blank = pl.any_horizontal(of_blank, *(blank for _, _, blank in parts))
    return number, code, blank


def percent_of(count: pl.Expr, total: pl.Expr) -> pl.Expr:
    """A count of pupils as a percentage of a total (above 0) to one place, a half rounded up, as DfE rounds its own
    (125 of 400 is 31.3%): worked out in whole numbers, where a half stays exactly a half."""
    count, total = count.cast(pl.Int64), total.cast(pl.Int64)
    return (((count * 2000 + total) // (total * 2)) / 10).round(1)  # dividing by 10 can leave 74.60000000000001


def _parsed(name: str) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """The (number, code, blank) columns read_pupils made of the file's column `name`."""
    return pl.col(f"_number:{name}"), pl.col(f"_code:{name}"), pl.col(f"_blank:{name}")


class Bounds(NamedTuple):
    low: float
    high: float
    what: str
    words: str
    whole: bool = False  # whole numbers only


# What a figure of each unit can be: a value outside refuses the file (a shifted row, a typing slip).
# A count of pupils, a school's or an area's (the census summary's England primary schools, 4.7 million, give the
# most), never reaches England's pupils in all its schools, about 9.1 million (2024/25): 10 million is none.
PUPILS = Bounds(0, 10_000_000, "a number of pupils", "a whole number from 0 to 10,000,000 (England has about 9 million pupils)", whole=True)
BOUNDS = {
    Unit.PERCENT: Bounds(0, 100, "a percentage", "from 0 to 100"),
    Unit.COUNT: PUPILS,
    Unit.BAND: Bounds(1, 5, "a Progress 8 band", "a whole number from 1 to 5", whole=True),
}
# Scores whose scale has fixed ends: Attainment 8 is the points of eight GCSE-level subjects, at most 9 each
# with English and maths counted twice; KS2 scaled scores run from 80 to 120; the EBacc average point score from 0 to 9.
SCALES = {
    **dict.fromkeys(
        ("ks4_attainment8", "ks4_attainment8_disadvantaged", "ks4_attainment8_other"),
        Bounds(0, 90, "an Attainment 8 score", "from 0 to 90"),
    ),
    **dict.fromkeys(("ks2_reading_average", "ks2_maths_average"), Bounds(80, 120, "a KS2 scaled score", "from 80 to 120")),
    "ks4_ebacc_aps": Bounds(0, 9, "an EBacc average point score", "from 0 to 9"),
}


def bounds_of(measure: str) -> Bounds | None:
    return SCALES.get(measure) or BOUNDS.get(BY_CODE[measure].unit)


def outside(value: pl.Expr, bounds: Bounds) -> pl.Expr:
    beyond = (value < bounds.low) | (value > bounds.high)
    return beyond | (value != value.round()) if bounds.whole else beyond


def cohort_cells(number: pl.Expr, code: pl.Expr, blank: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(count, fault) of the cells giving figures' numbers of pupils, from their read_cells: the count is empty
    where the file gives a code or nothing; the fault says what is wrong with a cell that is neither a number of
    pupils nor a known code ('unreadable' or 'outside'), empty for the others."""
    wrong = outside(number, PUPILS)
    count = pl.when(~wrong).then(number).cast(pl.Int64)
    fault = pl.when(~blank & number.is_null() & code.is_null()).then(pl.lit("unreadable")).when(wrong).then(pl.lit("outside"))
    return count, fault


def read_pupils(frame: pl.DataFrame, names: Iterable[str | None]) -> pl.DataFrame:
    """The frame with each of its columns in `names`, numbers of pupils, read once beside it: the cells' (number, code,
    blank) (`_parsed`) and count (`_count:` column, as cohort_cells gives it); for a column with a cell that is neither a
    number of pupils nor a known code, each cell's fault too (`_fault:`). A column read already is not read again."""
    names = [name for name in dict.fromkeys(names) if name in frame.columns and f"_count:{name}" not in frame.columns]
    if not names:
        return frame
    # Nearly every cell is a whole number, a code or empty, as written: each column is read as such first, without
    # trimming or a pattern (which took half the census's time), and only one with any other cell in full (read_cells).
    frame = frame.with_columns(
        cell.alias(f"{part}:{name}")
        for name in names
        for cell, part in zip(_written_cells(pl.col(name)), ("_count", "_code", "_blank"), strict=True)
    )
    other = frame.select(
        (pl.col(f"_count:{name}").is_null() & pl.col(f"_code:{name}").is_null() & ~pl.col(f"_blank:{name}")).any().alias(name)
        for name in names
    ).row(0, named=True)
    read = [name for name in names if other[name]]
    frame = frame.with_columns(
        *(pl.col(f"_count:{name}").cast(pl.Float64).alias(f"_number:{name}") for name in names if name not in read),
        *(
            cell.alias(parsed.meta.output_name())
            for name in read
            for cell, parsed in zip(read_cells(pl.col(name)), _parsed(name), strict=True)
        ),
    )
    if not read:
        return frame
    # From the cells read above: an expression repeating read_cells would read them again.
    counted = {name: cohort_cells(*_parsed(name)) for name in read}
    return frame.with_columns(
        *(count.alias(f"_count:{name}") for name, (count, _) in counted.items()),
        *(fault.alias(f"_fault:{name}") for name, (_, fault) in counted.items()),
    )


def _written_cells(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(count, code, blank) of cells as the files write numbers of pupils: the count where a cell is a whole number of
    pupils in plain digits (a sign at most, no spaces around), else empty; the code where it is a known code alone;
    blank where empty. A cell none of these may still be a number of pupils ('12.0', ' 12'), for read_cells to say."""
    whole = raw.cast(pl.Int64, strict=False)
    code = raw.replace_strict(CELL_CODES, default=None, return_dtype=pl.Int64)
    return pl.when(whole.is_between(PUPILS.low, PUPILS.high)).then(whole), code, raw.is_null() | (raw == "")


def first_bad_count(frame: pl.DataFrame) -> tuple[int, str, Bounds | None] | None:
    """(line, column, PUPILS or None if unreadable) of the first cell read_pupils read in `frame` that is neither a
    number of pupils nor a known code (on its line, the first such column); None if there is none."""
    names = [name for name in frame.columns if f"_fault:{name}" in frame.columns]
    if not names:
        return None
    faults = frame.select("line", *(pl.col(f"_fault:{name}") for name in names))
    faults = faults.filter(pl.any_horizontal(pl.col(f"_fault:{name}").is_not_null() for name in names))
    if not faults.height:
        return None
    first = faults.row(0, named=True)
    name = next(name for name in names if first[f"_fault:{name}"])
    return first["line"], name, PUPILS if first[f"_fault:{name}"] == "outside" else None


def long_figures(frame: pl.DataFrame, columns: tuple[Column | Share, ...], keys: list[pl.Expr]) -> pl.DataFrame:
    """Melt the measure columns of `frame` (already carrying `line`, area, urn, la_code, year) into figures.

    Each column's text is parsed once, in one query over the whole frame; a cell, a figure's or a number of pupils'
    (a figure's cohort, a share's part, or a count the caller has read beside the frame with read_pupils), that is
    neither a number it could be nor a known code refuses the file (the first such line, on it a number of pupils
    before the figures it counts, then the first such column)."""
    if not columns:
        return pl.DataFrame(schema=OUTPUT_SCHEMA)
    shares = [column for column in columns if isinstance(column, Share)]
    frame = read_pupils(frame, [*(column.cohort for column in columns), *(part for share in shares for part in share.parts)])
    cohorts = [name for name in dict.fromkeys(column.cohort for column in columns) if f"_count:{name}" in frame.columns]
    # One query reads every cell (side by side, each column once); the long frame is then stacked from its results.
    cells = [pl.col(f"_count:{name}") for name in cohorts]
    for order, column in enumerate(columns):
        number, code, blank = share_cells(column) if isinstance(column, Share) else read_cells(pl.col(column.name), column.words)
        cells += [number.alias(f"number{order}"), code.alias(f"code{order}"), blank.alias(f"blank{order}")]
    wide = frame.select(*keys, pl.col(FIELDS), *cells)
    parts = []
    for order, column in enumerate(columns):
        value, status, bad = figures_from(pl.col(f"number{order}"), pl.col(f"code{order}"), pl.col(f"blank{order}"))
        cohort = pl.col(f"_count:{column.cohort}") if column.cohort in cohorts else pl.lit(None, pl.Int64)
        wrong = pl.lit(False)
        if isinstance(column, Column) and (bounds := bounds_of(column.measure)):
            wrong = outside(value, bounds)
        # A figure about no pupils (a school with none on roll, whose census percentages print 0; one without
        # disadvantaged pupils, for its gap, left blank) is not applicable, and said so, whatever its cell says.
        # A row that stops before the column still says nothing of it.
        of_nobody = (cohort == 0).fill_null(False) & status.ne_missing(NOT_IN_ROW)
        value = pl.when(of_nobody).then(None).otherwise(value)
        status = pl.when(of_nobody).then(pl.lit(NOT_APPLICABLE)).otherwise(status)
        parts.append(
            wide.select(
                *(pl.col(name) for name in ("line", "area", "urn", "la_code", "year")),
                pl.lit(column.measure).alias("measure"),
                value.alias("value"),
                status.alias("status"),
                cohort.alias("cohort"),
                pl.col(FIELDS),
                pl.when(bad | wrong).then(pl.lit(order, pl.Int32)).alias("_bad"),
                bad.alias("_unreadable"),
            )
        )
    figures = pl.concat(parts)
    _refuse_first_bad_cell(frame, figures.filter(pl.col("_bad").is_not_null()), columns)
    stopped = pl.concat_list(pl.struct(pl.col("line"), pl.col(FIELDS).alias("fields")))
    figures = figures.with_columns(pl.when(pl.col("status") == NOT_IN_ROW).then(stopped).alias("stopped"))
    # A blank cell gives no figure; but a school's row whose every figure is blank says that the school has none (DfE's
    # row for a school without pupils at the end of the key stage, say): its blanks are kept, with no status, for the
    # store to clear what an earlier file of the year said, as it clears a figure a row with others leaves blank.
    said = pl.col("status").is_not_null()
    none_said = (pl.col("area") == "school") & ~said.any().over("line")
    figures = england_gaps(figures.select(list(OUTPUT_SCHEMA))).filter(said | none_said)
    return figures.select([pl.col(name).cast(dtype) for name, dtype in OUTPUT_SCHEMA.items()])


def england_gaps(figures: pl.DataFrame) -> pl.DataFrame:
    """England's own gap against other pupils nationally: its disadvantaged pupils' figure minus its other pupils', from
    the same row, as a school's is against England's other pupils. DfE's tables print 0 there (KS2) or leave it blank
    (KS4), which is no gap of nothing: the figure is calculated here (its line left empty, as an area figure calculated
    here is, so that it is stored as such), with the number of disadvantaged pupils, and is not applicable where the row
    gives either figure no value. A row that stops before the gap's column says nothing of it."""
    national = pl.col("area").is_in(ENGLAND_AREAS) & pl.col("status").ne_missing(NOT_IN_ROW)
    is_gap = national & pl.col("measure").is_in(list(NATIONAL_GAPS))
    gaps = figures.filter(is_gap)
    if gaps.is_empty():
        return figures
    parts = [code for pair in NATIONAL_GAPS.values() for code in pair]
    given = {
        (row["area"], row["year"], row["measure"]): row
        for row in figures.filter(national & pl.col("measure").is_in(parts) & (pl.col("status") == 0)).iter_rows(named=True)
    }
    calculated = []
    for row in gaps.iter_rows(named=True):
        disadvantaged, other = (given.get((row["area"], row["year"], code)) for code in NATIONAL_GAPS[row["measure"]])
        if disadvantaged and other:
            # Rounded past the places the files give, so that 36.7 - 50.3 is -13.6, not -13.599999999999998.
            value = round(disadvantaged["value"] - other["value"], 6)
            row |= {"line": None, "value": value, "status": 0, "cohort": disadvantaged["cohort"]}
        else:
            row |= {"value": None, "status": NOT_APPLICABLE}
        calculated.append(row)
    return pl.concat([figures.filter(~is_gap), pl.DataFrame(calculated, schema=figures.schema)])


def _refuse_first_bad_cell(frame: pl.DataFrame, figures: pl.DataFrame, columns: tuple) -> None:
    """Refuse the file at the first line with a bad cell: `figures` are the bad figures (their column's order in
    `_bad`); the numbers of pupils are those read_pupils read in `frame`."""
    found = []  # (line, a number of pupils first, column, bounds it is outside or None if unreadable)
    if figures.height:
        line, order, unreadable = figures.sort("line", "_bad").select("line", "_bad", "_unreadable").row(0)
        column = columns[order]
        found.append((line, 1, column.name, None if unreadable else bounds_of(column.measure)))
    if count := first_bad_count(frame):
        line, name, bounds = count
        found.append((line, 0, name, bounds))
    if found:
        line, _, name, bounds = min(found, key=lambda bad: bad[:2])
        refuse_cell(frame, line, name, bounds)


def refuse_cell(frame: pl.DataFrame, line: int, name: str, bounds: Bounds | None) -> NoReturn:
    """Refuse the file for its cell at `line` in column `name` (of `frame`, every row of the file): one that is
    neither a number nor a known code (naming the codes of its file, which a reader would otherwise have to look up),
    or (with `bounds`) a number it cannot be."""
    text = frame[name][line - 2]
    if bounds is None:
        codes = ", ".join(EES_CODES if "time_period" in frame.columns else PERFORMANCE_TABLE_CODES)
        raise ImportRefused(f"'{text}' is neither a number nor one of the codes {codes}{with_thousands(text or '')}", row=line, column=name)
    raise ImportRefused(f"'{text}' cannot be {bounds.what}: it should be {bounds.words}", row=line, column=name)


def _keys(area: pl.Expr, urn: pl.Expr, la_code: pl.Expr, year: pl.Expr) -> list[pl.Expr]:
    return [
        pl.col("line"),
        area.alias("area"),
        parse_integer(urn).alias("urn"),
        parse_integer(la_code).alias("la_code"),
        year.cast(pl.Int64).alias("year"),
    ]


def with_lines(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_row_index("line", offset=2).with_columns(pl.col("line").cast(pl.Int64))


def without_empty_rows(frame: pl.DataFrame, data: bytes) -> pl.DataFrame:
    """The rows of `frame` (numbered in `line`) that hold something: one blank, or only commas, gives nothing to take or
    to refuse, and the import counts it among the rows skipped (imports.services.with_empty_rows)."""
    rows = [row for row, _, _ in empty_rows(data)]
    return frame.filter(~pl.col("line").is_in(rows)) if rows else frame


def read_performance_table(data: bytes, file_name: str, layout: Layout, rectypes: dict[str, str]) -> pl.DataFrame:
    """KS2 or KS4 performance tables (final or provisional): schools, the LA and England rows."""
    header = header_of(data)
    require(header, "RECTYPE", "LEA", "URN")
    year = table_year(header, file_name)
    columns = layout.present(header)
    wanted = {"RECTYPE", "LEA", "URN"} | sources_of(columns)
    frame = without_empty_rows(with_lines(read_table(data, [h for h in header if h in wanted])), data)
    rectype = pl.col("RECTYPE").str.strip_chars()
    unknown = frame.filter(~rectype.is_in(list(rectypes)))
    if unknown.height:
        raise ImportRefused(f"unknown record type '{unknown['RECTYPE'][0]}'", row=unknown["line"][0], column="RECTYPE")
    area = rectype.replace_strict(rectypes, return_dtype=pl.String)
    school = area == "school"
    last = frame.select(area.last()).item() if frame.height else None
    if last == "school":
        refuse_cut_short(data, len(header), frame["line"][-1])
    elif last is not None and not last.startswith("england"):
        # DfE's tables end with England's rows, after the authority's: a file that stops at the authority's row
        # was cut there, maybe part-way through a figure.
        raise ImportRefused(
            "the file ends with the authority's row, but the tables end with England's: it looks cut short, so download it again",
            row=frame["line"][-1],
            remedy=Remedy.DOWNLOAD,
        )
    # An authority's row is filed under its LEA: without one, its figures would be no authority's.
    authority = area.str.starts_with("la")
    refuse_first(
        frame,
        [
            ("URN", school & parse_integer(pl.col("URN")).is_null(), is_not("URN", URN_CELL)),
            ("LEA", authority & parse_integer(pl.col("LEA")).is_null(), is_not("LEA", LA_CELL)),
        ],
    )
    keys = _keys(area, pl.when(school).then(pl.col("URN")), pl.col("LEA"), pl.lit(year))
    return long_figures(frame, columns, keys)


def read_ees_schools(data: bytes, layout: Layout) -> pl.DataFrame:
    """Explore-education-statistics school-level files: time_period 202324, school_urn, old_la_code; c/x/z codes."""
    return ees_school_figures(*read_ees_table(data, layout))


def read_ees_table(data: bytes, layout: Layout, also: Iterable[str] = ()) -> tuple[pl.DataFrame, tuple]:
    """The columns an EES school-level file gives for `layout` (and `also`, where present), with line numbers;
    and the layout's columns it has."""
    header = header_of(data)
    require(header, "time_period", "old_la_code", *also, one_of=("school_urn", "urn"))
    columns = layout.present(header)
    wanted = {"time_period", "school_urn", "urn", "old_la_code", *also} | sources_of(columns)
    frame = with_lines(read_table(data, [h for h in header if h in wanted]))
    refuse_cut_short(data, len(header), frame.height + 1)
    frame = without_empty_rows(frame, data)
    return frame, columns


def release_version(data: bytes) -> str | None:
    """The release an EES file's `version` column gives ('final', 'revised', 'provisional'), in lower case;
    None when it has no such column or leaves it blank. Rows of two releases refuse the file. For a file its
    reader has read already (figures_loader)."""
    header = header_of(data)
    if "version" not in header:
        return None
    # The one column alone: the file's reader has already read and checked its rows.
    column = pl.read_csv(
        io.BytesIO(data), infer_schema_length=0, truncate_ragged_lines=True, columns=[header.index("version")], encoding="utf8-lossy"
    )
    versions = with_lines(column.rename({column.columns[0]: "version"})).with_columns(pl.col("version").str.to_lowercase())
    return one_value(versions, "version", lambda other, first: f"this row is of the {other} release, the rows before it of the {first}")


def one_value(frame: pl.DataFrame, column: str, differs) -> str | None:
    """The one value a file gives in `column` (trimmed; blanks aside), or None if none. A row with another value
    refuses the file, with `differs(its value, the first)` as the reason: a file is one year's, of one release."""
    given = frame.select("line", pl.col(column).str.strip_chars().alias("_value")).filter(pl.col("_value").fill_null("") != "")
    if given.is_empty():
        return None
    first = given["_value"][0]
    other = given.filter(pl.col("_value") != first)
    if other.height:
        raise ImportRefused(differs(other["_value"][0], first), row=other["line"][0], column=column)
    return first


def ees_school_figures(frame: pl.DataFrame, columns: tuple) -> pl.DataFrame:
    urn = "school_urn" if "school_urn" in frame.columns else "urn"
    period = pl.col("time_period").str.strip_chars()
    refuse_first(
        frame,
        [
            ("time_period", ~period.str.contains(r"^\d{6}$"), is_not("time_period", "an academic year as six digits, such as 202324")),
            (urn, parse_integer(pl.col(urn)).is_null(), is_not(urn, URN_CELL)),
        ],
    )
    # One file, one year: a row for another year would be taken as that year's whole release.
    one_value(frame, "time_period", lambda other, first: f"this row is for {other}, the rows before it for {first}: a file gives one year")
    year = period.str.slice(0, 4).cast(pl.Int64) + 1
    keys = _keys(pl.lit("school"), pl.col(urn), pl.col("old_la_code"), year)
    return long_figures(frame, columns, keys)


# The census summary's state-funded school types: the phase of each authority's own phase-by-phase figures.
SUMMARY_PHASES = {
    "State-funded primary": "la_primary",
    "State-funded secondary": "la_secondary",
    "State-funded special school": "la_special",
}
# The census summary's other state-funded school type: its 'Pupil referral unit' is the school-level census's
# 'State-funded AP school', whose pupils each authority's figure for all its state-funded schools counts.
SUMMARY_STATE_FUNDED = ("Pupil referral unit",)
# The national rows of the census summary and absence files give England phase by phase, in ESTAB.
NATIONAL_PHASES = {"PRI": "england_primary", "SEC": "england_secondary", "SPE": "england_special"}


def read_keyed_schools(data: bytes, file_name: str, layout: Layout) -> pl.DataFrame:
    """Performance-table companions keyed by URN and LA (census summary, absence). Rows without a URN are
    England's figures for one phase (LA or URN 'NAT', the phase in ESTAB: PRI, SEC or SPE); a national
    row for a phase not in NATIONAL_PHASES comes back with area 'england_phase', which the store skips and counts."""
    frame, columns, year = _keyed_table(data, file_name, layout)
    return _keyed_school_figures(frame, columns, year)


def read_census_summary(data: bytes, file_name: str, layout: Layout, counts: dict[str, tuple[str, ...]]) -> pl.DataFrame:
    """The census summary, read once: each school's figures and England's phases' (as read_keyed_schools), then each
    authority's percentages computed from its schools' counts (summary_area_figures)."""
    also = ["SCHOOLTYPE", "NOR", *(column for columns in counts.values() for column in columns)]
    frame, columns, year = _keyed_table(data, file_name, layout, also)
    return pl.concat([_keyed_school_figures(frame, columns, year), summary_area_figures(frame, year, counts)])


def _keyed_table(data: bytes, file_name: str, layout: Layout, also: Iterable[str] = ()) -> tuple[pl.DataFrame, tuple, int]:
    """The columns of a file keyed by URN and LA that give `layout`'s figures (and `also`, where present), with line
    numbers; the columns of `layout` it has; and the year its name gives."""
    header = header_of(data)
    year = year_from_name(file_name)
    if year is None:
        raise ImportRefused("cannot tell which academic year this file is for: put it in the file's name, e.g. 2018-2019-england_abs.csv")
    require(header, "URN", "LA")
    columns = layout.present(header)
    wanted = {"URN", "LA", "ESTAB", *also} | sources_of(columns)
    frame = with_lines(read_table(data, [h for h in header if h in wanted]))
    refuse_cut_short(data, len(header), frame.height + 1)
    frame = without_empty_rows(frame, data)
    return frame, columns, year


def _national() -> pl.Expr:
    """The rows of a file keyed by URN and LA that are England's: LA or URN 'NAT'."""
    return ((pl.col("LA").str.strip_chars() == "NAT") | (pl.col("URN").str.strip_chars() == "NAT")).fill_null(False)


def _keyed_school_figures(frame: pl.DataFrame, columns: tuple, year: int) -> pl.DataFrame:
    national = _national()
    refuse_first(frame, [("URN", ~national & parse_integer(pl.col("URN")).is_null(), is_not("URN", URN_CELL))])
    phase = pl.lit("england_phase")
    if "ESTAB" in frame.columns:
        phase = pl.col("ESTAB").str.strip_chars().replace_strict(NATIONAL_PHASES, default="england_phase")
    area = pl.when(national).then(phase).otherwise(pl.lit("school"))
    keys = _keys(area, pl.when(~national).then(pl.col("URN")), pl.when(~national).then(pl.col("LA")), pl.lit(year))
    return long_figures(frame, columns, keys)


# England has 153 local authorities with state-funded schools (2023); a few more or fewer as they are reorganised.
ENGLAND_AUTHORITIES = 150


def read_census(data: bytes, layout: Layout, counts: dict[str, tuple[str, ...]], headcount: str = "headcount of pupils") -> pl.DataFrame:
    """The school-level census, read once: each school's figures (as read_ees_schools), then each LA's and
    England's percentages computed from the counts of their state-funded schools, each measure's count
    the sum of its columns."""
    header = set(header_of(data))
    counts = {measure: parts for measure, parts in counts.items() if set(parts) <= header}
    names = [headcount, *(column for parts in counts.values() for column in parts)]
    frame, columns = read_ees_table(data, layout, also=("phase_type_grouping", *names))
    # The counts are read beside the figures' own numbers of pupils, and a bad one refuses the file as theirs do.
    frame = read_pupils(frame, names)
    schools = ees_school_figures(frame, columns)
    # Each authority's figures are summed over its state-funded schools by their old_la_code.
    state_funded = pl.col("phase_type_grouping").str.starts_with("State-funded").fill_null(False)
    refuse_first(frame, [("old_la_code", state_funded & parse_integer(pl.col("old_la_code")).is_null(), is_not("old_la_code", LA_CELL))])
    refuse_counted_twice(frame.filter(state_funded), "school_urn" if "school_urn" in frame.columns else "urn")
    numbers = frame.filter(state_funded).select(
        "line",
        FIELDS,
        (pl.col("time_period").str.slice(0, 4).cast(pl.Int64) + 1).alias("year"),
        parse_integer(pl.col("old_la_code")).alias("la_code"),
        pl.col(f"_count:{headcount}").alias("_pupils"),
        *(_count(parts).alias(measure) for measure, parts in counts.items()),
        *(_unsaid(headcount, *parts).alias(f"_unsaid:{measure}") for measure, parts in counts.items()),
    )
    # England's figures are every authority's comparator: they are calculated only from a file of the whole
    # country, never from one cut down to some authorities (which would make them those authorities' own).
    national = numbers["la_code"].drop_nulls().n_unique() >= ENGLAND_AUTHORITIES
    return pl.concat([schools, _area_percentages(numbers, list(counts), ("la", "england") if national else ("la",))])


def _unsaid(*columns: str) -> pl.Expr:
    """Whether a row stops before any of these count columns (read by read_pupils): then it says nothing of them."""
    return pl.any_horizontal(pl.col(f"_code:{column}") == NOT_IN_ROW for column in columns).fill_null(False)


def _count(columns: tuple[str, ...]) -> pl.Expr:
    """The sum of these count columns, as read_pupils read them; empty where any of them is a code or blank."""
    total = pl.col(f"_count:{columns[0]}")
    for column in columns[1:]:
        total = total + pl.col(f"_count:{column}")
    return total


def summary_area_figures(frame: pl.DataFrame, year: int, counts: dict[str, tuple[str, ...]]) -> pl.DataFrame:
    """Each authority's percentages computed from the census summary's counts of its state-funded schools (`frame`,
    the file's columns as read_census_summary read them). England's come in the file, phase by phase, so none is
    made here. A year's file without the school type or a count gives no figure for what it lacks."""
    counts = {measure: columns for measure, columns in counts.items() if set(columns) <= set(frame.columns)}
    if not counts or not {"LA", "SCHOOLTYPE", "NOR"} <= set(frame.columns):
        return pl.DataFrame(schema=OUTPUT_SCHEMA)
    names = ["NOR", *(column for columns in counts.values() for column in columns)]
    frame = read_pupils(frame, names)
    # A bad count in any row refuses the file, as a bad figure does (the schools' figures, and NOR, were read first).
    if bad := first_bad_count(frame):
        refuse_cell(frame, *bad)
    # Each authority's figures are summed over its state-funded schools by their LA (England's rows are NAT).
    school_type = pl.col("SCHOOLTYPE").str.strip_chars()
    state_funded = (school_type.str.starts_with("State-funded") | school_type.is_in(SUMMARY_STATE_FUNDED)) & ~_national()
    refuse_first(frame, [("LA", state_funded & parse_integer(pl.col("LA")).is_null(), is_not("LA", LA_CELL))])
    frame = frame.filter(state_funded)
    refuse_counted_twice(frame, "URN")
    numbers = frame.select(
        "line",
        FIELDS,
        pl.lit(year, pl.Int64).alias("year"),
        parse_integer(pl.col("LA")).alias("la_code"),
        pl.col("_count:NOR").alias("_pupils"),
        pl.col("SCHOOLTYPE").str.strip_chars().replace_strict(SUMMARY_PHASES, default=None).alias("_phase"),
        *(_count(columns).alias(measure) for measure, columns in counts.items()),
        *(_unsaid("NOR", *columns).alias(f"_unsaid:{measure}") for measure, columns in counts.items()),
    )
    # Each authority's figure for all its state-funded schools, and for each phase England's are given by
    # (a primary school is compared with England's primary schools, so with its authority's primary schools too).
    by_phase = [
        _area_percentages(numbers.filter(pl.col("_phase") == phase), list(counts), ("la",)).with_columns(area=pl.lit(phase))
        for phase in SUMMARY_PHASES.values()
    ]
    return pl.concat([_area_percentages(numbers, list(counts), ("la",)), *by_phase])


def refuse_counted_twice(frame: pl.DataFrame, urn: str) -> None:
    """A school's row given twice (a row pasted again) would count its pupils twice in its authority's and England's
    figures, which are summed from the schools' rows, whether or not the register holds the school (the import refuses a
    repeat of a school it takes as it stores the schools' figures): refuse the file, naming both rows."""
    given = frame.select("line", parse_integer(pl.col(urn)).alias("_urn")).drop_nulls("_urn")
    again = given.filter(pl.col("line") != pl.col("line").min().over("_urn")).sort("line")
    if again.height:
        line, school = again.row(0)
        first = given.filter(pl.col("_urn") == school)["line"].min()
        raise ImportRefused(f"URN {school} appears twice (rows {first} and {line})", row=line, column=urn)


def _area_percentages(numbers: pl.DataFrame, measures: list[str], areas: tuple[str, ...]) -> pl.DataFrame:
    """Each measure as a percentage of the pupils, summed over the schools of each LA (and of England):
    `numbers` holds each school's line and FIELDS, year, la_code, _pupils and a count for each measure, and whether
    the school's row stopped before a column of it (`_unsaid:`). Schools missing either count are left out; an area
    one of whose schools' rows stopped early is not said (NOT_IN_ROW): its figure held stays, and those rows are the
    figure's `stopped`, whether or not the import takes the schools' own figures."""
    parts = []
    usable = {measure: pl.col(measure).is_not_null() & pl.col("_pupils").is_not_null() for measure in measures}
    stopped = pl.struct(pl.col("line"), pl.col(FIELDS).alias("fields"))
    for area in areas:
        by = ["year", "la_code"] if area == "la" else ["year"]
        # One pass per area: each measure's count and pupils summed over the schools that give both.
        sums = numbers.group_by(by).agg(
            *(pl.col(measure).filter(usable[measure]).sum().alias(f"_n{i}") for i, measure in enumerate(measures)),
            *(pl.col("_pupils").filter(usable[measure]).sum().alias(f"_of{i}") for i, measure in enumerate(measures)),
            *(pl.col(f"_unsaid:{measure}").any().alias(f"_unsaid{i}") for i, measure in enumerate(measures)),
            *(stopped.filter(pl.col(f"_unsaid:{measure}")).alias(f"_stopped{i}") for i, measure in enumerate(measures)),
        )
        for i, measure in enumerate(measures):
            parts.append(
                sums.select(
                    pl.lit(None, pl.Int64).alias("line"),
                    pl.lit(area).alias("area"),
                    pl.lit(None, pl.Int64).alias("urn"),
                    (pl.col("la_code") if area == "la" else pl.lit(0, pl.Int64)).alias("la_code"),
                    pl.col("year"),
                    pl.lit(measure).alias("measure"),
                    percent_of(pl.col(f"_n{i}"), pl.col(f"_of{i}")).alias("value"),
                    pl.when(pl.col(f"_unsaid{i}")).then(pl.lit(NOT_IN_ROW)).otherwise(pl.lit(0)).alias("status"),
                    pl.col(f"_of{i}").alias("cohort"),
                    pl.when(pl.col(f"_unsaid{i}")).then(pl.col(f"_stopped{i}")).alias("stopped"),
                ).filter(pl.col("cohort") > 0)
            )
    return pl.concat(parts).select([pl.col(name).cast(dtype) for name, dtype in OUTPUT_SCHEMA.items()])
