"""Runs imported before ImportRun.edition was kept (0010) are given theirs where what they stored tells it, so that a file
one of them replaced is refused as replaced (imports.services.refuse_replaced), as one a later run replaced is.

An edition is what the file's name and header made it (evidence.loaders: named_edition, ees_release). A run keeps its
file's name and checksums, not its header, and:
- a census summary's or absence file's edition is its name's alone;
- a performance table's release is its name's, and its year the name's or, where the name has none, its columns'
  (table_year: a file whose columns and name disagree was refused). A run that wrote figures wrote them for that year;
  one that wrote none (unchanged) has the year of a run of the same contents that did, their header being the same;
- an explore-education-statistics file's edition is its name's release and year only where it has no `version` column, and
  nothing a run keeps says whether it had one: those runs are left without one, as is any run whose figures do not
  agree with its name (another data set, more than one year). Only runs whose file was taken are looked at: the
  others are no file's replacement."""

from collections import defaultdict

from django.db import migrations

from evidence.loaders import KS2_RELEASES, KS4_HEADLINE_RELEASES, KS4_RELEASES, edition_words, release
from evidence.models import Source
from evidence.readers import year_from_name

# Each kind whose edition a run's name (and figures) tell: its data set, or the releases its name chooses among, and
# whether its columns may give its year (evidence.loaders.KINDS).
DATA_SETS = {
    "ks2_final": (KS2_RELEASES, True),
    "ks4_final": (KS4_RELEASES, True),
    "ks4_provisional": (KS4_HEADLINE_RELEASES, True),
    "census_summary": (Source.CENSUS_SUMMARY, False),
    "pupil_absence": (Source.ABSENCE, False),
}
TAKEN = ("succeeded", "unchanged")
CHUNK = 500  # run ids a query asks for at once (SQLite takes at most 999 parameters)


def give_earlier_runs_their_editions(apps, schema_editor):
    ImportRun = apps.get_model("imports", "ImportRun")
    runs = list(ImportRun.objects.filter(kind__in=DATA_SETS, outcome__in=TAKEN).order_by("pk"))
    written = _written(apps, [run.pk for run in runs if not run.edition])
    years = {run.pk: _year(run, written[run.pk]) for run in runs}
    by_contents = defaultdict(set)  # a checksum → the years of the runs of those contents that tell theirs
    for run in runs:
        for checksum in _checksums(run):
            by_contents[checksum].add(years[run.pk])
    given = []
    for run in runs:
        if run.edition:
            continue
        if years[run.pk] is None and not written[run.pk] and DATA_SETS[run.kind][1]:  # wrote nothing: an unchanged run
            found = {year for checksum in _checksums(run) for year in by_contents[checksum]} - {None}
            years[run.pk] = found.pop() if len(found) == 1 else None
        if (edition := _edition(run, written[run.pk], years[run.pk])) is not None:
            run.edition = edition
            given.append(run)
    ImportRun.objects.bulk_update(given, ["edition"], batch_size=CHUNK)


def _written(apps, ids: list[int]) -> dict[int, set[tuple[int, int]]]:
    """The (source, year) of the figures each run wrote: those held as it wrote them, and those it changed or a later
    run replaced (FigureChange). One pass of each table."""
    written = defaultdict(set)
    tables = [("Observation", "import_run_id"), ("AreaObservation", "import_run_id")]
    tables += [("FigureChange", "import_run_id"), ("FigureChange", "old_import_run_id")]
    for model, field in tables:
        figures = apps.get_model("evidence", model).objects.order_by()
        for start in range(0, len(ids), CHUNK):
            chunk = figures.filter(**{f"{field}__in": ids[start : start + CHUNK]})
            for run_id, source, year in chunk.values_list(field, "source", "year").distinct():
                written[run_id].add((source, year))
    return written


def _year(run, written: set[tuple[int, int]]) -> int | None:
    """The year the run's file was for, where its figures or name say it without doubt."""
    named = year_from_name(run.file_name)
    years = {year for _, year in written}
    if len(years) > 1 or (named and years and years != {named}):
        return None
    return years.pop() if years else named


def _edition(run, written: set[tuple[int, int]], year: int | None) -> str | None:
    """What the run's file name and header made it, as the import says it now; None where not known."""
    data_sets, year_in_columns = DATA_SETS[run.kind]
    data_set = release(run.file_name, data_sets) if isinstance(data_sets, dict) else data_sets
    if any(source != data_set for source, _ in written) or not (year_in_columns or year_from_name(run.file_name)):
        return None  # figures of another data set; or, for a kind whose year is its name's alone, a name without one
    return edition_words(data_set, [year]) if year else None


def _checksums(run) -> set[str]:
    return {checksum for checksum in (run.checksum, run.text_checksum) if checksum}


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0011_importrun_cleared"),
        ("evidence", "0019_inspection_school_started"),
    ]

    operations = [migrations.RunPython(give_earlier_runs_their_editions, migrations.RunPython.noop)]
