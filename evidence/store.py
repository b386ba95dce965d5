"""Writing figures read from a file: compare with what is stored, change only the difference, in bulk.

A file speaks for one source and its years. For each year it gives, the figures of the schools (and
areas) it names replace what that source said before about them: new figures are created, changed ones
replaced (pointing to the new ImportRun), figures it no longer gives removed. Other sources, other
years and schools the file does not name are never touched. Re-importing the same file changes nothing.

Counts: rows_read and skipped count the file's rows; created, changed and unchanged count figures.
"""

from dataclasses import dataclass

import polars as pl

from imports.bulk import insert_rows
from imports.registry import Counts, ImportRefused
from register.models import School

from .catalogue import BY_CODE, MEASURES
from .models import Area, AreaObservation, Measure, Observation

CHUNK = 10_000
AREAS = {"la": Area.LA, "england": Area.ENGLAND, "england_all": Area.ENGLAND_ALL}
FIGURE_FIELDS = ["measure_id", "year", "source", "value", "status", "cohort", "import_run_id"]


def sync_catalogue() -> dict[str, int]:
    """Keep the Measure table in step with evidence/catalogue.py; return code → id."""
    stored = {m.code: m for m in Measure.objects.all()}
    for order, spec in enumerate(MEASURES):
        wanted = {
            "label": spec.label,
            "unit": spec.unit,
            "better": spec.better,
            "group": spec.group,
            "key": spec.key,
            "gap": spec.gap,
            "places": spec.places,
            "description": spec.description,
            "order": order,
        }
        measure = stored.get(spec.code)
        if measure is None:
            stored[spec.code] = Measure.objects.create(code=spec.code, **wanted)
        elif any(getattr(measure, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(measure, k, v)
            measure.save()
    return {code: m.id for code, m in stored.items() if code in BY_CODE}


@dataclass
class Tally:
    created: int = 0
    changed: int = 0
    unchanged: int = 0

    def add(self, other: "Tally"):
        self.created += other.created
        self.changed += other.changed
        self.unchanged += other.unchanged


def store_figures(ctx, source: int, figures: pl.DataFrame, *, rows_read: int) -> Counts:
    """Write `figures` (the long frame of evidence.readers) for `source`; count what changed."""
    measures = sync_catalogue()
    figures = figures.with_columns(pl.col("measure").replace_strict(measures, return_dtype=pl.Int64).alias("measure_id"))
    schools, skipped_schools = _school_figures(ctx, figures)
    areas, skipped_areas = _area_figures(ctx, figures)
    tally = Tally()
    years = sorted(set(schools["year"].unique().to_list()) | set(areas["year"].unique().to_list()))
    for year in years:
        tally.add(_sync(Observation, ["school_id"], schools.filter(pl.col("year") == year), source, year, ctx.run.id))
        tally.add(_sync(AreaObservation, ["area", "la_code"], areas.filter(pl.col("year") == year), source, year, ctx.run.id))
    _note_years(measures, figures, source)
    ctx.progress(1, 1)
    return Counts(
        rows_read=rows_read,
        created=tally.created,
        changed=tally.changed,
        unchanged=tally.unchanged,
        skipped=skipped_schools + skipped_areas,
    )


def _school_figures(ctx, figures: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """School figures with their school ids; and how many rows were skipped (not in the register or LAs asked for)."""
    rows = figures.filter(pl.col("area") == "school")
    if ctx.la_codes:
        rows = rows.filter(pl.col("la_code").is_in(list(ctx.la_codes)))
    known = pl.DataFrame(list(School.objects.values_list("urn", "id")), schema={"urn": pl.Int64, "school_id": pl.Int64}, orient="row")
    matched = rows.join(known, on="urn", how="inner")
    skipped = figures.filter(pl.col("area") == "school")["line"].n_unique() - matched["line"].n_unique()
    doubled = matched.group_by(["school_id", "measure_id", "year"]).agg(pl.col("line").min(), pl.col("line").max().alias("again"), pl.len())
    doubled = doubled.filter(pl.col("len") > 1)
    if doubled.height:
        first = doubled.sort("again").row(0, named=True)
        urn = matched.filter(pl.col("line") == first["line"])["urn"][0]
        raise ImportRefused(f"URN {urn} appears twice (rows {first['line']} and {first['again']})", row=first["again"], column="URN")
    return matched, skipped


def _area_figures(ctx, figures: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    rows = figures.filter(pl.col("area").is_in(list(AREAS)))
    if ctx.la_codes:
        rows = rows.filter((pl.col("area") != "la") | pl.col("la_code").is_in(list(ctx.la_codes)))
    rows = rows.with_columns(
        pl.col("area").replace_strict(AREAS, return_dtype=pl.Int64),
        pl.when(pl.col("area") == "la").then(pl.col("la_code")).otherwise(0).alias("la_code"),
        pl.col("line").is_null().alias("computed"),
    )
    all_area_lines = figures.filter(pl.col("area") != "school")["line"].drop_nulls().n_unique()
    return rows, all_area_lines - rows["line"].drop_nulls().n_unique()


def _existing(model, keys: list[str], source: int, year: int, new: pl.DataFrame) -> pl.DataFrame:
    columns = ["id", *keys, "measure_id", "value", "status", "cohort"]
    schema = {
        "id": pl.Int64,
        **dict.fromkeys(keys, pl.Int64),
        "measure_id": pl.Int64,
        "value": pl.Float64,
        "status": pl.Int64,
        "cohort": pl.Int64,
    }
    stored = model.objects.filter(source=source, year=year)
    if model is Observation:
        ids = new["school_id"].unique().to_list()
        # Most of the country: read the year whole and keep the schools named.
        found = list(stored.values_list(*columns) if len(ids) > CHUNK else stored.filter(school_id__in=ids).values_list(*columns))
        frame = pl.DataFrame(found, schema=schema, orient="row")
        return frame.join(new.select("school_id").unique(), on="school_id", how="semi")
    found = list(stored.values_list(*columns))
    frame = pl.DataFrame(found, schema=schema, orient="row")
    return frame.join(new.select(keys).unique(), on=keys, how="semi")


def _sync(model, keys: list[str], new: pl.DataFrame, source: int, year: int, run_id: int) -> Tally:
    if new.is_empty():
        return Tally()
    extra = ["computed"] if model is AreaObservation else []
    new = new.select([*keys, "measure_id", "value", "status", "cohort", *extra])
    old = _existing(model, keys, source, year, new)
    both = new.join(old, on=[*keys, "measure_id"], how="full", coalesce=True, suffix="_old")
    same = (
        pl.col("value").eq_missing(pl.col("value_old"))
        & pl.col("status").eq_missing(pl.col("status_old"))
        & pl.col("cohort").eq_missing(pl.col("cohort_old"))
    )
    is_new, is_gone = pl.col("id").is_null(), pl.col("status").is_null()
    created = both.filter(is_new)
    replaced = both.filter(~is_new & ~is_gone & ~same)
    gone = both.filter(is_gone)
    _delete(model, [*replaced["id"].to_list(), *gone["id"].to_list()])
    writes = pl.concat([created, replaced]).with_columns(
        pl.lit(year).alias("year"), pl.lit(source).alias("source"), pl.lit(run_id).alias("import_run_id")
    )
    fields = [*keys, *FIGURE_FIELDS, *extra]
    insert_rows(model, fields, writes.select(fields).iter_rows())
    return Tally(
        created=created.height,
        changed=replaced.height + gone.height,
        unchanged=both.height - created.height - replaced.height - gone.height,
    )


def _delete(model, ids: list[int]) -> None:
    for start in range(0, len(ids), CHUNK):
        model.objects.filter(id__in=ids[start : start + CHUNK]).delete()


def _note_years(measures: dict[str, int], figures: pl.DataFrame, source: int) -> None:
    """Add this file's years and source to each measure's catalogue entry (years available)."""
    by_measure = figures.group_by("measure").agg(pl.col("year").unique())
    for code, years in by_measure.iter_rows():
        measure = Measure.objects.get(id=measures[code])
        new_years = sorted(set(measure.years) | set(years))
        new_sources = sorted(set(measure.sources) | {source})
        if new_years != measure.years or new_sources != measure.sources:
            Measure.objects.filter(id=measure.id).update(years=new_years, sources=new_sources)
