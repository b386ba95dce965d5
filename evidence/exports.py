"""An authority's school figures as CSV or XLSX: one row per school, measure and year, with the source."""

import csv
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from .catalogue import BY_CODE
from .models import Observation, Source, Status, academic_year

# A text starting with one of these is taken for a formula by spreadsheet programs. School and file
# names come from imported files, so they must never run as one when a download is opened.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER = ["URN", "School", "Measure code", "Measure", "Academic year", "Value", "Status", "Cohort", "Source", "File"]


def authority_rows(schools):
    rows = (
        Observation.objects.filter(school__in=schools, measure__key=True)
        .order_by("school__name", "school__urn", "measure__order", "year", "source")
        .values_list("school__urn", "school__name", "measure__code", "year", "value", "status", "cohort", "source", "import_run__file_name")
    )
    for urn, name, code, year, value, status, cohort, source, file_name in rows.iterator(chunk_size=5000):
        spec = BY_CODE.get(code)
        yield [
            urn,
            name,
            code,
            spec.label if spec else code,
            academic_year(year),
            _rounded(value, spec.places if spec else None),
            "" if status == Status.VALUE else Status(status).label.lower(),
            cohort,
            Source(source).label,
            file_name,
        ]


def _rounded(value: float | None, places: int | None):
    """A figure to the places the measure is published with: a whole number (1381 pupils) is written without '.0'."""
    if value is None or places is None:
        return value
    return int(round(value)) if places == 0 else round(value, places)


def as_csv(rows) -> bytes:
    """CSV, where a text that a spreadsheet would run as a formula is kept as text by a leading apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(
        [f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value for value in row] for row in rows
    )
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(rows, title: str) -> bytes:
    """XLSX, where every text is stored as text (openpyxl would store one starting with = as a formula)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31] or "Results")
    sheet.append(HEADER)
    for row in rows:
        sheet.append([_text_cell(sheet, value) if isinstance(value, str) else value for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text_cell(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell
