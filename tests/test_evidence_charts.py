"""The trend chart's scale: its gridlines take in every value drawn, at both ends, in round steps, and a
percentage's axis stays between 0 and 100 unless a value does not."""

import math
import re
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from evidence.catalogue import Unit
from evidence.charts import BOTTOM, ENGLAND_COLOUR, GRID_COLOUR, HEIGHT, LA_COLOUR, SCHOOL_COLOUR, TEXT_COLOUR, TOP, Line, trend_svg
from evidence.models import Measure, Source, Status, academic_year
from evidence.series import Point, Series
from evidence.trends import trends_of

from .colours import contrast

PLOT_TOP, PLOT_BOTTOM = TOP, HEIGHT - BOTTOM  # the plotted area, between the markers' labels and the years


def chart(*lines: dict[int, float | None], ceiling: float | None = None) -> str:
    years = sorted({year for points in lines for year in points})
    drawn = [Line(f"Line {i}", points, "#000") for i, points in enumerate(lines)]
    return str(trend_svg("c", "A measure", years, drawn, academic_year, ceiling=ceiling))


def gridlines(svg: str) -> list[float]:
    """The y of each gridline, top first."""
    return sorted(float(y) for y in re.findall(rf'<line x1="\d+" x2="\d+" y1="([\d.-]+)" y2="[\d.-]+" stroke="{GRID_COLOUR}"', svg))


def tick_labels(svg: str) -> list[float]:
    """The scale's labels, lowest first."""
    return [float(label) for label in re.findall(r'text-anchor="end" font-size="12" fill="currentColor">([^<]*)</text>', svg)]


def points(svg: str) -> list[float]:
    """The y of the centre of every point drawn (circles, squares and diamonds)."""
    circles = [float(y) for y in re.findall(r'<circle cx="[\d.]+" cy="([\d.-]+)"', svg)]
    squares = [float(y) + 4 for y in re.findall(r'<rect x="[\d.]+" y="([\d.-]+)" width="8"', svg)]
    diamonds = [float(y) for y in re.findall(r'<polygon points="[\d.]+,[\d.-]+ [\d.]+,([\d.-]+) ', svg)]
    return circles + squares + diamonds


def is_round_step(step: float) -> bool:
    magnitude = 10 ** math.floor(math.log10(step))
    return any(math.isclose(step, m * magnitude, rel_tol=1e-6) for m in (1, 2, 2.5, 5, 10))


def assert_a_sensible_scale(svg: str, values: list[float]) -> None:
    lines, labels = gridlines(svg), tick_labels(svg)
    drawn = points(svg)
    assert len(drawn) == len(values)
    assert 3 <= len(lines) <= 8 and len(labels) == len(lines)
    assert all(PLOT_TOP - 0.05 <= y <= PLOT_BOTTOM + 0.05 for y in drawn + lines), "outside the plotted area"
    assert all(lines[0] - 0.05 <= y <= lines[-1] + 0.05 for y in drawn), "a point beyond the top or bottom gridline"
    slack = 1e-6 * max(1, *map(abs, values))  # a label is written to 6 significant figures
    assert labels[0] <= min(values) + slack and labels[-1] >= max(values) - slack, (labels, values)
    steps = [b - a for a, b in pairwise(labels)]
    assert all(math.isclose(s, steps[0], rel_tol=1e-3) for s in steps) and is_round_step(steps[0]), labels


# Figures as published: scores, counts and percentages, to a few decimal places, some missing.
figure = st.one_of(st.none(), st.floats(-1000, 5000, allow_nan=False).map(lambda v: round(v, 3)))
series = st.dictionaries(st.integers(2010, 2025), figure, min_size=1, max_size=10)


@given(st.lists(series, min_size=1, max_size=3).filter(lambda lines: any(v is not None for p in lines for v in p.values())))
def test_every_point_lies_between_the_lowest_and_highest_gridline(lines):
    values = [v for points in lines for v in points.values() if v is not None]
    assert_a_sensible_scale(chart(*lines), values)


percentage = st.one_of(st.none(), st.floats(0, 100).map(lambda v: round(v, 1)))


@given(st.lists(st.dictionaries(st.integers(2015, 2025), percentage, min_size=1, max_size=10), min_size=1, max_size=3))
def test_a_percentages_axis_stays_between_0_and_100(lines):
    values = [v for points in lines for v in points.values() if v is not None]
    svg = chart(*lines, ceiling=100)
    if values:
        assert_a_sensible_scale(svg, values)
        assert tick_labels(svg)[0] >= 0 and tick_labels(svg)[-1] <= 100


def test_the_top_gridline_is_above_the_highest_value_in_the_charts_a_reviewer_found():
    # Kingswood Primary School, Key stage 2 expected standard: 82% was drawn above the 80 line.
    ks2 = chart({2017: 61.0, 2018: 70.0, 2019: 82.0}, {2017: 61.0, 2018: 64.0, 2019: 65.0}, ceiling=100)
    assert tick_labels(ks2)[-1] >= 82 and points(ks2)[2] >= gridlines(ks2)[0]
    # Prior Heath Infant School: England's 12.6% SEN support and 20.2% EAL sat above the 12 and 20 lines.
    sen = chart({2019: 6.7, 2023: 8.1}, {2019: 11.0, 2023: 11.9}, {2019: 12.2, 2023: 12.6}, ceiling=100)
    eal = chart({2019: 14.5, 2023: 12.8}, {2019: 13.0, 2023: 15.1}, {2019: 19.5, 2023: 20.2}, ceiling=100)
    for svg, highest in ((sen, 12.6), (eal, 20.2)):
        assert tick_labels(svg)[-1] >= highest
        assert min(points(svg)) >= gridlines(svg)[0]


def test_negative_scores_lie_above_the_lowest_gridline():
    gap = chart({2017: -25.0, 2018: -10.0, 2019: -18.0})
    assert tick_labels(gap)[0] <= -25 and max(points(gap)) <= gridlines(gap)[-1]
    progress = chart({2017: -1.1, 2018: 2.1, 2019: 0.4})
    assert tick_labels(progress)[0] <= -1.1 and tick_labels(progress)[-1] >= 2.1


def test_a_percentage_at_100_or_0_has_no_axis_beyond_it():
    assert tick_labels(chart({2019: 100.0, 2020: 100.0}, ceiling=100))[-1] == 100
    assert tick_labels(chart({2019: 97.0, 2020: 99.5}, ceiling=100))[-1] == 100
    assert tick_labels(chart({2019: 0.0, 2020: 0.0}, ceiling=100))[0] == 0
    assert tick_labels(chart({2019: 0.0, 2020: 2.5}, ceiling=100))[0] == 0


def test_a_value_beyond_the_ceiling_still_gets_an_axis_that_takes_it_in():
    assert tick_labels(chart({2019: 98.0, 2020: 100.4}, ceiling=100))[-1] >= 100.4


def test_a_single_value_or_equal_values_get_a_scale_around_them():
    for values in ([50.0], [180.0, 180.0], [0.0], [-0.3, -0.3]):
        svg = chart(dict(zip(range(2019, 2019 + len(values)), values, strict=True)))
        assert_a_sensible_scale(svg, values)
        labels = tick_labels(svg)
        assert labels[0] < values[0] < labels[-1] or values[0] == 0 == labels[0]


def test_a_page_keeps_a_percentages_axis_at_or_below_100_and_no_other_measures():
    def school_line(series):
        return [Line("This school", {year: point.value for year, point in series.school.items()}, "#000")]

    def drawn(unit):
        measure = Measure(code="fsm_pct", label="A measure", unit=unit)
        school = {year: Point(year, 100.0, Status.VALUE, Source.CENSUS_SPC) for year in (2022, 2023)}
        (trend,) = trends_of([Series(measure, school)], school_line, str)
        return tick_labels(str(trend.chart))

    assert drawn(Unit.PERCENT)[-1] == 100
    assert drawn(Unit.COUNT)[-1] > 100


def marker_shapes(svg: str) -> dict[str, set[str]]:
    """Colour → the shapes of the points drawn in it ('circle', 'rect', 'polygon'), filled or outlined."""
    shapes: dict[str, set[str]] = {}
    for shape, paint in re.findall(r'<(circle|rect|polygon) [^>]*?(?:fill="#fff" stroke|fill)="(#[0-9a-f]{6})"', svg):
        shapes.setdefault(paint, set()).add(shape)
    return shapes


def test_the_school_its_authority_and_england_are_told_apart_by_their_points_shape_not_colour_alone():
    """A year whose neighbours have no figure is a point alone, with no line whose pattern could tell it apart: each of
    the school, its authority and England has a shape of its own, as their key shows."""
    from evidence.charts import ENGLAND_COLOUR, LA_COLOUR, SCHOOL_COLOUR, legend
    from evidence.views import _school_lines

    def figures(value):
        return {year: Point(year, value, Status.VALUE, Source.CENSUS_SPC) for year in (2019, 2023)}

    series = Series(Measure(code="eal_pct", label="EAL", unit=Unit.PERCENT), figures(4.5), figures(14.3), figures(20.2))
    lines = _school_lines(series, "Surrey")
    shapes = marker_shapes(str(trend_svg("c", "EAL", [2019, 2023], lines, academic_year)))
    assert set(shapes) == {SCHOOL_COLOUR, LA_COLOUR, ENGLAND_COLOUR}
    assert all(len(drawn) == 1 for drawn in shapes.values())
    assert len({drawn.pop() for drawn in shapes.values()}) == 3
    assert marker_shapes(str(legend(lines))).keys() == {SCHOOL_COLOUR, LA_COLOUR, ENGLAND_COLOUR}


def test_the_schools_point_is_drawn_over_an_equal_figure_of_its_authority_or_england():
    """George Abbot School's 10.5% whose first language is other than English in 2018/19 equals Surrey's secondary
    schools' figure: the school's point is drawn last, so the authority's white-filled outline does not hide it."""
    from evidence.views import _school_lines

    def figures(value):
        return {2019: Point(2019, value, Status.VALUE, Source.CENSUS_SUMMARY), 2023: Point(2023, value, Status.VALUE, Source.CENSUS_SPC)}

    series = Series(Measure(code="eal_pct", label="EAL", unit=Unit.PERCENT), figures(10.5), figures(10.5), figures(10.5))
    svg = str(trend_svg("c", "EAL", [2019, 2023], _school_lines(series, "Surrey"), academic_year))
    painted = re.findall(r'<(?:circle|rect|polygon|polyline) [^>]*?(?:fill="#fff" stroke|fill="none" stroke|fill)="(#[0-9a-f]{6})"', svg)
    assert painted[-1] == SCHOOL_COLOUR
    assert max(i for i, colour in enumerate(painted) if colour != SCHOOL_COLOUR) < painted.index(SCHOOL_COLOUR)


def test_everything_a_chart_draws_stands_out_from_the_page_and_the_figures_from_the_gridlines():
    """Non-text contrast (WCAG 1.4.11): the lines, points and scale a reader needs stand 3:1 against the white page,
    text 4.5:1; and each line of figures is darker than the gridlines it crosses."""
    assert contrast(TEXT_COLOUR) >= 4.5
    assert contrast(GRID_COLOUR) >= 3
    for colour in (SCHOOL_COLOUR, LA_COLOUR, ENGLAND_COLOUR):
        assert contrast(colour) >= 3
        assert contrast(colour) > contrast(GRID_COLOUR)


def test_the_key_leaves_out_a_line_with_no_figure_to_draw():
    """A 16–19 academy's census figures are all 'not applicable': its chart draws its authority and England only, and so
    does the key, which would otherwise name a school the chart does not show."""
    from evidence.charts import legend

    school = Line("This school", {2019: None, 2023: None}, SCHOOL_COLOUR)
    authority = Line("Surrey", {2019: 12.9, 2023: 14.3}, LA_COLOUR, marker="square")
    key = str(legend([school, authority]))
    assert "Surrey" in key and "This school" not in key
    assert marker_shapes(key).keys() == {LA_COLOUR}


def test_a_year_with_no_figure_is_marked_below_its_label_and_said_in_the_description_and_key():
    """North Downs Primary School's disadvantaged gap was suppressed for 2017/18: the chart marks the year, below its
    label where no mark can read as a value (let alone 0), and says whose figure is missing and why; a chart with no
    such year has neither the mark nor the words."""
    from evidence.charts import legend

    school = Line("This school", {2017: 0.0, 2018: None, 2019: -62.0}, SCHOOL_COLOUR, missing={2018: "suppressed"})
    authority = Line("Surrey", {2017: -24.0, 2018: -23.0, 2019: -25.0}, LA_COLOUR, marker="square")
    drawn = trend_svg("c", "Gap", [2017, 2018, 2019], [school, authority], academic_year, described_by="breaks-gap")
    svg, key = str(drawn), str(legend([school, authority]))
    assert 'aria-describedby="c-absent breaks-gap"' in svg
    assert '<desc id="c-absent">No figure (see the table): This school, 2017/18 (suppressed).</desc>' in svg
    assert "<title>This school, 2017/18: suppressed</title>" in svg
    # One outlined mark, in the school's colour and shape, below the years' labels; nothing for 2017/18 in the plot.
    outlined = re.findall(rf'<circle cx="([\d.]+)" cy="([\d.]+)" r="4.5" fill="#fff" stroke="{SCHOOL_COLOUR}"', svg)
    labels = {text: float(x) for x, text in re.findall(r'<text x="([\d.]+)" y="\d+" text-anchor="middle"[^>]*>([^<]+)</text>', svg)}
    assert [(float(x), float(y) > HEIGHT - 10) for x, y in outlined] == [(labels["2017/18"], True)]
    assert len(re.findall(rf'<circle [^>]*fill="{SCHOOL_COLOUR}"', svg)) == 2
    assert f'viewBox="0 0 56 {HEIGHT + 16}"' in str(drawn.scale)  # the scale is as tall as the plot
    assert key.endswith("No figure (see the table)</li></ul>")

    complete = Line("This school", {2017: 0.0, 2018: -10.0, 2019: -62.0}, SCHOOL_COLOUR)
    svg, key = str(trend_svg("c", "Gap", [2017, 2018, 2019], [complete, authority], academic_year)), str(legend([complete, authority]))
    assert "<desc" not in svg and "No figure" not in svg + key and "aria-describedby" not in svg
    assert f'viewBox="56 0 504 {HEIGHT}"' in svg and 'fill="#fff"' not in svg


def test_lines_with_no_figure_for_the_same_year_are_marked_side_by_side_each_in_its_shape():
    school = Line("This school", {2018: 5.0, 2019: None}, SCHOOL_COLOUR, missing={2019: "suppressed"})
    authority = Line("Surrey", {2018: 6.0, 2019: None}, LA_COLOUR, marker="square", missing={2019: "not available"})
    # A line the chart does not draw (every figure missing) has no marks, and puts none in the key.
    england = Line("England", {2018: None, 2019: None}, ENGLAND_COLOUR, marker="diamond", missing={2018: "x", 2019: "x"})
    svg = str(trend_svg("c", "A measure", [2018, 2019], [school, authority, england], academic_year))
    assert "No figure (see the table): This school, 2018/19 (suppressed); Surrey, 2018/19 (not available)." in svg
    assert marker_shapes(svg) == {SCHOOL_COLOUR: {"circle"}, LA_COLOUR: {"rect"}}
    circle = float(re.search(rf'<circle cx="([\d.]+)" cy="[\d.]+" r="4.5" fill="#fff" stroke="{SCHOOL_COLOUR}"', svg)[1])
    square = float(re.search(rf'<rect x="([\d.]+)" y="[\d.]+" width="8" height="8" fill="#fff" stroke="{LA_COLOUR}"', svg)[1]) + 4
    assert square - circle == 14
    assert "England" not in svg
