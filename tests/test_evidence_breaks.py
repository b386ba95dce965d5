"""Trend breaks: the table of known breaks, charts that start a new line at a break, and pages that say why."""

import re

import pytest
from django.urls import reverse

from accounts.roles import Role
from evidence import breaks
from evidence.catalogue import BY_CODE
from evidence.charts import Line, Marker, legend, trend_svg
from evidence.models import Area, AreaObservation, Measure, Source, academic_year
from imports.models import ImportOutcome, ImportRun
from imports.services import import_file
from register.models import LocalAuthority

from .conftest import sign_in
from .evidence_helpers import GIAS_2021, KS4, KS4_INFO_2024, KS4_INFO_2025
from .factories import UserFactory, grant

PANDEMIC = "No data published for 2019/20 and 2020/21 (pandemic)."


def test_every_break_names_measures_of_the_catalogue():
    for brk in breaks.BREAKS:
        assert brk.measures and brk.measures <= set(BY_CODE), brk.code
        assert all(brk.first_year <= year for year in brk.missing), brk.code


def test_the_known_breaks_apply_to_the_measures_they_changed():
    assert [b.code for b in breaks.breaks_for("ks2_rwm_expected")] == ["ks2_2016", "ks2_writing_2018", "pandemic"]
    assert [b.code for b in breaks.breaks_for("ks2_writing_progress")] == ["ks2_2016", "ks2_writing_2018", "pandemic"]
    assert [b.code for b in breaks.breaks_for("ks2_reading_progress")] == ["ks2_2016", "pandemic"]  # tests, not teachers' assessment
    assert [b.code for b in breaks.breaks_for("ks2_disadvantaged_pct")] == ["pandemic"]  # who the pupils are did not change
    assert [b.code for b in breaks.breaks_for("ks4_attainment8")] == ["gcse_9_to_1", "pandemic"]
    assert [b.code for b in breaks.breaks_for("ks4_progress8")] == ["progress8_extreme_scores", "pandemic", "no_progress8_2025"]
    assert [b.code for b in breaks.breaks_for("ks4_progress8_gap")] == ["progress8_extreme_scores", "pandemic", "no_progress8_2025"]
    assert breaks.breaks_for("fsm_pct") == () and breaks.breaks_for("absence_overall_pct") == ()


def test_a_line_joins_only_adjacent_years_with_no_break_between():
    assert breaks.comparable("ks4_attainment8", 2017, 2018)
    assert not breaks.comparable("ks4_attainment8", 2016, 2017)  # 9-1 GCSEs
    assert breaks.comparable("ks4_progress8", 2016, 2017)
    assert not breaks.comparable("ks4_progress8", 2017, 2018)  # the adjustment for extreme scores
    assert breaks.comparable("ks4_progress8", 2018, 2019)
    assert not breaks.comparable("ks2_rwm_expected", 2015, 2016)  # new KS2 assessments
    assert not breaks.comparable("ks2_rwm_expected", 2017, 2018)  # revised frameworks for assessing writing
    assert breaks.comparable("ks2_maths_progress", 2017, 2018)
    assert not breaks.comparable("ks2_rwm_expected", 2019, 2022)  # not adjacent, and the pandemic between
    assert not breaks.comparable("fsm_pct", 2019, 2023)  # not adjacent: no line, though no break either


def test_breaks_among_the_years_shown_say_which_two_years_they_fall_between():
    found = breaks.breaks_in("ks4_progress8_gap", [2025, 2017, 2018, 2019, 2024])
    assert [(before, after, [b.code for b in between]) for before, after, between in found] == [
        (2017, 2018, ["progress8_extreme_scores"]),
        (2019, 2024, ["pandemic", "not_held"]),  # 2021/22 and 2022/23 were published, but not imported here
        (2024, 2025, ["no_progress8_2025"]),
    ]
    assert found[1][2][1].reason == "No figures for 2021/22 to 2022/23 have been imported."
    assert breaks.breaks_in("ks4_attainment8", [2017, 2018, 2019]) == []  # the 9-1 break lies before them
    assert [b.reason for _, _, between in breaks.breaks_in("ks2_rwm_expected", [2019, 2022]) for b in between] == [PANDEMIC]
    assert [b.code for _, _, between in breaks.breaks_in("ks2_rwm_expected", [2019, 2023]) for b in between] == ["pandemic", "not_held"]


def test_years_missing_for_no_known_reason_are_a_break_that_says_so():
    found = breaks.breaks_in("pupils", [2019, 2023])
    assert [(before, after, [(b.code, b.reason, b.missing) for b in between]) for before, after, between in found] == [
        (2019, 2023, [("not_held", "No figures for 2019/20 to 2021/22 have been imported.", (2020, 2021, 2022))])
    ]
    assert breaks.breaks_in("pupils", [2022, 2023]) == []


def tick_labels(svg) -> list[str]:
    return re.findall(r'<text x="\d+" y="[\d.]+" text-anchor="end" font-size="12" fill="currentColor">([^<]*)</text>', str(svg))


def test_the_axis_does_not_make_a_small_change_look_large_nor_label_minus_zero():
    pupils = trend_svg("c", "Pupils", [2019, 2023], [Line("This school", {2019: 197.0, 2023: 199.0}, "#000")], academic_year)
    labels = [float(label) for label in tick_labels(pupils)]
    assert labels[-1] - labels[0] >= 0.2 * 199 and all(label == int(label) for label in labels)
    gap = trend_svg("g", "Gap", [2018, 2019], [Line("This school", {2018: -0.5, 2019: 0.3}, "#000")], academic_year)
    assert "-0" not in tick_labels(gap) and "0" in tick_labels(gap)


def chart_in(html: str) -> str:
    """The chart's drawing, without its key (a list of samples beside it)."""
    return html.split('class="cg-chart"', 1)[1].split("</svg>", 1)[0]


def polylines(svg) -> list[list[float]]:
    """Each polyline's x coordinates."""
    return [[float(p.split(",")[0]) for p in pts.split()] for pts in re.findall(r'<polyline points="([^"]+)"', str(svg))]


def test_the_chart_starts_a_new_line_at_a_break_and_marks_it():
    years = [2015, 2016, 2017, 2018]
    line = Line("This school", dict(zip(years, [40.1, 42.0, 45.5, 47.0], strict=True)), "#1d70b8")
    svg = str(
        trend_svg(
            "chart-a8",
            "Attainment 8",
            years,
            [line],
            academic_year,
            joins=lambda a, b: breaks.comparable("ks4_attainment8", a, b),
            markers=(Marker(2016, 2017, "Break"),),
            described_by="breaks-a8",
        )
    )
    assert len(polylines(svg)) == 2  # 2014/15–2015/16, then 2016/17–2017/18
    first, second = polylines(svg)
    assert len(first) == len(second) == 2 and max(first) < min(second)
    assert svg.count("<circle") == 4  # every point still drawn
    assert 'aria-describedby="breaks-a8"' in svg and ">Break</text>" in svg


def test_the_chart_without_breaks_joins_adjacent_years_in_one_line_and_never_bridges_a_gap():
    line = Line("England", {2017: 1.0, 2018: 2.0, 2019: None, 2020: 3.0, 2021: 4.0}, "#505a5f")
    svg = trend_svg("c", "A measure", [2017, 2018, 2019, 2020, 2021], [line], academic_year)
    assert len(polylines(svg)) == 2 and "aria-describedby" not in str(svg)


def test_the_key_is_text_beside_the_chart_naming_each_line_with_a_sample_of_it():
    import re

    lines = [
        Line("This school", {2018: 4.1}, "#1d70b8"),
        Line("England (state-funded primary schools)", {2018: 4.0}, "#505a5f", dash="6 4", marker="square"),
        Line("Brighton & Hove", {2018: 4.2}, "#d53880"),
    ]
    svg, key = str(trend_svg("c", "Absence", [2018], lines, academic_year)), str(legend(lines))
    # The image draws the lines only: its key is text on the page, which wraps where the chart scrolls sideways.
    assert "England (state-funded" not in svg and "This school" not in svg
    assert re.findall(r'aria-hidden="true" focusable="false">.*?</svg>([^<]*)</li>', key) == [
        "This school",
        "England (state-funded primary schools)",
        "Brighton &amp; Hove",
    ]
    samples = re.findall(
        r'<line x1="0" x2="36" y1="6" y2="6" stroke="(#\w+)" stroke-width="3"( stroke-dasharray="[^"]+")? class="cg-chart__line"/>(<\w+)',
        key,
    )
    assert samples == [("#1d70b8", "", "<circle"), ("#505a5f", ' stroke-dasharray="6 4"', "<rect"), ("#d53880", "", "<circle")]


@pytest.fixture
def officer(db):
    for path in (GIAS_2021, KS4[2018], KS4[2019], KS4_INFO_2024, KS4_INFO_2025):
        run = import_file(path)
        assert run.outcome == ImportOutcome.SUCCEEDED, run.message
    user = UserFactory(email="officer@surrey.example")
    grant(user, Role.LA_OFFICER, LocalAuthority.objects.get(code=936))
    return user


def section(html, code):
    return html.split(f'aria-labelledby="h-{code}"', 1)[1].split("</section>", 1)[0]


def test_the_results_page_shows_the_pandemic_and_progress_8_breaks_in_chart_and_table(client, officer):
    sign_in(client, officer)
    html = client.get(reverse("evidence:school-results", args=[125271])).content.decode()  # a Surrey secondary
    gap = section(html, "ks4_progress8_gap")  # 2017/18, 2018/19 (tables), 2023/24, 2024/25 (not published)
    chart = chart_in(gap)
    # Described by its breaks, and by what it says of the year the school has no figure for, marked below its label.
    assert 'aria-describedby="chart-ks4_progress8_gap-absent breaks-ks4_progress8_gap chart-ks4_progress8_gap-table"' in chart
    assert "No figure (see the table): This school, 2024/25 (not published).</desc>" in chart
    assert len(re.findall(r'<polyline[^>]+stroke="#1d70b8"', chart)) == 1  # the school's line stops at 2018/19
    assert chart.count(">No data</text>") == 2
    notes = gap.split('id="breaks-ks4_progress8_gap"', 1)[1].split("</div>", 1)[0]
    # One paragraph for each place the line breaks, with every reason it breaks there.
    assert (
        f"The line is broken between 2018/19 and 2023/24.</strong> {PANDEMIC} No figures for 2021/22 to 2022/23 have been imported."
        in notes
    )
    assert notes.count("The line is broken between 2018/19 and 2023/24.") == 1
    assert "The line is broken between 2023/24 and 2024/25.</strong> No Progress 8 published for 2024/25" in notes
    # The year table, newest first, has a row for each break where it falls; a year the file gives a row for
    # ("not published") says why in its own row, not in a second row for the same year.
    cells = [re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", gap.split("<tbody", 1)[1], re.S)]
    first_cells = [c for c in cells if re.fullmatch(r"\d{4}/\d\d( to \d{4}/\d\d)?", c)]
    assert first_cells == ["2024/25", "2023/24", "2021/22 to 2022/23", "2019/20 to 2020/21", "2018/19", "2017/18"]
    assert cells[1] == "not published"
    assert re.search(
        r"\(imported \d+ \w+ \d{4}\)\. No Progress 8 published for 2024/25: these pupils had no key stage 2 test results", cells[5]
    )
    assert cells[cells.index("2019/20 to 2020/21") + 1] == PANDEMIC
    assert '<td class="govuk-table__cell" colspan="5">' in gap


def test_progress_8_breaks_where_dfe_began_to_adjust_extreme_scores(client, officer):
    assert import_file(KS4[2017]).outcome == ImportOutcome.SUCCEEDED
    sign_in(client, officer)
    html = client.get(reverse("evidence:school-results", args=[125271])).content.decode()
    p8 = section(html, "ks4_progress8")  # 2016/17 to 2018/19, then 2023/24
    assert "The line is broken between 2016/17 and 2017/18.</strong> Not directly comparable with earlier years: from 2017/18" in p8
    assert "adjustment for extreme scores" in p8
    # Said to a head, a governor or the public, who have never seen the files DfE describes its columns in.
    assert "meta files" not in p8


def test_a_measure_with_no_break_among_its_years_shows_no_break(client, officer):
    sign_in(client, officer)
    html = client.get(reverse("evidence:school-results", args=[125271])).content.decode()
    attainment = section(html, "ks4_attainment8")  # 2017/18 and 2018/19 only
    # The chart is described only by the sentence that points to its table (its box only by the hint that it scrolls).
    assert "line is broken" not in attainment and 'aria-describedby="chart-ks4_attainment8-table"' in chart_in(attainment)
    assert len(polylines(attainment)) >= 1


def test_the_authority_page_says_attainment_8_before_the_9_to_1_gcses_is_not_comparable(client, officer):
    """The demo files start in 2016/17; an LA figure for 2015/16 stands for an older file."""
    run = ImportRun.objects.create(file_name="2015-2016-936-ks4final.csv", checksum="0" * 64, outcome=ImportOutcome.SUCCEEDED)
    measure = Measure.objects.get(code="ks4_attainment8")
    for year, value in ((2016, 50.6), (2017, 47.1)):
        AreaObservation.objects.create(
            area=Area.LA, la_code=936, measure=measure, year=year, source=Source.KS4_FINAL, value=value, import_run=run
        )
    sign_in(client, officer)
    html = client.get(reverse("evidence:authority-results", args=[936])).content.decode()
    a8 = section(html, "ks4_attainment8")
    assert "The line is broken between 2015/16 and 2016/17.</strong> Not comparable with earlier years: GCSEs graded 9 to 1" in a8
    assert ">Break</text>" in a8
    xs = polylines(chart_in(a8))
    assert len([x for x in xs if len(x) > 1]) == 2  # Surrey 2016/17–2018/19 and England 2017/18–2018/19; nothing from 2015/16
    assert "From 2016/17" in a8  # the table's row for the break
