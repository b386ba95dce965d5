"""The import kinds of the evidence app: which header is whose, and how each file is loaded.

Detection reads the header only and each kind recognises exactly its own layout. Loaders read with
evidence.readers / evidence.ofsted (pure) and write with evidence.store / evidence.inspections (bulk).
"""

import io
from functools import wraps

import polars as pl
from django.db.models import F, OuterRef, Q, Subquery

from core.words import listed
from imports.refusals import naming_the_school
from imports.registry import ChangeList, Columns, ImportKind, ImportRefused, register_kind
from register.models import LocalAuthority

from . import catalogue, ofsted, readers
from .inspections import store_inspections
from .models import FigureChange, InspectionChange, InspectionSource, NeighbourChange, Source
from .neighbours import is_neighbours, load_neighbours
from .store import store_figures
from .years import academic_year


def utf8(source) -> bytes:
    """The file's bytes as UTF-8 (decoding Windows-1252 files once more, as the import service did)."""
    if source.encoding.lower().replace("_", "-").startswith("utf-8"):
        return source.data
    return source.text.encode("utf-8")


def data_rows(ctx, data: bytes) -> int:
    """The file's rows after the header that hold something, as its reader counts them: a quoted value's line breaks are
    inside its row (the import counts the rows that hold nothing, found once for the file: SourceFile.empty_rows,
    imports.services.with_empty_rows)."""
    first = pl.read_csv(io.BytesIO(data), columns=[0], infer_schema_length=0, truncate_ragged_lines=True, encoding="utf8-lossy")
    return first.height - len(ctx.source.empty_rows)


def naming_the_file(load):
    """Refusals name the file they are about."""

    @wraps(load)
    def wrapper(ctx):
        try:
            return load(ctx)
        except ImportRefused as refusal:
            refusal.file_name = refusal.file_name or ctx.source.name
            raise

    return wrapper


def figure_changes(run, authority_ids) -> ChangeList:
    """The figures `run` replaced or removed: of the schools and LAs of `authority_ids` (if given) and England. An
    authority's figures, whole or phase by phase, carry its code; England's, 0."""
    changes = FigureChange.objects.filter(import_run=run).select_related("school", "measure")
    if authority_ids is not None:
        codes = LocalAuthority.objects.filter(id__in=authority_ids).values_list("code", flat=True)
        changes = changes.filter(Q(school__la_id__in=authority_ids) | Q(area__isnull=False, la_code__in=[*codes, 0]))
    # England's and the LAs' figures first (no school), then the schools by name, on either database.
    order = [F("school__name").asc(nulls_first=True), "school__urn", "area", "la_code", "measure__order", "year", "source"]
    return ChangeList("evidence/_import_changes.html", changes.annotate(la_name=_la_name("la_code")).order_by(*order))


def _la_name(code: str) -> Subquery:
    """The name of the authority whose code the field holds (none where the register has no such authority)."""
    return Subquery(LocalAuthority.objects.filter(code=OuterRef(code)).values("name")[:1])


def inspection_changes(run, authority_ids) -> ChangeList:
    """What `run` corrected in inspections already held (of the schools of `authority_ids`, if given)."""
    changes = InspectionChange.objects.filter(import_run=run).select_related("inspection__school")
    if authority_ids is not None:
        changes = changes.filter(inspection__school__la_id__in=authority_ids)
    order = ["inspection__school__name", "inspection__school__urn", "-inspection__started_on", "inspection__framework", "id"]
    return ChangeList("evidence/_inspection_changes.html", changes.order_by(*order))


def neighbour_changes(run, authority_ids) -> ChangeList:
    """What `run` changed in the neighbour lists already held (of the authorities of `authority_ids`, if given)."""
    changes = NeighbourChange.objects.filter(import_run=run)
    if authority_ids is not None:
        changes = changes.filter(la_code__in=LocalAuthority.objects.filter(id__in=authority_ids).values("code"))
    changes = changes.annotate(la_name=_la_name("la_code"), neighbour_name=_la_name("neighbour_code"))
    return ChangeList("evidence/_neighbour_changes.html", changes.order_by("la_code", "old_rank"))


def _national_or_not(figures) -> list[str]:
    """Said of a school-level census that covers only some authorities: England's figures are not calculated from it."""
    if figures.filter(pl.col("area") == "england").height or not figures.filter(pl.col("area") == "la").height:
        return []
    authorities = figures.filter(pl.col("area") == "la")["la_code"].n_unique()
    return [
        f"England's figures were not calculated from this file: it covers {authorities:,} of England's local authorities,"
        " not the whole country, so England's figures held before stay as they were."
    ]


def figures_loader(
    source: Source | dict[str, Source], layout: catalogue.Layout, read, *, versions: dict[str, Source] | None = None, notes=None
):
    """`source` is the file's data set, or for performance tables the release its name gives (see release);
    with `versions`, the release a file's `version` column gives (see readers.release_version) comes first.
    `read(data, file_name, layout)` gives the figures of the columns of `layout` the file has: the measures
    of those columns are what the file says something about, even where it leaves them blank. `notes(figures)`
    gives what the import's outcome should say about them."""

    @naming_the_file
    @naming_the_school
    def load(ctx):
        data = utf8(ctx.source)
        figures = read(data, ctx.source.name, layout)
        # The blanks of the schools' rows that give no figure at all (readers.long_figures), for the store alone.
        figures, blank = figures.filter(pl.col("status").is_not_null()), figures.filter(pl.col("status").is_null())
        if notes:
            ctx.notes.extend(notes(figures))
        present = layout.present(ctx.source.header)
        given = {column.measure for column in present}
        uncounted = {c.measure for c in present if isinstance(c, catalogue.Column) and c.cohort and c.cohort not in ctx.source.header}
        data_set = release(ctx.source.name, source) if isinstance(source, dict) else source
        if versions and (version := readers.release_version(data)):
            if version not in versions:
                raise ImportRefused(f"'{version}' is not a release DfE publishes (expected {', '.join(versions)})", column="version")
            data_set = versions[version]
        ctx.taken_as = taken_as(data_set, figures)
        return store_figures(ctx, data_set, figures, rows_read=data_rows(ctx, data), given=given, uncounted=uncounted, blank=blank)

    return load


def taken_as(data_set: Source, figures: pl.DataFrame) -> str:
    """What the import took the file to be, for its outcome to say: the data set (its release, which the name or the
    `version` column gives) and the years (from the name, the columns or the rows), which nothing in the figures can
    confirm, so that a file misnamed shows at once: "Key stage 2 performance tables (provisional), 2018/19"."""
    return edition_words(data_set, figures["year"].drop_nulls().unique().to_list())


def edition_words(data_set: Source, years) -> str:
    """A data set and its years as the imports name them, before and after reading a file: "Key stage 4 performance
    tables (provisional), 2018/19"; "" without a year."""
    years = [academic_year(year) for year in sorted(years)]
    return f"{data_set.label}, {listed(years)}" if years else ""


def release(file_name: str, sources: dict[str, Source]) -> Source:
    """Which release of a year's performance tables a file is, by its name as DfE gives it
    (england_ks2provisional.csv, england_ks4revised.csv, …); `sources` maps each release to its data set and
    says under "" what a name without one is. Each release is kept apart, so a later provisional file never
    replaces the final figures: pages show the final, then the revised, then the provisional."""
    name = file_name.lower()
    return next((source for word, source in sources.items() if word and word in name), sources[""])


KS2_RELEASES = {"provisional": Source.KS2_PROVISIONAL, "revised": Source.KS2_REVISED, "": Source.KS2_FINAL}
KS4_RELEASES = {"provisional": Source.KS4_PROVISIONAL, "revised": Source.KS4_REVISED, "": Source.KS4_FINAL}
KS4_HEADLINE_RELEASES = {**KS4_RELEASES, "": Source.KS4_PROVISIONAL}  # DfE's provisional headline file names no release
KS4_INFO_RELEASES = {
    "provisional": Source.KS4_SCHOOL_INFO_PROVISIONAL,
    "revised": Source.KS4_SCHOOL_INFO_REVISED,
    "": Source.KS4_SCHOOL_INFO,
}


def named_edition(source: Source | dict[str, Source], *, year_in_columns: bool = False):
    """What a file's name makes of it (ImportKind.edition), for the kinds whose year comes from the name (unless, with
    `year_in_columns`, the performance tables' columns give it) and whose release may: the data set and year, in the
    words the import's outcome takes them as (taken_as)."""

    def edition(header: list[str], file_name: str) -> str | None:
        year = (year_in_columns and readers.year_from_suffixes(header)) or readers.year_from_name(file_name)
        if year is None:
            return None
        data_set = release(file_name, source) if isinstance(source, dict) else source
        return edition_words(data_set, [year])

    return edition


def ees_release(header: list[str], file_name: str) -> str | None:
    """What an EES file's name makes of it: its release and the year its name gives, unless a `version` column gives the
    release. The year is in its rows, read later: a name that gives none leaves the file undated, as a file of its
    release but another year would otherwise seem the same edition, and the older refused as replaced by the newer."""
    if "version" in header:
        return None
    year = readers.year_from_name(file_name)
    return edition_words(release(file_name, KS4_INFO_RELEASES), [year]) if year is not None else None


def inspections_loader(source: InspectionSource):
    @naming_the_file
    @naming_the_school
    def load(ctx):
        records, rows = ofsted.read_inspections(utf8(ctx.source))
        return store_inspections(ctx, records, source, rows_read=rows)

    return load


# A row of a file of figures that gives none (an empty one, or a school's whose every figure is blank) is skipped.
FIGURES_EMPTY = "giving no figures"

KINDS = (
    ImportKind(
        "ks2_final",
        "Key stage 2 performance tables",
        Columns(("RECTYPE", "URN", "PTRWM_EXP", "TELIG")),
        figures_loader(
            KS2_RELEASES, catalogue.KS2_COLUMNS, lambda d, n, layout: readers.read_performance_table(d, n, layout, readers.KS2_RECTYPES)
        ),
        figure_changes,
        counts="figures",
        empty=FIGURES_EMPTY,
        edition=named_edition(KS2_RELEASES, year_in_columns=True),
    ),
    ImportKind(
        "ks4_final",
        "Key stage 4 performance tables",
        Columns(("RECTYPE", "URN", "ATT8SCR", "TOTATT8")),
        figures_loader(
            KS4_RELEASES, catalogue.KS4_COLUMNS, lambda d, n, layout: readers.read_performance_table(d, n, layout, readers.KS4_RECTYPES)
        ),
        figure_changes,
        counts="figures",
        empty=FIGURES_EMPTY,
        edition=named_edition(KS4_RELEASES, year_in_columns=True),
    ),
    ImportKind(
        "ks4_provisional",
        # The headline measures of the tables, which DfE publishes provisional; a file named revised or final is that release.
        "Key stage 4 performance tables (headline measures)",
        Columns(("RECTYPE", "URN", "ATT8SCR", "P8_BANDING"), without=("TOTATT8",)),
        figures_loader(
            KS4_HEADLINE_RELEASES,
            catalogue.KS4_COLUMNS,
            lambda d, n, layout: readers.read_performance_table(d, n, layout, readers.KS4_RECTYPES),
        ),
        figure_changes,
        counts="figures",
        empty=FIGURES_EMPTY,
        edition=named_edition(KS4_HEADLINE_RELEASES, year_in_columns=True),
    ),
    ImportKind(
        "ks4_school_information",
        "Key stage 4 information about schools (explore education statistics)",
        Columns(("time_period", "school_urn", "old_la_code"), any_of=("p8_banding", "progress8_banding")),
        figures_loader(
            KS4_INFO_RELEASES,
            catalogue.KS4_EES_COLUMNS,
            lambda d, n, layout: readers.read_ees_schools(d, layout),
            versions={
                "final": Source.KS4_SCHOOL_INFO,
                "revised": Source.KS4_SCHOOL_INFO_REVISED,
                "provisional": Source.KS4_SCHOOL_INFO_PROVISIONAL,
            },
        ),
        figure_changes,
        counts="figures",
        empty=FIGURES_EMPTY,
        edition=ees_release,
    ),
    ImportKind(
        "school_census",
        "School census, school level (January)",
        Columns(("time_period", "urn", "old_la_code", "headcount of pupils")),
        figures_loader(
            Source.CENSUS_SPC,
            catalogue.CENSUS_SPC_COLUMNS,
            lambda d, n, layout: readers.read_census(d, layout, catalogue.CENSUS_SPC_COUNTS),
            notes=_national_or_not,
        ),
        figure_changes,
        counts="figures",
        empty=FIGURES_EMPTY,
    ),
    ImportKind(
        "census_summary",
        "School census summary (performance tables)",
        Columns(("URN", "LA", "NOR", "PNUMFSMEVER")),
        figures_loader(
            Source.CENSUS_SUMMARY,
            catalogue.CENSUS_SUMMARY_COLUMNS,
            lambda d, n, layout: readers.read_census_summary(d, n, layout, catalogue.CENSUS_SUMMARY_COUNTS),
        ),
        figure_changes,
        counts="figures",
        empty=FIGURES_EMPTY,
        edition=named_edition(Source.CENSUS_SUMMARY),
    ),
    ImportKind(
        "pupil_absence",
        "Pupil absence (performance tables)",
        Columns(("URN", "LA", "PERCTOT", "PPERSABS10")),
        # The year is the name's: the 2018/19 tables' file holds 2018/19's absence (its England rows, primary 4.0%
        # and special 10.1%, are DfE's published 2018/19 rates; 2017/18's were 4.2% and 10.2%).
        figures_loader(Source.ABSENCE, catalogue.ABSENCE_COLUMNS, readers.read_keyed_schools),
        figure_changes,
        counts="figures",
        empty=FIGURES_EMPTY,
        edition=named_edition(Source.ABSENCE),
    ),
    ImportKind(
        "ofsted_all_inspections",
        "Ofsted: state-funded schools, all inspections year to date",
        ofsted.is_all_inspections,
        inspections_loader(InspectionSource.OFSTED_ALL),
        inspection_changes,
        counts="inspections",
    ),
    ImportKind(
        "ofsted_latest_inspections",
        "Ofsted: state-funded schools, latest inspections (monthly)",
        ofsted.is_latest_inspections,
        inspections_loader(InspectionSource.OFSTED_LATEST),
        inspection_changes,
        counts="inspections",
    ),
    ImportKind(
        "statistical_neighbours",
        "LA statistical neighbours (Common Ground layout)",
        is_neighbours,
        naming_the_file(load_neighbours),
        neighbour_changes,
        skipped="",  # only rows of authorities not asked for
    ),
)


def register_all():
    for kind in KINDS:
        register_kind(kind)
