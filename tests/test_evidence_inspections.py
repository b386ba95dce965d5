"""One inspection history per school: the register's legacy rating, report cards, and the monthly file."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from evidence.models import Framework, Inspection, InspectionSource
from evidence.ofsted_words import ungraded_outcome
from imports.models import ImportOutcome
from imports.services import import_file
from register.models import School

from .evidence_helpers import GIAS_2021, GIAS_2022, LINKS_2025, OFSTED_ALL, graded_counts_of, snapshot

# The monthly "latest inspections" layout (DOMAIN.md §2), in a different order, with an extra column.
LATEST_HEADER = [
    "URN",
    "Web Link (opens in new window)",
    "LAESTAB",
    "School name",
    "A column added this month",
    "Ofsted phase",
    "Type of education",
    "Postcode",
    "Inspection type",
    "Inspection start date",
    "Inspection end date",
    "Publication date",
    "Category of concern",
    "Most recent category of concern",
    "Safeguarding standards",
    "Inclusion",
    "Curriculum and teaching",
    "Achievement",
    "Attendance and behaviour",
    "Personal development and wellbeing",
    "Early years (where applicable)",
    "Post-16 provision (where applicable)",
    "Leadership and governance",
    "Latest OEIF overall effectiveness",
    "Latest OEIF quality of education",
    "Latest OEIF behaviour and attitudes",
    "Latest OEIF personal development",
    "Latest OEIF effectiveness of leadership and management",
    "Latest OEIF sixth form provision (where applicable)",
    "Inspection start date of latest OEIF graded inspection",
    "URN at time of latest OEIF graded inspection",
    "Ungraded inspection overall outcome",
    "Date of latest ungraded inspection",
]


def latest_row(urn, name, **values):
    row = dict.fromkeys(LATEST_HEADER, "NULL")
    row.update({"URN": str(urn), "School name": name, "A column added this month": "x"})
    row.update(values)
    return [row[h] for h in LATEST_HEADER]


def latest_file(rows, encoding="utf-8"):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(LATEST_HEADER)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


REPORT_CARD = {
    "Inspection type": "S5 Inspection",
    "Inspection start date": "09/12/2025",
    "Inspection end date": "10/12/2025",
    "Publication date": "01/02/2026",
    "Category of concern": "",
    "Safeguarding standards": "Met",
    "Inclusion": "Expected standard",
    "Curriculum and teaching": "Needs attention",
    "Achievement": "Needs attention",
    "Attendance and behaviour": "Needs attention",
    "Personal development and wellbeing": "Expected standard",
    "Early years (where applicable)": "Needs attention",
    "Post-16 provision (where applicable)": "Not applicable",
    "Leadership and governance": "Needs attention",
}
GRADED = {
    "Latest OEIF overall effectiveness": "2",
    "Latest OEIF quality of education": "2",
    "Latest OEIF behaviour and attitudes": "2",
    "Latest OEIF personal development": "1",
    "Latest OEIF effectiveness of leadership and management": "2",
    "Latest OEIF sixth form provision (where applicable)": "",
}


@pytest.fixture
def surrey(db):
    import_file(GIAS_2021)


def test_the_registers_legacy_rating_becomes_a_graded_inspection(surrey):
    # The Grange Community Infant School: "Good", 15-11-2018 in the 2021 extract.
    inspection = Inspection.objects.get(school__urn=125037)
    assert (inspection.framework, inspection.started_on, inspection.overall) == (Framework.GRADED, date(2018, 11, 15), "Good")
    assert inspection.source == InspectionSource.REGISTER
    assert inspection.import_run.kind == "gias_establishments"


def test_a_later_register_extract_adds_to_the_history(surrey):
    import_file(GIAS_2022)
    # Prior Heath Infant School: Outstanding (2007) in 2021, Good (22-09-2021) in 2022: both kept.
    history = list(Inspection.objects.filter(school__urn=125028).order_by("started_on").values_list("started_on", "overall"))
    assert history == [(date(2007, 2, 8), "Outstanding"), (date(2021, 9, 22), "Good")]


def gias_2022_rating(tmp_path, urn: int, rating: str):
    """The 2022 extract as GIAS might give it a few days later, the rating of `urn`'s last inspection corrected."""
    rows = list(csv.reader(io.StringIO(GIAS_2022.read_text(encoding="utf-8"))))
    header, row = rows[0], next(row for row in rows if row[0] == str(urn))
    row[header.index("OfstedRating (name)")], row[header.index("LastChangedDate")] = rating, "25-04-2022"
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "surrey-2022-04-25-primary-establishments.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.mark.parametrize("rating, category", [("Outstanding", ""), ("Serious Weaknesses", "SWK")])
def test_a_later_register_extract_correcting_a_rating_corrects_the_registers_inspection(surrey, tmp_path, rating, category):
    """Prior Heath Infant School: Good (22-09-2021) in the 2022 extract; a later one gives that inspection another rating.
    The history and the register then agree, and the history keeps what the correction replaced."""
    import_file(GIAS_2022)
    run = import_file(gias_2022_rating(tmp_path, 125028, rating))
    assert (run.changed, School.objects.get(urn=125028).ofsted_rating) == (1, rating)
    history = list(Inspection.objects.filter(school__urn=125028).order_by("started_on").values_list("started_on", "overall"))
    assert history == [(date(2007, 2, 8), "Outstanding"), (date(2021, 9, 22), rating)]
    inspection = Inspection.objects.get(school__urn=125028, started_on=date(2021, 9, 22))
    assert (inspection.category_of_concern, inspection.import_run) == (category, run)
    corrected = [(c.field, c.old_value, c.new_value, c.import_run) for c in inspection.changes.all()]
    assert corrected == [("Overall effectiveness", "Good", rating, run)]


def test_the_timeline_tells_a_re_rating_once_as_the_inspections_correction(surrey, tmp_path, client):
    import re
    from html import unescape

    from accounts.roles import Role
    from register.models import LocalAuthority

    from .conftest import sign_in
    from .factories import UserFactory, grant

    import_file(GIAS_2022)
    corrected = import_file(gias_2022_rating(tmp_path, 125028, "Outstanding"))
    officer = UserFactory(email="officer@surrey.example")
    grant(officer, Role.LA_OFFICER, LocalAuthority.objects.get(code=936))
    sign_in(client, officer)
    html = client.get(reverse("evidence:school-timeline", args=[125028])).content.decode()
    page = unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))
    assert "Overall effectiveness: Outstanding" in page
    assert f"Corrected by <bdi>{corrected.file_name}</bdi>" in html and "Overall effectiveness was “<bdi>Good</bdi>”" in html
    # The extract's own change of rating (Outstanding, in 2007, to Good) is still told; the re-rating is not told twice.
    assert page.count("The register's rating before:") == 1


def test_a_report_card_is_kept_in_ofsteds_words_with_no_overall_grade(surrey):
    run = import_file(OFSTED_ALL)
    assert (run.kind, run.outcome) == ("ofsted_all_inspections", ImportOutcome.SUCCEEDED)
    card = Inspection.objects.get(school__urn=125037, framework=Framework.REPORT_CARD)
    assert card.overall == ""
    assert (card.started_on, card.published_on) == (date(2025, 12, 9), date(2026, 2, 1))
    assert (card.inspection_number, card.inspection_type, card.safeguarding) == ("10429718", "S5 Inspection", "Met")
    assert card.judgements["Curriculum and teaching"] == "Needs attention"
    assert card.judgements["Inclusion"] == "Expected standard"
    assert card.judgements["Post-16 provision"] == "Not applicable"
    assert card.category_of_concern == ""
    # The earlier graded inspection is still there: one history across both frameworks.
    assert Inspection.objects.filter(school__urn=125037).count() == 2
    assert run.skipped == 245  # inspections of schools outside this register


def test_an_inspection_of_a_new_academy_the_register_lacks_is_named_with_what_to_import(surrey):
    """All Hallows Catholic School reopened as an academy (URN 151190) in 2024, after the 2021 extract; its
    report card of November 2025 is skipped, and the import says why and what would bring it in."""
    import_file(LINKS_2025, la_codes=[936])
    run = import_file(OFSTED_ALL)
    assert not Inspection.objects.filter(urn_at_inspection=151190).exists()
    assert "1 of the skipped schools is a successor of schools in the register that it does not hold" in run.message
    assert "URN 151190 (after 125315): import a newer GIAS extract" in run.message


def test_reimporting_the_report_card_file_changes_nothing(surrey):
    import_file(OFSTED_ALL)
    before = snapshot()
    again = import_file(OFSTED_ALL)
    assert (again.outcome, again.created, again.changed) == (ImportOutcome.UNCHANGED, 0, 0)
    assert snapshot() == before


def test_the_monthly_file_adds_report_cards_graded_and_ungraded_inspections(surrey):
    data = latest_file(
        [
            latest_row(
                125037,
                "The Grange Community Infant School",
                **REPORT_CARD,
                **GRADED,
                **{"Inspection start date of latest OEIF graded inspection": "15/11/2018"},
            ),
            latest_row(
                143373,
                "Guildford Grove Primary School",
                **GRADED,
                **{
                    "Inspection start date of latest OEIF graded inspection": "27/11/2018",
                    "URN at time of latest OEIF graded inspection": "143373",
                    "Ungraded inspection overall outcome": "School remains Good",
                    "Date of latest ungraded inspection": "14/03/2023",
                },
            ),
            latest_row(
                140348,
                "Kenyngton Manor Primary School",
                **{"Inspection type": "S8 No Formal Designation Visit", "Inspection start date": "20/01/2026"},
                **dict.fromkeys(list(REPORT_CARD)[6:], "9"),
            ),
        ]
    )
    run = import_file(data, file_name="latest_inspections_as_at_31_jan_2026.csv")
    assert (run.kind, run.outcome) == ("ofsted_latest_inspections", ImportOutcome.SUCCEEDED), run.message
    grange = {i.framework: i for i in Inspection.objects.filter(school__urn=125037)}
    assert grange[Framework.REPORT_CARD].judgements["Leadership and governance"] == "Needs attention"
    assert grange[Framework.REPORT_CARD].ended_on == date(2025, 12, 10)
    # The graded inspection merges with the register's record of the same day; its words stay.
    graded = grange[Framework.GRADED]
    assert (graded.started_on, graded.overall) == (date(2018, 11, 15), "Good")
    assert graded.judgements == {
        "Quality of education": "2",
        "Behaviour and attitudes": "2",
        "Personal development": "1",
        "Leadership and management": "2",
    }
    ungraded = Inspection.objects.get(school__urn=143373, framework=Framework.UNGRADED)
    assert (ungraded.started_on, ungraded.judgements) == (date(2023, 3, 14), {"Outcome": "School remains Good"})
    visit = Inspection.objects.get(school__urn=140348, framework=Framework.UNGRADED, started_on=date(2026, 1, 20))
    assert set(visit.judgements.values()) == {"Not evaluated"}
    assert visit.overall == ""


def test_a_graded_inspection_that_is_the_rows_latest_takes_its_details_and_category(surrey):
    # Unified Academy: 'Special Measures' on 25-04-2019 in the register; the monthly file gives '4' and SM.
    assert Inspection.objects.get(school__urn=146527).category_of_concern == "SM"
    graded = {
        **GRADED,
        "Latest OEIF overall effectiveness": "4",
        "Inspection start date of latest OEIF graded inspection": "25/04/2019",
        "URN at time of latest OEIF graded inspection": "146527",
    }
    rows = [
        latest_row(
            146527,
            "Unified Academy",
            **graded,
            **{
                "Inspection type": "S5 Inspection",
                "Inspection start date": "25/04/2019",
                "Inspection end date": "26/04/2019",
                "Publication date": "03/06/2019",
                "Category of concern": "SM",
                "Most recent category of concern": "SM",
            },
        ),
        # The Weald: inadequate at its last graded inspection, monitored since; that inspection placed it in SWK.
        latest_row(
            142083,
            "The Weald CofE Primary School",
            **{
                **graded,
                "Inspection start date of latest OEIF graded inspection": "01/11/2018",
                "URN at time of latest OEIF graded inspection": "142083",
            },
            **{"Inspection type": "S8 Monitoring Visit", "Inspection start date": "12/03/2019", "Most recent category of concern": "SWK"},
        ),
        # Guildford Grove: good at its last graded inspection; a category from long before is not that inspection's.
        latest_row(
            143373,
            "Guildford Grove Primary School",
            **{**GRADED, "Inspection start date of latest OEIF graded inspection": "27/11/2018"},
            **{
                "Inspection type": "S8 No Formal Designation Visit",
                "Inspection start date": "14/03/2023",
                "Most recent category of concern": "SM",
            },
        ),
    ]
    run = import_file(latest_file(rows), file_name="latest.csv")
    assert run.outcome == ImportOutcome.SUCCEEDED, run.message
    unified = Inspection.objects.get(school__urn=146527)  # the same inspection: no second record of the visit
    assert (unified.overall, unified.category_of_concern, unified.inspection_type) == ("Special Measures", "SM", "S5 Inspection")
    assert (unified.ended_on, unified.published_on) == (date(2019, 4, 26), date(2019, 6, 3))
    weald = Inspection.objects.get(school__urn=142083, framework=Framework.GRADED)
    assert (weald.overall, weald.category_of_concern, weald.published_on) == ("Serious Weaknesses", "SWK", None)
    grove = Inspection.objects.get(school__urn=143373, framework=Framework.GRADED)
    assert (grove.overall, grove.category_of_concern, grove.inspection_type) == ("Good", "", "Graded inspection")
    # The authority's count of outcomes: a grade in words or as a digit is one outcome, best first.
    made_up = {
        "Inspection start date of latest OEIF graded inspection": "01/02/2024",
        "URN at time of latest OEIF graded inspection": "125037",
    }
    four = latest_row(125037, "The Grange", **{**graded, **made_up})
    import_file(latest_file([four]), file_name="latest-2.csv")
    schools = School.objects.filter(urn__in=[146527, 142083, 143373, 125037, 125028])
    assert graded_counts_of(schools) == [
        ("Outstanding", 1, 0),  # Prior Heath, 2007
        ("Good", 1, 0),
        ("Inadequate", 1, 0),  # The Grange's made-up 2024 inspection: no category given
        ("Inadequate: serious weaknesses", 1, 0),
        ("Inadequate: special measures", 1, 0),
        ("No graded inspection on record", 0, None),
    ]


def test_the_monthly_file_keeps_a_predecessors_urn_for_an_inspection_before_conversion(surrey):
    data = latest_file(
        [
            latest_row(
                143373,
                "Guildford Grove Primary School",
                **GRADED,
                **{
                    "Inspection start date of latest OEIF graded inspection": "23/01/2014",
                    "URN at time of latest OEIF graded inspection": "132758",
                },
            )
        ]
    )
    import_file(data, file_name="latest.csv")
    inspection = Inspection.objects.get(school__urn=143373, started_on=date(2014, 1, 23))
    assert inspection.urn_at_inspection == 132758


def test_a_school_twice_in_the_monthly_file_gives_one_inspection_filled_from_both_rows(surrey):
    first = latest_row(143373, "Guildford Grove Primary School", **{**REPORT_CARD, "Safeguarding standards": "NULL", "Inclusion": "9"})
    second = latest_row(
        143373, "Guildford Grove Primary School", **{**REPORT_CARD, "Inspection type": "NULL", "Achievement": "needs  ATTENTION"}
    )
    run = import_file(latest_file([first, second]), file_name="latest.csv")
    assert (run.outcome, run.created, run.skipped) == (ImportOutcome.SUCCEEDED, 1, 0), run.message
    card = Inspection.objects.get(school__urn=143373, framework=Framework.REPORT_CARD)
    # The rows agree (case and spacing aside: rows that disagree refuse the file); what the first left blank or
    # not evaluated, the second fills in.
    assert (card.inspection_type, card.safeguarding) == ("S5 Inspection", "Met")
    assert card.judgements["Inclusion"] == "Expected standard"
    assert card.judgements["Achievement"] == "Needs attention"


def test_the_monthly_file_may_come_in_windows_1252(surrey):
    row = latest_row(125037, "The Grange Community Infant School \u2019s", **REPORT_CARD)
    data = latest_file([row], encoding="cp1252")
    assert b"\x92" in data
    run = import_file(data, file_name="latest.csv")
    assert run.outcome == ImportOutcome.SUCCEEDED, run.message
    assert Inspection.objects.filter(school__urn=125037, framework=Framework.REPORT_CARD).exists()


def test_a_bad_date_refuses_the_monthly_file_whole(surrey):
    before = snapshot()
    rows = [
        latest_row(125037, "Grange", **REPORT_CARD),
        latest_row(125028, "Prior Heath", **{**REPORT_CARD, "Inspection start date": "31/13/2025"}),
    ]
    run = import_file(latest_file(rows), file_name="latest.csv")
    assert run.outcome == ImportOutcome.REFUSED
    assert (
        "row 3 (URN 125028, Prior Heath), column 'Inspection start date': '31/13/2025' is not a date: there is no such day" in run.message
    )
    rows[1] = latest_row(125028, "Prior Heath", **{**REPORT_CARD, "Inspection start date": "13th May 2025"})
    run = import_file(latest_file(rows), file_name="latest.csv")
    assert "column 'Inspection start date': '13th May 2025' is not a date (expected dd/mm/yyyy)" in run.message
    assert snapshot() == before


@pytest.mark.parametrize("day", [(date.today() + timedelta(days=30)).strftime("%d/%m/%Y"), "01/01/1900"])
def test_a_date_no_inspection_could_have_refuses_the_file_whole(surrey, day):
    before = snapshot()
    rows = [latest_row(125037, "Grange", **REPORT_CARD), latest_row(125028, "Prior Heath", **{**REPORT_CARD, "Publication date": day})]
    run = import_file(latest_file(rows), file_name="latest.csv")
    assert run.outcome == ImportOutcome.REFUSED
    assert f"row 3 (URN 125028, Prior Heath), column 'Publication date': '{day}' cannot be the date of an inspection" in run.message
    assert snapshot() == before


def test_a_row_that_evaluates_but_gives_no_start_date_refuses_the_file_whole(surrey):
    row = latest_row(125028, "Prior Heath", **{**REPORT_CARD, "Inspection start date": "NULL"})
    run = import_file(latest_file([row]), file_name="latest.csv")
    assert run.outcome == ImportOutcome.REFUSED
    assert (
        "row 2 (URN 125028, Prior Heath), column 'Inspection start date': the row gives evaluations but no inspection start date"
        in run.message
    )


def test_a_refusal_names_the_school_of_its_row_unless_it_refuses_the_urn(surrey):
    """Rows are counted as the reader counts them: a line end inside row 2's quoted name leaves row 3 Prior Heath's."""
    rows = [
        latest_row(125037, "Grange\nSchool", **REPORT_CARD),
        latest_row(125028, "Prior Heath", **{**REPORT_CARD, "Publication date": "01/01/1900"}),
    ]
    run = import_file(latest_file(rows), file_name="latest.csv")
    assert "latest.csv, row 3 (URN 125028, Prior Heath), column 'Publication date': '01/01/1900'" in run.message
    run = import_file(latest_file([latest_row("12A028", "Prior Heath", **REPORT_CARD)]), file_name="latest.csv")
    assert "latest.csv, row 2, column 'URN': '12A028' is not a URN" in run.message


def test_a_graded_area_not_judged_is_left_out_not_kept_as_a_9(surrey):
    graded = {
        **GRADED,
        "Latest OEIF sixth form provision (where applicable)": "9",
        "Inspection start date of latest OEIF graded inspection": "02/03/2022",
    }
    run = import_file(latest_file([latest_row(125037, "Grange", **REPORT_CARD, **graded)]), file_name="latest.csv")
    assert run.outcome == ImportOutcome.SUCCEEDED, run.message
    inspection = Inspection.objects.get(school__urn=125037, framework=Framework.GRADED, started_on=date(2022, 3, 2))
    assert "Sixth form provision" not in inspection.judgements
    assert inspection.judgements["Personal development"] == "1"


def test_a_corrected_start_date_moves_the_inspection_rather_than_adding_it_again(surrey, tmp_path):
    """Ofsted's file gives Prior Heath Infant School's report card (inspection 10428414) as starting on
    6 January 2026; a corrected copy gives 7 January."""
    from evidence.models import InspectionChange

    first = import_file(OFSTED_ALL)
    text = OFSTED_ALL.read_text(encoding="utf-8")
    line = next(row for row in text.splitlines() if ",10428414," in row)
    corrected = tmp_path / OFSTED_ALL.name
    corrected.write_text(text.replace(line, line.replace(",06/01/2026,", ",07/01/2026,", 1)), encoding="utf-8")
    run = import_file(corrected)
    assert (run.outcome, run.created, run.changed) == (ImportOutcome.SUCCEEDED, 0, 1), run.message
    card = Inspection.objects.get(inspection_number="10428414")
    assert (card.started_on, card.import_run) == (date(2026, 1, 7), run)
    change = InspectionChange.objects.get(inspection=card)
    assert (change.field, change.old_value, change.new_value, change.old_import_run_id) == (
        "Start date", "6 January 2026", "7 January 2026", first.pk
    )  # fmt: skip
    assert import_file(corrected).outcome == ImportOutcome.UNCHANGED


def test_statistical_neighbours_in_common_grounds_own_layout(db):
    from evidence.models import StatisticalNeighbour

    run = import_file(b"la_code,neighbour_la_code,rank\n936,850,1\n936,825,2\n", file_name="neighbours.csv")
    assert (run.kind, run.created) == ("statistical_neighbours", 2)
    assert list(StatisticalNeighbour.objects.values_list("la_code", "neighbour_code", "rank")) == [(936, 850, 1), (936, 825, 2)]
    again = import_file(b"la_code,neighbour_la_code,rank\n936,825,1\n", file_name="neighbours.csv")
    assert (again.changed, again.unchanged) == (2, 0)
    assert list(StatisticalNeighbour.objects.values_list("neighbour_code", "rank")) == [(825, 1)]
    bad = import_file(b"la_code,neighbour_la_code,rank\n936,x,1\n", file_name="neighbours.csv")
    assert bad.outcome == ImportOutcome.REFUSED and "row 2" in bad.message


def test_a_corrected_neighbour_list_keeps_what_it_changed_and_the_import_page_lists_it(client, world):
    from accounts.roles import Role
    from evidence.models import NeighbourChange

    from .conftest import sign_in

    first = import_file(b"la_code,neighbour_la_code,rank\n936,850,1\n936,825,2\n850,936,1\n", file_name="neighbours.csv")
    second = import_file(b"la_code,neighbour_la_code,rank\n936,825,1\n850,936,1\n850,825,2\n", file_name="neighbours.csv")
    changes = NeighbourChange.objects.filter(import_run=second).order_by("old_rank")
    assert list(changes.values_list("la_code", "neighbour_code", "old_rank", "new_rank", "old_import_run")) == [
        (936, 850, 1, None, first.pk),  # no longer a neighbour
        (936, 825, 2, 1, first.pk),
    ]
    assert not NeighbourChange.objects.filter(import_run=first).exists()  # a first list changes nothing held
    assert import_file(b"la_code,neighbour_la_code,rank\n936,825,1\n", file_name="neighbours.csv", la_codes=[936]).changed == 0
    sign_in(client, world.users[Role.LA_ADMIN])  # Surrey's (936)
    page = client.get(reverse("imports:detail", args=[second.pk])).content.decode()
    assert "Neighbours changed" in page and "2 changes" in page
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", page.split("Neighbours changed", 1)[1], re.S)
    cells = [[" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)] for row in rows]
    assert cells[1:] == [["Surrey (936)", "Hampshire (850)", "1", "No longer a neighbour"], ["Surrey (936)", "825", "2", "1"]]


def test_a_neighbour_list_limited_to_an_authority_counts_the_others_rows_as_skipped(db):
    from evidence.models import StatisticalNeighbour

    from .factories import LocalAuthorityFactory

    LocalAuthorityFactory(code=936)
    rows = b"la_code,neighbour_la_code,rank\n936,850,1\n936,825,2\n850,936,1\n850,825,2\n850,886,3\n"
    run = import_file(rows, file_name="neighbours.csv", la_codes=[936])
    assert (run.rows_read, run.created, run.skipped) == (5, 2, 3)
    assert run.message == (
        "neighbours.csv (LA statistical neighbours, Common Ground layout): 5 rows read; 2 new, 0 changed, 0 unchanged; "
        "3 skipped (outside the authorities asked for)."
    )
    assert set(StatisticalNeighbour.objects.values_list("la_code", flat=True)) == {936}


@pytest.mark.parametrize(
    ("rows", "refusal"),
    [
        ("936,850,1\n936,850,2\n", "row 3, column 'neighbour_la_code': 850 is already 936's neighbour at row 2"),
        ("936,850,1\n936,825,1\n", "row 3, column 'rank': 936 already has a neighbour ranked 1 at row 2"),
        ("936,85,1\n", "row 2, column 'neighbour_la_code': '85' is not a three-digit LA code"),
        ("936,850,0\n", "row 2, column 'rank': ranks start at 1"),
    ],
)
def test_a_neighbour_list_that_contradicts_itself_is_refused_whole(db, rows, refusal):
    from evidence.models import StatisticalNeighbour

    import_file(b"la_code,neighbour_la_code,rank\n936,821,1\n", file_name="neighbours.csv")
    run = import_file(f"la_code,neighbour_la_code,rank\n{rows}".encode(), file_name="neighbours.csv")
    assert run.outcome == ImportOutcome.REFUSED and refusal in run.message
    assert list(StatisticalNeighbour.objects.values_list("la_code", "neighbour_code", "rank")) == [(936, 821, 1)]


@pytest.mark.parametrize(
    ("column", "value", "kind"),
    [
        ("Inclusion", "Strongish standard", "report card area"),
        ("Safeguarding standards", "Maybe", "safeguarding"),
        ("Category of concern", "XYZ", "category of concern"),
        ("Latest OEIF overall effectiveness", "5", "graded judgement"),
    ],
)
def test_words_ofsted_does_not_use_refuse_the_monthly_file_whole(surrey, column, value, kind):
    before = snapshot()
    rows = [
        latest_row(125037, "Grange", **{**REPORT_CARD, "Achievement": "strong  Standard"}),  # case and spacing are forgiven
        latest_row(125028, "Prior Heath", **{**REPORT_CARD, **GRADED, column: value}),
    ]
    run = import_file(latest_file(rows), file_name="latest.csv")
    assert run.outcome == ImportOutcome.REFUSED
    assert f"row 3 (URN 125028, Prior Heath), column '{column}': '{value}' is not a {kind} Ofsted gives" in run.message
    assert snapshot() == before


def test_a_corrected_file_changes_the_inspection_and_keeps_what_it_said_before(surrey, client):
    from accounts.roles import Role
    from evidence.models import InspectionChange
    from register.models import LocalAuthority

    from .conftest import sign_in
    from .factories import UserFactory, grant

    first = import_file(latest_file([latest_row(143373, "Guildford Grove Primary School", **REPORT_CARD)]), file_name="latest.csv")
    corrected = {**REPORT_CARD, "Publication date": "03/02/2026", "Achievement": "Strong standard", "Inclusion": "9"}
    run = import_file(latest_file([latest_row(143373, "Guildford Grove Primary School", **corrected)]), file_name="latest.csv")
    assert (run.outcome, run.created, run.changed) == (ImportOutcome.SUCCEEDED, 0, 1), run.message
    card = Inspection.objects.get(school__urn=143373, framework=Framework.REPORT_CARD)
    assert card.published_on == date(2026, 2, 3) and card.import_run == run
    # Not evaluated this time (9): the corrected file says so, and what it said before is kept.
    assert card.judgements["Achievement"] == "Strong standard" and card.judgements["Inclusion"] == "Not evaluated"
    changes = InspectionChange.objects.filter(import_run=run, inspection=card).order_by("field")
    assert [(c.field, c.old_value, c.new_value, c.old_import_run_id) for c in changes] == [
        ("Achievement", "Needs attention", "Strong standard", first.pk),
        ("Inclusion", "Expected standard", "Not evaluated", first.pk),
        ("Publication date", "1 February 2026", "3 February 2026", first.pk),
    ]
    # The same file again corrects nothing.
    assert (
        import_file(latest_file([latest_row(143373, "Guildford Grove Primary School", **corrected)]), file_name="latest.csv").changed == 0
    )
    admin = UserFactory(email="admin@surrey.example")
    grant(admin, Role.LA_ADMIN, LocalAuthority.objects.get(code=936))
    sign_in(client, admin)
    page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert "Inspections corrected" in page and "3 corrections" in page
    assert "Guildford Grove Primary School" in page and "Report card (from November 2025), 9 December 2025" in page
    assert "Needs attention" in page and "Strong standard" in page
    # The school's timeline says what the later file corrected, beside the inspection as it now stands.
    timeline = client.get(reverse("evidence:school-timeline", args=[143373])).content.decode()
    assert "Achievement: Strong standard" in timeline
    assert "Corrected by <bdi>latest.csv</bdi> (" in timeline and "Achievement was “<bdi>Needs attention</bdi>”" in timeline
    assert "Publication date was “<bdi>1 February 2026</bdi>”" in timeline


def test_an_ofsted_file_cut_short_part_way_through_a_row_is_refused(surrey, tmp_path):
    """Prior Heath's report card row, cut after its Inclusion area: the areas after it are not 'not evaluated'."""
    text = OFSTED_ALL.read_text(encoding="utf-8")
    lines = text.splitlines()
    row = next(i for i, line in enumerate(lines) if ",10428414," in line)
    cut = tmp_path / OFSTED_ALL.name
    cut.write_text("\n".join([*lines[:row], lines[row][: lines[row].index(",Met,") + 30]]), encoding="utf-8")
    before = snapshot()
    run = import_file(cut)
    assert run.outcome == ImportOutcome.REFUSED
    assert f"row {row + 1}: the file ends part-way through this row" in run.message
    assert snapshot() == before


def test_the_timeline_tells_a_rating_change_once_with_the_inspection_that_made_it(surrey, client):
    """Prior Heath Infant School: Outstanding (2007) in the 2021 extract, Good (22 September 2021) in the 2022 one."""
    import re
    from html import unescape

    from accounts.roles import Role
    from register.models import LocalAuthority, RegisterEvent, RegisterEventKind

    from .conftest import sign_in
    from .factories import UserFactory, grant

    import_file(GIAS_2022)
    assert RegisterEvent.objects.filter(school__urn=125028, kind=RegisterEventKind.OFSTED_CHANGED).exists()
    officer = UserFactory(email="officer@surrey.example")
    grant(officer, Role.LA_OFFICER, LocalAuthority.objects.get(code=936))
    sign_in(client, officer)
    html = client.get(reverse("evidence:school-timeline", args=[125028])).content.decode()
    page = unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))
    assert page.count("22 September 2021 :") == 1
    assert "Ofsted rating changed" not in page
    assert "Overall effectiveness: Good" in page and "The register's rating before: Outstanding" in page
    # GIAS dates a rating by the school's latest inspection, graded or not: the timeline does not call it a graded one.
    assert page.count("Ofsted rating in the register") == 2 and "Ofsted inspection" not in page
    assert "Dated by the latest inspection of the school, which may have been an ungraded one that left the rating as it was." in page


FULL_NEXT = "so the next inspection will be a full inspection (section 5)"


@pytest.mark.parametrize(
    "published, words, meaning, concerns",
    [
        # Until August 2024: the grade the school kept, what inspectors found beyond it, and "S5 Next".
        ("School remains Good", "Remains good", "", False),
        ("School remains Outstanding", "Remains outstanding", "", False),
        (
            "School remains Good (Concerns) - S5 Next",
            "Remains good, with concerns",
            f"Inspectors found evidence the school may no longer be good, {FULL_NEXT}",
            True,
        ),
        (
            "School remains Outstanding (Concerns) - S5 Next",
            "Remains outstanding, with concerns",
            f"Inspectors found evidence the school may no longer be outstanding, {FULL_NEXT}",
            True,
        ),
        (
            "School remains Good (Improving) - S5 Next",
            "Remains good, may be improving",
            f"Inspectors found evidence the school may now be outstanding, {FULL_NEXT}",
            False,
        ),
        (
            "School remains Outstanding (Improved significantly) - S5 Next",
            "Remains outstanding, may have improved significantly",
            f"Inspectors found evidence the school may have improved significantly, {FULL_NEXT}",
            False,
        ),
        ("School remains Good - S5 Next", "Remains good", "The next inspection will be a full inspection (section 5)", False),
        # From September 2024, with no overall grade.
        (
            "Standards maintained",
            "Standards maintained",
            "Inspectors found the school has kept the standards of its last graded inspection",
            False,
        ),
        (
            "Improved significantly",
            "May have improved significantly",
            f"Inspectors found evidence the school may have improved significantly since its last graded inspection, {FULL_NEXT}",
            False,
        ),
        (
            "Some aspects not as strong",
            "Some aspects not as strong",
            f"Inspectors found some aspects of the school's work may not be as strong as at its last graded inspection, {FULL_NEXT}",
            True,
        ),
    ],
)
def test_each_ungraded_outcome_ofsted_gives_is_put_in_plain_words(published, words, meaning, concerns):
    assert ungraded_outcome(published) == (words, meaning, concerns)


def test_an_ungraded_outcome_is_read_whatever_its_case_spacing_or_dash():
    assert ungraded_outcome("  school remains GOOD  (concerns) \u2013 S5 next ") == ungraded_outcome(
        "School remains Good (Concerns) - S5 Next"
    )


@pytest.mark.parametrize("published", ["School remains Good (Declined) - S5 Next", "School remains Requires improvement", "Outcome 3"])
def test_an_ungraded_outcome_not_known_is_kept_as_published(published):
    assert ungraded_outcome(f" {published} ") == (published, "", False)


@pytest.mark.parametrize("published", ["", "   ", None])
def test_a_blank_ungraded_outcome_stays_blank(published):
    assert ungraded_outcome(published) == ("", "", False)


def test_the_timeline_gives_an_ungraded_outcome_in_plain_words(surrey, client):
    from accounts.roles import Role
    from register.models import LocalAuthority

    from .conftest import sign_in
    from .factories import UserFactory, grant

    outcome = {
        "Ungraded inspection overall outcome": "School remains Good (Concerns) - S5 Next",
        "Date of latest ungraded inspection": "14/03/2023",
    }
    import_file(latest_file([latest_row(143373, "Guildford Grove Primary School", **outcome)]), file_name="latest.csv")
    officer = UserFactory(email="officer@surrey.example")
    grant(officer, Role.LA_OFFICER, LocalAuthority.objects.get(code=936))
    sign_in(client, officer)
    html = client.get(reverse("evidence:school-timeline", args=[143373])).content.decode()
    assert "Outcome: Remains good, with concerns</p>" in html
    assert f"Inspectors found evidence the school may no longer be good, {FULL_NEXT}</p>" in html
    assert "S5 Next" not in html and "School remains Good" not in html


@pytest.mark.parametrize("spelling", ["Null", "nULL", " null "])
def test_an_area_reading_null_in_any_case_is_not_evaluated_as_null_is(surrey, spelling):
    """Ofsted writes NULL for an area it did not evaluate; the same word in other case or spacing means the same, for
    the check that an evaluated row gives its date, as for what is stored."""
    row = latest_row(125028, "Prior Heath", **{**REPORT_CARD, "Inclusion": spelling})
    run = import_file(latest_file([row]), file_name="latest.csv")
    assert run.outcome == ImportOutcome.SUCCEEDED, run.message
    as_null = Inspection.objects.get(school__urn=125028, framework=Framework.REPORT_CARD).judgements
    row = latest_row(125028, "Prior Heath", **{**REPORT_CARD, "Inclusion": "NULL"})
    assert import_file(latest_file([row]), file_name="latest.csv").outcome == ImportOutcome.UNCHANGED
    assert Inspection.objects.get(school__urn=125028, framework=Framework.REPORT_CARD).judgements == as_null
    # A row whose every area is not evaluated, and which gives no start date, is not refused for lacking one.
    nothing = dict.fromkeys(list(REPORT_CARD)[list(REPORT_CARD).index("Safeguarding standards") :], spelling)
    row = latest_row(125037, "Grange", **{**REPORT_CARD, **nothing, "Inspection start date": "NULL"})
    assert import_file(latest_file([row]), file_name="latest2.csv").outcome != ImportOutcome.REFUSED
