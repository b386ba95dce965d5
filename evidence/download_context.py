"""What an authority's downloads give beside its figures, as its results page gives it: the notes on those figures (how the
inspection outcomes are counted, the breaks between years, the measures the authority has no figure of, and the pupils a
disadvantaged gap counts), and the schools by inspection outcome; each a sheet of the XLSX (exports.as_xlsx), and a CSV file of its own."""

from collections import defaultdict

from django.utils import timezone

from core.jinja import gov_date

from .breaks import breaks_in
from .catalogue import BY_CODE, MEASURES
from .exports import Sheet
from .models import Observation
from .outcomes import COUNTED_BY_PREDECESSOR, REPORT_CARD_COLUMNS, Outcomes, graded_notes
from .presenters import without_authority_figure
from .series import Series
from .trends import BreakNote

# A break's; or the lack of a figure's; or, with no measure code, what the page says of the inspection outcomes' counts.
NOTES_HEADER = ["Measure code", "Measure", "Break between", "Years", "What happened"]
NOTES_WIDTHS = {"A": 30, "B": 48, "C": 22, "D": 22, "E": 100}
MEASURE_ORDER = {spec.code: order for order, spec in enumerate(MEASURES)}


def download_notes(authority, schools, series_list: list[Series], areas: list[tuple], outcomes: Outcomes) -> list[list]:
    """The rows of NOTES_HEADER for the download of authority_rows (`areas`: area_figures), as the results page says them:
    first, what the download is (about_download); then a row for each sentence it gives with the counts of `outcomes`,
    which the outcomes' own table (outcome_rows) has no place for; then the notes on the measures' figures (note_rows).
    `schools`: those whose figures the download gives, or None for the published statistics (public_rows), which give none."""
    counted = [["", OUTCOMES, "", "", sentence] for sentence in outcome_notes(outcomes)]
    about = ["", ABOUT, "", "", about_download(authority, schools_too=schools is not None)]
    return [about, *counted, *note_rows(download_years(areas, schools), without_authority_figure(authority.code, series_list))]


ABOUT = "About this download"


def about_download(authority, *, schools_too: bool = True) -> str:
    """Whose figures a download holds, when it was made, and the licence of the open data in it."""
    schools = ", and its schools'" if schools_too else ""
    return (
        f"{authority.name}'s figures and England's{schools}, downloaded from Common Ground on"
        f" {gov_date(timezone.localdate())}: as imported by then, each row naming its source file. Contains public sector"
        " information licensed under the Open Government Licence v3.0 (DfE's performance tables, census and absence"
        " statistics, Get Information about Schools, and Ofsted's inspection outcomes)."
    )


def download_years(areas: list[tuple], schools) -> dict[str, set[int]]:
    """Measure code → the years authority_rows gives figures for, the authority's, England's (`areas`) or a school's
    (of `schools`; None where the download gives no school's figures)."""
    years = defaultdict(set)
    for figure in areas:
        years[figure[4]].add(figure[5])
    if schools is None:
        return years
    # By the schools' ids, through the figures' unique index: given a subquery, PostgreSQL read every figure in England
    # (some 200 ms with all of it loaded, for Kent's 687 schools; about 30 ms by their ids).
    ids = list(schools.values_list("id", flat=True))
    held = Observation.objects.filter(school__in=ids, measure__key=True).order_by().values_list("measure__code", "year").distinct()
    for code, year in held:
        years[code].add(year)
    return years


# Said of each disadvantaged gap in a download: its "Pupils counted" is not the key stage's pupils, as the other measures' is.
GAP_PUPILS = (
    "On this measure's rows, 'Pupils counted' is the number of disadvantaged pupils, whom the gap is about:"
    " not all the pupils at the end of the key stage."
)


def note_rows(years: dict[str, set[int]], without_figure=()):
    """Measure by measure, a row of NOTES_HEADER saying why the authority has no figure of it, for each of `without_figure`
    (presenters.without_authority_figure); for a disadvantaged gap the download has figures of, whose pupils it counts
    (GAP_PUPILS); then one for each break among the years it has figures for (breaks.breaks_in), the oldest first: as
    the results pages say them, in the list of such measures and beside each chart and table."""
    why = {measure.code: reason for measure, reason in without_figure}
    for code in sorted(years.keys() | why.keys(), key=lambda code: (MEASURE_ORDER.get(code, len(MEASURE_ORDER)), code)):
        spec = BY_CODE.get(code)
        if code in why:
            yield [code, spec.label if spec else code, "", "", why[code]]
        if spec and spec.gap and years.get(code):
            yield [code, spec.label, "", "", GAP_PUPILS]
        for before, after, between in breaks_in(code, years.get(code, ())):
            for brk in between:
                note = BreakNote(before, after, brk)
                yield [code, spec.label if spec else code, note.between, note.years, brk.reason]


def notes_sheet(rows: list[list]) -> Sheet:
    return Sheet("Notes", NOTES_HEADER, rows, NOTES_WIDTHS)


# The results page's outcome tables, one row for each of their cells: the graded inspections' (Outcome, Schools, Of which
# not yet inspected in their current form), then the report cards' areas (each area by each of its words) and the list
# below them, each in the page's words; each row with where its table's counts came from (outcomes.counted_from).
OUTCOMES_HEADER = ["Inspection", "Area", "Outcome", "Schools", "Of which not yet inspected in their current form", "Counted from"]
OUTCOMES_WIDTHS = {"A": 48, "B": 30, "C": 72, "D": 10, "E": 24, "F": 72}
OUTCOMES = "Inspection outcomes"  # the sheet's name, and the topic of the notes on its counts
GRADED = "Latest graded inspection (overall effectiveness)"
REPORT_CARD = "Report card (from November 2025)"


def outcome_rows(outcomes: Outcomes):
    """A row of OUTCOMES_HEADER for each count the results page gives of the open state-funded schools."""
    for words, n, theirs in outcomes.graded:
        yield [GRADED, "", words, n, theirs, outcomes.graded_sources]
    cards = outcomes.report_cards
    yield [REPORT_CARD, "", "Schools with a report card", cards.count, None, cards.sources]
    if not cards.count:
        return
    for area, counts in cards.areas.items():
        for words in REPORT_CARD_COLUMNS:
            yield [REPORT_CARD, area, words, counts.get(words, 0), None, cards.sources]
    for words, n in cards.safeguarding.items():
        yield [REPORT_CARD, "", f"Safeguarding standards {words.lower()}", n, None, cards.sources]
    for words, n in cards.categories.items():
        yield [REPORT_CARD, "", f"In a category of concern: {words}", n, None, cards.sources]
    if not cards.categories:
        yield [REPORT_CARD, "", "In a category of concern", 0, None, cards.sources]


def outcome_notes(outcomes: Outcomes) -> list[str]:
    """What the pages say with the outcome counts, for a reader of the download: how a school not yet inspected in its
    current form is counted, that report cards have no overall grade, and graded_notes."""
    return [f"{COUNTED_BY_PREDECESSOR} Report cards have no overall grade.", *graded_notes(outcomes)]


def outcomes_sheet(outcomes: Outcomes) -> Sheet:
    return Sheet(OUTCOMES, OUTCOMES_HEADER, outcome_rows(outcomes), OUTCOMES_WIDTHS, tuple(outcome_notes(outcomes)))
