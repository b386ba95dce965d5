"""Gathering a school's (or an authority's) figures for pages, exports and the `school` command.

Where two sources give the same measure for the same year (KS4 final and provisional 2018/19), the
final figures win. Where the school and a predecessor both have one (a merger), the nearest URN wins.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from register.models import School

from .catalogue import BY_CODE, CONFIDENCE_LIMITS, ETHNIC_GROUP_NAMES, Unit, calculated_how
from .models import Area, AreaObservation, FigureChange, Measure, Observation, Source, Status, academic_year
from .years import years_text

# Most authoritative first.
SOURCE_ORDER = [
    Source.KS2_FINAL,
    Source.KS2_REVISED,
    Source.KS2_PROVISIONAL,
    Source.KS4_FINAL,
    Source.KS4_REVISED,
    Source.CENSUS_SPC,
    Source.CENSUS_SUMMARY,
    Source.ABSENCE,
    Source.KS4_SCHOOL_INFO,
    Source.KS4_SCHOOL_INFO_REVISED,
    Source.KS4_PROVISIONAL,
    Source.KS4_SCHOOL_INFO_PROVISIONAL,
]
RANK = {source: i for i, source in enumerate(SOURCE_ORDER)}


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
    computed: str = ""  # how the figure was calculated here (catalogue.calculated_how); empty for one published
    # What the figure was before the import that gave it corrected it: (value, status, pupils); None if it did not.
    was: tuple[float | None, int, int | None] | None = None

    @property
    def academic_year(self) -> str:
        return academic_year(self.year)

    @property
    def source_label(self) -> str:
        return Source(self.source).label

    @property
    def status_label(self) -> str:
        return Status(self.status).label.lower()


def display(point: Point | None, measure: Measure) -> str:
    """A figure as text: '56%', '-0.80', 'suppressed'. Never 0 for a missing value."""
    if point is None:
        return "no data"
    if point.value is None and point.status == Status.NOT_APPLICABLE and point.cohort == 0:
        return "not applicable (no pupils)"
    return measure.format(point.value, point.status)


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
        """Said beside an England figure that is for the school's phase only: 'primary schools'."""
        return PHASE_NOTES.get(self.england_area, "")

    @property
    def la_note(self) -> str:
        """Said beside the authority's figure when it is for the school's phase only: 'primary schools'."""
        return PHASE_NOTES.get(self.la_area, "")

    def la_label(self, la_name: str) -> str:
        """'Surrey', or 'Surrey (primary schools)' when the authority's figure is for the school's phase."""
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

    @property
    def since_latest(self) -> list[tuple[list[str], str]]:
        """Why the school has no figure for each year after its latest one, the years that share a reason
        together, in the order they first occur: [(["2017/18", "2018/19"], "suppressed"), (["2024/25"], "not applicable")]."""
        latest = self.latest_year
        reasons: dict[str, list[str]] = {}
        for year in sorted(set(self.school) | set(self.removed)):
            if latest is not None and (year > latest or (year == latest and year not in self.school)):
                reason = self.text(self.school[year]) if year in self.school else self.removal_reason(year)
                reasons.setdefault(reason, []).append(academic_year(year))
        return [(years, reason) for reason, years in reasons.items()]

    def text(self, point):
        return display(point, self.measure)

    def removal_note(self, year: int) -> str:
        """Why the school has no figure for a year it had one: the corrected file that no longer gives it."""
        if (gone := self._removed_at(year)) is None:
            return ""
        file = f"{gone.file_name} (import {gone.run_id})"
        return f"{file}, a corrected file, no longer gives the figure{self._under(gone)}: it was {self.text(gone)}."

    def removal_reason(self, year: int) -> str:
        """removal_note in a few words, beside the latest figure: 'no longer given by a corrected file (import 41); it was 56%'."""
        if (gone := self._removed_at(year)) is None:
            return ""
        return f"no longer given by a corrected file (import {gone.run_id}); it was {self.text(gone)}{self._under(gone, ',')}"

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
            return f"; that import corrected the number of pupils, from {'none given' if pupils is None else f'{pupils:,}'}"
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
        whole = [f"{self.text(self.la[year])} (all schools)"] if year in self.la else []
        return [*whole, f"{self.text(self.la_phases[year])} ({phase})"]

    def la_text(self, year: int) -> str:
        return "; ".join(self.la_texts(year))

    def la_phase_note(self, year: int) -> str:
        """'primary schools' for a year whose England figure is the school's phase's alone, where the authority's for
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

    def by_definition_years(self) -> list[int]:
        """The years whose England figure is shown as its value by definition."""
        if self.england_by_definition is None or not self.compared:
            return []
        return [year for year in self.years if year not in self.england and year not in self.england_phases]

    @property
    def notes(self) -> list[str]:
        """What a table of every year needs to say about its authority and England columns."""
        notes = [self.comparator_note] if self.comparator_note and self.compared else []
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
        if calculated := [year for year, point in self.england.items() if point.computed] if self.compared else []:
            notes.append(
                f"England's figure for {years_text(sorted(calculated))} is {CALCULATED_GAP_NOTE}"
                if self.measure.gap
                else f"England's figure for {years_text(sorted(calculated))} is {self.england[calculated[0]].computed}."
            )
        spec = BY_CODE.get(self.measure.code)
        if self.compared and spec and spec.no_la_figure and not any(point.value is not None for point in self.la.values()):
            notes.append(spec.no_la_figure)
        return notes


def latest_year(points: dict[int, Point]) -> int | None:
    """The latest year with a figure, else the latest year (whose point then says why it has none)."""
    with_value = [year for year, point in points.items() if point.status == Status.VALUE]
    return max(with_value or points, default=None)


def _better(new: Point, old: Point | None, urn_rank: dict[int, int]) -> bool:
    if old is None:
        return True
    return (RANK.get(new.source, 99), urn_rank.get(new.urn, 99)) < (RANK.get(old.source, 99), urn_rank.get(old.urn, 99))


def school_points(urns: list[int], measures=None) -> dict[str, dict[int, Point]]:
    """measure code → year → the chosen Point, across the school's history of URNs."""
    return chosen_points(every_school_point(urns, measures), urns)


def shared_years(points: list[tuple[str, Point]], chosen: dict[str, dict[int, Point]]) -> dict[str, dict[int, list[Point]]]:
    """measure code → year → the figures other URNs have for a year whose chosen figure is another URN's: each URN's
    most authoritative, nearest first as `points` come from chosen_points' order of URNs."""
    best: dict[tuple[str, int, int], Point] = {}
    for code, point in points:
        shown = chosen[code][point.year]
        key = (code, point.year, point.urn)
        if point.urn != shown.urn and _better(point, best.get(key), {}):
            best[key] = point
    shared: dict[str, dict[int, list[Point]]] = defaultdict(dict)
    for (code, year, _), point in sorted(best.items(), key=lambda item: item[0]):
        shared[code].setdefault(year, []).append(point)
    return shared


def every_school_point(urns: list[int], measures=None, corrected: dict | None = None) -> list[tuple[str, Point]]:
    """(measure code, Point) for every figure held for these URNs: every source, every URN; with what a corrected file
    replaced (`was`), from `corrected` (see figure_changes), where it is given."""
    rows = Observation.objects.filter(school__urn__in=urns)
    if measures is not None:
        rows = rows.filter(measure__in=measures)
    fields = ("measure__code", "year", "value", "status", "source", "cohort", "import_run_id", "import_run__file_name", "school__urn")
    corrected = corrected or {}
    return [
        (code, Point(year, value, status, source, cohort, run_id, file_name, urn, was=corrected.get((code, year, source, urn, run_id))))
        for code, year, value, status, source, cohort, run_id, file_name, urn in rows.values_list(*fields)
    ]


def figure_changes(urns: list[int], measures) -> tuple[dict[tuple, tuple], dict[str, dict[int, Point]]]:
    """What corrected files changed in these URNs' figures, in one query: (measure code, year, source, URN, import) →
    what that import replaced, as (value, status, pupils); and measure code → year → the latest figure one removed, as
    it was, with the run and file of the import that removed it."""
    changes = FigureChange.objects.filter(school__urn__in=urns, measure__in=measures).order_by("import_run_id")
    fields = ("measure__code", "year", "source", "school__urn", "import_run_id", "import_run__file_name")
    fields += ("old_value", "old_status", "old_cohort", "new_status")
    replaced: dict[tuple, tuple] = {}
    removed: dict[str, dict[int, Point]] = defaultdict(dict)
    for code, year, source, urn, run_id, file_name, value, status, pupils, new_status in changes.values_list(*fields):
        if new_status is None:
            removed[code][year] = Point(year, value, status, source, pupils, run_id, file_name, urn)
        else:
            replaced[(code, year, source, urn, run_id)] = (value, status, pupils)
    return replaced, removed


def chosen_points(points: list[tuple[str, Point]], urns: list[int]) -> dict[str, dict[int, Point]]:
    """measure code → year → the Point the pages show: the most authoritative source, then the current URN."""
    urn_rank = {urn: i for i, urn in enumerate(urns)}
    chosen: dict[str, dict[int, Point]] = defaultdict(dict)
    for code, point in points:
        if _better(point, chosen[code].get(point.year), urn_rank):
            chosen[code][point.year] = point
    return chosen


def area_points(measures, *, la_code: int | None = None, area=Area.ENGLAND) -> dict[str, dict[int, Point]]:
    rows = AreaObservation.objects.filter(measure__in=measures, area=area, la_code=la_code or 0)
    fields = ("measure__code", "year", "value", "status", "source", "cohort", "import_run_id", "import_run__file_name", "computed")
    chosen: dict[str, dict[int, Point]] = defaultdict(dict)
    for code, year, value, status, source, cohort, run_id, file_name, computed in rows.values_list(*fields):
        point = Point(year, value, status, source, cohort, run_id, file_name, computed=calculated_how(code) if computed else "")
        if _better(point, chosen[code].get(year), {}):
            chosen[code][year] = point
    return chosen


# GIAS phases and the phase of DfE's national figures they are compared with (special schools go by type).
PHASE_AREAS = {
    "Primary": Area.ENGLAND_PRIMARY,
    "Middle deemed primary": Area.ENGLAND_PRIMARY,
    "Secondary": Area.ENGLAND_SECONDARY,
    "Middle deemed secondary": Area.ENGLAND_SECONDARY,
    "All-through": Area.ENGLAND_SECONDARY,
}

PHASE_NOTES = {
    Area.ENGLAND_PRIMARY: "primary schools",
    Area.ENGLAND_SECONDARY: "secondary schools",
    Area.ENGLAND_SPECIAL: "special schools",
    Area.LA_PRIMARY: "primary schools",
    Area.LA_SECONDARY: "secondary schools",
    Area.LA_SPECIAL: "special schools",
}
# The authority's figures for the phase of England's that a school is compared with.
LA_PHASE = {Area.ENGLAND_PRIMARY: Area.LA_PRIMARY, Area.ENGLAND_SECONDARY: Area.LA_SECONDARY, Area.ENGLAND_SPECIAL: Area.LA_SPECIAL}


def phase_area(school) -> int | None:
    """Which of England's phase figures suits the school: DfE counts all-through schools as secondary. England's
    figures are for state-funded schools (the pages say so), and a special school of any kind is closest to its
    special schools: an independent special school's EHC plans beside mainstream secondaries' would mislead."""
    if "special" in school.type_name.lower() or "special" in school.type_group.lower():
        return Area.ENGLAND_SPECIAL
    return PHASE_AREAS.get(school.phase)


def school_series(school, urns: list[int], *, key_only=True) -> list[Series]:
    """Series for each catalogue measure the school has figures for, in catalogue order.

    England's line is the figure for all state-funded schools; for a measure that has none (absence,
    the census summary) it is England's figure for the school's own phase, and the pages say so. The
    two are never joined into one line: a year England gives only phase by phase (EAL in 2018/19) shows
    the phase's figure, named, beside England's line. A count (pupils on roll) is set beside no area's."""
    measures = list(Measure.objects.filter(key=True) if key_only else Measure.objects.all())
    replaced, removed = figure_changes(urns, measures)
    every = every_school_point(urns, measures, replaced)
    by_school = chosen_points(every, urns)
    shared = shared_years(every, by_school)
    # A measure whose every figure a corrected file removed is still shown, to say so.
    present = [m for m in measures if m.code in by_school or m.code in removed]
    # A count for all the authority's or England's schools says nothing beside one school's.
    comparable = [m for m in present if m.unit != Unit.COUNT]
    la = area_points(comparable, la_code=school.la.code, area=Area.LA)
    england = area_points(comparable, area=Area.ENGLAND)
    phase = phase_area(school)
    of_phase = area_points(comparable, area=phase) if phase and comparable else {}
    by_phase = {code: points for code, points in of_phase.items() if code not in england}
    # Beside England's figure for the school's phase, the authority's for that phase (computed from the census
    # summary's counts), where it is held; else the authority's for all its schools. One query serves both that
    # and the years England gives only phase by phase (la_phases below).
    la_of_phase = area_points(comparable, la_code=school.la.code, area=LA_PHASE[phase]) if phase and comparable else {}
    la_by_phase = {code: points for code, points in la_of_phase.items() if code in by_phase}
    series = []
    for m in present:
        mine = by_school.get(m.code, {})
        if m.unit == Unit.COUNT:
            series.append(Series(m, mine, compared=False))
        elif m.code not in by_phase:
            one = Series(m, mine, la.get(m.code, {}), england.get(m.code, {}))
            one.england_phases = phases_where_england_has_none(one, {phase: of_phase.get(m.code, {})})
            one.la_phases = {year: point for year, point in la_of_phase.get(m.code, {}).items() if year in one.england_phases}
            if phase == Area.ENGLAND_SPECIAL:
                one.comparator_note = SPECIAL_NOTE
            series.append(one)
        elif m.code in la_by_phase:
            series.append(Series(m, mine, la_by_phase[m.code], by_phase[m.code], england_area=phase, la_area=LA_PHASE[phase]))
        else:
            series.append(Series(m, mine, la.get(m.code, {}), by_phase[m.code], england_area=phase))
    for one in series:
        one.shared, one.urn, one.opened_on = shared.get(one.measure.code, {}), school.urn, school.opened_on
        one.removed = removed.get(one.measure.code, {})
    _add_intervals(series, urns)
    return series


def _add_intervals(series: list[Series], urns: list[int]) -> None:
    """Each progress score's 95% confidence interval, from the same file and URN as the score shown, where both limits are given."""
    limits = {s.measure.code: CONFIDENCE_LIMITS[s.measure.code] for s in series if s.measure.code in CONFIDENCE_LIMITS}
    if not limits:
        return
    wanted = Measure.objects.filter(code__in=[code for pair in limits.values() for code in pair])
    held = {(code, p.year, p.urn, p.source): p.value for code, p in every_school_point(urns, wanted) if p.value is not None}
    for one in series:
        if one.measure.code not in limits:
            continue
        low_code, high_code = limits[one.measure.code]
        for year, shown in one.school.items():
            low, high = (held.get((code, year, shown.urn, shown.source)) for code in (low_code, high_code))
            if shown.value is not None and low is not None and high is not None:
                one.intervals[year] = (low, high)


# Beside a special school's figures where England's are not given for special schools alone (results, the 2023 census).
SPECIAL_NOTE = (
    "This is a special school: the authority's and England's figures beside it are for all their state-funded schools,"
    " mainstream and special together: no figure for special schools alone is held."
)


ENGLAND_PHASES = (Area.ENGLAND_PRIMARY, Area.ENGLAND_SECONDARY, Area.ENGLAND_SPECIAL)


def authority_series(la_code: int) -> list[Series]:
    """Series for each key measure the authority has figures for, beside England's; a year England's is given only
    phase by phase (the 2018/19 census summary) shows each phase's."""
    measures = list(Measure.objects.filter(key=True))
    la = area_points(measures, la_code=la_code, area=Area.LA)
    present = [m for m in measures if m.code in la]
    england = area_points(present, area=Area.ENGLAND)
    phases = {area: area_points(present, area=area) for area in ENGLAND_PHASES}
    series = []
    for m in present:
        one = Series(m, {}, la[m.code], england.get(m.code, {}))
        one.england_phases = phases_where_england_has_none(one, {area: phases[area].get(m.code, {}) for area in ENGLAND_PHASES})
        series.append(one)
    return series


def without_authority_figure(la_code: int, series: list[Series]) -> list[tuple[Measure, str]]:
    """The key measures the authority's schools have figures for but the authority has none of, where the files give
    none and none can be calculated (absence): each with why, so that the overview does not leave them out unsaid."""
    shown = {one.measure.code for one in series}
    unexplained = {code for code, spec in BY_CODE.items() if spec.no_la_figure} - shown
    candidates = list(Measure.objects.filter(key=True, code__in=unexplained))
    if not candidates:
        return []
    # One probe of each measure, school by school through the unique index, which stops at the first figure found,
    # rather than gathering every figure of the authority's schools.
    schools = School.objects.filter(la__code=la_code)
    held = [m for m in candidates if Observation.objects.filter(school__in=schools, measure=m).exists()]
    return [(m, BY_CODE[m.code].no_la_figure) for m in held]


def phases_where_england_has_none(series: Series, phases: dict[int, dict[int, Point]]) -> dict[int, dict[int, Point]]:
    """Year → phase → England's figure for that phase, for each year the series shows without England's figure."""
    found = {}
    for year in series.years:
        given = {area: points[year] for area, points in phases.items() if year in points}
        if year not in series.england and given:
            found[year] = given
    return found


def gap_context(series: list[Series], urns: list[int]) -> dict[str, list[Series]]:
    """Gap measure code → the series of the disadvantaged and the other pupils' figures it is the difference of."""
    wanted = [code for s in series if s.measure.gap for code in getattr(BY_CODE.get(s.measure.code), "parts", None) or ()]
    if not wanted:
        return {}
    measures = {m.code: m for m in Measure.objects.filter(code__in=wanted)}
    points = school_points(urns, measures.values())
    # England's too: DfE measures the gap against other pupils nationally, not the school's own.
    england = area_points(measures.values(), area=Area.ENGLAND)
    return {
        s.measure.code: [Series(measures[code], points.get(code, {}), england=england.get(code, {})) for code in parts if code in measures]
        for s in series
        if (parts := getattr(BY_CODE.get(s.measure.code), "parts", None))
    }


@dataclass
class Breakdown:
    """How a school's pupils divide (by ethnic group) in one year, beside its authority and England."""

    year: int
    rows: list[tuple[str, Measure, Point | None, Point | None, Point | None]]  # name, measure, school, LA, England

    @property
    def academic_year(self) -> str:
        return academic_year(self.year)

    @property
    def first_point(self) -> Point | None:
        """A figure the table shows (the school's, else the authority's), for its source."""
        return next((school or la for _, _, school, la, _ in self.rows if school or la), None)


def ethnic_groups(la_code: int, urns: list[int] = ()) -> Breakdown | None:
    """Pupils by ethnic group in the latest census year that gives them: the school's (whose URNs are
    `urns`) beside its authority and England, or without `urns` the authority's beside England; or None."""
    measures = {m.code: m for m in Measure.objects.filter(code__in=ETHNIC_GROUP_NAMES)}
    la = area_points(measures.values(), la_code=la_code, area=Area.LA)
    points = school_points(urns, measures.values()) if urns else {}
    given = points if urns else la
    years = {year for by_year in given.values() for year, point in by_year.items() if point.status == Status.VALUE}
    if not years:
        return None
    year = max(years)
    england = area_points(measures.values(), area=Area.ENGLAND)
    rows = [
        (name, measures[code], points.get(code, {}).get(year), la.get(code, {}).get(year), england.get(code, {}).get(year))
        for code, name in ETHNIC_GROUP_NAMES.items()
        if code in measures
    ]
    return Breakdown(year, rows)
