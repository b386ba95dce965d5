"""The register's lists and pages show a school's latest inspection from its history, not GIAS's legacy rating."""

import io
import json
import re
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import Role
from evidence.graded import GRADED_CHOICES, graded_as
from evidence.latest import latest_for_schools, summarise
from evidence.models import Framework, Inspection, InspectionSource
from imports.models import ImportOutcome, ImportRun
from imports.services import import_file
from register.models import LocalAuthority, School, SchoolLink, SchoolStatus
from register.presenters import SchoolFilters, state_funded

from .conftest import sign_in
from .evidence_helpers import GIAS_2021, GIAS_2022, LINKS_2025, OFSTED_ALL, graded_counts_of, text
from .factories import GroupFactory, GroupMembershipFactory, SchoolFactory, UserFactory, grant
from .test_evidence_inspections import GRADED, REPORT_CARD, latest_file, latest_row


@pytest.fixture
def surrey(db):
    import_file(GIAS_2022)
    import_file(OFSTED_ALL)


@pytest.fixture
def officer(client, surrey):
    return signed_in_officer(client)


def signed_in_officer(client):
    """`client`, signed in as an officer of Surrey."""
    user = UserFactory(email="officer@surrey.example")
    grant(user, Role.LA_OFFICER, LocalAuthority.objects.get(code=936))
    return sign_in(client, user)


def import_guildford_grove(**row):
    """A monthly latest-inspections file of one row: Guildford Grove Primary School (URN 143373)."""
    import_file(latest_file([latest_row(143373, "Guildford Grove Primary School", **row)]), file_name="latest.csv")


def guildford_grove_latest(**row):
    import_guildford_grove(**row)
    school = School.objects.get(urn=143373)
    return latest_for_schools([school])[school.pk]


def test_a_report_card_is_the_latest_inspection_though_gias_still_gives_the_legacy_grade(surrey):
    # Prior Heath Infant School: "Good" (22 September 2021) in the 2022 extract; a report card on 6 January 2026.
    school = School.objects.get(urn=125028)
    assert school.ofsted_rating == "Good"
    latest = latest_for_schools([school])[school.pk]
    assert (latest.framework, latest.outcome, latest.colour, str(latest.on)) == (Framework.REPORT_CARD, "Report card", "blue", "2026-01-06")
    assert latest.notes == ("Safeguarding standards met",)
    graded = latest_for_schools([school], Framework.GRADED)[school.pk]
    assert (graded.outcome, graded.colour, str(graded.on)) == ("Good", "teal", "2021-09-22")


def test_the_school_list_shows_each_schools_latest_inspection(officer):
    page = text(officer.get(reverse("register:school-list"), {"q": "Prior Heath"}))
    assert "Latest Ofsted inspection" in page
    assert "Report card 6 January 2026 Safeguarding standards met" in page
    # A school whose latest inspection is the register's legacy grade (Kingswood Primary School, 1 December 2021).
    page = text(officer.get(reverse("register:school-list"), {"q": "124937"}))
    assert "Good 1 December 2021" in page


def test_the_school_page_shows_the_latest_inspection_and_the_last_graded_one(officer):
    page = text(officer.get(reverse("register:school-detail", args=[125028])))
    assert "Latest Ofsted inspection Report card 6 January 2026 Safeguarding standards met" in page
    assert "Safeguarding standards met" in page
    assert "Last graded inspection: Good, 22 September 2021" in page
    assert "Every inspection of Prior Heath Infant School , in the timeline" in page
    # Where the latest is the graded one, it is not said twice.
    page = text(officer.get(reverse("register:school-detail", args=[124937])))
    assert "Good 1 December 2021 Graded inspection (before report cards)" in page
    assert "Last graded inspection" not in page


def test_a_trusts_schools_show_their_latest_inspections(officer):
    # Kenyngton Manor Primary School: a report card on 25 November 2025, and the register's "Good" of 2016.
    trust = GroupFactory(name="The Howard Partnership Trust")
    GroupMembershipFactory(group=trust, school=School.objects.get(urn=140348))
    page = text(officer.get(reverse("register:trust-detail", args=[trust.uid])))
    assert "Report card 25 November 2025 Safeguarding standards met" in page


def test_safeguarding_not_met_or_a_category_of_concern_turns_the_report_card_red(surrey):
    card = {**REPORT_CARD, "Safeguarding standards": "Not met", "Category of concern": "SM"}
    latest = guildford_grove_latest(**card)
    assert (latest.outcome, latest.colour) == ("Report card", "red")
    assert latest.notes == ("Safeguarding standards not met", "Category of concern: special measures")


def test_an_inadequate_grade_names_its_category_once(surrey):
    graded = {
        **GRADED,
        "Latest OEIF overall effectiveness": "4",
        "Inspection start date of latest OEIF graded inspection": "01/03/2024",
        "Most recent category of concern": "SWK",
    }
    latest = guildford_grove_latest(**graded)
    assert (latest.outcome, latest.colour, latest.notes) == ("Inadequate: serious weaknesses", "red", ())


def test_an_ungraded_inspection_shows_its_outcome_in_plain_words(surrey):
    ungraded = {"Ungraded inspection overall outcome": "School remains Good", "Date of latest ungraded inspection": "05/06/2024"}
    latest = guildford_grove_latest(**ungraded)
    assert (latest.framework, latest.outcome, latest.colour, str(latest.on), latest.notes) == (
        Framework.UNGRADED,
        "Remains good",
        "grey",
        "2024-06-05",
        (),
    )


@pytest.mark.parametrize(
    "published, outcome, colour",
    [
        ("School remains Good (Concerns) - S5 Next", "Remains good, with concerns", "yellow"),
        ("School remains Outstanding (Concerns) - S5 Next", "Remains outstanding, with concerns", "yellow"),
        ("Some aspects not as strong", "Some aspects not as strong", "yellow"),
        ("School remains Good (Improving) - S5 Next", "Remains good, may be improving", "grey"),
        ("Improved significantly", "May have improved significantly", "grey"),
        ("Standards maintained", "Standards maintained", "grey"),
        ("School remains Outstanding", "Remains outstanding", "grey"),
        ("Words Ofsted has not used before", "Words Ofsted has not used before", "grey"),
    ],
)
def test_an_ungraded_inspection_that_found_the_school_might_not_keep_its_grade_is_yellow(surrey, published, outcome, colour):
    latest = guildford_grove_latest(
        **{"Ungraded inspection overall outcome": published, "Date of latest ungraded inspection": "05/06/2024"}
    )
    assert (latest.outcome, latest.colour) == (outcome, colour)


def test_an_ungraded_inspection_with_concerns_says_what_they_mean_on_the_list_and_the_school_page(officer):
    import_guildford_grove(
        **{
            "Ungraded inspection overall outcome": "School remains Good (Concerns) - S5 Next",
            "Date of latest ungraded inspection": "05/06/2024",
        }
    )
    meaning = "Inspectors found evidence the school may no longer be good, so the next inspection will be a full inspection (section 5)"
    school = School.objects.get(urn=143373)
    latest = latest_for_schools([school])[school.pk]
    assert latest.notes == (meaning,)
    page = text(officer.get(reverse("register:school-list"), {"q": "143373"}))
    assert f"Remains good, with concerns 5 June 2024 {meaning}" in page
    page = text(officer.get(reverse("register:school-detail", args=[143373])))
    assert f"Latest Ofsted inspection Remains good, with concerns 5 June 2024 Ungraded inspection {meaning}" in page
    assert "S5 Next" not in page and "School remains Good" not in page


def test_safeguarding_not_met_turns_an_ungraded_inspection_with_concerns_red(surrey):
    # Red is kept for safeguarding not met and a category of concern, whatever the outcome's own colour.
    visit = Inspection(
        framework=Framework.UNGRADED,
        started_on=date(2024, 6, 5),
        inspection_type="Ungraded inspection",
        safeguarding="Not met",
        judgements={"Outcome": "School remains Good (Concerns) - S5 Next"},
    )
    latest = summarise(visit)
    assert (latest.outcome, latest.colour) == ("Remains good, with concerns", "red")
    assert latest.notes[-1] == "Safeguarding standards not met"


def test_the_timeline_names_inspection_types_in_plain_words(officer):
    page = text(officer.get(reverse("evidence:school-timeline", args=[125028])))
    assert "Ofsted: Full inspection (section 5)" in page
    assert "S5 Inspection" not in page


def test_most_recently_inspected_comes_first_report_cards_included_never_inspected_last(officer):
    ordered = list(SchoolFilters(sort="-inspected").apply(School.objects.all()))
    # Report cards of 6 January 2026, 9 December 2025 and 25 November 2025: newer than any grade GIAS gives.
    assert [school.urn for school in ordered[:3]] == [125028, 125037, 140348]
    never = [school.inspections.exists() for school in ordered].index(False)
    assert never > 0 and not any(school.inspections.exists() for school in ordered[never:])
    page = text(officer.get(reverse("register:school-list"), {"sort": "-inspected"}))
    assert page.index("Prior Heath Infant School") < page.index("The Grange Community Infant School")


@pytest.mark.parametrize("framework", [Framework.REPORT_CARD, Framework.UNGRADED])
def test_on_a_day_with_two_records_ofsteds_own_comes_before_the_registers_rating(surrey, framework):
    # A register extract that dates its legacy rating by a later inspection of that day gives the school a
    # second record of it: the one from Ofsted's file is the latest, whichever file was imported last.
    school = School.objects.get(urn=125028)
    ofsteds = Inspection.objects.get(school=school, framework=Framework.REPORT_CARD)
    if framework == Framework.UNGRADED:
        ofsteds.framework, ofsteds.judgements = Framework.UNGRADED, {"Outcome": "School remains Good (Concerns) - S5 Next"}
        ofsteds.save()
    Inspection.objects.create(
        school=school,
        framework=Framework.GRADED,
        started_on=ofsteds.started_on,
        inspection_type="Graded inspection",
        overall="Good",
        source=InspectionSource.REGISTER,
        import_run=ofsteds.import_run,
    )
    latest = latest_for_schools([school])[school.pk]
    assert (latest.framework, latest.on) == (framework, ofsteds.started_on)


def test_a_visit_that_evaluated_only_safeguarding_shows_it_and_what_kind_of_visit_it_was(surrey):
    # As Ofsted's year-to-date file gives a section 8 visit: every area 9, safeguarding evaluated.
    visit = {
        "Inspection type": "S8 No Formal Designation Visit",
        "Inspection start date": "20/01/2026",
        "Safeguarding standards": "Not met",
    }
    visit |= dict.fromkeys(list(REPORT_CARD)[6:], "9")
    latest = guildford_grove_latest(**visit)
    assert (latest.framework, latest.outcome, latest.colour, str(latest.on)) == (
        Framework.UNGRADED,
        "Ungraded inspection",
        "red",
        "2026-01-20",
    )
    assert latest.notes == ("Inspection without formal designation (section 8)", "Safeguarding standards not met")


def test_a_graded_inspection_without_an_overall_grade_that_placed_the_school_in_a_category_is_red(surrey):
    # From September 2024 to November 2025 a graded inspection gave no overall grade, yet could place a school in a category.
    graded = {
        **GRADED,
        "Latest OEIF overall effectiveness": "Not judged",
        "Latest OEIF effectiveness of leadership and management": "4",
        "Inspection start date of latest OEIF graded inspection": "04/03/2025",
        "Inspection type": "S5 Inspection",
        "Inspection start date": "04/03/2025",
        "Category of concern": "SWK",
    }
    latest = guildford_grove_latest(**graded)
    assert (latest.framework, latest.colour, str(latest.on)) == (Framework.GRADED, "red", "2025-03-04")
    assert latest.notes == ("Category of concern: serious weaknesses",)


def test_a_graded_inspection_without_an_overall_grade_says_so_in_words_an_officer_cannot_misread(surrey, officer):
    # Ofsted's "Not judged" alone on a tag reads as an inspection that judged nothing; and "to 2024" is not when graded inspections ended.
    graded = {
        **GRADED,
        "Latest OEIF overall effectiveness": "Not judged",
        "Inspection start date of latest OEIF graded inspection": "04/03/2025",
    }
    import_guildford_grove(**graded)
    page = text(officer.get(reverse("register:school-detail", args=[143373])))
    assert "Latest Ofsted inspection No overall grade 4 March 2025 Graded inspection (before report cards)" in page
    assert "Not judged" not in page and "to 2024" not in page


def test_a_predecessors_inspection_held_under_the_school_says_whose_it_was(surrey, officer):
    # The monthly file gives the last graded inspection with the URN the school had then (made-up date and URN).
    graded = {
        **GRADED,
        "Inspection start date of latest OEIF graded inspection": "01/03/2019",
        "URN at time of latest OEIF graded inspection": "132758",
    }
    latest = guildford_grove_latest(**graded)
    assert (latest.outcome, str(latest.on), latest.notes) == ("Good", "2019-03-01", ("Inspected as URN 132758 (a predecessor)",))
    page = text(officer.get(reverse("register:school-list"), {"q": "143373"}))
    assert "Good 1 March 2019 Inspected as URN 132758 (a predecessor)" in page


def test_the_school_page_gives_the_last_graded_inspection_with_what_it_must_not_lose(surrey, officer):
    graded = {
        **GRADED,
        "Inspection start date of latest OEIF graded inspection": "01/03/2019",
        "URN at time of latest OEIF graded inspection": "132758",
    }
    visit = {"Inspection type": "S8 No Formal Designation Visit", "Inspection start date": "20/01/2026", "Safeguarding standards": "Met"}
    visit |= dict.fromkeys(list(REPORT_CARD)[6:], "9")
    import_guildford_grove(**graded, **visit)
    page = text(officer.get(reverse("register:school-detail", args=[143373])))
    assert (
        "Latest Ofsted inspection Ungraded inspection 20 January 2026 Inspection without formal designation (section 8)"
        " Safeguarding standards met Last graded inspection: Good, 1 March 2019; inspected as URN 132758 (a predecessor)"
    ) in page


def test_a_section_8_visit_that_gave_a_report_card_is_named_as_deemed_a_full_inspection(officer):
    # Ofsted's year-to-date file: two of its four 'S8 No Formal Designation Visit's were "Section 8 deemed
    # section 5" (Trinity Academy Newcastle, Wayfield Primary School), every area evaluated, special measures.
    deemed = {**REPORT_CARD, "Inspection type": "S8 No Formal Designation Visit", "Category of concern": "SM"}
    visit = {"Inspection type": "S8 No Formal Designation Visit", "Inspection start date": "20/01/2026"}
    visit |= dict.fromkeys(list(REPORT_CARD)[6:], "9")
    rows = [latest_row(143373, "Guildford Grove Primary School", **deemed), latest_row(140348, "Kenyngton Manor Primary School", **visit)]
    import_file(latest_file(rows), file_name="latest.csv")
    page = text(officer.get(reverse("evidence:school-timeline", args=[143373])))
    assert "Ofsted: Inspection without formal designation (section 8), deemed a full inspection (section 5)" in page
    # A visit that evaluated nothing is not.
    page = text(officer.get(reverse("evidence:school-timeline", args=[140348])))
    assert "Ofsted: Inspection without formal designation (section 8) " in page
    assert "deemed" not in page


def test_the_ofsted_filter_keeps_a_report_card_schools_last_grade_and_says_so(officer):
    # Prior Heath Infant School: "Good" in the register; its latest inspection, shown beside it, is a report card.
    page = text(officer.get(reverse("register:school-list"), {"ofsted": "2", "q": "Prior Heath"}))
    assert (
        "Latest graded Ofsted inspection Each school’s last graded inspection: a report card or ungraded inspection since does not change it."
        in page
    )
    assert "Prior Heath Infant School" in page and "Report card 6 January 2026" in page
    page = text(officer.get(reverse("register:school-list"), {"ofsted": "3", "q": "Prior Heath"}))
    assert "Prior Heath Infant School" not in page


def test_the_timeline_does_not_say_graded_inspections_ended_in_2024(surrey, officer):
    graded = {
        **GRADED,
        "Latest OEIF overall effectiveness": "Not judged",
        "Inspection start date of latest OEIF graded inspection": "04/03/2025",
    }
    import_guildford_grove(**graded)
    page = text(officer.get(reverse("evidence:school-timeline", args=[143373])))
    assert "4 March 2025" in page and "Graded, before report cards" in page
    assert "to 2024" not in page


def test_the_registers_free_school_meals_figure_names_its_census(officer):
    # Kingswood Primary School: 6.0% in the April 2022 extract, of the census of 21 January 2021.
    page = text(officer.get(reverse("register:school-detail", args=[124937])))
    assert (
        "Pupils eligible for free school meals 6.0% (census 21 January 2021) Later censuses for Kingswood Primary School in Results and data"
        in page
    )


@pytest.mark.parametrize("type_name", ["Academy sponsor led", "Academy converter"])
def test_an_academy_not_yet_inspected_shows_its_predecessors_latest_inspection_said_to_be_theirs(officer, type_name):
    # Busbridge Infant School (URN 125099, closed) was judged to have serious weaknesses on 7 October 2021; the
    # sponsored academy that replaced it (URN 149037) on 1 April 2022 has not been inspected. Ofsted's statistics
    # count a school not yet inspected in its current form by its predecessor's outcome, converter or sponsored.
    import_file(LINKS_2025, la_codes=[936])
    School.objects.filter(urn=149037).update(type_name=type_name)
    academy = School.objects.get(urn=149037)
    assert not academy.inspections.exists()
    latest = latest_for_schools([academy])[academy.pk]
    # Inadequate, as Ofsted counts it; the category of concern was the predecessor's (see the tests below).
    assert (latest.outcome, latest.colour, str(latest.on), latest.predecessor) == ("Inadequate", "red", "2021-10-07", 125099)
    assert latest.notes[0] == "Inspected as URN 125099 (a predecessor)"
    page = text(officer.get(reverse("register:school-list"), {"q": "149037"}))
    assert "Inadequate 7 October 2021 Inspected as URN 125099 (a predecessor)" in page
    page = text(officer.get(reverse("register:school-detail", args=[149037])))
    assert "Latest Ofsted inspection Inadequate 7 October 2021 Graded inspection (before report cards) Inspected as URN 125099" in page
    # The authority's count of outcomes counts it the same way, and says it is a predecessor's.
    assert graded_counts_of(School.objects.filter(urn=149037)) == [
        ("Inadequate: serious weaknesses", 1, 1),
        ("No graded inspection on record", 0, None),
    ]
    # The predecessor's inspections are in the academy's timeline, as its history.
    timeline = text(officer.get(reverse("evidence:school-timeline", args=[149037])))
    assert "7 October 2021" in timeline


def test_the_timeline_says_whose_a_predecessors_register_changes_were(client, db):
    # Busbridge Infant School (URN 125099) changed its age range, trust and headteacher, then closed on 31 March 2022;
    # the academy that replaced it (URN 149037) opened the next day. Its timeline tells the predecessor's changes as
    # the predecessor's, not as changes of a school that closed the day before it opened.
    import_file(GIAS_2021)
    import_file(GIAS_2022)
    import_file(LINKS_2025, la_codes=[936])
    user = UserFactory(email="officer@surrey.example")
    grant(user, Role.LA_OFFICER, LocalAuthority.objects.get(code=936))
    sign_in(client, user)
    whose = "Busbridge Infant School (URN 125099), a predecessor of this school"
    page = text(client.get(reverse("evidence:school-timeline", args=[149037])))
    assert f"31 March 2022 : Closed Register {whose} from “Open” to “Closed”, for the reason “For Academy”" in page
    assert f"Left a trust Register {whose} “Godalming Learning Trust” The register does not say exactly when." in page
    assert page.count(whose) == 4  # its closure and three changes the register does not date exactly
    assert "1 April 2022 : Opened Register Source" in page  # the academy's own opening
    # On the predecessor's own timeline, its changes are its own.
    assert "a predecessor of this school" not in text(client.get(reverse("evidence:school-timeline", args=[125099])))


def test_a_free_school_which_replaced_no_school_has_no_inspection_until_its_own(officer):
    free = School.objects.filter(urn=149037).get()
    free.type_name, free.urn = "Free schools", 149999  # no link names it, so no school it replaced
    free.save()
    assert not free.inspections.exists()
    assert free.pk not in latest_for_schools([free])
    assert graded_counts_of([free]) == [("No graded inspection on record", 1, None)]


def test_an_open_predecessor_is_not_followed(officer):
    # Were the school it replaced still open, it would go on being inspected as itself: its grade is not the academy's.
    import_file(LINKS_2025, la_codes=[936])
    School.objects.filter(urn=125099).update(status=SchoolStatus.OPEN)
    academy = School.objects.get(urn=149037)
    assert academy.pk not in latest_for_schools([academy])


def graded_as_in_python(schools, choice) -> set[int]:
    """The Ofsted filter as the list's tags and the authority's counts work it out: the schools whose latest graded
    inspection (latest_for_schools) is `choice`."""
    latest = latest_for_schools(schools, Framework.GRADED)
    if choice == "none":
        return {school.pk for school in schools if school.pk not in latest}
    wanted = "" if choice == "no-grade" else choice
    return {school_id for school_id, inspection in latest.items() if inspection.grade == wanted}


def test_the_ofsted_filter_finds_the_schools_whose_latest_graded_inspection_is_so(surrey):
    # Surrey's register and inspections, its academies' predecessors, and beside them the cases the rules are made of.
    import_file(LINKS_2025, la_codes=[936])
    la = LocalAuthority.objects.get(code=936)
    run = ImportRun.objects.create(file_name="inspections.csv", checksum="0" * 64, outcome=ImportOutcome.SUCCEEDED)

    def school(urn, status=SchoolStatus.OPEN, *inspections, framework=Framework.GRADED):
        made = SchoolFactory(la=la, urn=urn, name=f"Case School {urn}", status=status)
        for on, overall in inspections:
            Inspection.objects.create(
                school=made, framework=framework, started_on=on, overall=overall, source=InspectionSource.OFSTED_ALL, import_run=run
            )
        return made

    def predecessor(urn, of, link="Predecessor"):
        if link.startswith("Predecessor"):
            SchoolLink.objects.create(urn=of.urn, linked_urn=urn, link_type=link)
        else:
            SchoolLink.objects.create(urn=urn, linked_urn=of.urn, link_type=link)

    school(960001, SchoolStatus.OPEN, (date(2015, 1, 1), "1"), (date(2023, 5, 2), "3"))  # the later grade
    school(960002, SchoolStatus.OPEN, (date(2019, 1, 1), "Special Measures"))  # GIAS's words for a grade
    school(960003, SchoolStatus.OPEN, (date(2024, 10, 1), "Not judged"))  # no overall grade
    school(960004, SchoolStatus.OPEN, (date(2020, 2, 3), " good "))  # read as legacy_grade reads it
    school(960005, SchoolStatus.OPEN, (date(2024, 1, 1), ""))
    school(960006, SchoolStatus.CLOSED, (date(2012, 1, 1), "2"))
    carded = school(960007, SchoolStatus.OPEN, (date(2018, 6, 1), "Outstanding"))
    Inspection.objects.create(
        school=carded, framework=Framework.REPORT_CARD, started_on=date(2026, 1, 6), source=InspectionSource.OFSTED_ALL, import_run=run
    )
    # Not yet inspected in their current form: by their predecessors' latest graded inspections.
    tied = school(960010)
    school(960011, SchoolStatus.CLOSED, (date(2021, 3, 3), "2"))
    school(960012, SchoolStatus.CLOSED, (date(2021, 3, 3), "4"), (date(2016, 1, 1), "1"))
    predecessor(960011, tied)
    predecessor(960012, tied, "Successor - merged")
    later = school(960020)
    school(960021, SchoolStatus.PROPOSED_TO_CLOSE, (date(2022, 1, 1), "1"))
    school(960022, SchoolStatus.CLOSED, (date(2017, 1, 1), "3"), (date(2023, 1, 1), "Not judged"))
    predecessor(960021, later, "Predecessor - amalgamated")
    predecessor(960022, later, "Successor")
    reported = school(960030, SchoolStatus.OPEN, (date(2025, 12, 1), ""), framework=Framework.REPORT_CARD)
    predecessor(school(960031, SchoolStatus.CLOSED, (date(2019, 9, 9), "Requires improvement")).urn, reported)
    still_open = school(960040)
    predecessor(school(960041, SchoolStatus.OPEN, (date(2019, 9, 9), "2")).urn, still_open)
    between = school(960051, SchoolStatus.CLOSED)  # not inspected; its own predecessor was, but only a direct one counts
    predecessor(between.urn, school(960050))
    predecessor(school(960052, SchoolStatus.CLOSED, (date(2014, 4, 4), "1")).urn, between)
    predecessor(960099, school(960060))  # a predecessor the register does not hold

    # Of two predecessors' inspections on one day, the higher URN's, on the school's page as in the filter.
    assert latest_for_schools([tied], Framework.GRADED)[tied.pk].predecessor == 960012
    assert tied in graded_as(School.objects.all(), "4") and tied not in graded_as(School.objects.all(), "2")
    for schools in (
        School.objects.all(),
        School.objects.exclude(status=SchoolStatus.CLOSED),
        School.objects.filter(name__startswith="Case"),
    ):
        for choice in GRADED_CHOICES:
            assert set(graded_as(schools, choice).values_list("pk", flat=True)) == graded_as_in_python(list(schools), choice), choice
    assert all(graded_as(School.objects.all(), choice).exists() for choice in GRADED_CHOICES)


BUSBRIDGE_CATEGORY = "Its predecessor (URN 125099) was judged to have serious weaknesses"
ENDED = "that ended when this school opened as an academy"


@pytest.fixture
def busbridge(officer):
    """Busbridge Infant School (URN 125099): serious weaknesses on 7 October 2021, closed on 31 March 2022; the sponsored
    academy that replaced it (URN 149037) opened on 1 April 2022, not yet inspected."""
    import_file(LINKS_2025, la_codes=[936])
    return School.objects.get(urn=149037)


def test_a_predecessors_category_of_concern_is_said_to_have_ended_when_the_academy_opened(busbridge):
    # An academy order takes a school out of its category; the academy that replaces it is not in one.
    latest = latest_for_schools([busbridge])[busbridge.pk]
    assert (latest.outcome, latest.grade, latest.counted_as) == ("Inadequate", "4", "Inadequate: serious weaknesses")
    assert latest.notes == ("Inspected as URN 125099 (a predecessor)", f"{BUSBRIDGE_CATEGORY}; {ENDED} on 1 April 2022")
    assert not any(note.startswith("Category of concern") for note in latest.notes)
    # The predecessor's own inspection still says it was placed in the category.
    predecessor = School.objects.get(urn=125099)
    assert latest_for_schools([predecessor])[predecessor.pk].outcome == "Inadequate: serious weaknesses"


def test_the_predecessors_category_says_the_academy_opened_without_a_date_the_register_does_not_give(busbridge):
    School.objects.filter(pk=busbridge.pk).update(opened_on=None)
    latest = latest_for_schools([busbridge])[busbridge.pk]
    assert latest.notes[-1] == f"{BUSBRIDGE_CATEGORY}; {ENDED}"
    # A school that is not an academy (one opened in an amalgamation) opened, not as an academy.
    School.objects.filter(pk=busbridge.pk).update(type_name="Community school", type_group="Local authority maintained schools")
    latest = latest_for_schools([busbridge])[busbridge.pk]
    assert latest.notes[-1] == f"{BUSBRIDGE_CATEGORY}; that ended when this school opened"


def test_the_academys_pages_give_no_category_of_concern_tag_for_its_predecessors_inspection(busbridge, officer):
    said = f"{BUSBRIDGE_CATEGORY}; {ENDED} on 1 April 2022"
    listed = officer.get(reverse("register:school-list"), {"q": "149037"})
    assert f"Inadequate 7 October 2021 Inspected as URN 125099 (a predecessor) {said}" in text(listed)
    detail = officer.get(reverse("register:school-detail", args=[149037]))
    assert f"Inadequate 7 October 2021 Graded inspection (before report cards) Inspected as URN 125099 (a predecessor) {said}" in text(
        detail
    )
    for page in (listed, detail):
        assert "serious weaknesses</strong>" not in page.content.decode() and "Category of concern" not in text(page)
    # The inspections tab of its results and its timeline say so beside the predecessor's inspection.
    for name in ("evidence:school-results", "evidence:school-timeline"):
        page = text(officer.get(reverse(name, args=[149037])))
        assert f"Inspected as URN 125099 (a predecessor) {said}" in page, name
        assert "Category of concern" not in page, name
    # The predecessor's own timeline gives the category as its own.
    assert "Category of concern: serious weaknesses (SWK)" in text(officer.get(reverse("evidence:school-timeline", args=[125099])))


def test_the_authoritys_outcomes_count_a_successor_as_ofsted_does_and_say_the_category_is_not_its_own(busbridge, officer):
    counts = graded_counts_of(School.objects.filter(urn=149037))
    assert counts == [("Inadequate: serious weaknesses", 1, 1), ("No graded inspection on record", 0, None)]
    counted = School.objects.filter(la__code=936).open().filter(state_funded())
    inadequate = {words: (n, theirs) for words, n, theirs in graded_counts_of(counted) if words.startswith("Inadequate:")}
    by_predecessors = sum(theirs for _, theirs in inadequate.values())
    assert inadequate["Inadequate: serious weaknesses"][1] >= 1
    said = (
        f"{by_predecessors} of the schools counted as inadequate with a category of concern are counted by their predecessors’ inspections"
        if by_predecessors > 1
        else "1 of the schools counted as inadequate with a category of concern is counted by its predecessor’s inspection"
    )
    for name in ("evidence:authority-results", "register:authority-detail"):
        page = text(officer.get(reverse(name, args=[936])))
        assert said in page, name
        assert "ended when the school opened in its current form" in page, name


def guildford_grove_academy_latest(urn_at_inspection: int, **row):
    """Made up: Guildford Grove Primary School (inspected as an academy in 2018) opened as a sponsored academy on 1 September
    2019, and the monthly file gives its last graded inspection, of 1 March 2019, with the URN inspected as."""
    School.objects.filter(urn=143373).update(opened_on=date(2019, 9, 1), type_name="Academy sponsor led")
    graded = {
        **GRADED,
        "Inspection start date of latest OEIF graded inspection": "01/03/2019",
        "URN at time of latest OEIF graded inspection": str(urn_at_inspection),
        **row,
    }
    return guildford_grove_latest(**graded)


SPECIAL_MEASURES = {"Latest OEIF overall effectiveness": "4", "Most recent category of concern": "SM"}


def test_a_school_inspected_as_its_predecessor_in_special_measures_is_not_said_to_be_in_them(surrey, officer):
    # The monthly file gives the last graded inspection with the URN the school had then.
    latest = guildford_grove_academy_latest(132758, **SPECIAL_MEASURES)
    assert (latest.outcome, latest.counted_as, latest.predecessor) == ("Inadequate", "Inadequate: special measures", 132758)
    said = (
        "Its predecessor (URN 132758) was placed in special measures; that ended when this school opened as an academy on 1 September 2019"
    )
    assert latest.notes == ("Inspected as URN 132758 (a predecessor)", said)
    school = School.objects.get(urn=143373)
    assert latest_for_schools([school])[school.pk] == latest
    page = text(officer.get(reverse("evidence:school-timeline", args=[143373])))
    assert f"Inspected as URN 132758 (a predecessor) {said}" in page and "Category of concern" not in page
    assert graded_counts_of([school]) == [("Inadequate: special measures", 1, 1), ("No graded inspection on record", 0, None)]


def test_a_predecessors_report_card_category_is_not_shown_as_the_schools(surrey):
    card = Inspection(
        framework=Framework.REPORT_CARD,
        started_on=date(2025, 12, 1),
        category_of_concern="RSI",
        safeguarding="Met",
        urn_at_inspection=132758,
    )
    latest = summarise(card, opened="opened as an academy on 1 February 2026")
    assert (latest.outcome, latest.colour) == ("Report card", "blue")
    assert latest.notes[-1] == (
        "Its predecessor (URN 132758) was judged to require significant improvement;"
        " that ended when this school opened as an academy on 1 February 2026"
    )
    # The school's own category is still red, and says so.
    card.urn_at_inspection = None
    latest = summarise(card)
    assert (latest.colour, latest.notes[-1]) == ("red", "Category of concern: requires significant improvement")
    # How the school opened, given alone, does not make its own inspection read as one dated before it opened: only
    # being told so does.
    latest = summarise(card, opened="opened as an academy on 1 February 2026")
    assert (latest.colour, latest.before_opening, latest.by_predecessor) == ("red", False, False)
    assert not any("before this school opened" in note for note in latest.notes)
    latest = summarise(card, opened="opened as an academy on 1 February 2026", dated_before_opening=True)
    assert latest.before_opening and latest.by_predecessor and latest.colour != "red"
    assert "Inspected before this school opened as an academy on 1 February 2026" in latest.notes[0]


def test_a_predecessors_category_a_later_inspection_of_it_replaced_is_not_said_to_have_ended_with_its_closure(busbridge, officer):
    # Busbridge Infant School made-up: in special measures in 2017, judged good in 2019, serious weaknesses in 2021.
    predecessor = School.objects.get(urn=125099)
    run = Inspection.objects.filter(school=predecessor).first().import_run
    for on, overall, category in ((date(2017, 5, 1), "4", "SM"), (date(2019, 5, 1), "2", "")):
        Inspection.objects.create(
            school=predecessor,
            framework=Framework.GRADED,
            started_on=on,
            overall=overall,
            category_of_concern=category,
            source=InspectionSource.OFSTED_ALL,
            import_run=run,
        )
    page = text(officer.get(reverse("evidence:school-timeline", args=[149037])))
    assert f"{BUSBRIDGE_CATEGORY}; {ENDED} on 1 April 2022" in page
    assert "Its predecessor (URN 125099) was placed in special measures Source" in page
    assert page.count(ENDED) == 1


REIGATE = "Inspected before this school opened as an academy on 1 September 2017: the inspection of the institution it replaced"


@pytest.fixture
def colleges(db):
    """The 2021 extract's 16–19 academies, each rated with the inspection of the sixth-form college it replaced, dated
    before it opened: Reigate College (URN 145005, opened 1 September 2017; Outstanding, 22 October 2008), Esher Sixth
    Form College (145006, opened 1 September 2019; Outstanding, 8 May 2008) and Woking College (145007, opened 1
    September 2017; Good, 28 April 2016). Imported before the 2022 extract, as the demo does."""
    import_file(GIAS_2021)
    return School.objects.filter(urn__in=[145005, 145006, 145007]).order_by("urn")


def test_a_rating_dated_before_the_school_opened_is_said_to_be_of_the_institution_it_replaced(colleges, officer):
    reigate = colleges[0]
    held = Inspection.objects.get(school=reigate)  # the register said it, and it is kept
    assert (held.source, held.started_on, held.overall, held.urn_at_inspection) == (
        InspectionSource.REGISTER,
        date(2008, 10, 22),
        "Outstanding",
        None,
    )
    latest = latest_for_schools([reigate])[reigate.pk]
    assert (latest.outcome, latest.colour, latest.notes, latest.predecessor) == ("Outstanding", "green", (REIGATE,), None)
    assert latest.by_predecessor
    page = text(officer.get(reverse("register:school-detail", args=[145005])))
    assert f"Latest Ofsted inspection Outstanding 22 October 2008 Graded inspection (before report cards) {REIGATE}" in page
    listed = text(officer.get(reverse("register:school-list"), {"q": "145005"}))
    assert f"Outstanding 22 October 2008 {REIGATE}" in listed
    trust = GroupFactory(name="Reigate College Trust")
    GroupMembershipFactory(group=trust, school=reigate)
    assert f"Outstanding 22 October 2008 {REIGATE}" in text(officer.get(reverse("register:trust-detail", args=[trust.uid])))
    for name in ("evidence:school-results", "evidence:school-timeline"):
        page = text(officer.get(reverse(name, args=[145005])))
        assert f"Overall effectiveness: Outstanding {REIGATE}" in page, name
    # Its students' results are not imported, and the page says so rather than seeming unfinished.
    results = text(officer.get(reverse("evidence:school-results", args=[145005])))
    assert "Results at 16 to 18 (A levels and other qualifications taken in a sixth form or college) are not among" in results
    assert "not among the data sets" not in text(officer.get(reverse("evidence:school-results", args=[125099])))
    # The register dates such a rating by the replaced institution's latest inspection, not the school's own.
    timeline = text(officer.get(reverse("evidence:school-timeline", args=[145005])))
    assert "Dated by the latest inspection of the institution this school replaced, which may have been an ungraded" in timeline
    assert "Dated by the latest inspection of the school," not in timeline
    # Opened in another year, the school's own opening is said.
    esher = latest_for_schools([colleges[1]])[colleges[1].pk]
    assert esher.notes == (REIGATE.replace("2017", "2019"),)
    # Importing the extract again changes nothing.
    assert import_file(GIAS_2021).outcome == ImportOutcome.UNCHANGED
    assert list(Inspection.objects.filter(school=reigate).values_list("pk", flat=True)) == [held.pk]


def test_the_outcomes_count_a_school_rated_before_it_opened_by_that_rating_as_not_yet_inspected_in_its_current_form(colleges, officer):
    # As Ofsted's statistics count a school not yet inspected in its current form: by its predecessor's outcome.
    assert graded_counts_of(colleges) == [("Outstanding", 2, 2), ("Good", 1, 1), ("No graded inspection on record", 0, None)]
    said = (
        "3 schools are counted by an inspection held as their own but dated before they opened: the inspection of the"
        " institution each replaced, so they are counted as not yet inspected in their current form."
    )
    for name in ("evidence:authority-results", "register:authority-detail", "evidence:authority-statistics"):
        assert said in text(officer.get(reverse(name, args=[936]))), name


def test_an_inspection_in_ofsteds_file_dated_before_the_school_opened_is_the_institutions_it_replaced(surrey, officer):
    # Ofsted's file gives, under the school's own URN, an inspection before it opened that placed the school it replaced
    # in special measures.
    latest = guildford_grove_academy_latest(143373, **SPECIAL_MEASURES)
    before = "Inspected before this school opened as an academy on 1 September 2019: the inspection of the institution it replaced"
    ended = "Its predecessor was placed in special measures; that ended when this school opened as an academy on 1 September 2019"
    assert (latest.outcome, latest.counted_as, latest.predecessor, latest.notes) == (
        "Inadequate",
        "Inadequate: special measures",
        None,
        (before, ended),
    )
    school = School.objects.get(urn=143373)
    assert graded_counts_of([school]) == [("Inadequate: special measures", 1, 1), ("No graded inspection on record", 0, None)]
    page = text(officer.get(reverse("register:school-detail", args=[143373])))
    assert f"Inadequate 1 March 2019 Graded inspection (before report cards) {before} {ended}" in page
    assert "Category of concern" not in page
    timeline = text(officer.get(reverse("evidence:school-timeline", args=[143373])))
    assert f"{before} {ended}" in timeline and "Category of concern" not in timeline


def test_an_inspection_as_a_predecessors_urn_before_the_school_opened_is_said_to_be_the_predecessors_once(surrey, officer):
    assert guildford_grove_academy_latest(132758).notes == ("Inspected as URN 132758 (a predecessor)",)
    timeline = text(officer.get(reverse("evidence:school-timeline", args=[143373])))
    inspection = timeline.split("1 March 2019 :", 1)[1].split("Source:", 1)[0]
    assert "Inspected as URN 132758 (a predecessor)" in inspection and "Inspected before this school opened" not in inspection


def school_command(urn) -> dict:
    out = io.StringIO()
    call_command("school", str(urn), "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_school_command_says_how_the_pages_describe_and_count_the_latest_inspection(busbridge, colleges):
    said = f"{BUSBRIDGE_CATEGORY}; {ENDED} on 1 April 2022"
    printed = school_command(149037)
    # The stored inspections as they were, the predecessor's category with them.
    assert [(i["urn"], i["category_of_concern"]) for i in printed["inspections"]][0] == (125099, "SWK")
    assert (
        printed["latest"]
        == printed["latest_graded"]
        == {
            "started_on": "2021-10-07",
            "framework": "graded",
            "outcome": "Inadequate",
            "notes": ["Inspected as URN 125099 (a predecessor)", said],
            "counted_as": "Inadequate: serious weaknesses",
            "counted_by_predecessor": True,
            "predecessor_urn": 125099,
        }
    )
    printed = school_command(145005)
    assert printed["latest"] == {
        "started_on": "2008-10-22",
        "framework": "graded",
        "outcome": "Outstanding",
        "notes": [REIGATE],
        "counted_as": "Outstanding",
        "counted_by_predecessor": True,
        "predecessor_urn": None,
    }
    out = io.StringIO()
    call_command("school", "145005", stdout=out)
    assert f"  Latest: Outstanding, 2008-10-22; {REIGATE}\n" in out.getvalue() and "Latest graded" not in out.getvalue()
    # A school's own inspection.
    printed = school_command(125028)  # Prior Heath Infant School: a report card, and before it a graded inspection of its own
    assert (printed["latest"]["outcome"], printed["latest"]["counted_by_predecessor"]) == ("Report card", False)
    assert (printed["latest_graded"]["counted_as"], printed["latest_graded"]["notes"]) == ("Good", [])


def test_with_state_funded_schools_only_the_ofsted_filter_counts_as_the_authoritys_pages_do(client, db):
    """The list's Ofsted filter, on Surrey's open state-funded schools (of every phase, in 2021), finds as many schools of
    each outcome as the authority's results page counts; without it, independent schools make some of its counts larger."""
    import_file(GIAS_2021)
    import_file(OFSTED_ALL)
    officer = signed_in_officer(client)
    counted = graded_counts_of(School.objects.filter(la__code=936).open().filter(state_funded()))
    larger = 0
    for choice, words in GRADED_CHOICES.items():
        expected = sum(n for outcome, n, _ in counted if outcome == words or outcome.startswith(f"{words}:"))
        only = text(officer.get(reverse("register:school-list"), {"ofsted": choice, "state_funded": "1"}))
        every = text(officer.get(reverse("register:school-list"), {"ofsted": choice}))
        assert schools_counted(only) == expected, words
        larger += schools_counted(every) > expected
    assert larger


def schools_counted(page: str) -> int:
    """How many schools the school list says it found."""
    found = re.search(r"(?:of )?([\d,]+) schools?\.|No schools found", page)
    return int(found.group(1).replace(",", "")) if found.group(1) else 0
