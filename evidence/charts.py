"""Trend charts as inline SVG, drawn on the server: no JavaScript, no style attributes (the CSP forbids
them), only SVG presentation attributes. Each chart is an image with a text title and sits beside a
table of the same figures, which is the accessible version.

Lines join consecutive years only: a missing year (no data in 2019/20 and 2020/21, a measure that
stopped) breaks the line rather than bridging it.
"""

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 150, 16, 34


@dataclass(frozen=True)
class Line:
    label: str
    points: dict[int, float | None]  # year → value (None: no value that year)
    colour: str
    dash: str = ""  # stroke-dasharray: lines differ by pattern as well as colour
    marker: str = "circle"  # circle or square


SCHOOL_COLOUR, LA_COLOUR, ENGLAND_COLOUR = "#1d70b8", "#d53880", "#505a5f"


def _ticks(low: float, high: float) -> list[float]:
    if high == low:
        return [low]
    raw = (high - low) / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = (low // step) * step
    ticks, value = [], start
    while value <= high + step / 2 and len(ticks) < 8:
        ticks.append(round(value, 6))
        value += step
    return ticks


def trend_svg(chart_id: str, title: str, years: list[int], lines: list[Line], year_label) -> Markup:
    """An SVG line chart of `lines` over `years`; `year_label(year)` writes a year ('2018/19')."""
    values = [v for line in lines for v in line.points.values() if v is not None]
    if not values or not years:
        return Markup("")
    ticks = _ticks(min(values), max(values))
    low, high = min(ticks[0], min(values)), max(ticks[-1], max(values))
    span = (high - low) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(years) - 1, 1)
    x = {year: LEFT + (i * step if len(years) > 1 else plot_w / 2) for i, year in enumerate(years)}

    def y(value):
        return TOP + plot_h - (value - low) / span * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cg-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    for tick in ticks:
        parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#b1b4b6" stroke-width="1"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="12" fill="#0b0c0c">{tick:g}</text>')
    for year in years:
        label = escape(year_label(year))
        parts.append(f'<text x="{x[year]:.1f}" y="{HEIGHT - 10}" text-anchor="middle" font-size="12" fill="#0b0c0c">{label}</text>')
    for index, line in enumerate(lines):
        parts.extend(_draw(line, years, x, y))
        legend_y = TOP + 14 + index * 20
        parts.append(
            f'<line x1="{WIDTH - RIGHT + 12}" x2="{WIDTH - RIGHT + 36}" y1="{legend_y - 4}" y2="{legend_y - 4}" '
            f'stroke="{line.colour}" stroke-width="3"{_dash(line)}/>'
        )
        parts.append(f'<text x="{WIDTH - RIGHT + 42}" y="{legend_y}" font-size="12" fill="#0b0c0c">{escape(line.label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()


def _dash(line: Line) -> str:
    return f' stroke-dasharray="{line.dash}"' if line.dash else ""


def _draw(line: Line, years: list[int], x, y) -> list[str]:
    parts = []
    for before, after in zip(years, years[1:], strict=False):
        a, b = line.points.get(before), line.points.get(after)
        if a is not None and b is not None and after == before + 1:
            ends = f'x1="{x[before]:.1f}" y1="{y(a):.1f}" x2="{x[after]:.1f}" y2="{y(b):.1f}"'
            parts.append(f'<line {ends} stroke="{line.colour}" stroke-width="3"{_dash(line)}/>')
    for year, value in line.points.items():
        if value is None or year not in x:
            continue
        if line.marker == "square":
            parts.append(f'<rect x="{x[year] - 4:.1f}" y="{y(value) - 4:.1f}" width="8" height="8" fill="{line.colour}"/>')
        else:
            parts.append(f'<circle cx="{x[year]:.1f}" cy="{y(value):.1f}" r="4.5" fill="{line.colour}"/>')
    return parts
