"""Ofsted's records of one inspection made one (evidence.ofsted.read_inspections). Each record's `given` names the fields
and areas its row gives of it, its own words rather than placeholders or assumptions (evidence.ofsted's docstring says
which); where a file has several rows for the same inspection, one record is made from what they say together, and the
file is refused where two of them say different things. Plain data and polars, no Django.
"""

import json
from datetime import date
from functools import cache

import polars as pl

from imports.registry import ImportRefused

from .ofsted_words import NOT_EVALUATED


@cache
def given_names(given: str) -> frozenset[str]:
    """The fields and areas a record's `given` names (see the module's docstring). There are a handful of distinct
    ones in a file, each read once: a string, not a list, is what keeps 22,000 records quick to go through."""
    return frozenset(given.split("|")) - {""}


def one_per_inspection(records: pl.DataFrame, column_of: dict[str, str]) -> pl.DataFrame:
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
    rows and the column (`column_of` a field's or area's), but not the school, which the loader names beside the row
    (imports.refusals.naming_the_school) as it does for any refusal of a cell. What one row leaves blank or not
    evaluated, another fills in; a row's own words come before another's assumption (a field it does not give)."""
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
                    f"(starting {_shown(record['started_on'])}): one of the two rows is wrong",
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
