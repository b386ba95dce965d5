"""Whose row a refusal is about: the school a file's row gives, named beside the row's number ("row 11 (URN 125315,
All Hallows Catholic School)"), for the kinds of file whose rows are schools'; and the words of a refusal the kinds of
file share (a cell that is not a date). Plain polars, no Django."""

import io
import re
from collections.abc import Callable, Iterable
from functools import wraps

import polars as pl

from .registry import ImportRefused, Remedy
from .sources import utf8_bytes

# The columns in which the national files give a school's URN and name: the performance tables' and the census
# summary's, explore-education-statistics' (school-level census, information about schools), Ofsted's and GIAS's.
# GIAS's links file gives the URN alone: its LinkName is the other school's, so a refusal there names no school.
URN_COLUMNS = ("URN", "school_urn", "urn")
NAME_COLUMNS = ("SCHNAME", "school_name", "School name", "EstablishmentName")


def cut_short(row: int, fields: int, width: int) -> ImportRefused:
    """The refusal of a file whose last row, `row`, stops at `fields` of the header's `width` with no line end after it:
    a download that stopped part-way, to be downloaded again."""
    return ImportRefused(
        f"the file ends part-way through this row ({fields} of {width} fields, and no line end): it looks cut short, so download it again",
        row=row,
        remedy=Remedy.DOWNLOAD,
    )


def naming_the_school(load):
    """A refusal of a cell in a school's row (not of its URN) names the school, as the row gives it: in a file of
    thousands of schools, the row's number alone leaves the reader to count rows to find whose figure it is."""

    @wraps(load)
    def wrapper(ctx):
        try:
            return load(ctx)
        except ImportRefused as refusal:
            if refusal.row is not None and refusal.column and refusal.column not in URN_COLUMNS:
                refusal.school = refusal.school or school_on_row(utf8_bytes(ctx.source), ctx.source.header, refusal.row)
            raise

    return wrapper


def school_on_row(data: bytes, header: list[str], row: int) -> str | None:
    """Whose row `row` of the file (whose columns are `header`) is, for a refusal to say: "URN 125315, All Hallows
    Catholic School" (the URN alone where the file names no schools); None for a row without a URN, an authority's or
    England's. Rows are counted as the loaders count them: the header is row 1, and each record after it one row,
    whatever line ends its quoted fields hold."""
    urn = next((header.index(name) for name in URN_COLUMNS if name in header), None)
    if urn is None or row < 2:
        return None
    name = next((header.index(name) for name in NAME_COLUMNS if name in header), None)
    positions = sorted({urn} | ({name} if name is not None else set()))
    found = pl.read_csv(
        io.BytesIO(data),
        columns=positions,
        skip_rows_after_header=row - 2,
        n_rows=1,
        infer_schema_length=0,
        truncate_ragged_lines=True,
        encoding="utf8-lossy",
    )
    if found.is_empty():
        return None
    given = dict(zip(positions, found.row(0), strict=True))
    number = (given[urn] or "").strip()
    if not number.isdigit():
        return None
    school = " ".join((given.get(name) or "").split())
    school = "" if school == "NULL" else school  # Ofsted's files write a blank as NULL
    return f"URN {int(number)}, {school}" if school else f"URN {int(number)}"


THOUSANDS = re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?%?")


def with_thousands(cell: str) -> str:
    """What to say after "'1,170' is not a number" of a number written with commas between its thousands (as a spreadsheet
    formatted so shows and saves it), which leaves a council officer wondering how it is not: nothing of any other."""
    if not THOUSANDS.fullmatch(cell.strip()):
        return ""
    return (
        f": its thousands are separated by commas, as a spreadsheet may show a number, where the file writes plain digits "
        f"({cell.strip().replace(',', '')}). Import the file as downloaded"
    )


def not_a_date(cell: str, expected: str, shapes: Iterable[str]) -> str:
    """Why `cell` is not a date: written otherwise than `expected` says ("dd-mm-yyyy"), or in one of the `shapes` (regular
    expressions) dates are written in but for a day that does not exist ('31-02-2017'), which "expected dd-mm-yyyy" would
    leave the reader puzzling over, or but for a year of two digits ('01-09-17', as a spreadsheet may save one)."""
    shapes = list(shapes)
    if any(re.fullmatch(shape, cell.strip()) for shape in shapes):
        return f"'{cell}' is not a date: there is no such day"
    if any(re.fullmatch(shape.replace(r"\d{4}", r"\d{2}"), cell.strip()) for shape in shapes):
        return f"'{cell}' is not a date: its year has two digits, not four (expected {expected})"
    return f"'{cell}' is not a date (expected {expected})"


# What a check says of the cell it refuses: words with {} where the cell goes, or a function of the cell.
Says = str | Callable[[str], str]


def refuse_first(frame: pl.DataFrame, checks: list[tuple[str, pl.Expr, Says]]) -> None:
    """Raise ImportRefused at the first row of `frame` (numbered in its column "line") where a check (column, is-bad,
    what it says of the cell, trimmed) holds; of a row's checks, the first in `checks`."""
    if not checks:
        return
    flagged = frame.select("line", *(bad.fill_null(False).alias(str(i)) for i, (_, bad, _) in enumerate(checks)))
    hits = flagged.filter(pl.any_horizontal(pl.exclude("line")))
    if hits.height:
        first = hits.row(0, named=True)
        column, _, says = next(check for i, check in enumerate(checks) if first[str(i)])
        cell = (frame[column][first["line"] - 2] or "").strip()
        raise ImportRefused(says(cell) if callable(says) else says.format(cell), row=first["line"], column=column)


def is_not(column: str, what: str) -> Callable[[str], str]:
    """What a check says of a cell that should be `what` ("a URN: a whole number"), blank or not."""
    return lambda cell: f"'{cell}' is not {what}" if cell else f"the {column} is blank"
