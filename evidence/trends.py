"""A measure as the results pages show it: its chart, the breaks in its trend and what its column means.

Pages call `trends_of`, which looks up what the meta files say (evidence.meta) for every measure on the page
and the table of breaks (evidence.breaks) for each, and draws each chart (evidence.charts): only for a measure with
figures for two years or more, since a chart of one year's figures is no trend, and its scale, fitted to them,
makes small differences look large (10.2% and 12.6% a long way apart on a scale from 10 to 13); the table says it all.
Each chart is described by the sentence below it that says so (`table_note_id`): the image gives its figures to no
screen reader, and a reader who meets it learns there where they are.
"""

from dataclasses import dataclass, field
from functools import cached_property

from markupsafe import Markup

from .breaks import Break, breaks_in, comparable
from .catalogue import Unit
from .charts import Chart, Line, Marker, legend, trend_svg
from .meta import Meaning, meanings
from .series import Series
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
    chart: Chart  # empty where there is no trend to draw
    legend: Markup  # the chart's key, beside it
    breaks: list[BreakNote]  # oldest first
    meanings: list[Meaning]
    chart_notes: list[str] = field(default_factory=list)  # what a reader of the chart must know: what it leaves to the table

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
        return notes_id(self.series.measure.code)

    @property
    def table_note_id(self) -> str:
        return table_note_id(self.series.measure.code)


def notes_id(code: str) -> str:
    """The id of the notes below a measure's chart on its breaks."""
    return f"breaks-{code}"


def table_note_id(code: str) -> str:
    """The id of the sentence below a measure's chart that says the table after it gives every figure."""
    return f"chart-{code}-table"


def trends_of(series_list: list[Series], lines_for, title_for, notes_for=lambda series: []) -> list[Trend]:
    """A Trend for each series; `lines_for(series)` gives its chart lines, `title_for(series)` the chart's title and
    `notes_for(series)` what the chart's reader must know besides its breaks (said beside it, and described by it)."""
    described = meanings({s.measure.code: s.years for s in series_list})
    trends = []
    for series in series_list:
        code = series.measure.code
        found = breaks_in(code, series.years)
        lines = lines_for(series)
        drawn = worth_a_chart(lines)
        chart_notes = notes_for(series) if drawn else []
        chart = _chart(series, lines, found, title_for(series), described=bool(found or chart_notes)) if drawn else Chart()
        notes = [BreakNote(before, after, brk) for before, after, between in found for brk in between]
        trends.append(Trend(series, chart, legend(lines) if chart else Markup(""), notes, described.get(code, []), chart_notes))
    return trends


def _chart(series: Series, lines: list[Line], found, title: str, *, described: bool) -> Chart:
    """The series' chart: its lines broken, and the breaks marked, where `found` (breaks_in) says; described by the
    notes beside it (where `described`), then by the sentence that points to its table."""
    code = series.measure.code
    described_by = ([notes_id(code)] if described else []) + [table_note_id(code)]
    return trend_svg(
        f"chart-{code}",
        title,
        series.years,
        lines,
        academic_year,
        joins=lambda before, after: comparable(code, before, after),
        markers=tuple(Marker(before, after, between[0].short_label) for before, after, between in found),
        described_by=" ".join(described_by),
        ceiling=100 if series.measure.unit == Unit.PERCENT else None,
    )


def worth_a_chart(lines: list[Line]) -> bool:
    """Whether the lines have figures for two years or more: fewer are no trend (see above)."""
    return len({year for line in lines for year, value in line.points.items() if value is not None}) > 1
