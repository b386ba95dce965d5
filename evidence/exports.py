"""An authority's school figures as CSV or XLSX: one row per school, measure and year, with the source."""

import csv
import io

from openpyxl import Workbook

from .catalogue import BY_CODE
from .models import Observation, Source, Status, academic_year

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
            value,
            "" if status == Status.VALUE else Status(status).label.lower(),
            cohort,
            Source(source).label,
            file_name,
        ]


def as_csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(rows, title: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31] or "Results")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
