"""Gathering a school's (or an authority's) figures for pages and exports: each measure's series beside its authority's
and England's (for the school's phase where England's are given phase by phase, or none are for all schools), the parts
of a gap, the measures the authority has no figure of, and pupils by ethnic group. Which figure is shown is chosen in
evidence.points; how a series is worded is in evidence.series.
"""

from dataclasses import dataclass

from register.models import School
from register.presenters import is_state_funded

from .catalogue import BY_CODE, CONFIDENCE_LIMITS, ETHNIC_GROUP_NAMES, Unit
from .models import Area, Measure, Observation, Status, academic_year
from .points import area_points, chosen_points, every_school_point, figure_changes, school_points, shared_years
from .series import Point, Series

# GIAS phases and the phase of DfE's national figures they are compared with (special schools go by type; a 16 to 19
# school's, none: SIXTEEN_PLUS_NOTE says so, once on the page).
PHASE_AREAS = {
    "Primary": Area.ENGLAND_PRIMARY,
    "Middle deemed primary": Area.ENGLAND_PRIMARY,
    "Secondary": Area.ENGLAND_SECONDARY,
    "Middle deemed secondary": Area.ENGLAND_SECONDARY,
    "All-through": Area.ENGLAND_SECONDARY,
}
# GIAS's phase of sixth-form colleges and 16 to 19 academies, which no phase of DfE's figures is (SIXTEEN_PLUS_NOTE).
SIXTEEN_PLUS = "16 plus"
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
            elif school.phase == SIXTEEN_PLUS:
                one.comparator_note = SIXTEEN_PLUS_NOTE
            series.append(one)
        elif m.code in la_by_phase:
            series.append(Series(m, mine, la_by_phase[m.code], by_phase[m.code], england_area=phase, la_area=LA_PHASE[phase]))
        else:
            series.append(Series(m, mine, la.get(m.code, {}), by_phase[m.code], england_area=phase))
    for one in series:
        one.shared, one.urn, one.opened_on = shared.get(one.measure.code, {}), school.urn, school.opened_on
        one.removed = removed.get(one.measure.code, {})
        if not is_state_funded(school):  # an independent special school's is also a special school's
            one.comparator_note = " ".join(filter(None, (NOT_STATE_FUNDED_NOTE, one.comparator_note)))
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


# Beside a 16 to 19 school's figures (GIAS phase "16 plus"): DfE publishes none for its phase, and the 2018/19 census
# summary, the one file that lists Surrey's 16 to 19 academies, puts them among state-funded secondary schools, each
# with no figure of its own (NA). Beside secondary schools' figures, of pupils aged 11 to 16 mostly, its would mislead.
SIXTEEN_PLUS_NOTE = (
    "This is a school for students aged 16 to 19: DfE publishes no figures for such schools as a phase of their own, and"
    " its census counts them among secondary schools, whose pupils are mostly aged 11 to 16, so no phase's figures are set"
    " beside this school's. The authority's and England's figures beside it are for all their state-funded schools; in a"
    " year England's figure is published only for primary, secondary and special schools, none is shown."
)


# Beside the figures of a school that is not state-funded (an independent school's census figures): the authority's and
# England's, computed or published, are of their state-funded schools.
NOT_STATE_FUNDED_NOTE = (
    "This school is not state-funded: the authority's and England's figures beside it are for their state-funded schools only."
)


def section_note(series: list[Series]) -> str:
    """The note on the figures beside the school's (SPECIAL_NOTE, SIXTEEN_PLUS_NOTE, NOT_STATE_FUNDED_NOTE) that every
    measure of a section compared with them shares, to be said once above the section: the same words below each
    measure's table were read out again and again. Each of them then leaves it out of its own notes. "" where the
    section's measures differ (a special school's measures set beside special schools' figures need none)."""
    compared = [one for one in series if one.compared]
    notes = {one.comparator_note for one in compared}
    if len(notes) != 1 or not (note := notes.pop()):
        return ""
    for one in compared:
        one.comparator_note_above = True
    return note


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
    # rather than gathering every figure of the authority's schools. The probe is given the schools' ids, not a
    # subquery: with one, PostgreSQL walked every school of England and every figure of the measure (25 to 50 ms a
    # probe with all England loaded, where the ids take well under one).
    schools = list(School.objects.filter(la__code=la_code).values_list("id", flat=True))
    held = [m for m in candidates if schools and Observation.objects.filter(school_id__in=schools, measure=m).exists()]
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
