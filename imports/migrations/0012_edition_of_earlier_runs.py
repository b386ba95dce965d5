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

import re
from collections import defaultdict

from django.db import migrations

# The data sets (evidence.models.Source: the number stored with each figure, and its words) and the rules that name a
# file's edition (evidence.loaders and evidence.readers), as they were when this migration was written: copied here, so
# that it gives the editions the imports gave then, whatever those modules come to say.
KS2_FINAL, KS2_REVISED, KS2_PROVISIONAL = 1, 8, 9
KS4_FINAL, KS4_REVISED, KS4_PROVISIONAL = 2, 10, 3
CENSUS_SUMMARY, ABSENCE = 6, 7
LABELS = {
    KS2_FINAL: "Key stage 2 performance tables (final)",
    KS2_REVISED: "Key stage 2 performance tables (revised)",
    KS2_PROVISIONAL: "Key stage 2 performance tables (provisional)",
    KS4_FINAL: "Key stage 4 performance tables (final)",
    KS4_REVISED: "Key stage 4 performance tables (revised)",
    KS4_PROVISIONAL: "Key stage 4 performance tables (provisional)",
    CENSUS_SUMMARY: "School census summary (performance tables)",
    ABSENCE: "Pupil absence (performance tables)",
}
KS2_RELEASES = {"provisional": KS2_PROVISIONAL, "revised": KS2_REVISED, "": KS2_FINAL}
KS4_RELEASES = {"provisional": KS4_PROVISIONAL, "revised": KS4_REVISED, "": KS4_FINAL}
KS4_HEADLINE_RELEASES = {**KS4_RELEASES, "": KS4_PROVISIONAL}  # DfE's provisional headline file names no release
YEAR_IN_NAME = re.compile(r"(20\d\d)[-_]?(20\d\d|\d\d)(?!\d)")

# Each kind whose edition a run's name (and figures) tell: its data set, or the releases its name chooses among, and
# whether its columns may give its year (evidence.loaders.KINDS).
DATA_SETS = {
    "ks2_final": (KS2_RELEASES, True),
    "ks4_final": (KS4_RELEASES, True),
    "ks4_provisional": (KS4_HEADLINE_RELEASES, True),
    "census_summary": (CENSUS_SUMMARY, False),
    "pupil_absence": (ABSENCE, False),
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
    return edition_words(data_set, year) if year else None


def release(file_name: str, sources: dict[str, int]) -> int:
    """The release a performance table's name gives (england_ks2provisional.csv, …); under "" what a name without one is."""
    name = file_name.lower()
    return next((source for word, source in sources.items() if word and word in name), sources[""])


def year_from_name(name: str) -> int | None:
    """2019 from '2018-2019-england_census.csv' or '201819_…'; None when the name has no academic year."""
    match = YEAR_IN_NAME.search(name)
    if not match:
        return None
    start, end = int(match.group(1)), int(match.group(2)[-2:])
    return start + 1 if (start + 1) % 100 == end else None


def edition_words(data_set: int, year: int) -> str:
    """'Key stage 4 performance tables (provisional), 2018/19'."""
    return f"{LABELS[data_set]}, {year - 1}/{year % 100:02d}"


def _checksums(run) -> set[str]:
    return {checksum for checksum in (run.checksum, run.text_checksum) if checksum}


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0011_importrun_cleared"),
        ("evidence", "0019_inspection_school_started"),
    ]

    operations = [migrations.RunPython(give_earlier_runs_their_editions, migrations.RunPython.noop)]
