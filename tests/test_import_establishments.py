from datetime import date

import pytest

from audit.models import AuditEvent
from imports.models import ImportOutcome
from imports.services import import_file
from register.models import LocalAuthority, RegisterEvent, RegisterEventKind, School

from .test_import_demo_files import GIAS_2021, GIAS_2022, without_columns


@pytest.fixture
def surrey_2021(db):
    return import_file(GIAS_2021)


def test_every_row_of_the_2021_extract_becomes_a_school(surrey_2021):
    assert surrey_2021.outcome == ImportOutcome.SUCCEEDED
    assert (surrey_2021.rows_read, surrey_2021.created, surrey_2021.changed) == (590, 590, 0)
    assert School.objects.count() == 590
    assert School.objects.filter(import_run=surrey_2021).count() == 590


def test_a_real_school_has_its_register_figures(surrey_2021):
    school = School.objects.select_related("la").get(urn=125004)
    assert school.name == "Wood Street Infant School"
    assert (school.la.code, school.la.name) == (936, "Surrey")
    assert (school.establishment_number, school.laestab) == (2286, 9362286)
    assert (school.phase, school.type_name, school.status) == ("Primary", "Community school", "Open")
    assert (school.low_age, school.high_age, school.pupils, school.capacity) == (4, 7, 75, 90)
    assert float(school.fsm_percent) == 13.5
    assert (school.head_first_name, school.head_last_name) == ("Jan", "Washer")
    assert school.ofsted_rating == "Outstanding"
    assert school.ofsted_last_inspection.isoformat() == "2015-03-12"
    assert (school.easting, school.northing, school.postcode) == (496135, 151021, "GU3 3DA")
    # Wood Street Village, west of Guildford.
    assert school.latitude == pytest.approx(51.2503, abs=0.0005)
    assert school.longitude == pytest.approx(-0.6239, abs=0.0005)


def test_authority_takes_its_ons_code_and_region_from_the_extract(surrey_2021):
    surrey = LocalAuthority.objects.get(code=936)
    assert (surrey.name, surrey.ons_code, surrey.region) == ("Surrey", "E10000030", "South East")


def test_sen_provision_joins_the_named_types(surrey_2021):
    nursery = School.objects.get(urn=124911)
    assert nursery.sen_provision.startswith("OTH - Other Difficulty/Disability; SLCN - Speech, language and Communication")
    assert "ASD - Autistic Spectrum Disorder" in nursery.sen_provision


def test_the_2022_extract_keeps_rows_whose_linked_establishments_overflowed(db):
    run = import_file(GIAS_2022)
    assert (run.rows_read, run.created) == (576, 576)
    # This row carries two unquoted trailing fields; it is imported like any other.
    hamsey = School.objects.get(urn=124943)
    assert (hamsey.name, hamsey.status, hamsey.closed_on.isoformat()) == ("Hamsey Green Primary", "Closed", "2017-04-30")


def test_importing_the_same_file_twice_changes_nothing_and_says_so(surrey_2021):
    before = list(School.objects.order_by("pk").values())
    again = import_file(GIAS_2021)
    assert again.outcome == ImportOutcome.UNCHANGED
    assert (again.created, again.changed, again.unchanged) == (0, 0, 590)
    assert "nothing has changed" in again.message
    assert list(School.objects.order_by("pk").values()) == before
    assert not RegisterEvent.objects.exists()


def test_each_import_is_audited(surrey_2021):
    event = AuditEvent.objects.get(action="import")
    assert event.object_id == str(surrey_2021.pk)
    assert event.detail["counts"]["created"] == 590


class TestTheNewerExtract:
    @pytest.fixture
    def run_2022(self, surrey_2021):
        return import_file(GIAS_2022)

    def test_counts_new_changed_and_unchanged(self, run_2022):
        assert run_2022.outcome == ImportOutcome.SUCCEEDED
        assert run_2022.rows_read == 576
        assert run_2022.created + run_2022.changed + run_2022.unchanged == 576
        assert run_2022.created == 274  # closed schools and new academies the 2021 extract did not list

    def test_a_school_that_closed_gets_a_closed_event_on_its_close_date(self, run_2022):
        event = RegisterEvent.objects.get(school__urn=125005, kind=RegisterEventKind.CLOSED)
        assert event.occurred_on.isoformat() == "2022-02-28"
        assert (event.old_value, event.new_value) == ("Open", "Academy Converter")
        assert event.import_run == run_2022

    def test_a_new_head_is_an_event_dated_on_or_before_the_schools_last_change(self, run_2022):
        event = RegisterEvent.objects.get(school__urn=125004, kind=RegisterEventKind.HEAD_CHANGED)
        assert (event.old_value, event.new_value) == ("Mrs Jan Washer", "Miss Katherine Potter")
        # GIAS does not date a new head: it changed the school's entry on 17 March 2022 (LastChangedDate), and
        # last before that on 2 March 2021, so the new head came between the two.
        assert (event.occurred_on, event.on_or_before, event.after) == (date(2022, 3, 17), True, date(2021, 3, 2))
        closed = RegisterEvent.objects.get(school__urn=125005, kind=RegisterEventKind.CLOSED)
        assert (closed.on_or_before, closed.after) == (False, None)

    def test_the_converted_academy_appears_as_opened(self, run_2022):
        event = RegisterEvent.objects.get(school__urn=148882, kind=RegisterEventKind.OPENED)
        assert event.occurred_on.isoformat() == "2022-03-01"
        assert event.new_value == "Shawley Community Primary Academy"

    def test_only_schools_that_changed_are_rewritten(self, surrey_2021, run_2022):
        rewritten = School.objects.filter(import_run=run_2022).count()
        assert rewritten == run_2022.created + run_2022.changed
        assert School.objects.filter(import_run=surrey_2021).count() == 590 - run_2022.changed

    def test_reimporting_the_newer_extract_records_no_new_events(self, run_2022):
        events = RegisterEvent.objects.count()
        again = import_file(GIAS_2022)
        assert again.outcome == ImportOutcome.UNCHANGED
        assert RegisterEvent.objects.count() == events


def test_la_filter_skips_other_authorities_rows(db):
    LocalAuthority.objects.create(code=850, name="Hampshire")
    run = import_file(GIAS_2021, la_codes=[850])
    assert (run.rows_read, run.skipped, run.created) == (590, 590, 0)
    assert run.la_codes == "850"
    assert run.outcome == ImportOutcome.UNCHANGED
    # Not "nothing has changed since the last import": the file was never imported, and nothing of it was taken.
    assert run.message == (
        f"{GIAS_2021.name} (GIAS establishment extract): 590 rows read; nothing of it was taken; 590 skipped (outside "
        "the authorities asked for). The file is of Surrey (936), not of Hampshire (850), the authority this import was "
        "limited to."
    )
    assert not School.objects.exists()
    run = import_file(GIAS_2021, la_codes=[936, 850])
    assert (run.created, run.skipped) == (590, 0)


class TestAnExtractWithoutSomeColumns:
    """A column the file does not have leaves its field as the register holds it: not compared, not written."""

    def test_without_ofsted_ratings_the_ratings_held_stay_and_no_change_is_recorded(self, surrey_2021, tmp_path):
        held = dict(School.objects.values_list("urn", "ofsted_rating"))
        run = import_file(without_columns(GIAS_2022, tmp_path, "OfstedRating (name)"))
        assert run.outcome == ImportOutcome.SUCCEEDED
        assert run.message.endswith("The file has no column 'OfstedRating (name)': Ofsted ratings were left as they were.")
        assert not RegisterEvent.objects.filter(kind=RegisterEventKind.OFSTED_CHANGED).exists()
        assert {urn: rating for urn, rating in School.objects.values_list("urn", "ofsted_rating") if urn in held} == held
        # What the file does say is still imported.
        assert RegisterEvent.objects.filter(school__urn=125004, kind=RegisterEventKind.HEAD_CHANGED, import_run=run).exists()

    def test_without_head_surnames_the_heads_held_stay_whole(self, surrey_2021, tmp_path):
        run = import_file(without_columns(GIAS_2022, tmp_path, "HeadLastName"))
        assert "The file has no column 'HeadLastName': heads were left as they were." in run.message
        assert not RegisterEvent.objects.filter(kind=RegisterEventKind.HEAD_CHANGED).exists()
        # Not the new head's first name beside the old head's surname.
        school = School.objects.get(urn=125004)
        assert (school.head_title, school.head_first_name, school.head_last_name) == ("Mrs", "Jan", "Washer")

    def test_the_same_extract_without_columns_of_every_kind_changes_nothing(self, surrey_2021, tmp_path):
        before = list(School.objects.order_by("pk").values())
        missing = ["PercentageFSM", "Easting", "OpenDate", "NumberOfPupils", "SEN5 (name)", "Town", "LastChangedDate"]
        run = import_file(without_columns(GIAS_2021, tmp_path, *missing))
        assert run.outcome == ImportOutcome.UNCHANGED and run.unchanged == 590
        assert run.message.endswith(
            "The file has no columns 'OpenDate', 'NumberOfPupils', 'PercentageFSM', 'LastChangedDate', 'Town', 'SEN5 (name)' and "
            "'Easting': opening dates, numbers on roll, free school meals percentages, the dates GIAS last changed each entry, "
            "addresses, types of SEN provision and locations were left as they were."
        )
        assert list(School.objects.order_by("pk").values()) == before
        assert not RegisterEvent.objects.exists()
