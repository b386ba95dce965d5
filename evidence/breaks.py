"""Where a measure's trend breaks: years with no published data, and changes that make years incomparable.

Plain data and functions, no Django. A trend is never drawn across a break: the chart starts a new
line, and the chart and its table say why. Years are the calendar year the academic year ends (2017 =
2016/17); a break sits between the last year before `first_year` and `first_year` itself.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from .catalogue import MEASURES
from .years import years_text


class Kind:
    NO_DATA = "no data"  # nothing was published for `missing` years
    CHANGE = "change"  # figures from `first_year` on are not comparable with earlier ones


@dataclass(frozen=True)
class Break:
    code: str
    kind: str
    first_year: int
    measures: frozenset[str]
    reason: str  # the sentence the chart and table show
    missing: tuple[int, ...] = ()

    def between(self, before: int, after: int) -> bool:
        """Does this break fall between two years (before < after)?"""
        return before < self.first_year <= after

    @property
    def short_label(self) -> str:
        return "No data" if self.kind == Kind.NO_DATA else "Break"


def _codes(*prefixes: str, without: Iterable[str] = ()) -> frozenset[str]:
    return frozenset(m.code for m in MEASURES if m.code.startswith(prefixes)) - set(without)


# Pupils' characteristics (cohort size, % disadvantaged …) do not change meaning with the assessments.
KS2_CONTEXT = {"ks2_cohort", "ks2_disadvantaged_pct", "ks2_eal_pct", "ks2_sen_support_pct", "ks2_ehcp_pct"}
KS4_ATTAINMENT = {
    "ks4_attainment8",
    "ks4_attainment8_disadvantaged",
    "ks4_attainment8_other",
    "ks4_attainment8_gap",
    "ks4_basics_94",
    "ks4_basics_95",
    "ks4_ebacc_aps",
}

BREAKS: tuple[Break, ...] = (
    Break(
        "ks2_2016",
        Kind.CHANGE,
        2016,
        _codes("ks2_", without=KS2_CONTEXT),
        "Not comparable with earlier years: new key stage 2 tests and assessments from 2015/16 "
        "(scaled scores and the expected standard replaced national curriculum levels).",
    ),
    Break(
        "ks2_writing_2018",
        Kind.CHANGE,
        2018,
        _codes("ks2_rwm_", "ks2_writing_progress"),
        "Not directly comparable with earlier years: revised frameworks for teachers' assessment of writing from "
        "2017/18 (more weight on composition, and discretion where a particular weakness would otherwise hold a pupil back).",
    ),
    Break(
        "gcse_9_to_1",
        Kind.CHANGE,
        2017,
        frozenset(KS4_ATTAINMENT),
        "Not comparable with earlier years: GCSEs graded 9 to 1 from 2016/17, starting with English and maths, "
        "with new point scores for Attainment 8.",
    ),
    Break(
        "progress8_extreme_scores",
        Kind.CHANGE,
        2018,
        _codes("ks4_progress8"),
        "Not directly comparable with earlier years: from 2017/18 a pupil's extremely negative score counts for less "
        "in a school's Progress 8 (DfE's adjustment for extreme scores).",
    ),
    Break(
        "pandemic",
        Kind.NO_DATA,
        2020,
        _codes("ks2_", "ks4_"),
        "No data published for 2019/20 and 2020/21 (pandemic).",
        missing=(2020, 2021),
    ),
    Break(
        "no_progress8_2025",
        Kind.NO_DATA,
        2025,
        _codes("ks4_progress8"),
        "No Progress 8 published for 2024/25: these pupils had no key stage 2 test results (tests cancelled in 2020).",
        missing=(2025,),
    ),
)


def breaks_for(measure: str) -> tuple[Break, ...]:
    return tuple(b for b in BREAKS if measure in b.measures)


def breaks_between(measure: str, before: int, after: int) -> tuple[Break, ...]:
    return tuple(b for b in breaks_for(measure) if b.between(before, after))


def comparable(measure: str, before: int, after: int) -> bool:
    """May a trend line join these two years? Only adjacent years with no break between them."""
    return after == before + 1 and not breaks_between(measure, before, after)


def breaks_in(measure: str, years: Iterable[int]) -> list[tuple[int, int, tuple[Break, ...]]]:
    """The breaks among the years shown: (year before, year after, breaks between them), oldest first.
    Years missing for no known reason (no file for them has been imported) are a break of their own."""
    shown = sorted(set(years))
    found = []
    for before, after in zip(shown, shown[1:], strict=False):
        known = breaks_between(measure, before, after)
        explained = {year for b in known for year in b.missing}
        unexplained = tuple(year for year in range(before + 1, after) if year not in explained)
        between = known + ((_not_held(measure, unexplained),) if unexplained else ())
        if between:
            found.append((before, after, between))
    return found


def _not_held(measure: str, missing: tuple[int, ...]) -> Break:
    reason = f"No figures for {years_text(missing)} have been imported."
    return Break("not_held", Kind.NO_DATA, missing[0], frozenset({measure}), reason, missing)
