"""Trend charts as inline SVG, drawn on the server: no JavaScript, no style attributes (the CSP forbids them), only SVG
presentation attributes. Each chart is an image with a text title and sits beside a table of the same figures, which
is the accessible version (the page says so below the chart, in words that describe it). Its key (`legend`) is a list
of text on the page, not part of the image, so that it wraps on a narrow screen, where the chart scrolls sideways. Its
scale is an image of its own (`Chart.scale`), set beside the plot rather than in it, so that it stays in view while
the plot scrolls: the page's stylesheet gives it the tenth of the chart's width it has here (LEFT is WIDTH / 10).

Lines join consecutive years only: a missing year (no data in 2019/20 and 2020/21, a measure that
stopped) breaks the line rather than bridging it, and so does a break the caller names (`joins`), such
as a change of assessment; `markers` draw those breaks as labelled rules between two years. A line that is not
`joined` is a set of points apart from the lines (a phase's figure for the one year England gives no other).

A year for which a line has a row but no figure (suppressed, not applicable, not published: its `missing`) is marked
below that year's label, in the line's colour and shape, outlined: never in the plot, nor just below it, where it would
read as a value. The chart's description says whose figure each mark stands for and why there is none, and the key
says what the marks mean, only where there are any; a chart with none keeps its usual height.

Words, rules and the marks of no figure are drawn in `INK`, the text colour of the page around the image (GOV.UK's,
`TEXT_COLOUR`), which it inherits, and a hollow mark is white, which app.css makes the page's background: a contrast theme
(Windows' forced colours) repaints the page but not what an SVG paints itself, and the near-black the images gave their
words vanished on a black theme. So no image sets a colour of its own: one it set, the theme would leave as it is.

The scale's gridlines go in round steps from at or below the least value to at or above the greatest, so no
point lies beyond them; a percentage's scale stays within 0 to 100 unless a value does not.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from markupsafe import Markup, escape

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 8, 22, 34  # LEFT: the scale, an image of its own
INSET = 26  # between the gridlines' ends and the first and last years: half a year's label ('2018/19'), and a little
ABSENT_ROW, ABSENT_APART = 16, 14  # the marks of years with no figure: the row below the years' labels; from mark to mark
NO_FIGURE = "No figure (see the table)"


@dataclass(frozen=True)
class Line:
    label: str
    points: dict[int, float | None]  # year → value (None: no value that year)
    colour: str
    dash: str = ""  # stroke-dasharray: lines differ by pattern as well as colour
    marker: str = "circle"  # circle, square or diamond: a point alone has no line whose pattern tells it apart
    hollow: bool = False  # an outline of the marker: a point set apart from the filled ones of the same colour
    joined: bool = True  # False: points only, never joined into a line
    missing: dict[int, str] = field(default_factory=dict)  # year with no figure → what the table says instead ('suppressed')


@dataclass(frozen=True)
class Chart:
    """A chart as two images side by side: its scale, which stays in view, and its plot, which scrolls sideways on a
    narrow screen. Empty (false) where there is nothing to draw."""

    scale: Markup = Markup("")
    plot: Markup = Markup("")
    title_id: str = ""  # the id of the plot's title, which names the chart (and the box it scrolls in)

    def __bool__(self) -> bool:
        return bool(self.plot)

    def __html__(self) -> str:
        return self.scale + self.plot

    __str__ = __html__


@dataclass(frozen=True)
class Marker:
    """A break between two years on the axis, drawn as a dashed rule between them with a short label."""

    before: int
    after: int
    label: str  # a word or two: "No data", "Break"


SCHOOL_COLOUR, LA_COLOUR, ENGLAND_COLOUR, TEXT_COLOUR = "#1d70b8", "#d53880", "#505a5f", "#0b0c0c"
# The paint of words, rules and marks of no figure: the page's text colour (TEXT_COLOUR, or a contrast theme's).
INK = "currentColor"
# A hollow mark is filled white, which app.css makes a contrast theme's background, by this class.
HOLLOW = 'class="cg-chart__hollow"'
# A line of figures (FIGURE_LINE) and its filled marks (FIGURE_MARK) keep their colours on the page; in a contrast theme
# app.css draws them in its text colour, as it draws the outline of a hollow mark (HOLLOW_FIGURE): a theme's background
# may be any colour, and England's grey stood 2.97:1 on a black one (WCAG 1.4.11 asks 3:1). The lines stay apart by
# their dashes and markers, which the key shows.
FIGURE_LINE, FIGURE_MARK, HOLLOW_FIGURE = 'class="cg-chart__line"', 'class="cg-chart__mark"', 'class="cg-chart__hollow cg-chart__line"'
# The gridlines are how a reader tells a point's value from the scale, so they stand 3:1 against the white page
# (WCAG 1.4.11), yet lighter than every line of figures drawn over them.
GRID_COLOUR = "#949494"


def adjacent(before: int, after: int) -> bool:
    return after == before + 1


def _ticks(values: list[float], ceiling: float | None = None) -> list[float]:
    """The scale's gridlines, lowest first: three to seven round steps (1, 2, 2.5 or 5 times a power of ten),
    the lowest at or below the least value and the highest at or above the greatest, so that every point
    lies on or between them. Values none of which is negative keep the scale at or above 0, and values none
    of which is above `ceiling` (100 for a percentage) keep it at or below that."""
    low, high = _axis_range(min(values), max(values), ceiling)
    step = _round_step((high - low) / 4)
    # Division can land a hair either side of a multiple of the step: check each end by multiplying back.
    below, above = math.floor(low / step), math.ceil(high / step)
    first = max(k for k in (below - 1, below, below + 1) if k * step <= low)
    last = min(k for k in (above - 1, above, above + 1) if k * step >= high)
    return [k * step for k in range(first, last + 1)]


def _axis_range(low: float, high: float, ceiling: float | None) -> tuple[float, float]:
    """The values' range, widened to at least a fifth of their size (1 if they are all 0), so that 197 and
    199 pupils do not look like a rise from nothing, and the widening stays within 0 and the ceiling."""
    least = 0.2 * max(abs(low), abs(high)) or 1.0
    if high - low >= least:
        return low, high
    middle = (low + high) / 2
    bottom, top = middle - least / 2, middle + least / 2
    if low >= 0 > bottom:
        bottom, top = 0.0, least
    if ceiling is not None and high <= ceiling < top:
        bottom, top = ceiling - least, ceiling
    return bottom, top


def _round_step(raw: float) -> float:
    """The least round step (1, 2, 2.5 or 5 times a power of ten) at least `raw`."""
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def trend_svg(
    chart_id: str,
    title: str,
    years: list[int],
    lines: list[Line],
    year_label,
    *,
    joins: Callable[[int, int], bool] = adjacent,
    markers: tuple[Marker, ...] = (),
    described_by: str = "",
    ceiling: float | None = None,
) -> Chart:
    """An SVG line chart of `lines` over `years`; `year_label(year)` writes a year ('2018/19').

    `joins(before, after)` says whether a line may join two years; `described_by` gives the ids of the text
    on the page that describes the chart (its breaks, where its figures are given); `ceiling` is the most the measure
    can be (100 for a percentage), beyond which the scale goes only if a value does."""
    values = [v for line in lines for v in line.points.values() if v is not None]
    if not values or not years:
        return Chart()
    ticks = _ticks(values, ceiling)
    low, span = ticks[0], ticks[-1] - ticks[0]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = (plot_w - 2 * INSET) / max(len(years) - 1, 1)
    x = {year: LEFT + INSET + (i * step if len(years) > 1 else plot_w / 2 - INSET) for i, year in enumerate(years)}

    def y(value):
        return TOP + plot_h - (value - low) / span * plot_h

    # The plot's view starts where the scale's ends: one chart, in two images.
    absent = _absent(lines, x)
    height = HEIGHT + (ABSENT_ROW if absent else 0)
    described = " ".join(([f"{chart_id}-absent"] if absent else []) + ([described_by] if described_by else []))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cg-chart" viewBox="{LEFT} 0 {WIDTH - LEFT} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title"{_described(described)} focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    if absent:
        parts.append(f'<desc id="{chart_id}-absent">{escape(_absent_text(absent, year_label))}</desc>')
    gridline = '<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{colour}" stroke-width="1"/>'
    parts.extend(gridline.format(left=LEFT, right=LEFT + plot_w, y=y(tick), colour=GRID_COLOUR) for tick in ticks)
    for year in years:
        label = escape(year_label(year))
        parts.append(f'<text x="{x[year]:.1f}" y="{HEIGHT - 10}" text-anchor="middle" font-size="12" fill="{INK}">{label}</text>')
    for marker in markers:
        if marker.before in x and marker.after in x:
            parts.extend(_marker(marker, (x[marker.before] + x[marker.after]) / 2, plot_h))
    for line in reversed(lines):  # the first line of the key (the school's) is drawn last, over any equal figure
        parts.extend(_draw(line, x, y, joins))
    parts.extend(_absent_marks(absent, x, HEIGHT + ABSENT_ROW / 4, year_label))
    parts.append("</svg>")
    return Chart(_scale(ticks, y, height), Markup("".join(parts)), f"{chart_id}-title")  # noqa: S704 - every text in it went through escape()


def _scale(ticks: list[float], y, height: int) -> Markup:
    """The scale's labels, each level with its gridline in the plot. Hidden from assistive technology: the plot's
    title names the chart, and the table beside it gives every figure."""
    label = '<text x="{x}" y="{y:.1f}" text-anchor="end" font-size="12" fill="{colour}">{tick:g}</text>'
    labels = "".join(label.format(x=LEFT - 6, y=y(tick) + 4, colour=INK, tick=tick) for tick in ticks)
    return Markup(  # noqa: S704 - numbers only
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cg-chart-scale" viewBox="0 0 {LEFT} {height}" width="100%" '
        f'aria-hidden="true" focusable="false">{labels}</svg>'
    )


def legend(lines: list[Line]) -> Markup:
    """The chart's key: each line's name beside a sample of it (colour, pattern and marker), as a list; not a line with
    no figure to draw (a school whose every figure is 'not applicable'), which the chart does not show."""
    items = []
    for line in lines:
        if not _drawn(line):
            continue
        stroke = (
            f'<line x1="0" x2="36" y1="6" y2="6" stroke="{line.colour}" stroke-width="3"{_dash(line)} {FIGURE_LINE}/>'
            if line.joined
            else ""
        )
        sample = (
            '<svg xmlns="http://www.w3.org/2000/svg" class="cg-legend__sample" viewBox="0 0 36 12" width="36" height="12" '
            f'aria-hidden="true" focusable="false">{stroke}{_point(line, 18, 6)}</svg>'
        )
        items.append(f'<li class="cg-legend__item">{sample}{escape(line.label)}</li>')
    if any(line.missing for line in lines if _drawn(line)):
        items.append(f'<li class="cg-legend__item">{_no_figure_sample()}{NO_FIGURE}</li>')
    return Markup(f'<ul class="govuk-list cg-legend">{"".join(items)}</ul>')  # noqa: S704 - labels went through escape()


def _drawn(line: Line) -> bool:
    """Whether the chart shows the line: not one with no figure to draw."""
    return any(value is not None for value in line.points.values())


def _no_figure_sample() -> str:
    """The key's sample of a year with no figure: an outlined mark below a rule standing for the year's label."""
    axis = f'<line x1="11" x2="25" y1="1.5" y2="1.5" stroke="{INK}" stroke-width="2"/>'
    mark = f'<circle cx="18" cy="7" r="3.5" fill="#fff" stroke="{INK}" stroke-width="1.5" {HOLLOW}/>'
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" class="cg-legend__sample" viewBox="0 0 36 12" width="36" height="12" '
        f'aria-hidden="true" focusable="false">{axis}{mark}</svg>'
    )


def _point(line: Line, cx: float, cy: float) -> str:
    """The line's marker centred on (cx, cy): filled, or a white one outlined in the line's colour."""
    paint = f'fill="#fff" stroke="{line.colour}" stroke-width="2" {HOLLOW_FIGURE}' if line.hollow else f'fill="{line.colour}" {FIGURE_MARK}'
    if line.marker == "square":
        return f'<rect x="{cx - 4:.1f}" y="{cy - 4:.1f}" width="8" height="8" {paint}/>'
    if line.marker == "diamond":
        corners = ((cx, cy - 5.5), (cx + 5.5, cy), (cx, cy + 5.5), (cx - 5.5, cy))
        return f'<polygon points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in corners)}" {paint}/>'
    return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4.5" {paint}/>'


def _dash(line: Line) -> str:
    return f' stroke-dasharray="{line.dash}"' if line.dash else ""


def _described(element_id: str) -> str:
    return f' aria-describedby="{escape(element_id)}"' if element_id else ""


def _marker(marker: Marker, at: float, plot_h: float) -> list[str]:
    return [
        f'<line x1="{at:.1f}" x2="{at:.1f}" y1="{TOP}" y2="{TOP + plot_h}" stroke="{INK}" stroke-width="1.5" stroke-dasharray="2 3"/>',
        f'<text x="{at:.1f}" y="{TOP - 4}" text-anchor="middle" font-size="11" fill="{INK}">{escape(marker.label)}</text>',
    ]


def _absent(lines: list[Line], x) -> dict[int, list[tuple[Line, str]]]:
    """Year on the axis → the lines drawn that have no figure for it, each with what the table says instead, in the
    lines' order."""
    absent: dict[int, list[tuple[Line, str]]] = {}
    for line in lines:
        if _drawn(line):
            for year, reason in line.missing.items():
                if year in x and line.points.get(year) is None:
                    absent.setdefault(year, []).append((line, reason))
    return dict(sorted(absent.items()))


def _absent_text(absent: dict[int, list[tuple[Line, str]]], year_label) -> str:
    """The chart's description of its marks below the years' labels: 'No figure (see the table): This school, 2018/19 (suppressed); …'."""
    said = "; ".join(f"{line.label}, {year_label(year)} ({reason})" for year, found in absent.items() for line, reason in found)
    return f"{NO_FIGURE}: {said}."


def _absent_marks(absent: dict[int, list[tuple[Line, str]]], x, at: float, year_label) -> list[str]:
    """Below each year's label, side by side, an outlined mark of each line with no figure for it, named on hover."""
    parts = []
    for year, found in absent.items():
        first = x[year] - ABSENT_APART * (len(found) - 1) / 2
        for i, (line, reason) in enumerate(found):
            mark = _point(replace(line, hollow=True), first + i * ABSENT_APART, at)
            parts.append(f"<g><title>{escape(f'{line.label}, {year_label(year)}: {reason}')}</title>{mark}</g>")
    return parts


def _runs(line: Line, joins) -> list[list[int]]:
    """The line's years with a value, cut wherever the line may not join one year to the next."""
    runs: list[list[int]] = []
    for year in sorted(y for y, v in line.points.items() if v is not None):
        if runs and joins(runs[-1][-1], year):
            runs[-1].append(year)
        else:
            runs.append([year])
    return runs


def _draw(line: Line, x, y, joins) -> list[str]:
    """One polyline per unbroken run of years (none for a line that is not joined), then a marker at every point."""
    parts = []
    for run in _runs(line, joins) if line.joined else []:
        if len(run) > 1 and all(year in x for year in run):
            points = " ".join(f"{x[year]:.1f},{y(line.points[year]):.1f}" for year in run)
            parts.append(f'<polyline points="{points}" fill="none" stroke="{line.colour}" stroke-width="3"{_dash(line)} {FIGURE_LINE}/>')
    parts.extend(_point(line, x[year], y(value)) for year, value in line.points.items() if value is not None and year in x)
    return parts
