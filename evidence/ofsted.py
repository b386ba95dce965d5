"""Reading Ofsted's management information files into inspection records. Plain polars, no Django.

Two layouts (DOMAIN.md §2): "all inspections, year to date" (one row per inspection, report-card areas)
and the monthly "latest inspections" (one row per school: the latest report card or visit, plus the
last graded inspection under the previous framework and the latest ungraded one). Columns are found by
name, whatever their order, ignoring case, spacing and punctuation; extra columns are ignored.

Words are kept as published, in Ofsted's own casing where the words a column may hold are known (so a
file's 'strong STANDARD' is stored, and compared, as 'Strong standard'). `9`, `NULL` or blank in an area of
an inspection mean "Not evaluated". No overall grade is made for report cards.

Each record says which of its fields and areas its file gives (`given`): those whose column the file has
(and the row reaches: a row that stops early says nothing of the columns after its end) and which are this
row's own words for this inspection, not placeholders. Only these may replace, or clear, what an earlier
file said (see evidence.inspections).

How a file's cells are read and checked is in evidence.ofsted_cells, how a row becomes records in evidence.ofsted_records,
how the rows of one inspection become one record in evidence.ofsted_merge, and Ofsted's words (areas, grades, categories
of concern, outcomes) in evidence.ofsted_words.
"""

import re

import polars as pl

from imports.refusals import refuse_first
from imports.registry import Columns, ImportRefused

from .ofsted_cells import DATE_FIELDS, dates, each_text, refusal_checks, spellings_of, words
from .ofsted_merge import one_per_inspection
from .ofsted_records import RECORD_SCHEMA, current_records, graded_records, ungraded_records
from .ofsted_words import GRADED_AREAS, REPORT_CARD_AREAS
from .readers import header_of, read_table_and_widths, refuse_cut_short, with_lines, without_empty_rows


def key(name: str) -> str:
    """Header names compared loosely: 'Web Link (opens in new window)' → 'weblink'."""
    return re.sub(r"[^a-z0-9]+", "", name.lower().replace("(opens in new window)", "").replace("(where applicable)", ""))


FIELDS = {
    "urn": "urn",
    "inspectionnumber": "inspection_number",
    "inspectiontype": "inspection_type",
    "inspectionstartdate": "started_on",
    "inspectionenddate": "ended_on",
    "publicationdate": "published_on",
    "categoryofconcern": "category_of_concern",
    "mostrecentcategoryofconcern": "recent_category",
    "safeguardingstandards": "safeguarding",
    "latestoeifoveralleffectiveness": "oeif_overall",
    "inspectionstartdateoflatestoeifgradedinspection": "oeif_started_on",
    "urnattimeoflatestoeifgradedinspection": "oeif_urn",
    "ungradedinspectionoveralloutcome": "ungraded_outcome",
    "dateoflatestungradedinspection": "ungraded_on",
}
READ = {*FIELDS, *REPORT_CARD_AREAS, *GRADED_AREAS}
# The fields whose words the records take, as words() gives them.
TEXT_FIELDS = ("inspection_number", "inspection_type", "category_of_concern", "recent_category", "safeguarding", "oeif_overall")
TEXT_FIELDS += ("oeif_urn", "ungraded_outcome")


# The header tests of the two layouts, by the columns that identify each (compared by key()).
is_all_inspections = Columns(
    ("URN", "Inspection number", "Inspection start date", "Inclusion", "Leadership and governance"),
    without=("Latest OEIF overall effectiveness",),
    key=key,
)
is_latest_inspections = Columns(("URN", "Inspection start date", "Latest OEIF overall effectiveness"), key=key)


def read_inspections(data: bytes) -> tuple[pl.DataFrame, int]:
    """Inspection records from either layout (RECORD_SCHEMA, judgements as JSON, in the file's order), one for each
    inspection (see evidence.ofsted_merge.merge_records), and the number of rows read."""
    header = header_of(data)
    # Only the columns read (a monthly file has ~48, half of them the school's details).
    frame, widths = read_table_and_widths(data, [name for name in header if key(name) in READ])
    frame = with_lines(frame)
    refuse_cut_short(data, len(header), frame.height + 1)
    frame = without_empty_rows(frame, data)
    names = {key(c): c for c in frame.columns}
    if "urn" not in names:
        raise ImportRefused("there is no URN column")
    columns = {field: names[k] for k, field in FIELDS.items() if k in names}

    dated = [field for field in DATE_FIELDS if field in columns]
    frame = frame.with_columns(
        pl.col(columns["urn"]).str.strip_chars().cast(pl.Int64, strict=False).alias("_urn"),
        # Each distinct text once (see each_text): a national file has a few thousand days.
        *(parsed.alias(f"_{f}") for f, parsed in zip(dated, each_text(frame, [columns[f] for f in dated], dates), strict=True)),
        *(pl.lit(None, pl.Date).alias(f"_{f}") for f in DATE_FIELDS if f not in columns),
    )
    spellings = spellings_of(frame, names)
    refuse_first(frame, refusal_checks(names, columns, spellings))
    # Ofsted's words as Ofsted writes them, whatever the file's case and spacing.
    frame = frame.with_columns(pl.col(column).replace(list(spelt), list(spelt.values())) for column, (_, spelt) in spellings.items())
    # Each field's words, worked out once (for each distinct text, where there are few: see each_text).
    texts = [field for field in TEXT_FIELDS if field in columns]
    frame = frame.with_columns(
        cleaned.alias(f"_text:{field}") for field, cleaned in zip(texts, each_text(frame, [columns[f] for f in texts], words), strict=True)
    )

    def text(field: str) -> pl.Expr:
        return pl.col(f"_text:{field}") if field in columns else pl.lit("")

    areas = {label: names[k] for k, label in REPORT_CARD_AREAS.items() if k in names}
    graded = {label: names[k] for k, label in GRADED_AREAS.items() if k in names}
    parts = [
        current_records(frame, text, areas, columns),
        graded_records(frame, text, graded, columns),
        ungraded_records(frame, text, columns),
    ]
    records = pl.concat([part.with_columns(pl.lit(order).alias("_part")) for order, part in enumerate(parts)])
    records = records.sort("line", "_part", maintain_order=True).select(list(RECORD_SCHEMA))
    column_of = {RECORD_FIELD.get(field, field): column for field, column in columns.items()} | areas | graded
    if widths is not None:
        records = _said_in_row(records, widths, {name: header.index(column) for name, column in column_of.items()})
    return one_per_inspection(records, column_of), frame.height


def _said_in_row(records: pl.DataFrame, widths: list[int], position: dict[str, int]) -> pl.DataFrame:
    """A row with fewer fields than the header says nothing of the columns it stops before: their fields and areas
    are taken out of what its records give (`given`), so that what is held for them stays. `widths` are the rows'
    numbers of fields, `position` each field's or area's column in the header."""
    full = max(position.values(), default=-1) + 1
    if min(widths, default=full) >= full:
        return records  # every row reaches the last column read: the usual case
    width_of = pl.DataFrame({"line": range(2, len(widths) + 2), "_width": widths}, schema={"line": pl.Int64, "_width": pl.Int64})
    records = records.join(width_of, on="line", how="left", maintain_order="left")
    # Each distinct (given, width) of the short rows, once: a file has few.
    short = records.filter(pl.col("_width") < full).select("given", "_width").unique()
    said = ["|".join(name for name in given.split("|") if position.get(name, -1) < width) for given, width in short.iter_rows()]
    short = short.with_columns(pl.Series("_said", said, dtype=pl.String))
    records = records.join(short, on=["given", "_width"], how="left", maintain_order="left")
    return records.with_columns(pl.coalesce("_said", "given").alias("given")).drop("_width", "_said")


# The record's field each column of the monthly file's last graded inspection gives; its ungraded one's outcome is an area.
RECORD_FIELD = {"oeif_overall": "overall", "oeif_urn": "urn_at_inspection", "ungraded_outcome": "Outcome"}
