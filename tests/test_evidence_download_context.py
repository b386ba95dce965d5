"""What an authority's downloads give beside its figures, as its results page gives it: the notes on them, how the inspection
outcomes are counted and the breaks between years (the XLSX's "Notes" sheet, and a CSV of their own), and the schools by
inspection outcome (its "Inspection outcomes" sheet, and a CSV)."""

import csv
import html as markup
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.roles import Role
from audit.models import AuditAction, AuditEvent
from core.jinja import gov_date
from evidence.models import Area, AreaObservation, Measure, Observation, Source
from imports.models import ImportOutcome, ImportRun
from imports.services import import_file
from register.models import LocalAuthority, School

from .conftest import sign_in
from .evidence_helpers import ABSENCE, GIAS_2021, GIAS_2022, KS2, KS4, LINKS_2021, OFSTED_ALL
from .factories import UserFactory, grant

PANDEMIC = "No data published for 2019/20 and 2020/21 (pandemic)."
RWM = "Reading, writing and maths: % at the expected standard"
GRADED = "Latest graded inspection (overall effectiveness)"
REPORT_CARD = "Report card (from November 2025)"


@pytest.fixture
def officer(db):
    for path in (GIAS_2021, GIAS_2022, LINKS_2021, *KS2.values(), KS4[2019], OFSTED_ALL):
        run = import_file(path)
        assert run.outcome in ("succeeded", "unchanged"), run.message
    user = UserFactory(email="officer@surrey.example")
    grant(user, Role.LA_OFFICER, LocalAuthority.objects.get(code=936))
    return user


def sheets(client) -> dict[str, list[tuple]]:
    """The XLSX download's sheets: name → rows of values, each cell left empty as None."""
    book = load_workbook(io.BytesIO(client.get(reverse("evidence:authority-results-xlsx", args=[936])).content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def csv_table(client, name) -> list[list[str]]:
    response = client.get(reverse(f"evidence:{name}", args=[936]))
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def cells(html: str) -> list[list[str]]:
    """A table's rows, or a summary list's, each as its cells' texts."""
    rows = re.findall(r'<(tr|div) class="govuk-(?:table__row|summary-list__row)">(.*?)</\1>', html, re.S)
    found = [re.findall(r"<(?:th|td|dt|dd)[^>]*>\s*(.*?)\s*</(?:th|td|dt|dd)>", row, re.S) for _, row in rows]
    return [row for row in found if row]


def page_outcomes(client) -> list[list]:
    """The results page's outcome tables as rows of the outcomes download: (inspection, area, outcome, schools, of which,
    counted from)."""
    html = client.get(reverse("evidence:authority-results", args=[936])).content.decode()
    graded = html.split("Open state-funded schools by their latest graded inspection (overall effectiveness)", 1)[1]
    graded_from = markup.unescape(re.search(r'<p class="govuk-body-s">(Counted from .*?)</p>', graded.split("<h3", 1)[0])[1])
    graded = graded.split("</table>", 1)[0]
    rows = [[GRADED, "", words, n, theirs, graded_from] for words, n, theirs in cells(graded.split("<tbody", 1)[1])]
    cards = html.split("Report cards (from November 2025)</h3>", 1)[1].split("<h2", 1)[0]
    cards_from = markup.unescape(re.search(r'<p class="govuk-body-s">(Counted from .*?)</p>', cards)[1])
    count = re.search(r"([\d,]+) open state-funded schools have a report card", cards)[1]
    rows.append([REPORT_CARD, "", "Schools with a report card", count, "", cards_from])
    table, listed = cards.split("<tbody", 1)[1].split("</table>", 1)
    scale = re.findall(r'<th scope="col"[^>]*>\s*([^<]+?)\s*</th>', cards.split("<thead", 1)[1].split("</thead>", 1)[0])[1:]
    for area, *counts in cells(table):
        rows += [[REPORT_CARD, area, words, n, "", cards_from] for words, n in zip(scale, counts, strict=True)]
    for words, n in cells(listed.split("</dl>", 1)[0]):
        rows.append([REPORT_CARD, "", words, "0" if n == "None" else n, "", cards_from])
    return [[*row[:3], row[3].replace(",", ""), row[4].replace(",", ""), row[5]] for row in rows]


def as_text(row) -> list[str]:
    return ["" if value is None else str(value) for value in row]


def test_the_downloads_give_the_inspection_outcomes_the_page_counts(client, officer):
    sign_in(client, officer)
    shown = page_outcomes(client)
    # Surrey's open state-funded schools, some by a predecessor's: two of them the 16–19 academies Reigate College and Esher
    # Sixth Form College, by the sixth-form colleges' inspections the register gives them, dated before they opened.
    assert shown[0][:5] == [GRADED, "", "Outstanding", "95", "21"]
    assert [REPORT_CARD, "Curriculum and teaching", "Needs attention", "2", ""] in [row[:5] for row in shown]
    assert [REPORT_CARD, "", "Safeguarding standards met", "3", ""] in [row[:5] for row in shown]
    # Where the counts came from, and how current they are: GIAS's ratings in the two extracts; Ofsted's report cards.
    from imports.models import ImportRun

    # To an officer, as on their page, each import by its file and the day it was imported.
    day = {run.file_name: gov_date(run.started_at) for run in ImportRun.objects.all()}
    assert shown[0][5] == (
        f"Counted from Register (GIAS Ofsted rating): surrey-2021-05-establishments.csv (imported {day['surrey-2021-05-establishments.csv']}),"
        f" 286 schools and surrey-2022-04-20-primary-establishments.csv (imported {day['surrey-2022-04-20-primary-establishments.csv']}),"
        " 85 schools. The latest inspection counted started on 9 February 2022."
    )
    assert shown[-1][5].startswith("Counted from Ofsted: all inspections, year to date: ")
    table = csv_table(client, "authority-results-outcomes-csv")
    assert table[0] == ["Inspection", "Area", "Outcome", "Schools", "Of which not yet inspected in their current form", "Counted from"]
    assert table[1:] == shown
    sheet = sheets(client)["Inspection outcomes"]
    assert [as_text(row) for row in sheet[: len(table)]] == table
    assert isinstance(sheet[1][3], int)  # counts as numbers, to add up
    # Below the table, after a blank row, how a school not yet inspected in its current form is counted, and what the page
    # says of the predecessors' categories of concern among the counts, in its words.
    html = client.get(reverse("evidence:authority-results", args=[936])).content.decode()
    categorised = re.search(
        r"<p class=\"govuk-body-s\">(\d+ of the schools counted as inadequate with a category of concern.*?)</p>", html
    )[1]
    assert categorised.startswith("5 of the schools") and (categorised,) in [row[:1] for row in sheet]
    before = re.search(r"<p class=\"govuk-body-s\">(\d+ schools are counted by an inspection held as their own.*?)</p>", html)[1]
    assert before.startswith("3 schools") and (before,) in [row[:1] for row in sheet]
    assert (
        sheet[len(table)] == (None,) * 6 and "counted by the latest graded inspection of the school it replaced" in sheet[len(table) + 1][0]
    )


def test_the_graded_outcomes_add_up_to_the_state_funded_schools(client, officer):
    from register.models import School
    from register.presenters import state_funded

    sign_in(client, officer)
    graded = [row for row in csv_table(client, "authority-results-outcomes-csv")[1:] if row[0] == GRADED]
    assert sum(int(row[3]) for row in graded) == School.objects.filter(la__code=936).open().filter(state_funded()).count()


def test_the_notes_csv_says_what_the_page_says_with_the_inspection_outcomes(client, officer):
    """The outcomes CSV is one table, for a program to read: what the page says with its counts (of Surrey's, those counted by a
    predecessor's category of concern, and the three 16–19 academies counted by the inspection of the sixth-form college each
    replaced, dated before they opened) comes first in the notes, a row each, as below the Excel file's outcomes table."""
    from evidence.outcomes import COUNTED_BY_PREDECESSOR

    sign_in(client, officer)
    notes = csv_table(client, "authority-results-notes-csv")
    # First, what the download is: whose figures, when, and under what licence.
    about = notes[1]
    assert about[:4] == ["", "About this download", "", ""] and about[4].startswith("Surrey's figures and England's, and its schools'")
    assert "downloaded from Common Ground on" in about[4] and "Open Government Licence v3.0" in about[4]
    counted = [row for row in notes[1:] if row[1] == "Inspection outcomes"]
    assert notes[2 : len(counted) + 2] == counted and {tuple(row[0:1] + row[2:4]) for row in counted} == {("", "", "")}
    said = [row[4] for row in counted]
    html = client.get(reverse("evidence:authority-results", args=[936])).content.decode()
    below = html.split("Open state-funded schools by their latest graded inspection (overall effectiveness)", 1)[1].split("<h3", 1)[0]
    paragraphs = [markup.unescape(words) for words in re.findall(r'<p class="govuk-body-s">(.*?)</p>', below, re.S)]
    assert said == [f"{COUNTED_BY_PREDECESSOR} Report cards have no overall grade.", *paragraphs]
    assert said[1].startswith("Counted from Register (GIAS Ofsted rating)")
    assert said[2].startswith("5 of the schools counted as inadequate") and said[3].startswith("3 schools are counted by an inspection")
    assert (
        "the notes on its figures (how the inspection outcomes are counted, breaks between years in the authority’s, England’s or a school’s"
        in html
    )
    book = sheets(client)
    assert [as_text(row) for row in book["Notes"]] == notes
    workbook = load_workbook(io.BytesIO(client.get(reverse("evidence:authority-results-xlsx", args=[936])).content))
    assert (workbook.properties.title, workbook.properties.creator) == ("Surrey results", "Common Ground")
    assert [row[0] for row in book["Inspection outcomes"][-len(said) :]] == said
    # The outcomes CSV stays a table of counts.
    assert all(len(row) == 6 and row[3].isdigit() for row in csv_table(client, "authority-results-outcomes-csv")[1:])


def test_the_xlsx_download_works_out_the_authoritys_and_englands_figures_once(client, officer, monkeypatch):
    """Its figures and the years its notes are about come from one reading of the authority's and England's figures."""
    from evidence import exports

    calls = []
    found = exports.area_figures
    monkeypatch.setattr(exports, "area_figures", lambda *args: calls.append(args) or found(*args))
    sign_in(client, officer)
    assert {"Notes", "Inspection outcomes"} < set(sheets(client))
    assert len(calls) == 1


def add_surreys_2021_22_figure():
    """Surrey's reading, writing and maths for 2021/22, the first year after the pandemic (the demo files stop at 2018/19)."""
    run = ImportRun.objects.create(file_name="2021-2022-936-ks2final.csv", checksum="1" * 64, outcome=ImportOutcome.SUCCEEDED)
    measure = Measure.objects.get(code="ks2_rwm_expected")
    AreaObservation.objects.create(area=Area.LA, la_code=936, measure=measure, year=2022, source=Source.KS2_FINAL, value=61, import_run=run)


def test_the_notes_give_the_pandemic_break_for_a_key_stage_2_measure_in_the_download(client, officer):
    add_surreys_2021_22_figure()
    sign_in(client, officer)
    pandemic = ["ks2_rwm_expected", RWM, "2018/19 and 2021/22", "2019/20 to 2020/21", PANDEMIC]  # as the page words its table's row
    table = csv_table(client, "authority-results-notes-csv")
    assert table[0] == ["Measure code", "Measure", "Break between", "Years", "What happened"]
    assert pandemic in table
    assert [as_text(row) for row in sheets(client)["Notes"]] == table
    # The figure is in the download, and so is the break the page shows beside its trend.
    figures = csv_table(client, "authority-results-csv")
    assert any(row[4] == "ks2_rwm_expected" and row[7] == "2021/22" for row in figures)
    html = client.get(reverse("evidence:authority-results", args=[936])).content.decode()
    assert f"The line is broken between 2018/19 and 2021/22.</strong> {PANDEMIC}" in html


def test_the_notes_give_every_break_the_page_shows_and_none_outside_the_downloads_years(client, officer):
    add_surreys_2021_22_figure()
    sign_in(client, officer)
    notes = csv_table(client, "authority-results-notes-csv")[1:]
    html = client.get(reverse("evidence:authority-results", args=[936])).content.decode()
    shown = [
        (code, between, reasons.replace("&#39;", "'"))
        for code, paragraphs in re.findall(r'<div id="breaks-(\w+)">(.*?)</div>', html, re.S)
        for between, reasons in re.findall(r"<strong>The line is broken between (.+?)\.</strong> (.+?)</p>", paragraphs)
    ]
    assert ("ks2_rwm_expected", "2018/19 and 2021/22", PANDEMIC) in shown
    for code, between, reasons in shown:
        said = [reason for row_code, _, row_between, _, reason in notes if (row_code, row_between) == (code, between)]
        assert " ".join(said) == reasons, code
    # Key stage 4's figures are 2018/19's alone: no break among them, though the pandemic's breaks key stage 4 too.
    assert not [row for row in notes if row[0].startswith("ks4_") and row[2]]


def test_the_notes_say_that_a_disadvantaged_gaps_pupils_counted_are_its_disadvantaged_pupils(client, officer):
    """A gap's 'Pupils counted' is DfE's count of a school's disadvantaged pupils (TFSM6CLA1A), fewer than its pupils at the
    end of the key stage counted by its other measures: the notes say so once for each gap measure the download has
    figures of, in the CSV, the Excel file's Notes sheet and the published statistics' notes alike, and of no other."""
    sign_in(client, officer)
    figures = csv_table(client, "authority-results-csv")
    counted = {(row[0], row[7], row[4]): row[10] for row in figures[1:] if row[0] and row[10]}
    fewer = [
        (urn, year)
        for (urn, year, code), n in counted.items()
        if code == "ks2_rwm_expected_gap" and 0 < int(n) < int(counted[urn, year, "ks2_rwm_expected"])
    ]
    assert len(fewer) > 10
    gaps = sorted({row[4] for row in figures[1:] if row[5].startswith("Disadvantaged gap")})
    assert "ks2_rwm_expected_gap" in gaps and "ks4_progress8_gap" in gaps
    notes = csv_table(client, "authority-results-notes-csv")
    said = [row for row in notes if "Pupils counted" in row[4]]
    assert sorted(row[0] for row in said) == gaps
    assert {row[4] for row in said} == {
        "On this measure's rows, 'Pupils counted' is the number of disadvantaged pupils, whom the gap is about:"
        " not all the pupils at the end of the key stage."
    }
    assert [as_text(row) for row in sheets(client)["Notes"]] == notes
    public = csv_table(client, "authority-statistics-notes-csv")
    assert sorted(row[0] for row in public if "Pupils counted" in row[4]) == sorted(
        {row[1] for row in csv_table(client, "authority-statistics-csv")[1:] if row[2].startswith("Disadvantaged gap")}
    )


def test_the_notes_say_why_the_authority_has_no_figure_of_a_measure_its_schools_have(client, officer):
    """Absence is published for each school and England, never for an authority: the notes say so, in the words of the
    page's list of such measures, and not for a measure the authority has a figure of."""
    from evidence.catalogue import ABSENCE_LA

    assert import_file(ABSENCE).outcome == ImportOutcome.SUCCEEDED
    sign_in(client, officer)
    html = client.get(reverse("evidence:authority-results", args=[936])).content.decode()
    listed = re.findall(r"<li>([^<]+?)\. (No authority figure:[^<]+)</li>", html.split("Measures with no figure for Surrey", 1)[1])
    assert [label for label, _ in listed] == ["Overall absence (% of sessions)", "Persistent absence (% of pupils missing 10% or more)"]
    table = csv_table(client, "authority-results-notes-csv")
    lacking = [row for row in table if row[4].startswith("No authority figure")]
    codes = ["absence_overall_pct", "persistent_absence_pct"]
    assert lacking == [[code, label, "", "", ABSENCE_LA] for code, (label, _) in zip(codes, listed, strict=True)]
    assert all(why.replace("&#39;", "'") == ABSENCE_LA for _, why in listed)
    assert [as_text(row) for row in sheets(client)["Notes"]] == table
    # The figures' download has the schools' absence, which the note is about.
    assert any(row[4] == "absence_overall_pct" and row[0] for row in csv_table(client, "authority-results-csv"))


def test_the_page_links_to_the_notes_and_outcomes_and_their_downloads_are_audited(client, officer):
    sign_in(client, officer)
    html = client.get(reverse("evidence:authority-results", args=[936])).content.decode()
    notes, outcomes = (
        reverse(f"evidence:{name}", args=[936]) for name in ("authority-results-notes-csv", "authority-results-outcomes-csv")
    )
    assert f'href="{notes}" download>notes on the figures (CSV)</a>' in html
    assert f'href="{outcomes}" download>inspection outcomes (CSV)</a>' in html
    today = timezone.localdate().isoformat()
    for url, file_name in ((notes, f"surrey-results-notes-{today}.csv"), (outcomes, f"surrey-inspection-outcomes-{today}.csv")):
        assert client.get(url)["Content-Disposition"] == f'attachment; filename="{file_name}"'
    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="register.localauthority")
    assert [(event.user, event.detail) for event in exports.order_by("id")] == [
        (officer, {"format": "csv", "table": "notes"}),
        (officer, {"format": "csv", "table": "outcomes"}),
    ]
    # Another authority's officer is told there is no such authority, as for the figures.
    other = UserFactory(email="officer@hampshire.example")
    grant(other, Role.LA_OFFICER, LocalAuthority.objects.create(code=850, name="Hampshire"))
    sign_in(client, other)
    assert client.get(notes).status_code == 404 and client.get(outcomes).status_code == 404


def test_anyone_may_download_an_authoritys_published_statistics_without_any_schools_figures(client, officer):
    """The published statistics offer the results page's downloads to anyone, signed out, with the authority's and England's
    rows of the signed-in download (the same figures, sources and marks) and no school's: no URN, LAESTAB or phase column,
    no school's row, and notes on the breaks in those figures alone."""
    add_surreys_2021_22_figure()
    page = client.get(reverse("evidence:authority-statistics", args=[936])).content.decode()  # signed out
    for name in ("csv", "xlsx", "notes-csv", "outcomes-csv"):
        assert f'href="{reverse(f"evidence:authority-statistics-{name}", args=[936])}" download>' in page
    public = csv_table(client, "authority-statistics-csv")
    assert public[0] == ["Area", "Measure code", "Measure", "Unit", "Academic year", "Value", "Status", "Pupils counted",
                         "Source", "File", "Shown on pages"]  # fmt: skip
    public_notes, public_outcomes = (
        csv_table(client, "authority-statistics-notes-csv"),
        csv_table(client, "authority-statistics-outcomes-csv"),
    )
    response = client.get(reverse("evidence:authority-statistics-xlsx", args=[936]))
    assert response["Content-Disposition"] == f'attachment; filename="surrey-statistics-{timezone.localdate().isoformat()}.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    sheet_rows = {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}
    assert list(sheet_rows) == ["Surrey statistics", "Notes", "Inspection outcomes"]
    # The same rows as the CSV (whose figures are text: 0.0 is read back from the sheet as 0).
    assert [as_text(row[:5]) for row in sheet_rows["Surrey statistics"]] == [row[:5] for row in public]
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()  # open data: nobody's read to record

    sign_in(client, officer)
    signed_in = csv_table(client, "authority-results-csv")
    areas = [[row[1], *row[4:]] for row in signed_in[1:] if not row[0]]
    assert areas and public[1:] == areas
    assert len(signed_in) > len(public) and {row[0] for row in public[1:]} == {"Surrey", "England (state-funded schools)"} | {
        row[0] for row in public[1:] if row[0].startswith(("Surrey (", "England ("))
    }
    assert ["Surrey", "ks2_rwm_expected", RWM, "per cent", "2021/22", "61", "", "", "Key stage 2 performance tables (final)", "2021-2022-936-ks2final.csv", "yes"] in public  # fmt: skip
    assert public_outcomes == csv_table(client, "authority-results-outcomes-csv")
    # The notes: about a download of no school's figures, and only the breaks in the authority's and England's.
    about = public_notes[1]
    assert about[1] == "About this download" and about[4].startswith("Surrey's figures and England's, downloaded from Common Ground on")
    assert csv_table(client, "authority-results-notes-csv")[1][4].startswith("Surrey's figures and England's, and its schools', downloaded")
    assert ["ks2_rwm_expected", RWM, "2018/19 and 2021/22", "2019/20 to 2020/21", PANDEMIC] in public_notes
    # A school's figure for a year neither the authority nor England has: its break is noted where its figure is given.
    school = School.objects.filter(la__code=936, observations__measure__code="ks2_rwm_expected").first()
    measure = Measure.objects.get(code="ks2_rwm_expected")
    run = ImportRun.objects.create(file_name="2023-2024-936-ks2final.csv", checksum="2" * 64, outcome=ImportOutcome.SUCCEEDED)
    Observation.objects.create(school=school, measure=measure, year=2024, source=Source.KS2_FINAL, value=70, import_run=run)
    signed_in_notes = csv_table(client, "authority-results-notes-csv")
    between = [row[2] for row in signed_in_notes if row[0] == "ks2_rwm_expected"]
    assert between == ["2016/17 and 2017/18", "2018/19 and 2021/22", "2021/22 and 2023/24"]  # the last, the school's alone
    assert csv_table(client, "authority-statistics-notes-csv")[2:] == [row for row in signed_in_notes[2:] if row[2] != between[2]]
    assert sheet_rows["Notes"][1:] and [as_text(row) for row in sheet_rows["Notes"]] == public_notes
    assert client.get(reverse("evidence:authority-statistics-csv", args=[999])).status_code == 404


def test_the_downloads_name_each_import_as_the_readers_page_does(client, officer):
    """An LA administrator, who can open the Imports page, is told the number of the import the counts came from in the
    downloads as on the page; a reader of the published statistics signed out, for whom a number leads nowhere, its file
    and the day it was imported, in the download as on the page."""
    admin = UserFactory(email="admin@surrey.example")
    grant(admin, Role.LA_ADMIN, LocalAuthority.objects.get(code=936))
    run = ImportRun.objects.get(file_name="surrey-2021-05-establishments.csv")
    sign_in(client, admin)
    shown = page_outcomes(client)
    assert f"surrey-2021-05-establishments.csv (import {run.pk}), 286 schools" in shown[0][5]
    assert csv_table(client, "authority-results-outcomes-csv")[1:] == shown
    notes = [row[4] for row in csv_table(client, "authority-results-notes-csv")]
    assert shown[0][5] in notes
    client.logout()
    public = client.get(reverse("evidence:authority-statistics", args=[936])).content.decode()
    from_page = markup.unescape(re.search(r'<p class="govuk-body-s">(Counted from Register .*?)</p>', public)[1])
    assert f"surrey-2021-05-establishments.csv (imported {gov_date(run.started_at)}), 286 schools" in from_page
    assert "(import " not in public
    graded = [row for row in csv_table(client, "authority-statistics-outcomes-csv")[1:] if row[0] == GRADED]
    assert {row[5] for row in graded} == {from_page}
    assert from_page in [row[4] for row in csv_table(client, "authority-statistics-notes-csv")]
