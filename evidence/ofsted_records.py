"""How a row of Ofsted's files becomes inspection records (evidence.ofsted.read_inspections): the inspection the row is
about (a report card, or a visit), and in the monthly file its last graded inspection and its latest ungraded one, each
with the fields and areas the row gives for it (`given`) apart from what the record assumes. Plain polars, no Django.
"""

import polars as pl

from .ofsted_cells import NOT_EVALUATED_CODE, as_json, each_text, json_object, json_pair, says_nothing, words
from .ofsted_words import GRADE_OF_WORDS, NOT_EVALUATED

GRADED, UNGRADED, REPORT_CARD = "graded", "ungraded", "report_card"
# The fields a record of a row's own inspection takes from the row, when the file has their columns.
ROW_FIELDS = ("ended_on", "published_on", "inspection_number", "inspection_type", "category_of_concern", "safeguarding")
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
    "given": pl.String,  # the fields and areas the file gives for this inspection, joined by '|': see evidence.ofsted_merge.given_names
}


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


def current_records(frame: pl.DataFrame, text, areas: dict[str, str], columns: dict[str, str]) -> pl.DataFrame:
    """The inspection the row is about: a report card, or a visit that evaluated nothing (all 9). All it says is the row's own."""
    if areas:
        frame = frame.join(_report_cards(frame, areas), on=list(areas.values()), how="left", nulls_equal=True, maintain_order="left")
    else:
        frame = frame.with_columns(_given=pl.lit(False), _nine=pl.lit(False), _judgements=pl.lit("{}"))
    frame = frame.with_columns(text("safeguarding").alias("_safeguarding"))
    # A row with nothing under the report-card framework: the older columns carry the history (and when
    # its latest inspection is the last graded one, that record takes the row's details: see graded_records).
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


def _report_cards(frame: pl.DataFrame, areas: dict[str, str]) -> pl.DataFrame:
    """Each combination of the areas' texts (cells as the file gives them) in `frame`, of which a national file has a
    hundred or so, and worked out once for each: whether it evaluates any area (`_given`), whether any says 9 (`_nine`),
    and the report card's judgements as JSON (`_judgements`)."""
    cells = {label: pl.col(column).str.strip_chars().fill_null("") for label, column in areas.items()}
    not_evaluated = {label: says_nothing(cell, NOT_EVALUATED_CODE) for label, cell in cells.items()}
    judgements = {label: pl.when(not_evaluated[label]).then(pl.lit(NOT_EVALUATED)).otherwise(words(cell)) for label, cell in cells.items()}
    return (
        frame.select(list(areas.values()))
        .unique()
        .with_columns(
            pl.any_horizontal([~nothing for nothing in not_evaluated.values()]).alias("_given"),
            pl.any_horizontal([cell == "9" for cell in cells.values()]).alias("_nine"),
            as_json(judgements).alias("_judgements"),
        )
    )


def _latest_is_graded() -> pl.Expr:
    """The row's own (latest) inspection is its last graded one: the same start date."""
    return (pl.col("_started_on") == pl.col("_oeif_started_on")).fill_null(False)


def graded_records(frame: pl.DataFrame, text, areas: dict[str, str], columns: dict[str, str]) -> pl.DataFrame:
    """The monthly file's last graded (OEIF) inspection. When it is also the row's latest inspection,
    the row's type, dates, number and category of concern are its own. Otherwise an inadequate grade
    takes the school's most recent category of concern: only a graded inspection places a school in
    one, and this was the last. That, and 'Graded inspection' for a type the row does not give, are the
    record's assumptions, not the file's words about it: they fill in, never replace (see `given`)."""
    oeif_urn = text("oeif_urn").replace("", None).cast(pl.Int64, strict=False)
    # A graded area that was not judged (9: no sixth form, no early years) is left out, as a blank one is.
    judgements = [
        each_text(frame, [column], lambda cell, label=label: json_pair(label, words(cell).replace(["", "9"], [None, None])))[0]
        for label, column in areas.items()
    ]
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
            judgements=json_object(judgements),
            urn_at_inspection=pl.when(oeif_urn != pl.col("_urn")).then(oeif_urn),
            given=given,
        ),
    )


def ungraded_records(frame: pl.DataFrame, text, columns: dict[str, str]) -> pl.DataFrame:
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
