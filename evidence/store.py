"""Writing figures read from a file: compare with what is stored, change only the difference, in bulk.

A file speaks for one source and its years. For each year it gives, the figures of the schools (and
areas) it names replace what that source said before about them: new figures are created, changed ones
replaced (pointing to the new ImportRun), figures it no longer gives removed. Other sources, other
years and schools the file does not name are never touched. Re-importing the same file changes nothing.

Counts: rows_read, skipped and cleared count the file's rows; created, changed and unchanged count figures.
"""

from dataclasses import dataclass, field

import polars as pl
from django.db import connection

from core.words import listed
from imports.bulk import among, bulk_load, column_names, insert_frame
from imports.registry import Counts, ImportRefused
from imports.services import another_authoritys_file
from register.models import LocalAuthority, School, SchoolLink

from . import import_notes
from .breaks import BREAKS, Kind
from .catalogue import BY_CODE, MEASURES
from .models import AUTHORITY_AREAS, Area, AreaObservation, FigureChange, Measure, Observation, Source, Status
from .readers import NOT_IN_ROW
from .years import academic_year

CHUNK = 10_000
AREAS = {
    "la": Area.LA,
    "england": Area.ENGLAND,
    "england_all": Area.ENGLAND_ALL,
    "england_primary": Area.ENGLAND_PRIMARY,
    "england_secondary": Area.ENGLAND_SECONDARY,
    "england_special": Area.ENGLAND_SPECIAL,
    "la_primary": Area.LA_PRIMARY,
    "la_secondary": Area.LA_SECONDARY,
    "la_special": Area.LA_SPECIAL,
}
FIGURE_FIELDS = ["measure_id", "year", "source", "value", "status", "cohort", "import_run_id"]
SCHOOL_IDS = {"urn": pl.Int64, "school_id": pl.Int64, "la_id": pl.Int64, "register_la_code": pl.Int64}


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
    left_out: set[int] = field(default_factory=set)  # ids of the schools whose figures the file leaves as they were
    removed_from: set[int] = field(default_factory=set)  # ids of the schools (of one year) some of whose figures were removed

    def add(self, other: "Tally"):
        self.created += other.created
        self.changed += other.changed
        self.unchanged += other.unchanged
        self.left_out |= other.left_out
        self.removed_from |= other.removed_from


def store_figures(
    ctx,
    source: int,
    figures: pl.DataFrame,
    *,
    rows_read: int,
    given: set[str] | None = None,
    uncounted: set[str] = frozenset(),
    blank: pl.DataFrame | None = None,
) -> Counts:
    """Write `figures` (the long frame of evidence.readers) for `source`; count what changed. `given` are the
    codes of the measures whose columns the file has (by default, those it gives a figure or a code for);
    `uncounted`, those of them whose column of the number of pupils counted it lacks. `blank`: the blanks of the
    schools' rows that give no figure at all, which clear what the source held for those schools that year, as a
    blank cell in a row with figures does: a row that so removed a figure is counted apart (Counts.cleared), one that
    found none held is skipped, giving no figures."""
    measures = sync_catalogue()
    figures = not_published(figures)
    figures = figures.with_columns(pl.col("measure").replace_strict(measures, return_dtype=pl.Int64).alias("measure_id"))
    schools, skipped_schools = _school_figures(ctx, figures)
    blanks = _blank_schools(ctx, blank, schools, measures) if blank is not None and blank.height else None
    if blanks is not None:
        schools = pl.concat([schools, blanks], how="diagonal_relaxed")
    areas, skipped_areas, skipped_national = _area_figures(ctx, figures)
    taken = pl.concat([schools.select("status", "stopped"), areas.select("status", "stopped")])
    ctx.notes.extend(import_notes.short_rows(taken, ctx.source.header))
    tally, cleared = Tally(), set()  # `cleared`: the lines of the blank rows that removed a figure held
    years = sorted(set(schools["year"].unique().to_list()) | set(areas["year"].unique().to_list()))
    refuse_unpublished_years(figures, years)
    # Progress counts the file's figures as each year's are compared and written.
    total, done = schools.height + areas.height, 0
    ctx.progress(0, total)
    # A corrected file replaces what its source said only for the measures it gives: one that lacks a column
    # says nothing about that measure, so the figures held for it stay.
    # An authority's figure may come from count columns where the file has no column of the % itself.
    given = [measures[code] for code in given] if given is not None else figures["measure_id"].unique().to_list()
    given_by = {Observation: given, AreaObservation: list(set(given) | set(areas["measure_id"].unique().to_list()))}
    uncounted = [measures[code] for code in uncounted]
    authorities = schools["la_id"].unique().to_list()  # those of the schools the file names
    for year in years:
        left_out = set()  # this year's, as the schools' figures are synced before the areas'
        for model, keys, frame in ((Observation, ["school_id"], schools), (AreaObservation, ["area", "la_code"], areas)):
            part = frame.filter(pl.col("year") == year)
            if model is AreaObservation:
                _note_calculated_without(ctx, part, left_out, source, year)
            synced = _sync(
                model,
                keys,
                part,
                source,
                year,
                ctx.run.id,
                given_by[model],
                uncounted,
                written=lambda n, at=done: ctx.progress(at + n, total),
                authorities=authorities,
            )
            tally.add(synced)
            left_out = synced.left_out
            if model is Observation and blanks is not None:
                cleared |= _rows_clearing(blanks, year, synced.removed_from)
            done += part.height
            ctx.progress(done, total)
    _note_years(measures, figures.filter(pl.col("status") != NOT_IN_ROW), source)
    _note_schools_left_out(ctx, tally.left_out, source)
    # A row that gives no figure at all (every cell blank) is in no figure: one that removed figures held is counted apart,
    # any other is skipped, so that every row read is counted once, as taken, skipped or cleared.
    empty = rows_read - figures["line"].drop_nulls().n_unique() - len(cleared)
    return Counts(
        rows_read=rows_read,
        created=tally.created,
        changed=tally.changed,
        unchanged=tally.unchanged,
        skipped=skipped_schools + skipped_areas + empty,
        skipped_national=skipped_national,
        skipped_empty=empty,
        cleared=len(cleared),
    )


def _rows_clearing(blanks: pl.DataFrame, year: int, removed_from: set[int]) -> set[int]:
    """The lines of the schools' rows of `year` that give no figure at all (_blank_schools) whose school had figures
    removed: theirs, since no other row of the year gives that school figures."""
    if not removed_from or blanks.is_empty():
        return set()
    return set(blanks.filter((pl.col("year") == year) & pl.col("school_id").is_in(sorted(removed_from)))["line"].to_list())


def refuse_unpublished_years(figures: pl.DataFrame, years: list[int]) -> None:
    """A figure for a year DfE published none of that measure (key stage 2 in 2019/20, say) is another year's file
    under a name that gives the wrong year: stored, it would stand in a trend the page says has no data there."""
    for known in BREAKS:
        if known.kind != Kind.NO_DATA or not set(known.missing) & set(years):
            continue
        given = figures.filter(
            pl.col("year").is_in(list(known.missing)) & pl.col("measure").is_in(list(known.measures)) & pl.col("value").is_not_null()
        )
        if given.height:
            first = given.sort("line", nulls_last=True).row(0, named=True)
            raise ImportRefused(
                f"it gives a figure for {academic_year(first['year'])} ({BY_CODE[first['measure']].label}), a year DfE published "
                f"none for: {known.reason} Check which year the file is for",
                row=first["line"],
            )


def not_published(figures: pl.DataFrame) -> pl.DataFrame:
    """A figure for a year DfE published none of that measure is not published, whatever the file's code for it: the
    2024/25 key stage 4 file gives each school's Progress 8 as 'z', not applicable, where none was published that year."""
    for known in BREAKS:
        if known.kind == Kind.NO_DATA:
            unpublished = (
                pl.col("year").is_in(list(known.missing))
                & pl.col("measure").is_in(list(known.measures))
                & (pl.col("status") > Status.VALUE)
            )
            figures = figures.with_columns(
                pl.when(unpublished).then(pl.lit(Status.NOT_PUBLISHED.value)).otherwise("status").alias("status")
            )
    return figures


def _school_figures(ctx, figures: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """School figures with their school ids; and how many rows were skipped (not in the register or LAs asked for)."""
    rows = figures.filter(pl.col("area") == "school")
    # Limited to some authorities: the schools the register holds there, whatever LA code the file gives.
    matched = rows.join(_school_ids(rows["urn"].drop_nulls().unique().to_list(), ctx.la_codes), on="urn", how="inner")
    skipped = figures.filter(pl.col("area") == "school")["line"].n_unique() - matched["line"].n_unique()
    unmatched = rows.join(matched.select("urn").unique(), on="urn", how="anti")
    if matched.is_empty():
        ctx.notes.extend(another_authoritys_file(ctx.la_codes, rows["la_code"].drop_nulls().unique().to_list()))
    note_linked_schools_not_held(ctx, unmatched["urn"].drop_nulls().unique())
    ctx.notes.extend(import_notes.authorities_not_the_registers(matched, _placed_elsewhere(ctx, unmatched)))
    matched = matched.drop("register_la_code")
    if first := _first_repeat(matched, ["school_id", "measure_id", "year"]):
        urn = matched.filter(pl.col("line") == first["line"])["urn"][0]
        raise ImportRefused(f"URN {urn} appears twice (rows {first['line']} and {first['again']})", row=first["again"], column="URN")
    return matched, skipped


def _blank_schools(ctx, blank: pl.DataFrame, schools: pl.DataFrame, measures: dict[str, int]) -> pl.DataFrame:
    """The blanks of the schools' rows that give no figure at all, of the schools the register holds (in the authorities
    asked for), as _school_figures gives figures: not of a school another row of the year gives figures for."""
    blank = blank.filter(pl.col("area") == "school").with_columns(
        pl.col("measure").replace_strict(measures, return_dtype=pl.Int64).alias("measure_id")
    )
    if blank.is_empty():
        return blank
    matched = blank.join(_school_ids(blank["urn"].drop_nulls().unique().to_list(), ctx.la_codes), on="urn", how="inner")
    matched = matched.drop("register_la_code").join(schools.select("school_id", "year").unique(), on=["school_id", "year"], how="anti")
    return matched.unique(subset=["school_id", "measure_id", "year"], keep="first", maintain_order=True)


def note_linked_schools_not_held(ctx, skipped_urns: pl.Series) -> None:
    """A school's history joins its predecessors' figures only if the register holds them, and a school that
    opened after the register's extract (a new academy) is not there yet: say which of the skipped URNs GIAS
    links to schools in scope, and what to import so that their rows count."""
    if skipped_urns.is_empty():
        return
    schools = School.objects.of_authorities(ctx.la_codes).values("urn")
    skipped = set(skipped_urns.to_list())
    joined = "import a GIAS extract that includes closed schools, then this file again, to join their figures to their successors' history"
    for link_type, relation, advice in (
        ("Predecessor", "before", joined),
        ("Successor", "after", "import a newer GIAS extract, which holds them, then this file again"),
    ):
        links = SchoolLink.objects.filter(link_type__startswith=link_type, urn__in=schools)
        pairs = sorted({(other, urn) for other, urn in links.values_list("linked_urn", "urn") if other in skipped})
        if pairs:
            kind = link_type.lower()
            are = f"is a {kind}" if len(pairs) == 1 else f"are {kind}s"
            examples = ", ".join(f"URN {other} ({relation} {urn})" for other, urn in pairs[:3])
            ctx.notes.append(
                f"{len(pairs):,} of the skipped schools {are} of schools in the register that it does not hold, "
                f"such as {examples}: {advice}."
            )


def _placed_elsewhere(ctx, unmatched: pl.DataFrame) -> pl.DataFrame:
    """Of the school rows an import limited to some authorities skipped, those whose LA code is one asked for but
    whose school the register holds in another authority, with its code (`register_la_code`): one query, for them."""
    asked = unmatched.filter(pl.col("la_code").is_in(list(ctx.la_codes))) if ctx.la_codes else unmatched.clear()
    if asked.is_empty():
        return asked
    return asked.join(_school_ids(asked["urn"].drop_nulls().unique().to_list(), frozenset()), on="urn", how="inner")


def _school_ids(urns: list[int], la_codes: frozenset) -> pl.DataFrame:
    """urn → school_id, la_id and the code of that authority (register_la_code) for the URNs given (of the authorities
    `la_codes`, if any): looked up one by one for a few thousand, else the whole register read."""
    conditions = []
    if len(urns) <= CHUNK:
        conditions.append(among("urn", urns))
    if la_codes:
        conditions.append(among("la_id", list(LocalAuthority.objects.filter(code__in=la_codes).values_list("id", flat=True))))
    school, authority = (connection.ops.quote_name(model._meta.db_table) for model in (School, LocalAuthority))
    sql = f"SELECT s.urn, s.id, s.la_id, a.code FROM {school} s JOIN {authority} a ON a.id = s.la_id"  # noqa: S608 (names from model metadata)
    if conditions:
        sql += " WHERE " + " AND ".join(condition for condition, _ in conditions)
    return _query(sql, [param for _, params in conditions for param in params], SCHOOL_IDS)


def _query(sql: str, params, schema: dict) -> pl.DataFrame:
    """A query's rows as a frame: plain tuples from the cursor, no model instance or value conversion per row."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return pl.DataFrame(cursor.fetchall(), schema=schema, orient="row")


def _area_figures(ctx, figures: pl.DataFrame) -> tuple[pl.DataFrame, int, int]:
    """The authorities' and England's figures the import takes; how many of the file's rows of areas it skips; and of
    those, how many are England's: every one in an import limited to some authorities, whatever authorities it asked
    for, else those of a phase the reader does not know ('england_phase'), which no import takes."""
    rows = figures.filter(pl.col("area").is_in(list(AREAS)))
    if ctx.la_codes:
        # England's figures are every authority's comparator: only an import of every authority writes them.
        rows = rows.filter(pl.col("area").str.starts_with("la") & pl.col("la_code").is_in(list(ctx.la_codes)))
    englands = figures.filter(pl.col("area").str.starts_with("england"))["line"].drop_nulls().unique()
    national = englands.filter(~englands.is_in(rows["line"].drop_nulls().implode())).len()  # those not taken
    rows = rows.with_columns(
        pl.col("area").replace_strict(AREAS, return_dtype=pl.Int64),
        pl.when(pl.col("area").str.starts_with("la")).then(pl.col("la_code")).otherwise(0).alias("la_code"),
        pl.col("line").is_null().alias("computed"),
    )
    _refuse_repeated_areas(rows)
    all_area_lines = figures.filter(pl.col("area") != "school")["line"].drop_nulls().n_unique()
    return rows, all_area_lines - rows["line"].drop_nulls().n_unique(), national


def _first_repeat(figures: pl.DataFrame, keys: list[str]) -> dict | None:
    """Of the figures whose `keys` more than one row gives, the one whose second row comes first: its `line` (the
    first row) and `again` (the last); None if no row repeats another."""
    doubled = figures.group_by(keys).agg(pl.col("line").min(), pl.col("line").max().alias("again"), pl.len())
    doubled = doubled.filter(pl.col("len") > 1)
    return doubled.sort("again").row(0, named=True) if doubled.height else None


def _refuse_repeated_areas(rows: pl.DataFrame) -> None:
    """An authority's or England's row given twice for the same year (a pasted copy) would leave whichever came last."""
    keys = ["area", "la_code", "measure_id", "year"]
    given = rows.filter(pl.col("line").is_not_null() & pl.col("measure_id").is_not_null())
    if first := _first_repeat(given, keys):
        place = Area(first["area"]).label.replace("Local authority", f"LA {first['la_code']}")
        raise ImportRefused(f"{place} has a row twice (rows {first['line']} and {first['again']})", row=first["again"])


def _holds_any(source: int, year: int, measures: list[int]) -> bool:
    """Whether `source` gave any school a figure of these measures for `year`: one probe of the (measure, year) index."""
    table = connection.ops.quote_name(Observation._meta.db_table)
    measure, params = among("measure_id", measures)
    sql = f"SELECT 1 FROM {table} WHERE {measure} AND year = %s AND source = %s LIMIT 1"  # noqa: S608 (name from model metadata)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, year, source])
        return cursor.fetchone() is not None


def _held_schema(keys: list[str]) -> dict:
    """The columns of what _existing reads, and their types."""
    columns = ["id", *keys, "measure_id", "value", "status", "cohort", "import_run_id"]
    return {name: pl.Float64 if name == "value" else pl.Int64 for name in columns}


def _existing(
    model, keys: list[str], source: int, year: int, new: pl.DataFrame, measures: list[int]
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """What `source` said for `year` about the schools (or areas) in `new`, for these measures; and, where the year
    was read whole, what it said of every school."""
    schema = _held_schema(keys)
    table, names = connection.ops.quote_name(model._meta.db_table), ", ".join(column_names(model, list(schema)))
    sql = f"SELECT {names} FROM {table} WHERE source = %s AND year = %s"  # noqa: S608 (names from model metadata)
    params = [source, year]
    whole = model is AreaObservation
    if model is Observation:
        ids = new["school_id"].unique().to_list()
        # A few thousand schools are found through the unique index; most of the country, by reading the year whole.
        whole = len(ids) > CHUNK
        if not whole:
            condition, more = among("school_id", ids)
            sql += f" AND {condition}"
            params += more
    year_held = _query(sql, params, schema).filter(pl.col("measure_id").is_in(measures))
    return year_held.join(new.select(keys).unique(), on=keys, how="semi"), year_held if whole else None


def _left_out(source: int, year: int, new: pl.DataFrame, measures: list[int], year_held, authorities: list[int]) -> set[int]:
    """The schools of `authorities` (those of the schools the file names) that `source` gave figures of these measures
    for `year` and that the file does not name: what is held of them stays, since a file says nothing of a school it
    leaves out (an authority's own file beside the national one, say), but a corrected file that drops a school should
    be noticed. From the year read whole where it was, else asked of the unique index, school by school."""
    school, observation = (connection.ops.quote_name(m._meta.db_table) for m in (School, Observation))
    in_scope, scope_params = among("la_id", authorities)
    if year_held is None:
        measure, measure_params = among("measure_id", measures)
        sql = (
            f"SELECT DISTINCT o.school_id FROM {observation} o WHERE o.source = %s AND o.year = %s AND {measure} "  # noqa: S608
            f"AND o.school_id IN (SELECT id FROM {school} WHERE {in_scope})"
        )
        held = _query(sql, [source, year, *measure_params, *scope_params], {"school_id": pl.Int64})
    else:
        held = year_held.select("school_id").unique().join(new, on="school_id", how="anti")
        if held.is_empty():
            return set()  # none left out: nothing more to ask
        ids = _query(f"SELECT id FROM {school} WHERE {in_scope}", scope_params, {"school_id": pl.Int64})  # noqa: S608
        held = held.join(ids, on="school_id", how="semi")
    return set(held.join(new, on="school_id", how="anti")["school_id"].to_list())


def _note_calculated_without(ctx, areas: pl.DataFrame, left_out: set[int], source: int, year: int) -> None:
    """Say whose figures for `year` this file calculates from the schools' counts (the census's) without schools an earlier
    file of `source` counted: an authority some of whose schools it leaves out (`left_out`, see _left_out), and England
    where it gives no school of an authority whose figures were calculated before. A file cut short exactly at a line
    end reads as whole, and its figures replace those made from every school, as corrections. They are still
    calculated, so that a file from which DfE has taken a school corrects the figures, and a cut file's harm is undone
    by importing the whole file again; the note says which figures and what to do."""
    if not areas.filter(pl.col("computed")).height:
        return
    authorities = dict(School.objects.filter(id__in=sorted(left_out)).values_list("la__code", "la__name").distinct())
    calculated = areas.filter(pl.col("computed") & (pl.col("status") != NOT_IN_ROW))
    codes = set(calculated.filter(pl.col("area").is_in(AUTHORITY_AREAS))["la_code"].to_list()) & set(authorities)
    named = [f"{authorities[code]} ({code})" for code in sorted(codes)]
    # England's, calculated from every authority's schools (where the file is of every authority), are made without
    # those schools too, and without those of an authority the file gives none of (cut where its schools begin).
    england = calculated.filter(~pl.col("area").is_in(AUTHORITY_AREAS)).height > 0
    gone = _authorities_left_out(calculated, source, year) if england else set()
    if england and (codes or gone):
        named.append("England")
    if not named:
        return
    names = dict(LocalAuthority.objects.filter(code__in=gone).values_list("code", "name"))
    whole = listed([f"{names[code]} ({code})" if code in names else f"LA {code}" for code in sorted(gone)]) if gone else ""
    ctx.notes.append(
        f"The figures of {listed(named)} for {academic_year(year)} were calculated from the schools this file gives, "
        f"without schools it leaves out that an earlier file of {Source(source).label} for the same year counted"
        + (f", among them every school of {whole}. " if gone else ". ")
        + "If the file was cut short, download it again and import it: the figures are then calculated from every school."
    )


def _authorities_left_out(areas: pl.DataFrame, source: int, year: int) -> set[int]:
    """The codes of the authorities whose figures `source` calculated for `year` from an earlier file's schools and
    `areas` gives none for."""
    held = AreaObservation.objects.filter(source=source, year=year, area=Area.LA, computed=True)
    given = set(areas.filter(pl.col("area") == Area.LA)["la_code"].to_list())
    return set(held.values_list("la_code", flat=True).distinct()) - given


def _note_schools_left_out(ctx, left_out: set[int], source: int) -> None:
    """Say which schools _left_out found, if any."""
    if not left_out:
        return
    urns = sorted(School.objects.filter(id__in=sorted(left_out)[:CHUNK]).values_list("urn", flat=True))
    if len(urns) == 1:
        which = f"1 school of its authorities, URN {urns[0]}, that"
    else:
        which = f"{len(left_out):,} schools of its authorities, such as URN {', '.join(map(str, urns[:3]))}, that"
    ctx.notes.append(
        f"This file leaves out {which} an earlier file of {Source(source).label} for the same year gave figures for: "
        "they are kept as they were (a file says nothing of a school it leaves out)."
    )


def _sync(
    model,
    keys: list[str],
    new: pl.DataFrame,
    source: int,
    year: int,
    run_id: int,
    measures: list[int],
    uncounted=(),
    written=None,
    authorities=(),
) -> Tally:
    """Make what `source` says for `year` about the schools (or areas) in `new` what `new` says, for the
    file's `measures`; `written(n)` hears how many figures are in after each batch. A figure a short row
    stops before (NOT_IN_ROW) is not said either way: one held stays as it is. Nor is the number of pupils of
    an `uncounted` measure's figure (see _uncounted)."""
    if new.is_empty():
        return Tally()
    extra = ["computed"] if model is AreaObservation else []
    new = new.select([*keys, "measure_id", "value", "status", "cohort", *extra])
    if model is AreaObservation:  # a few thousand figures a year, read whole
        old, left_out = _existing(model, keys, source, year, new, measures)[0], set()
    elif _holds_any(source, year, measures):
        old, year_held = _existing(model, keys, source, year, new, measures)
        left_out = _left_out(source, year, new, measures, year_held, authorities)
    else:  # the year's first file from this source (the usual national import): nothing to compare or leave out
        old, left_out = pl.DataFrame(schema=_held_schema(keys)), set()
    both = _uncounted(new.join(old, on=[*keys, "measure_id"], how="full", coalesce=True, suffix="_old"), uncounted)
    is_new, is_gone, unsaid = pl.col("id").is_null(), pl.col("status").is_null(), pl.col("status") == NOT_IN_ROW
    same = (
        pl.col("value").eq_missing(pl.col("value_old"))
        & pl.col("status").eq_missing(pl.col("status_old"))
        & pl.col("cohort").eq_missing(pl.col("cohort_old"))
    ) | unsaid
    # A blank of a row that gives no figure (store_figures' `blank`) clears a figure held, and adds none.
    created = both.filter(is_new & ~unsaid & ~is_gone)
    replaced = both.filter(~is_new & ~is_gone & ~same)
    gone = both.filter(is_gone & ~is_new)
    _delete(model, [*replaced["id"].to_list(), *gone["id"].to_list()])
    _record_changes(model, pl.concat([replaced, gone]), source, year, run_id)
    fields = [*keys, *FIGURE_FIELDS, *extra]
    writes = pl.concat([created, replaced]).with_columns(
        pl.lit(year).alias("year"), pl.lit(source).alias("source"), pl.lit(run_id).alias("import_run_id")
    )
    # In the order of the unique index, which SQLite then fills page by page. A school's duplicates were refused
    # when its figures were read (_school_figures), so PostgreSQL may build that index once, after the load.
    with bulk_load(model, writes.height, unique_checked=model is Observation):
        insert_frame(model, writes.select(fields).sort([*keys, "measure_id"]), done=written)
    return Tally(
        created=created.height,
        changed=replaced.height + gone.height,
        unchanged=both.filter(~is_new & ~is_gone & same).height,
        left_out=left_out,
        removed_from=set(gone["school_id"].to_list()) if model is Observation else set(),
    )


def _uncounted(both: pl.DataFrame, uncounted) -> pl.DataFrame:
    """A file without a measure's column of the number of pupils counted says nothing of it: each figure keeps the
    number held. Nor can its blank say that there were none (the figure not applicable): one held so stays."""
    if not uncounted:
        return both
    counted = ~pl.col("measure_id").is_in(uncounted)
    kept = counted | pl.col("status").is_not_null() | (pl.col("status_old") != Status.NOT_APPLICABLE)
    return both.filter(kept).with_columns(cohort=pl.when(counted | pl.col("id").is_null()).then("cohort").otherwise("cohort_old"))


def _record_changes(model, changes: pl.DataFrame, source: int, year: int, run_id: int) -> None:
    """Keep what each replaced or removed figure said before (FigureChange), in bulk."""
    if changes.is_empty():
        return
    place = [pl.col("school_id"), pl.lit(0).alias("la_code")] if model is Observation else [pl.col("area"), pl.col("la_code")]
    rows = changes.select(
        *place,
        "measure_id",
        pl.lit(year).alias("year"),
        pl.lit(source).alias("source"),
        pl.col("value_old").alias("old_value"),
        pl.col("status_old").alias("old_status"),
        pl.col("cohort_old").alias("old_cohort"),
        pl.col("import_run_id").alias("old_import_run_id"),
        pl.col("value").alias("new_value"),
        pl.col("status").alias("new_status"),
        pl.col("cohort").alias("new_cohort"),
        pl.lit(run_id).alias("import_run_id"),
    )
    insert_frame(FigureChange, rows.sort(rows.columns[:3]))


def _delete(model, ids: list[int]) -> None:
    table, pk = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            condition, params = among(pk, chunk)
            cursor.execute(f"DELETE FROM {table} WHERE {condition}", params)  # noqa: S608 (names from model metadata)


def _note_years(measures: dict[str, int], figures: pl.DataFrame, source: int) -> None:
    """Add this file's years and source to each measure's catalogue entry (years available)."""
    by_measure = dict(figures.group_by("measure").agg(pl.col("year").unique()).iter_rows())
    stored = Measure.objects.filter(id__in=[measures[code] for code in by_measure]).values_list("id", "code", "years", "sources")
    for measure_id, code, years, sources in stored:
        new_years = sorted(set(years) | set(by_measure[code]))
        new_sources = sorted(set(sources) | {source})
        if new_years != years or new_sources != sources:
            Measure.objects.filter(id=measure_id).update(years=new_years, sources=new_sources)
