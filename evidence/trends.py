"""A measure as the results pages show it: its chart, the breaks in its trend and what its column means.

Pages call `trends_of`, which looks up what the meta files say (evidence.meta) for every measure on the page
and the table of breaks (evidence.breaks) for each, and draws each chart (evidence.charts).
"""

from dataclasses import dataclass
from functools import cached_property

from markupsafe import Markup

from .breaks import Break, breaks_in, comparable
from .catalogue import Unit
from .charts import Marker, legend, trend_svg
from .meta import Meaning, meanings
from .presenters import Series
from .years import academic_year, years_text


@dataclass(frozen=True)
class BreakNote:
    """A break shown on a page: between which two of the years shown it falls, and why."""

    before: int
    after: int
    brk: Break

    @property
    def between(self) -> str:
        return f"{academic_year(self.before)} and {academic_year(self.after)}"

    @property
    def years(self) -> str:
        """The first cell of the break's row in a year table: the years missing, or from when it changed."""
        return years_text(self.brk.missing) if self.brk.missing else f"From {academic_year(self.brk.first_year)}"


@dataclass
class Trend:
    """A measure on a page: its figures, its chart, its breaks and what DfE says its column means."""

    series: Series
    chart: Markup
    legend: Markup  # the chart's key, beside it
    breaks: list[BreakNote]  # oldest first
    meanings: list[Meaning]

    @cached_property
    def breaks_before(self) -> dict[int, list[BreakNote]]:
        """Year → the breaks between it and the year shown before it, latest first (for the year-by-year table, newest
        first). A break for years the table shows anyway (a file's row saying "not applicable") is said in that year's
        row instead (year_reasons), not in a second row for the same year."""
        found: dict[int, list[BreakNote]] = {}
        for note in sorted(self.breaks, key=lambda note: note.brk.first_year, reverse=True):
            if not self._shown(note):
                found.setdefault(note.after, []).append(note)
        return found

    @cached_property
    def year_reasons(self) -> dict[int, str]:
        """Year shown → why it has no figure, where a break says so (No Progress 8 for 2024/25)."""
        return {year: note.brk.reason for note in self.breaks if self._shown(note) for year in note.brk.missing}

    def _shown(self, note: BreakNote) -> bool:
        return bool(note.brk.missing) and set(note.brk.missing) <= set(self.series.years)

    @cached_property
    def break_groups(self) -> list[tuple[str, list[str]]]:
        """The breaks below the chart, one paragraph for each place the line breaks: (between, reasons), oldest first."""
        groups: dict[str, list[str]] = {}
        for note in self.breaks:
            groups.setdefault(note.between, []).append(note.brk.reason)
        return list(groups.items())

    @property
    def notes_id(self) -> str:
        return f"breaks-{self.series.measure.code}"


def trends_of(series_list: list[Series], lines_for, title_for) -> list[Trend]:
    """A Trend for each series; `lines_for(series)` gives its chart lines, `title_for(series)` the chart's title."""
    described = meanings({s.measure.code: s.years for s in series_list})
    trends = []
    for series in series_list:
        code = series.measure.code
        found = breaks_in(code, series.years)
        markers = tuple(Marker(before, after, between[0].short_label) for before, after, between in found)
        lines = lines_for(series)
        chart = trend_svg(
            f"chart-{code}",
            title_for(series),
            series.years,
            lines,
            academic_year,
            joins=lambda before, after, code=code: comparable(code, before, after),
            markers=markers,
            described_by=f"breaks-{code}" if found else "",
            ceiling=100 if series.measure.unit == Unit.PERCENT else None,
        )
        notes = [BreakNote(before, after, brk) for before, after, between in found for brk in between]
        trends.append(Trend(series, chart, legend(lines) if chart else Markup(""), notes, described.get(code, [])))
    return trends
