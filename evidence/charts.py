"""Trend charts as inline SVG, drawn on the server: no JavaScript, no style attributes (the CSP forbids
them), only SVG presentation attributes. Each chart is an image with a text title and sits beside a
table of the same figures, which is the accessible version. Its key (`legend`) is a list of text on the
page, not part of the image, so that it wraps on a narrow screen, where the chart scrolls sideways. Its scale is
an image of its own (`Chart.scale`), set beside the plot rather than in it, so that it stays in view while the
plot scrolls: the page's stylesheet gives it the tenth of the chart's width it has here (LEFT is WIDTH / 10).

Lines join consecutive years only: a missing year (no data in 2019/20 and 2020/21, a measure that
stopped) breaks the line rather than bridging it, and so does a break the caller names (`joins`), such
as a change of assessment; `markers` draw those breaks as labelled rules between two years. A line that is not
`joined` is a set of points apart from the lines (a phase's figure for the one year England gives no other).

The scale's gridlines go in round steps from at or below the least value to at or above the greatest, so no
point lies beyond them; a percentage's scale stays within 0 to 100 unless a value does not.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 8, 22, 34  # LEFT: the scale, an image of its own
INSET = 26  # between the gridlines' ends and the first and last years: half a year's label ('2018/19'), and a little


@dataclass(frozen=True)
class Line:
    label: str
    points: dict[int, float | None]  # year → value (None: no value that year)
    colour: str
    dash: str = ""  # stroke-dasharray: lines differ by pattern as well as colour
    marker: str = "circle"  # circle, square or diamond: a point alone has no line whose pattern tells it apart
    hollow: bool = False  # an outline of the marker: a point set apart from the filled ones of the same colour
    joined: bool = True  # False: points only, never joined into a line


@dataclass(frozen=True)
class Chart:
    """A chart as two images side by side: its scale, which stays in view, and its plot, which scrolls sideways on a
    narrow screen. Empty (false) where there is nothing to draw."""

    scale: Markup = Markup("")
    plot: Markup = Markup("")

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

    `joins(before, after)` says whether a line may join two years; `described_by` is the id of the text
    on the page that explains the chart's breaks; `ceiling` is the most the measure can be (100 for a percentage),
    beyond which the scale goes only if a value does."""
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
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cg-chart" viewBox="{LEFT} 0 {WIDTH - LEFT} {HEIGHT}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title"{_described(described_by)} focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    gridline = '<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{colour}" stroke-width="1"/>'
    parts.extend(gridline.format(left=LEFT, right=LEFT + plot_w, y=y(tick), colour=GRID_COLOUR) for tick in ticks)
    for year in years:
        label = escape(year_label(year))
        parts.append(f'<text x="{x[year]:.1f}" y="{HEIGHT - 10}" text-anchor="middle" font-size="12" fill="#0b0c0c">{label}</text>')
    for marker in markers:
        if marker.before in x and marker.after in x:
            parts.extend(_marker(marker, (x[marker.before] + x[marker.after]) / 2, plot_h))
    for line in lines:
        parts.extend(_draw(line, x, y, joins))
    parts.append("</svg>")
    return Chart(_scale(ticks, y), Markup("".join(parts)))  # noqa: S704 - every text in it went through escape()


def _scale(ticks: list[float], y) -> Markup:
    """The scale's labels, each level with its gridline in the plot. Hidden from assistive technology: the plot's
    title names the chart, and the table beside it gives every figure."""
    label = '<text x="{x}" y="{y:.1f}" text-anchor="end" font-size="12" fill="{colour}">{tick:g}</text>'
    labels = "".join(label.format(x=LEFT - 6, y=y(tick) + 4, colour=TEXT_COLOUR, tick=tick) for tick in ticks)
    return Markup(  # noqa: S704 - numbers only
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cg-chart-scale" viewBox="0 0 {LEFT} {HEIGHT}" width="100%" '
        f'aria-hidden="true" focusable="false">{labels}</svg>'
    )


def legend(lines: list[Line]) -> Markup:
    """The chart's key: each line's name beside a sample of it (colour, pattern and marker), as a list; not a line with
    no figure to draw (a school whose every figure is 'not applicable'), which the chart does not show."""
    items = []
    for line in lines:
        if all(value is None for value in line.points.values()):
            continue
        stroke = f'<line x1="0" x2="36" y1="6" y2="6" stroke="{line.colour}" stroke-width="3"{_dash(line)}/>' if line.joined else ""
        sample = (
            '<svg xmlns="http://www.w3.org/2000/svg" class="cg-legend__sample" viewBox="0 0 36 12" width="36" height="12" '
            f'aria-hidden="true" focusable="false">{stroke}{_point(line, 18, 6)}</svg>'
        )
        items.append(f'<li class="cg-legend__item">{sample}{escape(line.label)}</li>')
    return Markup(f'<ul class="govuk-list cg-legend">{"".join(items)}</ul>')  # noqa: S704 - labels went through escape()


def _point(line: Line, cx: float, cy: float) -> str:
    """The line's marker centred on (cx, cy): filled, or a white one outlined in the line's colour."""
    paint = f'fill="#fff" stroke="{line.colour}" stroke-width="2"' if line.hollow else f'fill="{line.colour}"'
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
        f'<line x1="{at:.1f}" x2="{at:.1f}" y1="{TOP}" y2="{TOP + plot_h}" '
        f'stroke="{TEXT_COLOUR}" stroke-width="1.5" stroke-dasharray="2 3"/>',
        f'<text x="{at:.1f}" y="{TOP - 4}" text-anchor="middle" font-size="11" fill="{TEXT_COLOUR}">{escape(marker.label)}</text>',
    ]


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
            parts.append(f'<polyline points="{points}" fill="none" stroke="{line.colour}" stroke-width="3"{_dash(line)}/>')
    parts.extend(_point(line, x[year], y(value)) for year, value in line.points.items() if value is not None and year in x)
    return parts
