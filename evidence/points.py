"""The figures held for schools and areas, as Points (evidence.series): every figure of a school's URNs, the one the
pages show for each measure and year, and what corrected files changed or removed. Where two sources give the same
measure for the same year (KS4 final and provisional 2018/19), the final figures win. Where the school and a predecessor
both have one (a merger), the nearest URN wins.
"""

from collections import defaultdict

from .catalogue import calculated_how
from .models import Area, AreaObservation, FigureChange, Observation, Source
from .series import Point

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
    fields += ("import_run__started_at",)
    corrected = corrected or {}
    return [
        (
            code,
            Point(year, value, status, source, cohort, run_id, file_name, urn, on, was=corrected.get((code, year, source, urn, run_id))),
        )
        for code, year, value, status, source, cohort, run_id, file_name, urn, on in rows.values_list(*fields)
    ]


def figure_changes(urns: list[int], measures) -> tuple[dict[tuple, tuple], dict[str, dict[int, Point]]]:
    """What corrected files changed in these URNs' figures, in one query: (measure code, year, source, URN, import) →
    what that import replaced, as (value, status, pupils); and measure code → year → the latest figure one removed, as
    it was, with the run and file of the import that removed it."""
    changes = FigureChange.objects.filter(school__urn__in=urns, measure__in=measures).order_by("import_run_id")
    fields = ("measure__code", "year", "source", "school__urn", "import_run_id", "import_run__file_name", "import_run__started_at")
    fields += ("old_value", "old_status", "old_cohort", "new_status")
    replaced: dict[tuple, tuple] = {}
    removed: dict[str, dict[int, Point]] = defaultdict(dict)
    for code, year, source, urn, run_id, file_name, on, value, status, pupils, new_status in changes.values_list(*fields):
        if new_status is None:
            removed[code][year] = Point(year, value, status, source, pupils, run_id, file_name, urn, on)
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
    fields += ("import_run__started_at",)
    chosen: dict[str, dict[int, Point]] = defaultdict(dict)
    for code, year, value, status, source, cohort, run_id, file_name, computed, on in rows.values_list(*fields):
        how = calculated_how(code) if computed else ""
        point = Point(year, value, status, source, cohort, run_id, file_name, imported_at=on, computed=how)
        if _better(point, chosen[code].get(year), {}):
            chosen[code][year] = point
    return chosen
