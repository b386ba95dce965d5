"""The cells of Ofsted's files (evidence.ofsted): how their dates and words are read, as polars expressions, and the
checks that refuse a file whose URNs, dates or words cannot be right, or that gives an outcome but not when it was,
naming the first row and column at fault. Plain polars, no Django.
"""

from collections.abc import Callable
from datetime import date

import polars as pl

from imports.refusals import Says, is_not, not_a_date

from .ofsted_words import ALLOWED, GRADED_AREAS, REPORT_CARD_AREAS, STORED

MISSING = ("", "null")  # a cell that gives nothing: blank, or NULL in any case (compared in lower case)
NOT_EVALUATED_CODE = "9"  # what an area of an inspection says, besides nothing, when it was not evaluated
DATE_FIELDS = ("started_on", "ended_on", "published_on", "oeif_started_on", "ungraded_on")
# Ofsted's first school inspections were in September 1993; a date before, or after today, is a slip.
FIRST_INSPECTION = date(1993, 9, 1)
OUTSIDE_INSPECTIONS = "'{}' cannot be the date of an inspection: it is before Ofsted's first (September 1993) or after today"
CHECKED = {
    **dict.fromkeys(REPORT_CARD_AREAS, "report card area"),
    **dict.fromkeys([*GRADED_AREAS, "latestoeifoveralleffectiveness"], "graded judgement"),
    "safeguardingstandards": "safeguarding",
    "categoryofconcern": "category of concern",
    "mostrecentcategoryofconcern": "category of concern",
}


DAY_FIRST, ISO = r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$", r"^(\d{4})-(\d{2})-(\d{2})$"


def why_not_a_date(text: str) -> str:
    """Why a cell is not a date (imports.refusals.not_a_date), in the shapes dates() reads."""
    return not_a_date(text, "dd/mm/yyyy", (DAY_FIRST, ISO))


def dates(raw: pl.Expr) -> pl.Expr:
    """The column's dates (dd/mm/yyyy, or yyyy-mm-dd); null where blank and where not a date, which the reader refuses
    where the cell is not blank (why_not_a_date)."""
    text = raw.str.strip_chars()
    day_first = text.str.extract_groups(DAY_FIRST)
    iso = text.str.extract_groups(ISO)
    year = pl.coalesce(day_first.struct[2], iso.struct[0])
    month = pl.coalesce(day_first.struct[1], iso.struct[1]).str.zfill(2)
    day = pl.coalesce(day_first.struct[0], iso.struct[2]).str.zfill(2)
    return pl.concat_str(year, month, day, separator="-").str.to_date("%Y-%m-%d", strict=False)


def words(raw: pl.Expr) -> pl.Expr:
    """As published, trimmed, runs of spaces made one; blank, NULL and null as ''."""
    text = raw.str.strip_chars().fill_null("")
    text = pl.when(text.str.contains("  ", literal=True)).then(text.str.replace_all(r"\s{2,}", " ")).otherwise(text)
    return pl.when(says_nothing(text)).then(pl.lit("")).otherwise(text)


def says_nothing(raw: pl.Expr, *also: str) -> pl.Expr:
    """Whether a cell gives nothing: blank, or NULL in any case and spacing; or is any of `also` (in lower case)."""
    return raw.str.strip_chars().str.to_lowercase().fill_null("").is_in([*MISSING, *also])


def distinct_texts(frame: pl.DataFrame, columns: list[str], at_most: int | None = None) -> tuple[dict[str, pl.Series], pl.Series]:
    """Each column's distinct texts (null among them where a cell is null), and the texts of those columns together,
    each once: what is worked out for each text, not for each row. With `at_most`, only the columns of at most that
    many texts are given."""
    uniques = frame.select(pl.col(column).unique().implode() for column in columns)
    each = {column: uniques[column][0] for column in columns}
    if at_most is not None:
        each = {column: texts for column, texts in each.items() if texts.len() <= at_most}
    together = pl.concat(list(each.values())).unique() if each else pl.Series([], dtype=pl.String)
    return each, together


def each_text(frame: pl.DataFrame, columns: list[str], cells: Callable[[pl.Expr], pl.Expr]) -> list[pl.Expr]:
    """`cells` of each of the columns (an expression of one column's cells alone), worked out once for each distinct
    text of those columns together (blank and null too) and given to every row: a column of words or dates has a
    handful, or a few thousand, in a national file. A column of more texts than half its rows (a URN, an inspection
    number) is worked out row by row, which is then quicker."""
    few, texts = distinct_texts(frame, columns, at_most=frame.height // 2)
    if not few:
        return [cells(pl.col(column)) for column in columns]
    worked = texts.to_frame("_text").select(cells(pl.col("_text"))).to_series()
    return [
        pl.col(column).replace_strict(texts, worked, return_dtype=worked.dtype) if column in few else cells(pl.col(column))
        for column in columns
    ]


def json_pair(label: str, value: pl.Expr) -> pl.Expr:
    """'"label":"text"', as in a JSON object of label → text; null where the text is null."""
    return pl.when(value.is_not_null()).then(pl.struct(value.alias(label)).struct.json_encode().str.slice(1).str.strip_suffix("}"))


def json_object(pairs: list[pl.Expr]) -> pl.Expr:
    """A JSON object of the json_pair()s, leaving out those that are null."""
    if not pairs:
        return pl.lit("{}")
    return pl.concat_str(pl.lit("{"), pl.concat_str(pairs, separator=",", ignore_nulls=True), pl.lit("}"))


def as_json(entries: dict[str, pl.Expr]) -> pl.Expr:
    """A JSON object of label → text, leaving out the labels whose text is null."""
    return json_object([json_pair(label, value) for label, value in entries.items()])


PUBLISHED_BEFORE = "'{}' is before the inspection's start date: a report is published after its inspection"
GRADE_UNDATED = "the row gives its last graded inspection's outcome but not when it was"
UNGRADED_UNDATED = "the row gives its latest ungraded inspection's outcome but not when it was"
ENDED_BEFORE = "'{}' is before the inspection's start date: an inspection ends on or after the day it starts"
NO_GRADE_DATE = (
    "'{}' is a graded outcome, but the file has no column 'Inspection start date of latest OEIF graded inspection' to say when it was"
)


def refusal_checks(names: dict[str, str], columns: dict[str, str], spellings: dict) -> list[tuple[str, pl.Expr, Says]]:
    """What refuses a file (see refuse_first): a row's URN, dates or words that cannot be right, or a row that
    gives an outcome but not when (the inspection could not be placed in the school's history)."""
    urn = columns["urn"]
    checks = [(urn, ~pl.col(urn).fill_null("").str.strip_chars().str.contains(r"^[0-9]+$"), is_not(urn, "a URN"))]
    for field in DATE_FIELDS:
        if field in columns:
            blank = says_nothing(pl.col(columns[field]))
            parsed = pl.col(f"_{field}")
            checks.append((columns[field], ~blank & parsed.is_null(), why_not_a_date))
            checks.append((columns[field], (parsed < FIRST_INSPECTION) | (parsed > date.today()), OUTSIDE_INSPECTIONS))
    if "published_on" in columns:
        checks.append((columns["published_on"], pl.col("_published_on") < pl.col("_started_on"), PUBLISHED_BEFORE))
    if "ended_on" in columns:
        checks.append((columns["ended_on"], pl.col("_ended_on") < pl.col("_started_on"), ENDED_BEFORE))
    if "started_on" in columns:
        # A row that evaluates something but says not when: the inspection cannot be placed in the school's history.
        areas = [names[k] for k in REPORT_CARD_AREAS if k in names]
        evaluated = pl.any_horizontal([~says_nothing(pl.col(c), NOT_EVALUATED_CODE) for c in areas]) if areas else pl.lit(False)
        checks.append(
            (columns["started_on"], pl.col("_started_on").is_null() & evaluated, "the row gives evaluations but no inspection start date")
        )
    if "oeif_urn" in columns:
        # Trimmed, as words() gives it: whether it is blank, NULL or all digits does not depend on its runs of spaces.
        oeif_urn = pl.col(columns["oeif_urn"]).str.strip_chars().fill_null("")
        bad = pl.col("_oeif_started_on").is_not_null() & ~says_nothing(oeif_urn) & ~oeif_urn.str.contains(r"^[0-9]+$")
        checks.append((columns["oeif_urn"], bad, is_not(columns["oeif_urn"], "a URN")))
    for column, (kind, spelt) in spellings.items():
        unknown = [text for text, ofsteds in spelt.items() if ofsteds is None]
        if unknown:
            message = f"'{{}}' is not a {kind} Ofsted gives (expected {', '.join(ALLOWED[kind])}, or blank, NULL or 9)"
            checks.append((column, pl.col(column).is_in(unknown), message))
    return checks + _undated_grades(names, columns)


def spellings_of(frame: pl.DataFrame, names: dict[str, str]) -> dict[str, tuple[str, dict[str, str | None]]]:
    """Each column of known words (CHECKED): its kind, and for each text it holds that is not already as Ofsted
    writes it, Ofsted's spelling (None for words Ofsted does not use). Each distinct text is looked at once: a
    national file has a handful per column."""
    kinds = {names[k]: kind for k, kind in CHECKED.items() if k in names}
    if not kinds:
        return {}
    each, texts = distinct_texts(frame, list(kinds))
    texts = texts.drop_nulls()
    spoken = dict(zip(texts, texts.str.strip_chars().str.replace_all(r"\s+", " ").str.to_lowercase(), strict=True))
    spellings = {}
    for column, kind in kinds.items():
        spelt = {text: STORED[kind].get(spoken[text]) for text in each[column].drop_nulls()}
        spellings[column] = (kind, {text: ofsteds for text, ofsteds in spelt.items() if ofsteds != text})
    return spellings


def _undated_grades(names: dict[str, str], columns: dict[str, str]) -> list[tuple[str, pl.Expr, Says]]:
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
    return ~says_nothing(pl.col(column), NOT_EVALUATED_CODE, *nothing)
