"""Gathering a school's (or an authority's) figures for pages, exports and the `school` command.

Where two sources give the same measure for the same year (KS4 final and provisional 2018/19), the
final figures win. Where the school and a predecessor both have one (a merger), the nearest URN wins.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from .catalogue import ETHNIC_GROUP_NAMES, Unit
from .models import Area, AreaObservation, Measure, Observation, Source, Status, academic_year

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
    computed: bool = False

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
    return measure.format(point.value, point.status)


@dataclass
class Series:
    measure: Measure
    school: dict[int, Point] = field(default_factory=dict)
    la: dict[int, Point] = field(default_factory=dict)
    england: dict[int, Point] = field(default_factory=dict)
    england_area: int = Area.ENGLAND  # or the school's phase, where England is only given phase by phase
    la_area: int = Area.LA  # or the authority's schools of that phase, where England's figure is a phase's

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
        return sorted(set(self.school) | set(self.la) | set(self.england))

    @property
    def latest_year(self) -> int | None:
        """The school's latest year with a figure; its latest year of all if none has one."""
        return latest_year(self.school)

    @property
    def since_latest(self) -> list[tuple[list[str], str]]:
        """Why the school has no figure for each year after its latest one, the years that share a reason
        together, in the order they first occur: [(["2017/18", "2018/19"], "suppressed"), (["2024/25"], "not applicable")]."""
        latest = self.latest_year
        reasons: dict[str, list[str]] = {}
        for year in sorted(self.school):
            if latest is not None and year > latest:
                point = self.school[year]
                reasons.setdefault(self.text(point), []).append(point.academic_year)
        return [(years, reason) for reason, years in reasons.items()]

    def text(self, point):
        return display(point, self.measure)


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


def every_school_point(urns: list[int], measures=None) -> list[tuple[str, Point]]:
    """(measure code, Point) for every figure held for these URNs: every source, every URN."""
    rows = Observation.objects.filter(school__urn__in=urns)
    if measures is not None:
        rows = rows.filter(measure__in=measures)
    fields = ("measure__code", "year", "value", "status", "source", "cohort", "import_run_id", "import_run__file_name", "school__urn")
    return [(code, Point(year, *rest)) for code, year, *rest in rows.values_list(*fields)]


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
        point = Point(year, value, status, source, cohort, run_id, file_name, computed=computed)
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
    two are never joined into one line, and a count (pupils on roll) is never set beside a phase's total."""
    measures = list(Measure.objects.filter(key=True) if key_only else Measure.objects.all())
    by_school = school_points(urns, measures)
    present = [m for m in measures if m.code in by_school]
    la = area_points(present, la_code=school.la.code, area=Area.LA)
    england = area_points(present, area=Area.ENGLAND)
    phase = phase_area(school)
    # A count (pupils on roll) for all England's primary schools says nothing beside one school's.
    wanted = [m for m in present if m.code not in england and m.unit != Unit.COUNT]
    by_phase = area_points(wanted, area=phase) if phase and wanted else {}
    # Beside England's figure for the school's phase, the authority's for that phase (computed from the census
    # summary's counts), where it is held; else the authority's for all its schools.
    la_by_phase = area_points(wanted, la_code=school.la.code, area=LA_PHASE[phase]) if by_phase else {}
    series = []
    for m in present:
        if m.code not in by_phase:
            series.append(Series(m, by_school[m.code], la.get(m.code, {}), england.get(m.code, {})))
        elif m.code in la_by_phase:
            series.append(Series(m, by_school[m.code], la_by_phase[m.code], by_phase[m.code], england_area=phase, la_area=LA_PHASE[phase]))
        else:
            series.append(Series(m, by_school[m.code], la.get(m.code, {}), by_phase[m.code], england_area=phase))
    return series


def gap_context(series: list[Series], urns: list[int]) -> dict[str, Series]:
    """For gap measures, the disadvantaged and other pupils' figures behind them."""
    behind = {
        "ks2_rwm_expected_gap": ("ks2_rwm_expected_disadvantaged", "ks2_rwm_expected_other"),
        "ks4_progress8_gap": ("ks4_progress8_disadvantaged",),
    }
    wanted = [code for s in series if s.measure.gap for code in behind.get(s.measure.code, ())]
    if not wanted:
        return {}
    measures = list(Measure.objects.filter(code__in=wanted))
    points = school_points(urns, measures)
    return {m.code: Series(m, points.get(m.code, {})) for m in measures}


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
