"""An authority's schools by inspection outcome, as its results page counts them and its downloads give them."""

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from core.jinja import gov_date
from core.words import listed
from imports.models import ImportRun
from imports.naming import ImportNames
from register.presenters import state_funded, superseded_count

from .graded import REPLACED_UNHELD, graded_counts
from .latest import latest_for_schools
from .models import Framework, Inspection, InspectionSource
from .ofsted_words import NOT_EVALUATED, REPORT_CARD_SCALE, category_words, in_published_order


class ReportCardCounts(NamedTuple):
    """The schools whose latest inspection is a report card: how many; area → words → how many say so; how many
    met the safeguarding standards and did not; category of concern (in words) → how many were placed in it; and
    where the counted inspections came from (counted_from)."""

    count: int
    areas: dict[str, dict[str, int]]
    safeguarding: dict[str, int]
    categories: dict[str, int]
    sources: str = ""


class Outcomes(NamedTuple):
    """The open state-funded schools by their latest graded inspection (graded_counts), how many of them GIAS links to a
    successor the register does not hold (superseded_count), and by their latest report card; how many of them are counted
    by an inspection held as their own but dated before they opened (evidence.replaced)."""

    state_funded_count: int
    graded: list[tuple[str, int, int | None]]
    superseded: int
    report_cards: ReportCardCounts
    before_opening: int
    graded_sources: str = ""  # where the counted graded inspections came from (counted_from)


# How the graded counts count a school not yet inspected in its current form: said above them on the pages, and below
# them in the download.
COUNTED_BY_PREDECESSOR = (
    "A school that Ofsted has not yet inspected in its current form (an academy, converter or sponsored) is counted by the"
    " latest graded inspection of the school it replaced, as Ofsted’s statistics count it; the last column says how many."
    " A free school, which replaced no school, has none until its own."
)

# Each area of a report card in these words, in this order, as Ofsted publishes them, then the words for an area a visit
# did not evaluate.
REPORT_CARD_COLUMNS = (*REPORT_CARD_SCALE, NOT_EVALUATED)


def authority_outcomes(open_schools, names: ImportNames | None = None) -> Outcomes:
    """The outcomes of `open_schools` (a queryset of an authority's open schools) that Ofsted inspects: its state-funded
    ones; the authority's other establishments (independent schools, children's centres, colleges) are not counted as
    lacking an inspection. Where the counts came from is said with the imports named for the reader (`names`; by
    default, for anyone: by file and date)."""
    names = names or ImportNames()
    inspected = open_schools.filter(state_funded())
    counted = list(inspected.only("pk", "urn"))
    latest = latest_for_schools(counted, Framework.GRADED)
    return Outcomes(
        len(counted),
        graded_counts(counted, latest),
        superseded_count(counted),
        report_card_counts(counted, names),
        sum(inspection.before_opening for inspection in latest.values()),
        counted_from(((i.source, i.import_run_id, i.on) for i in latest.values()), names),
    )


def counted_from(counted: Iterable[tuple[str, int, date]], names: ImportNames) -> str:
    """Where the inspections counted (each as its source, import and start date) came from, import by import, and the
    latest's date, so that a reader can tell how current the counts are: "Counted from Register (GIAS Ofsted rating):
    surrey-2022-04-establishments.csv (import 2), 380 schools. The latest inspection counted started on 10 March 2022."
    Each import named for the reader (`names`): to one who cannot open the Imports page, "(imported 12 April 2022)".
    Plain text, as the pages and the downloads both give it. Empty where none is counted."""
    counted = list(counted)
    if not counted:
        return ""
    by_run = Counter((source, run) for source, run, _ in counted)
    runs = ImportRun.objects.filter(pk__in={run for _, run in by_run}).values_list("pk", "file_name", "started_at")
    files = {pk: names.text(pk, file_name, started_at) for pk, file_name, started_at in runs}
    # Source by source, the import that gave most first; of two alike, the later.
    by_source: dict[str, list[str]] = {}
    for (source, run), n in sorted(by_run.items(), key=lambda item: (-item[1], -item[0][1])):
        by_source.setdefault(source, []).append(f"{files[run]}, {n:,} {'school' if n == 1 else 'schools'}")
    parts = [f"{InspectionSource(source).label}: {listed(files_given)}" for source, files_given in by_source.items()]
    latest = max(day for _, _, day in counted)
    return f"Counted from {'; '.join(parts)}. The latest inspection counted started on {gov_date(latest)}."


def report_card_counts(schools: list, names: ImportNames) -> ReportCardCounts:
    """The latest report card of each of `schools` (a list, so that the inspections are found by the schools' ids through
    the unique index: with a queryset PostgreSQL read every inspection in England), counted area by area; where they
    came from with the imports named for the reader (`names`)."""
    latest = {}
    for inspection in Inspection.objects.filter(school__in=schools, framework=Framework.REPORT_CARD).order_by("started_on"):
        latest[inspection.school_id] = inspection
    table = {}
    for inspection in latest.values():
        for area, words in inspection.judgements.items():
            table.setdefault(area, {}).setdefault(words, 0)
            table[area][words] += 1
    safeguarding = Counter(inspection.safeguarding for inspection in latest.values())
    categories = Counter(category_words(inspection.category_of_concern) for inspection in latest.values() if inspection.category_of_concern)
    return ReportCardCounts(
        len(latest),
        dict(in_published_order(table)),
        {words: safeguarding[words] for words in ("Met", "Not met")},
        dict(sorted(categories.items())),
        counted_from(((i.source, i.import_run_id, i.started_on) for i in latest.values()), names),
    )


def graded_notes(outcomes: Outcomes, may_import: bool = False) -> list[str]:
    """What a reader of the graded counts must know, said below them on the pages and in the downloads: how many of the
    schools counted with a category of concern were counted by a predecessor's inspection (the category was its); how
    many by an inspection held as their own but dated before they opened (the predecessor's too); how many replaced a
    school the register lacks, and so are counted apart; how many the register may hold under an old URN. `may_import`:
    the reader can import files, and is told which would bring the schools in. First, where the counts came from."""
    notes = [outcomes.graded_sources] if outcomes.graded_sources else []
    categorised = sum(theirs or 0 for words, _, theirs in outcomes.graded if words.startswith("Inadequate:"))
    if categorised:
        one = categorised == 1
        notes.append(
            f"{categorised:,} of the schools counted as inadequate with a category of concern {'is' if one else 'are'} counted by"
            f" {'its predecessor’s inspection' if one else 'their predecessors’ inspections'}, as Ofsted counts {'it' if one else 'them'}:"
            f" {'the' if one else 'each'} category was the predecessor’s, and ended when the school opened in its current form,"
            f" so {'it is' if one else 'they are'} not in a category of concern."
        )
    if before := outcomes.before_opening:
        one = before == 1
        notes.append(
            f"{before:,} {'school is' if one else 'schools are'} counted by an inspection held as {'its' if one else 'their'} own but"
            f" dated before {'it' if one else 'they'} opened: the inspection of the institution {'it' if one else 'each'} replaced,"
            f" so {'it is' if one else 'they are'} counted as not yet inspected in {'its' if one else 'their'} current form."
        )
    if unheld := sum(n for words, n, _ in outcomes.graded if words == REPLACED_UNHELD):
        one = unheld == 1
        # How such a school is counted (COUNTED_BY_PREDECESSOR) is said with the table already.
        note = (
            f"{unheld:,} {'school' if one else 'schools'} replaced a school the register does not hold, so the inspection"
            f" {'it' if one else 'they'} would be counted by is not on record: {'it has' if one else 'they have'} a row of"
            f" {'its' if one else 'their'} own."
        )
        if may_import:
            by = "it by its predecessor's inspection" if one else "them by their predecessors' inspections"
            note += f" Importing a GIAS extract that includes closed schools would count {by}."
        notes.append(note)
    if superseded := outcomes.superseded:
        one = superseded == 1
        note = (
            f"GIAS links {superseded:,} of the open schools counted here to a successor the register does not hold:"
            f" {'it has' if one else 'they have'} probably closed or converted since the register's extract, and"
            f" {'is' if one else 'are'} counted under {'its' if one else 'their'} old URN."
        )
        if may_import:
            note += " Importing a newer GIAS extract would bring the successors in."
        notes.append(note)
    return notes
