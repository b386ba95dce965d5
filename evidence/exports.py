"""An authority's figures as CSV or XLSX: its own and England's, then each school's, one row per measure and year, with the source;
in the XLSX, beside them, the sheets of evidence.download_context."""

import csv
import io
import re
from collections.abc import Iterable
from itertools import groupby
from typing import NamedTuple

import xlsxwriter
from django.db.models import Q

from .catalogue import BY_CODE, Unit, calculated_how
from .models import AUTHORITY_AREAS, Area, AreaObservation, Observation, Source, Status, academic_year, places_for
from .points import RANK
from .presenters import ethnic_groups
from .series import Series

# A text starting with one of these is taken for a formula by spreadsheet programs. School and file
# names come from imported files, so they must never run as one when a download is opened. A line end may stand before
# the formula, and in some programs and languages the full-width signs (＝, ＋, －, ＠) start one as the others do.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
FIGURE = ("measure__code", "year", "value", "status", "cohort", "source", "import_run__file_name")
HEADER = [
    "URN",
    "School",
    "LAESTAB",
    "Phase",
    "Measure code",
    "Measure",
    "Unit",
    "Academic year",
    "Value",
    "Status",
    "Pupils counted",
    "Source",
    "File",
    "Shown on pages",
]


def authority_rows(areas: list[tuple], schools):
    """The authority's and England's figures for the key measures (`areas`: area_figures, as the overview page shows
    them, with no URN), then every school's, one row per measure, year and source; a school's with its LAESTAB and phase,
    to filter by."""
    yield from _rows(areas)
    rows = (
        Observation.objects.filter(school__in=schools, measure__key=True)
        .order_by("school__name", "school__urn", "measure__order", "year", "source")
        .values_list("school__urn", "school__name", "school__laestab", "school__phase", *FIGURE)
    )
    yield from _rows(rows.iterator(chunk_size=5000))


# The published statistics' download (public_rows): every figure is an authority's or England's, named in the first column.
PUBLIC_HEADER = ["Area", *HEADER[HEADER.index("Measure code") :]]
PUBLIC_WIDTHS = {"A": 36, "B": 30, "C": 48, "D": 17, "E": 13, "F": 10, "G": 18, "H": 14, "I": 40, "J": 44, "K": 16}


def public_rows(areas: list[tuple]):
    """The rows of PUBLIC_HEADER for the published statistics of an authority (`areas`: area_figures): authority_rows' of
    the authority and England, without the columns that only a school's row fills."""
    school_only = HEADER.index("Measure code")
    for row in _rows(areas):
        yield [row[1], *row[school_only:]]


def area_figures(authority, series_list: list[Series]) -> list[tuple]:
    """The authority's and England's figures as the overview shows them, for each key measure the authority has
    figures for and for its pupils' ethnic groups (every year, where the page gives the latest): England's as
    published, and for a year it is given only phase by phase, each phase's; a progress score's national average by
    definition, which DfE leaves blank, said to be so. `series_list` is the page's: presenters.authority_series. Found
    once for a download, for its rows (authority_rows) and the years its notes are about (download_years)."""
    # England's only beside a measure the page shows: one the authority has figures for.
    shown = [series.measure.code for series in series_list]
    ethnicity = ethnic_groups(authority.code)
    if ethnicity:
        shown += [measure.code for _, measure, *_ in ethnicity.rows]
    stored = (
        AreaObservation.objects.filter(measure__code__in=shown)
        .filter(Q(area__in=AUTHORITY_AREAS, la_code=authority.code) | Q(area=Area.ENGLAND))
        .values_list("area", "measure__order", *FIGURE, "computed")
    )
    figures = list(stored)
    for series in series_list:
        order, code = series.measure.order, series.measure.code
        for year, phases in series.england_phases.items():
            for area, p in phases.items():
                figures.append((area, order, code, year, p.value, p.status, p.cohort, p.source, p.file_name, p.computed))
        for year in series.by_definition_years():
            figures.append((Area.ENGLAND, order, code, year, series.england_by_definition, Status.VALUE, None, None, "", False))
    # The authority's first, then England's; each one's phases after its own figure for the same measure and year.
    figures.sort(key=lambda figure: (figure[0] not in AUTHORITY_AREAS, figure[1], figure[3], figure[0], figure[7] or 0))
    return [("", area_name(area, authority), None, "", *rest) for area, _, *rest in figures]


def area_name(area: int, authority) -> str:
    """'Surrey', 'Surrey (state-funded primary schools)', 'England (state-funded schools)'."""
    if area == Area.LA:
        return authority.name
    label = Area(area).label
    return label.replace(str(Area.LA.label), authority.name) if area in AUTHORITY_AREAS else label


def _rows(figures):
    """A row of HEADER for each figure (urn, name, laestab, phase, code, year, value, status, cohort, source, file
    name[, computed]), saying whether the pages show it: where two releases give a figure for the same place, measure
    and year (KS4 2018/19 final and provisional), the pages show the most final one and the other is marked 'no'."""
    for _, same in groupby(figures, key=lambda figure: figure[:6]):
        same = list(same)
        shown = min(same, key=lambda figure: RANK.get(figure[9], 99))
        for figure in same:
            yield [*_row(*figure), "yes" if figure is shown else "no: a more final release is shown"]


def _row(urn, name, laestab, phase, code, year, value, status, cohort, source, file_name, computed=False) -> list:
    """The columns of HEADER but the last."""
    spec = BY_CODE.get(code)
    return [
        urn,
        name,
        laestab,
        phase,
        code,
        spec.label if spec else code,
        unit_words(spec),
        academic_year(year),
        _rounded(value, spec.places if spec else None),
        _status_text(status, source),
        cohort,
        _source_text(source, code if computed else None),
        file_name,
    ]


UNIT_WORDS = {Unit.PERCENT: "per cent", Unit.SCORE: "score", Unit.COUNT: "number of pupils", Unit.BAND: "band"}


def unit_words(spec) -> str:
    """What a figure counts in, for a reader of the download: a percentage, a gap in percentage points, a score."""
    if spec is None:
        return ""
    return "percentage points" if spec.label.endswith("(percentage points)") else UNIT_WORDS.get(spec.unit, spec.unit)


def _status_text(status: int, source: int | None) -> str:
    """Empty for a figure as published; else why there is none, or, for a figure no file gives (England's progress
    score), that it is not a published figure, so that a program reading the Status column does not take it for one."""
    if source is None:
        return "by definition, not published"
    return "" if status == Status.VALUE else Status(status).label.lower()


def _source_text(source: int | None, calculated: str | None) -> str:
    """The figure's source; and, for `calculated`, the code of the measure whose figure was calculated here, how."""
    if source is None:  # a figure by definition, which no file gives
        return "None: DfE does not publish England's progress score, which is 0 by definition"
    return Source(source).label + (f", {calculated_how(calculated)}" if calculated else "")


def _rounded(value: float | None, places: int | None):
    """A figure to the places the measure is published with: a whole number (1381 pupils) is written without '.0'."""
    if value is None or places is None:
        return value
    places = places_for(value, places)
    return int(round(value)) if places == 0 else round(value, places)


class Sheet(NamedTuple):
    """A sheet after the figures': its name, header and rows (texts and whole numbers), its columns' widths (letter →
    characters), and sentences below its table that a reader of it must not miss."""

    name: str
    header: list[str]
    rows: Iterable[list]
    widths: dict[str, int]
    below: tuple[str, ...] = ()


def as_csv(rows, header=HEADER) -> bytes:
    """CSV, where a text that a spreadsheet would run as a formula is kept as text by a leading apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(
        [f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value for value in row] for row in rows
    )
    return out.getvalue().encode("utf-8-sig")


# Columns as wide as their usual contents (in characters), so that the sheet opens readable.
XLSX_WIDTHS = {"A": 9, "B": 36, "C": 10, "D": 22, "E": 30, "F": 48, "G": 17, "H": 13, "I": 10, "J": 18, "K": 14, "L": 40, "M": 44, "N": 16}
# What a sheet's name may not hold; the control characters a cell's text cannot (XML has no place for them).
NOT_IN_SHEET_NAMES = re.compile(r"[\\/*?:\[\]]")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def as_xlsx(rows, title: str, sheets: Iterable[Sheet] = (), header=HEADER, widths=XLSX_WIDTHS) -> bytes:
    """XLSX, where every text is stored as text (never run as a formula, whatever it starts with), each figure shows
    the places it is published with (50.0, not 50), and the header stays in view, with filters; then each of `sheets`.
    `rows` are of `header`: HEADER's (authority_rows) or PUBLIC_HEADER's (public_rows).

    XlsxWriter writes each row as it comes (constant memory), its texts inline: an authority's 10,700 rows take a
    fraction of a second, where openpyxl, without lxml, took 1.7 to 3.1 s."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    # Named as a spreadsheet's file details show it.
    book.set_properties({"title": _printable(title), "author": "Common Ground"})
    bold = book.add_format({"bold": True})
    sheet = _add_sheet(book, NOT_IN_SHEET_NAMES.sub("", title)[:31].strip("' ") or "Results", header, widths, bold)
    value_column, code_column = header.index("Value"), header.index("Measure code")
    formats: dict[int, object] = {}  # decimal places → the format that shows a figure with them
    count = 0
    for count, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if column == value_column and isinstance(value, float) and (spec := BY_CODE.get(row[code_column])):
                places = places_for(value, spec.places)
                if places not in formats:
                    formats[places] = book.add_format({"num_format": "0." + "0" * places if places else "0"})
                sheet.write_number(count, column, value, formats[places])
            else:
                _write(sheet, count, column, value)
    sheet.autofilter(0, 0, count, len(header) - 1)
    for more in sheets:
        sheet = _add_sheet(book, more.name, more.header, more.widths, bold)
        count = 0
        for count, row in enumerate(more.rows, start=1):
            for column, value in enumerate(row):
                _write(sheet, count, column, value)
        sheet.autofilter(0, 0, count, len(more.header) - 1)
        for line, sentence in enumerate(more.below, start=count + 2):  # after a blank row, outside the filter
            _write(sheet, line, 0, sentence)
    book.close()
    return out.getvalue()


def _add_sheet(book, name: str, header: list[str], widths: dict[str, int], bold):
    """A sheet with columns as wide as their usual contents, and its header, in bold, kept in view."""
    sheet = book.add_worksheet(name)
    for column, width in widths.items():
        sheet.set_column(f"{column}:{column}", width)
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, header, bold)
    return sheet


def _write(sheet, row: int, column: int, value) -> None:
    """A text as text (without the control characters XML has no place for), a number as a number; nothing for none."""
    if value is None or value == "":
        return
    if isinstance(value, str):
        sheet.write_string(row, column, _printable(value))
    else:
        sheet.write_number(row, column, value)


def _printable(text: str) -> str:
    """The text without the control characters XML has no place for. Looked for only in a text with a character that
    does not print (every control character is one): most texts have none, and looking in each of an authority's
    105,000 texts took a sixth of its download's time."""
    return text if text.isprintable() else CONTROL_CHARACTERS.sub("", text)
