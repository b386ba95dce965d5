"""A figure (`Point`) and a measure's figures over the years (`Series`): the school's, its authority's and England's,
as the pages, the downloads and the `school` command set them out and word them: which year is the latest, what is said
beside a figure a corrected file changed or removed, and the notes a table of every year needs. Plain data, no queries.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.html import format_html

from .catalogue import BY_CODE
from .models import Area, Measure, Source, Status, academic_year, places_for
from .years import years_text


@dataclass
class Point:
    year: int
    value: float | None
    status: int
    source: int
    cohort: int | None = None
    run_id: int | None = None
    file_name: str = ""
    urn: int | None = None
    imported_at: datetime | None = None  # when the import that gave the figure started: how most readers are told which
    computed: str = ""  # how the figure was calculated here (catalogue.calculated_how); empty for one published
    # What the figure was before the import that gave it corrected it: (value, status, pupils); None if it did not.
    was: tuple[float | None, int, int | None] | None = None

    @property
    def academic_year(self) -> str:
        return academic_year(self.year)

    @property
    def source_label(self) -> str:
        return Source(self.source).label


def display(point: Point | None, measure: Measure) -> str:
    """A figure as text: '56%', '-0.80', 'suppressed'. Never 0 for a missing value."""
    if point is None:
        return "no data"
    if point.value is None and point.status == Status.NOT_APPLICABLE and point.cohort == 0:
        return "not applicable (no pupils)"
    return measure.format(point.value, point.status)


# What each word a page shows in place of a figure means, for a reader who has not read DfE's guidance; in brackets,
# the code a file gives for it (evidence.readers.CODES).
MISSING_MEANS = {
    Status.SUPPRESSED: "DfE withholds the figure because it is about so few pupils that one of them could be identified (SUPP or c)",
    Status.NOT_APPLICABLE: "the measure does not apply: there were no pupils it counts, or the school takes no part in it (NA or z)",
    Status.NOT_AVAILABLE: "the file gives no figure, as DfE did not have one (x)",
    Status.NO_ENTRIES: "no pupils were entered for what the measure counts (NE)",
    Status.NOT_PUBLISHED: "DfE published no figure for that year: the file says NP, or DfE published none of that measure that year",
    Status.NEW_SCHOOL: "the school was too new to have a figure (NEW)",
    Status.NOT_REPORTED: "no figure was reported to DfE (NR)",
    Status.LOW_COVERAGE: "too few pupils had the earlier results the measure needs for the figure to be reliable (LOWCOV)",
    Status.LOW_RELIABILITY: "DfE judged the figure too unreliable to publish (u)",
    Status.ROUNDS_TO_ZERO: "the figure is more than zero but rounds to zero at the places shown (low)",
}


# What "no data" means where a year table shows it, on a school's page and on an authority's: no figure is held at all.
NO_DATA_MEANS = {
    True: "no imported file gives a figure for that year: the school may not have been open or had no pupils the measure"
    " counts, that year's file may not have been imported, or it gives none for the authority or England; a year DfE"
    " published nothing for says so in its row",
    False: "no imported file gives a figure for that year: that year's file may not have been imported, or it gives none"
    " for the authority or England; a year DfE published nothing for says so in its row",
}


def missing_words(series_list: list["Series"], school_column: bool = True) -> list[tuple[str, str]]:
    """Each word the figures of `series_list` show in place of a value, with what it means (MISSING_MEANS), and "no
    data" where a year table shows it (`school_column`: whether the tables show the school's figures)."""
    found = {
        point.status
        for s in series_list
        for points in (s.school, s.la, s.england, s.la_phases, *s.england_phases.values())
        for point in points.values()
        if point.value is None
    }
    words = [(Status(status).label.lower(), means) for status, means in MISSING_MEANS.items() if status in found]
    if any(s.shows_no_data(school_column) for s in series_list):
        words.append((display(None, None), NO_DATA_MEANS[school_column]))
    return words


NOT_COMPARED = "not compared"
CALCULATED_GAP_NOTE = (
    "calculated here from the same row of DfE's table: England's disadvantaged pupils' figure minus its other pupils'."
    " The table prints 0 for England or leaves it blank; measured as a school's gap is, against other pupils nationally,"
    " it shows how far behind disadvantaged pupils are across England."
)
BY_DEFINITION_NOTE = (
    "DfE does not publish England's progress score: it is 0 by definition, since each pupil's progress is measured"
    " against pupils nationally with similar prior attainment."
)
# Said of a phase's figure, as its area's label says it: of state-funded schools, as the authority's for all its schools
# is said to be ("all state-funded schools") beside it.
PHASE_NOTES = {
    Area.ENGLAND_PRIMARY: "state-funded primary schools",
    Area.ENGLAND_SECONDARY: "state-funded secondary schools",
    Area.ENGLAND_SPECIAL: "state-funded special schools",
    Area.LA_PRIMARY: "state-funded primary schools",
    Area.LA_SECONDARY: "state-funded secondary schools",
    Area.LA_SPECIAL: "state-funded special schools",
}


@dataclass
class Series:
    measure: Measure
    school: dict[int, Point] = field(default_factory=dict)
    la: dict[int, Point] = field(default_factory=dict)
    england: dict[int, Point] = field(default_factory=dict)
    england_area: int = Area.ENGLAND  # or the school's phase, where England is only given phase by phase
    la_area: int = Area.LA  # or the authority's schools of that phase, where England's figure is a phase's
    # Year → England's phase → its figure, for the years England's is given only phase by phase (not in `england`,
    # so no chart joins them into England's line).
    england_phases: dict[int, dict[int, Point]] = field(default_factory=dict)
    # Year → the authority's figure for the school's phase, for those years: set beside England's phase figure
    # in the tables, like for like, and beside the authority's for all its schools (its line on the chart).
    la_phases: dict[int, Point] = field(default_factory=dict)
    compared: bool = True  # False for a school's count (pupils on roll): no area's total is set beside it
    comparator_note: str = ""  # what a reader must know about the figures beside the school's (SPECIAL_NOTE)
    comparator_note_above: bool = False  # said once above the section of figures that all share it (section_note)
    # Year → the figures that predecessors' URNs also have for a year the school's own URN has one (a school that
    # opened during the year: absence is published for each URN, for the weeks it was open); with `opened_on`.
    shared: dict[int, list[Point]] = field(default_factory=dict)
    urn: int | None = None  # the school's own
    opened_on: date | None = None
    # Year → the 95% confidence interval (lower, upper) DfE gives with the school's progress score that year.
    intervals: dict[int, tuple[float, float]] = field(default_factory=dict)
    # Year → the school's figure a corrected file removed (no longer gave), where none is held for the year now: a
    # Point of what it was, whose run and file are the import that removed it.
    removed: dict[int, Point] = field(default_factory=dict)

    @property
    def england_label(self) -> str:
        """'England', or 'England (state-funded primary schools)' when the comparator is the school's phase."""
        return "England" if self.england_area == Area.ENGLAND else Area(self.england_area).label

    @property
    def england_note(self) -> str:
        """Said beside an England figure that is for the school's phase only: 'state-funded primary schools'."""
        return PHASE_NOTES.get(self.england_area, "")

    @property
    def la_note(self) -> str:
        """Said beside the authority's figure when it is for the school's phase only: 'state-funded primary schools'."""
        return PHASE_NOTES.get(self.la_area, "")

    def la_label(self, la_name: str) -> str:
        """'Surrey', or 'Surrey (state-funded primary schools)' when the authority's figure is for the school's phase."""
        return f"{la_name} ({self.la_note})" if self.la_note else la_name

    @property
    def years(self) -> list[int]:
        """Every year with a figure, and every year whose school figure a corrected file removed (its row says so)."""
        return sorted(set(self.school) | set(self.la) | set(self.england) | set(self.removed))

    @property
    def latest_year(self) -> int | None:
        """The school's latest year with a figure; its latest year of all if none has one; where a corrected file
        removed all it had, the latest year it removed."""
        return latest_year(self.school) if self.school else max(self.removed, default=None)

    def since_latest(self, names) -> list[tuple[list[str], str]]:
        """Why the school has no figure for each year after its latest one, the years that share a reason
        together, in the order they first occur: [(["2017/18", "2018/19"], "suppressed"), (["2024/25"], "not published")];
        a corrected file that removed a figure named for the reader (`names`, imports.naming.ImportNames)."""
        latest = self.latest_year
        reasons: dict[str, list[str]] = {}
        for year in sorted(set(self.school) | set(self.removed)):
            if latest is not None and (year > latest or (year == latest and year not in self.school)):
                reason = self.text(self.school[year]) if year in self.school else self.removal_reason(year, names)
                reasons.setdefault(reason, []).append(academic_year(year))
        return [(years, reason) for reason, years in reasons.items()]

    def text(self, point):
        return display(point, self.measure)

    def shows_no_data(self, school_column: bool = True) -> bool:
        """Whether a table of every year shows "no data" in a cell: the school's (`school_column`), the authority's or
        England's."""
        missing = display(None, self.measure)
        for year in self.years:
            texts = [*self.la_texts(year), *self.england_texts(year)]
            if school_column:
                texts.append(self.text(self.school.get(year)))
            if any(text.startswith(missing) for text in texts):
                return True
        return False

    def removal_note(self, year: int, names) -> str:
        """Why the school has no figure for a year it had one: the corrected file that no longer gives it, named for the
        reader (`names`, imports.naming.ImportNames)."""
        if (gone := self._removed_at(year)) is None:
            return ""
        return format_html(
            "{}, a corrected file, no longer gives the figure{}: it was {}.",
            names.html(gone.run_id, gone.file_name, gone.imported_at),
            self._under(gone),
            self.text(gone),
        )

    def removal_reason(self, year: int, names) -> str:
        """removal_note in a few words, beside the latest figure: 'no longer given by a corrected file (import 41); it
        was 56%', or to a reader who cannot open the Imports page '(imported 3 March 2026)'."""
        if (gone := self._removed_at(year)) is None:
            return ""
        which = names.which(gone.run_id, gone.imported_at)
        return f"no longer given by a corrected file ({which}); it was {self.text(gone)}{self._under(gone, ',')}"

    def _removed_at(self, year: int) -> Point | None:
        """The school's figure a corrected file removed for the year, where none is held for it now."""
        return None if year in self.school else self.removed.get(year)

    def _under(self, gone: Point, before: str = "") -> str:
        return f"{before} published under URN {gone.urn}" if gone.urn != self.urn else ""

    def correction_note(self, point: Point | None) -> str:
        """'; that import corrected this figure from 65%', where the import that gave the school's figure replaced another."""
        if point is None or point.was is None:
            return ""
        value, status, pupils = point.was
        before = self.measure.format(value, status)
        if before == self.text(point) and pupils != point.cohort:
            return f"; that import corrected the number of pupils, which was {'not given' if pupils is None else f'{pupils:,}'}"
        return f"; that import corrected this figure from {before}"

    def interval_text(self, year: int) -> str:
        """'95% confidence interval -2.9 to 1.3', where DfE gives one with the school's figure for the year."""
        if year not in self.intervals:
            return ""
        low, high = (self.measure.format(value, Status.VALUE) for value in self.intervals[year])
        return f"95% confidence interval {low} to {high}"

    def shared_note(self, year: int) -> str:
        """What the school's figure for a year leaves out: the figure a predecessor's URN has for the same year."""
        others, shown = self.shared.get(year), self.school.get(year)
        if not others or shown is None:
            return ""
        given = "; ".join(
            f"URN {point.urn}{', a predecessor,' if point.urn != self.urn else ''} {self.text(point)}"
            + (f" ({point.source_label})" if point.source != shown.source else "")
            for point in others
        )
        note = f"Also published for {academic_year(year)}: {given}."
        if shown.urn == self.urn and self.opened_on and date(year - 1, 9, 1) < self.opened_on <= date(year, 8, 31):
            note += f" This URN opened on {self.opened_on.day} {self.opened_on:%B %Y}, so each figure covers part of the year."
        return note

    def la_texts(self, year: int) -> list[str]:
        """The authority's figure for a year as the tables show it: as held; and for a year England's is given only for
        the school's phase, the authority's for all its schools and for that phase, each named. The table is the chart's
        accessible version, and the chart draws both: the first on the authority's line, the second beside England's."""
        if not self.compared:
            return [NOT_COMPARED]
        phase = self.la_phase_note(year)
        if not phase:
            return [self.text(self.la.get(year))]
        # Of its state-funded schools, as England's are: "all schools" would read as if its independent schools were in it.
        whole = [f"{self.text(self.la[year])} (all state-funded schools)"] if year in self.la else []
        return [*whole, f"{self.text(self.la_phases[year])} ({phase})"]

    def la_text(self, year: int) -> str:
        return "; ".join(self.la_texts(year))

    def la_phase_note(self, year: int) -> str:
        """'state-funded primary schools' for a year whose England figure is the school's phase's alone, where the authority's for
        that phase is held to set beside it; else ''."""
        if year in self.la_phases and len(self.england_phases.get(year, {})) == 1:
            (area,) = self.england_phases[year]
            return PHASE_NOTES[area]
        return ""

    def england_texts(self, year: int) -> list[str]:
        """England's figure for a year as the tables show it: as published; else each phase's, named, where England's
        is given only phase by phase; else, for a progress score, its national average by definition."""
        if not self.compared:
            return [NOT_COMPARED]
        if year in self.england:
            return [self.text(self.england[year])]
        if year in self.england_phases:
            return [f"{self.text(point)} ({PHASE_NOTES[area]})" for area, point in self.england_phases[year].items()]
        if self.england_by_definition is not None:
            return [f"{self.measure.format(self.england_by_definition, Status.VALUE)} (national average by definition)"]
        return [self.text(None)]

    def england_text(self, year: int) -> str:
        return "; ".join(self.england_texts(year))

    @property
    def england_by_definition(self) -> float | None:
        """England's figure where DfE publishes none because it is fixed by definition (a progress score's 0)."""
        spec = BY_CODE.get(self.measure.code)
        return spec.england_by_definition if spec else None

    def uncounted_years(self) -> list[int]:
        """The years whose school figure the table of every year shows without the number of pupils it counts, where
        other years give one: the file of that year gives none (its "Pupils" cell says "not given")."""
        if not any(point.cohort is not None for point in self.school.values()):
            return []
        return sorted(year for year, point in self.school.items() if point.cohort is None and point.value is not None)

    def by_definition_years(self) -> list[int]:
        """The years whose England figure is shown as its value by definition."""
        if self.england_by_definition is None or not self.compared:
            return []
        return [year for year in self.years if year not in self.england and year not in self.england_phases]

    @property
    def notes(self) -> list[str]:
        """What a table of every year needs to say about its authority and England columns."""
        notes = [self.comparator_note] if self.comparator_note and self.compared and not self.comparator_note_above else []
        if not self.compared:
            notes.append("One school's count is not set beside its authority's or England's total.")
        if self.england_phases:
            notes.append(
                f"England's figure for {years_text(self.england_phases)} is published for each phase of school only,"
                " not for all schools together"
                + (", so the authority's is given for the same phase as well as for all its schools." if self.la_phases else ".")
            )
        if self.by_definition_years():
            notes.append(BY_DEFINITION_NOTE)
        if uncounted := self.uncounted_years():
            whose = "disadvantaged pupils" if self.measure.gap else "pupils"
            notes.append(f"DfE's file for {years_text(uncounted)} gives the school's figure but no number of {whose} it counts.")
        calculated = sorted(year for year, point in self.england.items() if point.computed) if self.compared else []
        la_calculated = self._authority_calculated()
        both = bool(calculated) and not self.measure.gap and la_calculated == (calculated, self.england[calculated[0]].computed)
        if both:
            notes.append(f"The authority's and England's figures for {years_text(calculated)} are {la_calculated[1]}.")
        elif calculated:
            notes.append(
                f"England's figure for {years_text(calculated)} is {CALCULATED_GAP_NOTE}"
                if self.measure.gap
                else f"England's figure for {years_text(calculated)} is {self.england[calculated[0]].computed}."
            )
        if la_calculated and not both:
            notes.append(f"The authority's figure for {years_text(la_calculated[0])} is {la_calculated[1]}.")
        if self.compared and (whose := self._places_differ()):
            notes.append(
                f"{whose[:1].upper()}{whose[1:]} figures are shown with a decimal place where they have one that is not zero, and as"
                " whole numbers otherwise, as DfE's files give them: so they are not all to the same precision."
            )
        spec = BY_CODE.get(self.measure.code)
        if self.compared and spec and spec.no_la_figure and not any(point.value is not None for point in self.la.values()):
            notes.append(spec.no_la_figure)
        return notes

    def _authority_calculated(self) -> tuple[list[int], str] | None:
        """The years whose authority figure beside a school's (for all its schools, or for the school's phase) was
        calculated here, not published, and how: a school's table names only the school's figure's source, so its notes
        must say so. None on the authority's own page, whose table names its figures' sources, or where none was."""
        if self.urn is None or not self.compared:
            return None
        points = [point for figures in (self.la, self.la_phases) for point in figures.values() if point.computed]
        if not points:
            return None
        return sorted({point.year for point in points}), points[0].computed

    def _places_differ(self) -> str:
        """Whose figures, the authority's or England's, are shown with a decimal place in some years and as whole numbers
        in others ('64.2%' beside '65%'): "the authority's and England's", "England's", or "" where neither's are."""
        whose = []
        for name, points in (("the authority's", self.la), ("England's", self.england)):
            shown = {places_for(p.value, self.measure.places) for p in points.values() if p.value is not None and not p.computed}
            if len(shown) > 1:
                whose.append(name)
        return " and ".join(whose)


def latest_year(points: dict[int, Point]) -> int | None:
    """The latest year with a figure, else the latest year (whose point then says why it has none)."""
    with_value = [year for year, point in points.items() if point.status == Status.VALUE]
    return max(with_value or points, default=None)
