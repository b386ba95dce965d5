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
"""

import json
import re
from datetime import date
from functools import cache
from typing import NamedTuple

import polars as pl

from imports.registry import ImportRefused

from .readers import header_of, read_table_and_widths, refuse_cut_short, with_lines

NOT_EVALUATED = "Not evaluated"
GRADED, UNGRADED, REPORT_CARD = "graded", "ungraded", "report_card"
MISSING = {"", "NULL", "null"}
NOT_EVALUATED_TEXTS = [*MISSING, "9"]  # what an area of an inspection says when it was not evaluated


def key(name: str) -> str:
    """Header names compared loosely: 'Web Link (opens in new window)' → 'weblink'."""
    return re.sub(r"[^a-z0-9]+", "", name.lower().replace("(opens in new window)", "").replace("(where applicable)", ""))


REPORT_CARD_AREAS = {
    "inclusion": "Inclusion",
    "curriculumandteaching": "Curriculum and teaching",
    "achievement": "Achievement",
    "attendanceandbehaviour": "Attendance and behaviour",
    "personaldevelopmentandwellbeing": "Personal development and wellbeing",
    "earlyyears": "Early years",
    "post16provision": "Post-16 provision",
    "leadershipandgovernance": "Leadership and governance",
}
GRADED_AREAS = {
    "latestoeifqualityofeducation": "Quality of education",
    "latestoeifbehaviourandattitudes": "Behaviour and attitudes",
    "latestoeifpersonaldevelopment": "Personal development",
    "latestoeifeffectivenessofleadershipandmanagement": "Leadership and management",
    "latestoeifearlyyearsprovision": "Early years provision",
    "latestoeifsixthformprovision": "Sixth form provision",
}
# Where each area comes in the order Ofsted publishes them: an inspection's judgements are stored as JSON, whose keys
# PostgreSQL (jsonb) keeps in an order of its own.
AREA_ORDER = {label: place for place, label in enumerate([*GRADED_AREAS.values(), *REPORT_CARD_AREAS.values()])}


def in_published_order(judgements: dict) -> list[tuple]:
    """An inspection's (area, words) in the order Ofsted publishes its areas; any other area after them, by name."""
    return sorted(judgements.items(), key=lambda item: (AREA_ORDER.get(item[0], len(AREA_ORDER)), item[0]))


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
DATE_FIELDS = ("started_on", "ended_on", "published_on", "oeif_started_on", "ungraded_on")
# Ofsted's first school inspections were in September 1993; a date before, or after today, is a slip.
FIRST_INSPECTION = date(1993, 9, 1)
OUTSIDE_INSPECTIONS = "'{}' cannot be the date of an inspection: it is before Ofsted's first (September 1993) or after today"

# The words each kind of column may hold, in Ofsted's casing; a file's are compared in lower case with runs of
# spaces made one, and stored as Ofsted writes them. Blank, NULL and 9 (not evaluated) are allowed everywhere.
# Anything else refuses the file, naming the row.
REPORT_CARD_SCALE = ("Exceptional", "Strong standard", "Expected standard", "Needs attention", "Urgent improvement", "Not applicable")
ALLOWED = {
    "report card area": REPORT_CARD_SCALE,
    "safeguarding": ("Met", "Not met"),
    "category of concern": ("SM", "RSI", "SWK", "Special measures", "Serious weaknesses", "Requires significant improvement"),
    "graded judgement": ("1", "2", "3", "4", "Outstanding", "Good", "Requires improvement", "Inadequate", "Not judged"),
}
CHECKED = {
    **dict.fromkeys(REPORT_CARD_AREAS, "report card area"),
    **dict.fromkeys([*GRADED_AREAS, "latestoeifoveralleffectiveness"], "graded judgement"),
    "safeguardingstandards": "safeguarding",
    "categoryofconcern": "category of concern",
    "mostrecentcategoryofconcern": "category of concern",
}


READ = {*FIELDS, *REPORT_CARD_AREAS, *GRADED_AREAS}
# The fields a record of a row's own inspection takes from the row, when the file has their columns.
ROW_FIELDS = ("ended_on", "published_on", "inspection_number", "inspection_type", "category_of_concern", "safeguarding")


def is_all_inspections(header: list[str]) -> bool:
    keys = {key(h) for h in header}
    return {
        "urn",
        "inspectionnumber",
        "inspectionstartdate",
        "inclusion",
        "leadershipandgovernance",
    } <= keys and "latestoeifoveralleffectiveness" not in keys


def is_latest_inspections(header: list[str]) -> bool:
    keys = {key(h) for h in header}
    return {"urn", "inspectionstartdate", "latestoeifoveralleffectiveness"} <= keys


def parse_date(text: str | None, line: int, column: str) -> date | None:
    """One date as the files give it (dd/mm/yyyy, or yyyy-mm-dd); None when blank; refused otherwise."""
    text = (text or "").strip()
    if text in MISSING:
        return None
    parsed = pl.select(dates(pl.lit(text, pl.String))).item()
    if parsed is None:
        raise ImportRefused(f"'{text}' is not a date (expected dd/mm/yyyy)", row=line, column=column)
    return parsed


def dates(raw: pl.Expr) -> pl.Expr:
    """The column's dates, as parse_date reads them; null where blank and where not a date."""
    text = raw.str.strip_chars()
    day_first = text.str.extract_groups(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$")
    iso = text.str.extract_groups(r"^(\d{4})-(\d{2})-(\d{2})$")
    year = pl.coalesce(day_first.struct[2], iso.struct[0])
    month = pl.coalesce(day_first.struct[1], iso.struct[1]).str.zfill(2)
    day = pl.coalesce(day_first.struct[0], iso.struct[2]).str.zfill(2)
    return pl.concat_str(year, month, day, separator="-").str.to_date("%Y-%m-%d", strict=False)


def distinct_dates(texts: pl.Series) -> pl.Series:
    """dates() of a column, worked out once for each distinct text: a national file has a few thousand days."""
    distinct = texts.unique().drop_nulls()
    parsed = pl.select(dates(pl.lit(distinct))).to_series()
    return texts.replace_strict(distinct, parsed, default=None, return_dtype=pl.Date)


def words(raw: pl.Expr) -> pl.Expr:
    """As published, trimmed, runs of spaces made one; blank, NULL and null as ''."""
    text = raw.str.strip_chars().fill_null("")
    text = pl.when(text.str.contains("  ", literal=True)).then(text.str.replace_all(r"\s{2,}", " ")).otherwise(text)
    return pl.when(text.is_in(list(MISSING))).then(pl.lit("")).otherwise(text)


def as_json(entries: dict[str, pl.Expr]) -> pl.Expr:
    """A JSON object of label → text, leaving out the labels whose text is null."""
    if not entries:
        return pl.lit("{}")
    pairs = [pl.struct(value.alias(label)).struct.json_encode().str.slice(1).str.strip_suffix("}") for label, value in entries.items()]
    inner = pl.concat_str(
        [pl.when(value.is_not_null()).then(pair) for pair, value in zip(pairs, entries.values(), strict=True)],
        separator=",",
        ignore_nulls=True,
    )
    return pl.concat_str(pl.lit("{"), inner, pl.lit("}"))


def _refuse_first(frame: pl.DataFrame, checks: list[tuple[str, pl.Expr, str]]) -> None:
    """Raise ImportRefused at the first line where a check (column, is-bad, message with {}) holds; checks in order."""
    flagged = frame.select("line", *(bad.fill_null(False).alias(str(i)) for i, (_, bad, _) in enumerate(checks)))
    hits = flagged.filter(pl.any_horizontal(pl.exclude("line")))
    if hits.height:
        first = hits.row(0, named=True)
        column, _, message = next(check for i, check in enumerate(checks) if first[str(i)])
        raise ImportRefused(message.format((frame[column][first["line"] - 2] or "").strip()), row=first["line"], column=column)


RECORD_SCHEMA = {
    "urn": pl.Int64,
    "line": pl.Int64,
    "framework": pl.String,
    "started_on": pl.Date,
    "ended_on": pl.Date,
    "published_on": pl.Date,
    "inspection_number": pl.String,
    "inspection_type": pl.String,
    "overall": pl.String,
    "category_of_concern": pl.String,
    "safeguarding": pl.String,
    "judgements": pl.String,  # JSON
    "urn_at_inspection": pl.Int64,
    "given": pl.String,  # the fields and areas the file gives for this inspection, joined by '|': see given_names
}
PUBLISHED_BEFORE = "'{}' is before the inspection's start date: a report is published after its inspection"
GRADE_UNDATED = "the row gives its last graded inspection's outcome but not when it was"
UNGRADED_UNDATED = "the row gives its latest ungraded inspection's outcome but not when it was"
ENDED_BEFORE = "'{}' is before the inspection's start date: an inspection ends on or after the day it starts"
NO_GRADE_DATE = (
    "'{}' is a graded outcome, but the file has no column 'Inspection start date of latest OEIF graded inspection' to say when it was"
)


def read_inspections(data: bytes) -> tuple[pl.DataFrame, int]:
    """Inspection records from either layout (RECORD_SCHEMA, judgements as JSON, in the file's order), one for each
    inspection (see merge_records), and the number of rows read."""
    header = header_of(data)
    # Only the columns read (a monthly file has ~48, half of them the school's details).
    frame, widths = read_table_and_widths(data, [name for name in header if key(name) in READ])
    frame = with_lines(frame)
    refuse_cut_short(data, len(header), frame.height + 1)
    names = {key(c): c for c in frame.columns}
    if "urn" not in names:
        raise ImportRefused("there is no URN column")
    columns = {field: names[k] for k, field in FIELDS.items() if k in names}

    def text(field: str) -> pl.Expr:
        return words(pl.col(columns[field])) if field in columns else pl.lit("")

    frame = frame.with_columns(
        pl.col(columns["urn"]).str.strip_chars().cast(pl.Int64, strict=False).alias("_urn"),
        *(distinct_dates(frame[columns[f]]).alias(f"_{f}") for f in DATE_FIELDS if f in columns),
        *(pl.lit(None, pl.Date).alias(f"_{f}") for f in DATE_FIELDS if f not in columns),
    )
    spellings = _spellings(frame, names)
    _refuse_first(frame, _checks(names, columns, spellings))
    # Ofsted's words as Ofsted writes them, whatever the file's case and spacing.
    frame = frame.with_columns(pl.col(column).replace(list(spelt), list(spelt.values())) for column, (_, spelt) in spellings.items())
    areas = {label: names[k] for k, label in REPORT_CARD_AREAS.items() if k in names}
    graded = {label: names[k] for k, label in GRADED_AREAS.items() if k in names}
    parts = [_current(frame, text, areas, columns), _graded(frame, text, graded, columns), _ungraded(frame, text, columns)]
    records = pl.concat([part.with_columns(pl.lit(order).alias("_part")) for order, part in enumerate(parts)])
    records = records.sort("line", "_part", maintain_order=True).select(list(RECORD_SCHEMA))
    column_of = {RECORD_FIELD.get(field, field): column for field, column in columns.items()} | areas | graded
    if widths is not None:
        records = _said_in_row(records, widths, {name: header.index(column) for name, column in column_of.items()})
    return _merged(records, column_of), frame.height


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


def _checks(names: dict[str, str], columns: dict[str, str], spellings: dict) -> list[tuple[str, pl.Expr, str]]:
    """What refuses a file (see _refuse_first): a row's URN, dates or words that cannot be right, or a row that
    gives an outcome but not when (the inspection could not be placed in the school's history)."""
    checks = [(columns["urn"], ~pl.col(columns["urn"]).fill_null("").str.strip_chars().str.contains(r"^[0-9]+$"), "'{}' is not a URN")]
    for field in DATE_FIELDS:
        if field in columns:
            blank = pl.col(columns[field]).fill_null("").str.strip_chars().is_in(list(MISSING))
            parsed = pl.col(f"_{field}")
            checks.append((columns[field], ~blank & parsed.is_null(), "'{}' is not a date (expected dd/mm/yyyy)"))
            checks.append((columns[field], (parsed < FIRST_INSPECTION) | (parsed > date.today()), OUTSIDE_INSPECTIONS))
    if "published_on" in columns:
        checks.append((columns["published_on"], pl.col("_published_on") < pl.col("_started_on"), PUBLISHED_BEFORE))
    if "ended_on" in columns:
        checks.append((columns["ended_on"], pl.col("_ended_on") < pl.col("_started_on"), ENDED_BEFORE))
    if "started_on" in columns:
        # A row that evaluates something but says not when: the inspection cannot be placed in the school's history.
        areas = [names[k] for k in REPORT_CARD_AREAS if k in names]
        evaluated = (
            pl.any_horizontal([~pl.col(c).str.strip_chars().fill_null("").is_in(NOT_EVALUATED_TEXTS) for c in areas])
            if areas
            else pl.lit(False)
        )
        checks.append(
            (columns["started_on"], pl.col("_started_on").is_null() & evaluated, "the row gives evaluations but no inspection start date")
        )
    if "oeif_urn" in columns:
        oeif_urn = words(pl.col(columns["oeif_urn"]))
        bad = pl.col("_oeif_started_on").is_not_null() & (oeif_urn != "") & ~oeif_urn.str.contains(r"^[0-9]+$")
        checks.append((columns["oeif_urn"], bad, "'{}' is not a URN"))
    for column, (kind, spelt) in spellings.items():
        unknown = [text for text, ofsteds in spelt.items() if ofsteds is None]
        if unknown:
            message = f"'{{}}' is not a {kind} Ofsted gives (expected {', '.join(ALLOWED[kind])}, or blank, NULL or 9)"
            checks.append((column, pl.col(column).is_in(unknown), message))
    return checks + _undated_grades(names, columns)


def _spellings(frame: pl.DataFrame, names: dict[str, str]) -> dict[str, tuple[str, dict[str, str | None]]]:
    """Each column of known words (CHECKED): its kind, and for each text it holds that is not already as Ofsted
    writes it, Ofsted's spelling (None for words Ofsted does not use). Each distinct text is looked at once: a
    national file has a handful per column."""
    spellings = {}
    for k, kind in CHECKED.items():
        if k in names:
            distinct = frame[names[k]].unique().drop_nulls()
            spoken = distinct.str.strip_chars().str.replace_all(r"\s+", " ").str.to_lowercase()
            spelt = {text: STORED[kind].get(lower) for text, lower in zip(distinct, spoken, strict=True)}
            spellings[names[k]] = (kind, {text: ofsteds for text, ofsteds in spelt.items() if ofsteds != text})
    return spellings


def _undated_grades(names: dict[str, str], columns: dict[str, str]) -> list[tuple[str, pl.Expr, str]]:
    """A row of the monthly file that gives its last graded inspection's outcome, or its latest ungraded one's, but
    not its date: left out, the school would go on showing an older inspection. 'Not judged' is no grade to place."""
    checks = []
    if "ungraded_outcome" in columns:
        undated = _gives_words(columns["ungraded_outcome"]) & pl.col("_ungraded_on").is_null()
        checks.append((columns.get("ungraded_on", columns["ungraded_outcome"]), undated, UNGRADED_UNDATED))
    grades = [names[k] for k in ["latestoeifoveralleffectiveness", *GRADED_AREAS] if k in names]
    gives = {column: _gives_words(column, "not judged") for column in grades}
    if not gives:
        return checks
    if "oeif_started_on" in columns:
        undated = pl.col("_oeif_started_on").is_null() & pl.any_horizontal(list(gives.values()))
        return [*checks, (columns["oeif_started_on"], undated, GRADE_UNDATED)]
    return [*checks, *((column, given, NO_GRADE_DATE) for column, given in gives.items())]


def _gives_words(column: str, *nothing: str) -> pl.Expr:
    """Whether a row's cell says something: not blank, NULL or 9 (nor any of `nothing`, in lower case)."""
    return ~pl.col(column).str.strip_chars().str.to_lowercase().fill_null("").is_in(["", "null", "9", *nothing])


def _records(frame: pl.DataFrame, wanted: pl.Expr, record: list[pl.Expr]) -> pl.DataFrame:
    """The record's columns for the rows wanted (computed first, so that only they are filtered)."""
    return frame.select(*record, wanted.alias("_wanted")).filter("_wanted").drop("_wanted")


def _record(**values: pl.Expr) -> list[pl.Expr]:
    fixed = {"urn": pl.col("_urn"), "line": pl.col("line"), "ended_on": None, "published_on": None, "inspection_number": ""}
    fixed |= {"overall": "", "category_of_concern": "", "safeguarding": "", "urn_at_inspection": None}
    values = {**fixed, **values}
    return [
        (values[name] if isinstance(values[name], pl.Expr) else pl.lit(values[name])).cast(dtype).alias(name)
        for name, dtype in RECORD_SCHEMA.items()
    ]


def _given(names: list[str]) -> pl.Expr:
    return pl.lit("|".join(names), dtype=pl.String)


@cache
def given_names(given: str) -> frozenset[str]:
    """The fields and areas a record's `given` names (see the module's docstring). There are a handful of distinct
    ones in a file, each read once: a string, not a list, is what keeps 22,000 records quick to go through."""
    return frozenset(given.split("|")) - {""}


def _current(frame: pl.DataFrame, text, areas: dict[str, str], columns: dict[str, str]) -> pl.DataFrame:
    """The inspection the row is about: a report card, or a visit that evaluated nothing (all 9). All it says is the row's own."""
    # Each area's text is trimmed once, into a column of its own, for the tests and the words below.
    trimmed = [f"_{label}" for label in areas]
    frame = frame.with_columns(pl.col(column).str.strip_chars().fill_null("").alias(f"_{label}") for label, column in areas.items())
    given = pl.any_horizontal([~pl.col(name).is_in(NOT_EVALUATED_TEXTS) for name in trimmed]) if areas else pl.lit(False)
    any_nine = pl.any_horizontal([pl.col(name) == "9" for name in trimmed]) if areas else pl.lit(False)
    frame = frame.with_columns(given.alias("_given"), any_nine.alias("_nine"), text("safeguarding").alias("_safeguarding"))
    frame = (
        frame.join(_judgements(frame, areas), on=trimmed, how="left", maintain_order="left")
        if areas
        else frame.with_columns(_judgements=pl.lit("{}"))
    )
    # A row with nothing under the report-card framework: the older columns carry the history (and when
    # its latest inspection is the last graded one, that record takes the row's details: see _graded).
    wanted = pl.col("_started_on").is_not_null() & (pl.col("_given") | (pl.col("_safeguarding") != "") | pl.col("_nine"))
    wanted &= pl.col("_given") | ~_latest_is_graded()
    return _records(
        frame,
        wanted,
        _record(
            framework=pl.when(pl.col("_given")).then(pl.lit(REPORT_CARD)).otherwise(pl.lit(UNGRADED)),
            started_on=pl.col("_started_on"),
            ended_on=pl.col("_ended_on"),
            published_on=pl.col("_published_on"),
            inspection_number=text("inspection_number"),
            inspection_type=text("inspection_type"),
            category_of_concern=text("category_of_concern"),
            safeguarding=pl.when(pl.col("_safeguarding") == "9").then(pl.lit(NOT_EVALUATED)).otherwise(pl.col("_safeguarding")),
            judgements=pl.col("_judgements"),
            given=_given([field for field in ROW_FIELDS if field in columns] + list(areas)),
        ),
    )


def _judgements(frame: pl.DataFrame, areas: dict[str, str]) -> pl.DataFrame:
    """The report card's judgements as JSON for each combination of the trimmed areas' texts: there are few, so each is made once."""
    judgements = {
        label: pl.when(pl.col(f"_{label}").is_in(NOT_EVALUATED_TEXTS)).then(pl.lit(NOT_EVALUATED)).otherwise(words(pl.col(f"_{label}")))
        for label in areas
    }
    return frame.select([f"_{label}" for label in areas]).unique().with_columns(as_json(judgements).alias("_judgements"))


def _latest_is_graded() -> pl.Expr:
    """The row's own (latest) inspection is its last graded one: the same start date."""
    return (pl.col("_started_on") == pl.col("_oeif_started_on")).fill_null(False)


def _graded(frame: pl.DataFrame, text, areas: dict[str, str], columns: dict[str, str]) -> pl.DataFrame:
    """The monthly file's last graded (OEIF) inspection. When it is also the row's latest inspection,
    the row's type, dates, number and category of concern are its own. Otherwise an inadequate grade
    takes the school's most recent category of concern: only a graded inspection places a school in
    one, and this was the last. That, and 'Graded inspection' for a type the row does not give, are the
    record's assumptions, not the file's words about it: they fill in, never replace (see `given`)."""
    oeif_urn = text("oeif_urn").replace("", None).cast(pl.Int64, strict=False)
    # A graded area that was not judged (9: no sixth form, no early years) is left out, as a blank one is.
    judgements = {label: words(pl.col(column)).replace(["", "9"], [None, None]) for label, column in areas.items()}
    own, overall, kind = _latest_is_graded(), text("oeif_overall").replace("9", ""), text("inspection_type")
    category = pl.when(own).then(text("category_of_concern")).otherwise(pl.lit(""))
    inadequate = overall.str.to_lowercase().is_in([word for word, grade in GRADE_OF_WORDS.items() if grade == "4"] + ["4"])
    category = pl.when((category == "") & inadequate).then(text("recent_category")).otherwise(category)
    always = [field for field, column in (("overall", "oeif_overall"), ("urn_at_inspection", "oeif_urn")) if column in columns]
    always += list(areas)
    owns = [field for field in ("ended_on", "published_on", "inspection_number", "category_of_concern") if field in columns]
    given = pl.when(own & (kind != "")).then(_given([*always, *owns, "inspection_type"]))
    given = given.when(own).then(_given([*always, *owns])).otherwise(_given(always))
    return _records(
        frame,
        pl.col("_oeif_started_on").is_not_null(),
        _record(
            framework=GRADED,
            started_on=pl.col("_oeif_started_on"),
            ended_on=pl.when(own).then(pl.col("_ended_on")),
            published_on=pl.when(own).then(pl.col("_published_on")),
            inspection_number=pl.when(own).then(text("inspection_number")).otherwise(pl.lit("")),
            inspection_type=pl.when(own & (kind != "")).then(kind).otherwise(pl.lit("Graded inspection")),
            overall=overall,
            category_of_concern=category,
            judgements=as_json(judgements),
            urn_at_inspection=pl.when(oeif_urn != pl.col("_urn")).then(oeif_urn),
            given=given,
        ),
    )


def _ungraded(frame: pl.DataFrame, text, columns: dict[str, str]) -> pl.DataFrame:
    """The monthly file's latest ungraded inspection: of it, the file gives only the outcome ('Ungraded inspection' is ours)."""
    outcome = text("ungraded_outcome")
    return _records(
        frame,
        pl.col("_ungraded_on").is_not_null(),
        _record(
            framework=UNGRADED,
            started_on=pl.col("_ungraded_on"),
            inspection_type="Ungraded inspection",
            judgements=as_json({"Outcome": outcome.replace("", None)}),
            given=_given(["Outcome"] if "ungraded_outcome" in columns else []),
        ),
    )


def _merged(records: pl.DataFrame, column_of: dict[str, str]) -> pl.DataFrame:
    """One record per (urn, framework, start date), at the first one's place: see merge_records."""
    twice = pl.len().over("urn", "framework", "started_on") > 1
    if not records.select(twice.any()).item():
        return records
    records = records.with_row_index("_order")
    repeated = records.filter(twice)
    rows = [{**row, "judgements": json.loads(row["judgements"])} for row in repeated.iter_rows(named=True)]
    merged = [{**row, "judgements": json.dumps(row["judgements"])} for row in merge_records(rows, column_of)]
    together = pl.concat([records.filter(~twice), pl.DataFrame(merged, schema=records.schema)])
    return together.sort("_order").drop("_order")


def merge_records(records: list[dict], column_of: dict[str, str]) -> list[dict]:
    """One record per (urn, framework, start date), from rows that must agree: where two give a field or area
    different words (after case and spacing), which is right cannot be told, so the file is refused, naming both
    rows and the column (`column_of` a field's or area's). What one row leaves blank or not evaluated, another
    fills in; a row's own words come before another's assumption (a field it does not give)."""
    merged: dict[tuple, dict] = {}
    said: dict[tuple, dict] = {}  # each key's words so far: field or area → (value, line)
    for record in records:
        k = (record["urn"], record["framework"], record["started_on"])
        words = _said(record)
        if k not in merged:
            merged[k] = {**record, "judgements": dict(record["judgements"])}
            said[k] = {name: (value, record["line"]) for name, value in words.items()}
            continue
        for name, value in words.items():
            if name in said[k] and said[k][name][0] != value:
                held, line = said[k][name]
                raise ImportRefused(
                    f"'{_shown(value)}', but row {line} gives '{_shown(held)}' for the same inspection "
                    f"(URN {record['urn']}, starting {_shown(record['started_on'])}): one of the two rows is wrong",
                    row=record["line"],
                    column=column_of.get(name, name),
                )
        new = {name: value for name, value in words.items() if name not in said[k]}
        said[k] |= {name: (value, record["line"]) for name, value in new.items()}
        _fill(merged[k], record, new)
    return list(merged.values())


UNMERGED = ("urn", "line", "framework", "started_on", "judgements", "given", "_order")


def _said(record: dict) -> dict:
    """The words a record gives (see `given`): its fields and areas that are not blank or not evaluated."""
    given = given_names(record["given"])
    fields = {field: value for field, value in record.items() if field in given and value not in (None, "")}
    return fields | {area: words for area, words in record["judgements"].items() if area in given and words not in ("", NOT_EVALUATED)}


def _fill(kept: dict, record: dict, new: dict) -> None:
    """Into the record kept for an inspection: another row's words it had not said, and its assumptions where kept has nothing."""
    for field, value in record.items():
        if field in new or (field not in UNMERGED and value not in (None, "") and kept[field] in (None, "")):
            kept[field] = value
    for area, words in record["judgements"].items():
        if area in new or area not in kept["judgements"]:
            kept["judgements"][area] = words
    kept["given"] = "|".join(sorted(given_names(kept["given"]) | given_names(record["given"])))


def _shown(value) -> str:
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value)


LEGACY_GRADES = {"1": "Outstanding", "2": "Good", "3": "Requires improvement", "4": "Inadequate"}
# GIAS gives an inadequate school's rating as its category of concern.
GRADE_OF_WORDS = {words.lower(): grade for grade, words in LEGACY_GRADES.items()} | {"special measures": "4", "serious weaknesses": "4"}
CATEGORY_OF_RATING = {"special measures": "SM", "serious weaknesses": "SWK"}
CATEGORIES = {"SM": "special measures", "SWK": "serious weaknesses", "RSI": "requires significant improvement"}
CATEGORY_OF_WORDS = {name: code for code, name in CATEGORIES.items()}
# How each of ALLOWED's words is stored, whatever the file's case and spacing: as Ofsted writes it, and a category
# of concern as its code (the column holds codes, as the register's rating gives them).
STORED = {kind: {word.lower(): word for word in allowed} | {"": "", "9": "9", "null": "NULL"} for kind, allowed in ALLOWED.items()}
STORED["category of concern"] |= CATEGORY_OF_WORDS


def legacy_grade(overall: str | None) -> str | None:
    """The 1–4 grade an overall judgement stands for, as a digit or in words; None for anything else."""
    overall = (overall or "").strip()
    return overall if overall in LEGACY_GRADES else GRADE_OF_WORDS.get(overall.lower())


def category_code(category: str | None) -> str:
    """SM, SWK or RSI, whether the file gave the code or the words ('Special measures'); other text as given."""
    category = (category or "").strip()
    return category.upper() if category.upper() in CATEGORIES else CATEGORY_OF_WORDS.get(category.lower(), category)


def category_words(category: str) -> str:
    """A category of concern in words, as CATEGORIES gives them ("special measures" for SM); other text as given."""
    code = category_code(category)
    return CATEGORIES.get(code, code)


def placed_in(overall: str | None, category: str | None) -> str:
    """The category of concern an inspection placed the school in, as its code: from the category given, else from a
    register's rating in a category's words ('Special Measures'); '' for none."""
    return category_code(category) or CATEGORY_OF_RATING.get((overall or "").strip().lower(), "")


def describe_outcome(overall: str, category: str) -> str:
    """A graded inspection's outcome in words: 'Good'; 'Inadequate: special measures'; other words as published."""
    grade = legacy_grade(overall)
    if grade is None:
        return overall or "Not judged"
    category = placed_in(overall, category)
    if grade == "4" and category in CATEGORIES:
        return f"Inadequate: {CATEGORIES[category]}"
    return LEGACY_GRADES[grade]


def describe_grade(value: str) -> str:
    """'2' → 'Good (2)'; a grade's words as published; the register's words for a category of concern as the grade
    they are ('Special Measures' → 'Inadequate (the register gives “Special Measures”)': the category is said apart)."""
    if value in LEGACY_GRADES:
        return f"{LEGACY_GRADES[value]} ({value})"
    grade = legacy_grade(value)
    if grade and LEGACY_GRADES[grade].lower() != value.strip().lower():
        return f"{LEGACY_GRADES[grade]} (the register gives “{value.strip()}”)"
    return value


# Ofsted's inspection types name the Education Act 2005's sections: a section 5 inspection is a full one, a
# section 8 visit is any other (a monitoring visit, an inspection without formal designation).
INSPECTION_TYPES = {
    "s5 inspection": "Full inspection (section 5)",
    "academy first section 5": "First full inspection as an academy (section 5)",
    "s8 no formal designation visit": "Inspection without formal designation (section 8)",
}


def describe_type(kind: str, *, judged: bool = False) -> str:
    """An inspection type in words a reader knows: 'S5 Inspection' → 'Full inspection (section 5)'; the
    section numbers spelt out in any other: 'Requires Improvement S5 Reinspection Visit 1' → 'Requires
    improvement section 5 reinspection visit 1'. A section 8 visit that `judged` (gave grades or a report
    card) was deemed a section 5 inspection: Ofsted's year-to-date file calls these "Section 8 deemed section 5"."""
    kind = kind.strip()
    if kind.lower() in INSPECTION_TYPES:
        words = INSPECTION_TYPES[kind.lower()]
    else:
        words = re.sub(r"\bs([58])\b", r"section \1", kind.lower())
        words = words[:1].upper() + words[1:]
    if judged and "section 8" in words.lower():
        words += ", deemed a full inspection (section 5)"
    return words


class Ungraded(NamedTuple):
    """An ungraded inspection's outcome in plain words: a few for a tag, a sentence on what they mean (or ''),
    and whether inspectors found that the school might not keep its grade."""

    words: str
    meaning: str = ""
    concerns: bool = False


# The outcomes Ofsted's monthly file gives an ungraded inspection. Until August 2024 they named the grade the
# school kept, what inspectors found beyond it, and "S5 Next" where the next inspection is to be a full (section
# 5) one: "School remains Good (Concerns) - S5 Next". From September 2024, with no overall grade, they say only
# what inspectors found; "Improved significantly" and "Some aspects not as strong" also mean a full one next.
REMAINS = re.compile(r"school remains (good|outstanding)(?: \((concerns|improving|improved significantly)\))?( - s5 next)?")
FULL_NEXT = "the next inspection will be a full inspection (section 5)"
UNGRADED_OUTCOMES = {
    "standards maintained": Ungraded(
        "Standards maintained", "Inspectors found the school has kept the standards of its last graded inspection"
    ),
    "improved significantly": Ungraded(
        "May have improved significantly",
        f"Inspectors found evidence the school may have improved significantly since its last graded inspection, so {FULL_NEXT}",
    ),
    "some aspects not as strong": Ungraded(
        "Some aspects not as strong",
        f"Inspectors found some aspects of the school's work may not be as strong as at its last graded inspection, so {FULL_NEXT}",
        concerns=True,
    ),
}
FINDINGS = {"concerns": "with concerns", "improving": "may be improving", "improved significantly": "may have improved significantly"}


def ungraded_outcome(outcome: str | None) -> Ungraded:
    """Ofsted's outcome of an ungraded inspection in plain words: 'School remains Good (Concerns) - S5 Next' →
    'Remains good, with concerns', inspectors having found that it may no longer be good, and a full inspection
    next. Words it does not know are kept as published; a blank outcome stays blank."""
    published = (outcome or "").strip()
    spoken = " ".join(published.lower().replace("\u2013", "-").split())
    if spoken in UNGRADED_OUTCOMES:
        return UNGRADED_OUTCOMES[spoken]
    found = REMAINS.fullmatch(spoken)
    if not found:
        return Ungraded(published)
    grade, finding, full_next = found.groups()
    words, meaning = f"Remains {grade}", ""
    if finding == "concerns":
        meaning = f"Inspectors found evidence the school may no longer be {grade}"
    elif finding:
        meaning = f"Inspectors found evidence the school {'may now be outstanding' if grade == 'good' else FINDINGS[finding]}"
    if finding:
        words += f", {FINDINGS[finding]}"
    if full_next:
        meaning = f"{meaning}, so {FULL_NEXT}" if meaning else FULL_NEXT[:1].upper() + FULL_NEXT[1:]
    return Ungraded(words, meaning, concerns=finding == "concerns")
