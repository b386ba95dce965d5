"""Importing the national data sets: real figures from the real files, refusals, idempotence, history."""

import csv
import gzip
import importlib
import io

import polars as pl
import pytest

from core.jinja import gov_date
from evidence import catalogue, readers
from evidence.history import history, history_urns
from evidence.models import Area, AreaObservation, FigureChange, Measure, Observation, Source, Status
from evidence.points import school_points
from evidence.series import display
from evidence.store import sync_catalogue
from imports.models import ImportOutcome, ImportRun
from imports.registry import Remedy
from imports.services import import_file
from register.models import LocalAuthority, School

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
    area_figure,
    figure,
    ks2_2019_with_guildford_grove,
    snapshot,
    without_rows,
)


@pytest.fixture
def surrey(db):
    """The real Surrey register: the 2021 extract, then the 2022 primary extract (adds closed predecessors)."""
    import_file(GIAS_2021)
    import_file(GIAS_2022)


def test_each_file_is_recognised_as_its_own_kind(surrey):
    kinds = {
        KS2[2017]: "ks2_final",
        KS2[2019]: "ks2_final",
        KS4[2018]: "ks4_final",
        KS4_PROVISIONAL: "ks4_provisional",
        KS4_INFO_2024: "ks4_school_information",
        KS4_INFO_2025: "ks4_school_information",
        CENSUS_2023: "school_census",
        CENSUS_2019: "census_summary",
        ABSENCE: "pupil_absence",
    }
    for path, kind in kinds.items():
        run = import_file(path)
        assert (run.kind, run.outcome) == (kind, ImportOutcome.SUCCEEDED), run.message


def test_ks2_figures_match_the_file_with_percent_signs_read_as_numbers(surrey):
    run = import_file(KS2[2017])
    assert figure(140348, "ks2_rwm_expected", 2017) == (50.0, "Value given")  # Kenyngton Manor: "50%"
    assert figure(140348, "ks2_rwm_higher", 2017) == (7.0, "Value given")
    assert figure(140348, "ks2_reading_progress", 2017) == (-0.8, "Value given")
    assert figure(140348, "ks2_rwm_expected_gap", 2017) == (-37.0, "Value given")
    obs = Observation.objects.get(school__urn=140348, measure__code="ks2_rwm_expected", year=2017)
    assert (obs.cohort, obs.source, obs.import_run_id) == (44, Source.KS2_FINAL, run.id)


def test_ks2_ehc_plan_share_counts_statements_in_the_years_the_tables_kept_them_apart(surrey):
    # 2016/17 and 2017/18 give PSENELE (EHC plans only) beside PSENELSE (statements or EHC plans); 2018/19 only PSENELE.
    import_file(KS2[2017])
    import_file(KS2[2019])
    assert figure(125021, "ks2_ehcp_pct", 2017) == (4.0, "Value given")  # PSENELSE 4%, where PSENELE is 0%
    assert figure(140348, "ks2_ehcp_pct", 2019) == (6.0, "Value given")  # PSENELE 6%


def test_suppressed_figures_are_stored_as_suppressed_never_zero(surrey):
    import_file(KS2[2017])
    import_file(KS4[2019])
    # Wishmore Cross Academy had 4 eligible pupils: its results are SUPP in the file.
    assert figure(138766, "ks2_rwm_expected", 2017) == (None, "Suppressed")
    assert figure(138766, "ks2_reading_progress", 2017) == (None, "Suppressed")
    assert figure(138766, "ks2_cohort", 2017) == (4.0, "Value given")
    # Charterhouse (independent): Progress 8 'NP'; Gosden House School: 'NE', no entries.
    assert figure(125340, "ks4_progress8", 2019) == (None, "Not published")
    assert figure(125340, "ks4_attainment8", 2019) == (7.3, "Value given")
    assert figure(125452, "ks4_attainment8", 2019) == (None, "No entries")
    assert not Observation.objects.filter(status__gt=Status.VALUE, value__isnull=False).exists()


def test_a_blank_figure_about_no_pupils_is_stored_as_not_applicable(surrey):
    import_file(KS2[2019])
    # Kingswood Primary School had no disadvantaged pupils in 2018/19 (TFSM6CLA1A 0): its gaps are blank.
    for code in ("ks2_rwm_expected_gap", "ks2_reading_progress_gap", "ks2_maths_progress_gap"):
        assert figure(124937, code, 2019) == (None, "Not applicable")
        assert Observation.objects.get(school__urn=124937, measure__code=code, year=2019).cohort == 0
    assert figure(124937, "ks2_rwm_expected", 2019)[1] == "Value given"
    point = school_points([124937])["ks2_rwm_expected_gap"][2019]
    assert display(point, Measure.objects.get(code="ks2_rwm_expected_gap")) == "not applicable (no pupils)"


def test_la_and_england_rows_become_area_figures(surrey):
    import_file(KS2[2017])
    import_file(KS2[2019])
    assert area_figure("ks2_rwm_expected", 2017, la_code=936) == (67.0, "Value given")
    assert area_figure("ks2_rwm_expected", 2017) == (61.0, "Value given")  # RECTYPE 5: state-funded schools
    assert area_figure("ks2_rwm_expected", 2019, la_code=936) == (70.0, "Value given")
    assert area_figure("ks2_rwm_expected", 2019) == (65.0, "Value given")


def test_ks4_final_and_provisional_are_kept_apart(surrey):
    import_file(KS4[2019])
    import_file(KS4_PROVISIONAL)
    # Jubilee High School, 2018/19.
    assert figure(139948, "ks4_attainment8", 2019, source=Source.KS4_FINAL) == (46.0, "Value given")
    assert figure(139948, "ks4_progress8", 2019, source=Source.KS4_FINAL) == (0.22, "Value given")
    assert figure(139948, "ks4_progress8_upper", 2019, source=Source.KS4_FINAL) == (0.45, "Value given")
    assert figure(139948, "ks4_progress8_gap", 2019, source=Source.KS4_FINAL) == (-0.26, "Value given")
    assert figure(139948, "ks4_progress8", 2019, source=Source.KS4_PROVISIONAL) == (0.23, "Value given")
    assert area_figure("ks4_attainment8", 2019, la_code=936, source=Source.KS4_FINAL) == (50.3, "Value given")
    assert area_figure("ks4_attainment8", 2019, source=Source.KS4_FINAL) == (46.7, "Value given")  # RECTYPE 7


def test_ees_files_read_time_period_and_their_codes(surrey):
    import_file(KS4_INFO_2024)
    import_file(KS4_INFO_2025)
    # Each file says its release in its version column: 2023/24 'Final', 2024/25 'Provisional'.
    assert set(Observation.objects.filter(year=2024).values_list("source", flat=True)) == {Source.KS4_SCHOOL_INFO}
    assert set(Observation.objects.filter(year=2025).values_list("source", flat=True)) == {Source.KS4_SCHOOL_INFO_PROVISIONAL}
    # No Progress 8 for 2024/25: every school's banding and gap is 'z' (not applicable), held as not published.
    unpublished = Observation.objects.filter(measure__code__in=["ks4_progress8_banding", "ks4_progress8_gap"], year=2025)
    assert set(unpublished.values_list("measure__code", "status").distinct()) == {
        ("ks4_progress8_banding", Status.NOT_PUBLISHED),
        ("ks4_progress8_gap", Status.NOT_PUBLISHED),
    }
    # Its Attainment 8 gap is given that year: a school's 'z' there stays not applicable.
    attainment = Observation.objects.filter(measure__code="ks4_attainment8_gap", year=2025)
    assert {Status.VALUE, Status.NOT_APPLICABLE} <= set(attainment.values_list("status", flat=True))


def test_progress_8_figures_imported_before_as_not_applicable_for_2024_25_are_held_as_not_published(surrey):
    """What the import held before it read 2024/25's 'z' as not published: the migration corrects it, and reading the
    file again then changes nothing."""
    from django.apps import apps

    migration = importlib.import_module("evidence.migrations.0017_progress8_2025_not_published")
    import_file(KS4_INFO_2025)
    progress8 = Observation.objects.filter(measure__code__startswith="ks4_progress8", year=2025)
    attainment = Observation.objects.filter(measure__code="ks4_attainment8_gap", year=2025, status=Status.NOT_APPLICABLE)
    held = attainment.count()
    progress8.update(status=Status.NOT_APPLICABLE)
    migration.not_published(apps, None)
    assert progress8.exists() and set(progress8.values_list("status", flat=True)) == {Status.NOT_PUBLISHED}
    assert attainment.count() == held
    assert import_file(KS4_INFO_2025).outcome == ImportOutcome.UNCHANGED


def test_census_figures_and_computed_area_percentages(surrey):
    import_file(CENSUS_2023)
    import_file(CENSUS_2019)
    # The Grange Community Infant School.
    assert figure(125037, "pupils", 2023) == (256.0, "Value given")
    assert figure(125037, "fsm_pct", 2023) == (9.8, "Value given")
    assert figure(125037, "eal_pct", 2023) == (27.7, "Value given")
    assert figure(125037, "pupils", 2019) == (266.0, "Value given")
    assert figure(125037, "sen_support_pct", 2019) == (8.6, "Value given")
    assert figure(125037, "ehcp_pct", 2019) == (1.5, "Value given")
    # England's FSM rate in January 2023 from the schools' own counts (published: 23.8%).
    england = AreaObservation.objects.get(measure__code="fsm_pct", year=2023, la_code=0)
    assert (england.value, england.computed) == (23.8, True)


def test_census_ethnic_groups_are_summed_from_the_detailed_groups_counts(surrey):
    import_file(CENSUS_2023)
    # The Grange Community Infant School, 256 pupils. White: 170 white British + 21 any other white
    # background (Irish, traveller, Gypsy/Roma 0) = 191; mixed 5 + 3 + 7 + 7 = 22; Asian 8 + 21 + 1 + 6 = 36;
    # black 0 + 1 + 0 = 1; Chinese 5; any other 1; unclassified 0.
    groups = {"white": 191, "mixed": 22, "asian": 36, "black": 1, "chinese": 5, "other": 1, "unclassified": 0}
    for group, pupils in groups.items():
        assert figure(125037, f"ethnicity_{group}_pct", 2023) == (round(pupils * 100 / 256, 1), "Value given"), group
    assert figure(125037, "white_british_pct", 2023) == (66.4, "Value given")  # as published
    # The groups part the pupils of every area, so their percentages add up to 100 (to rounding).
    for la_code in (0, 936):
        shares = AreaObservation.objects.filter(measure__code__startswith="ethnicity_", year=2023, la_code=la_code)
        assert shares.count() == 7 and abs(sum(shares.values_list("value", flat=True)) - 100) < 0.5


def test_a_share_worked_out_here_rounds_a_half_up_as_dfe_does(surrey):
    import_file(CENSUS_2023)
    # Cobham Free School: 754 white pupils of 928 is 81.25%; Barnett Wood Infant School: 9 mixed of 144 is 6.25%.
    assert figure(138226, "ethnicity_white_pct", 2023) == (81.3, "Value given")
    assert figure(124982, "ethnicity_mixed_pct", 2023) == (6.3, "Value given")


def test_a_percentage_of_no_pupils_is_not_applicable_though_the_census_prints_0(surrey):
    import_file(CENSUS_2023)
    # St Peter's Centre has a headcount of 0, and the file gives 0% eligible for free school meals and 0% EAL.
    assert figure(134109, "pupils", 2023) == (0, "Value given")
    for code in ("fsm_pct", "eal_pct", "white_british_pct", "ethnicity_white_pct"):
        assert figure(134109, code, 2023) == (None, "Not applicable"), code


def test_absence_figures_belong_to_the_year_they_describe(surrey):
    run = import_file(ABSENCE)
    # The 2018/19 tables' file: 2018/19's absence, as its England rows show (primary 4.0%, special 10.1%: DfE's
    # published 2018/19 rates; 2017/18's were 4.2% and 10.2%).
    assert figure(143373, "absence_overall_pct", 2019) == (4.9, "Value given")
    assert figure(143373, "persistent_absence_pct", 2019) == (12.0, "Value given")
    assert not Observation.objects.filter(measure__code__contains="absence", year=2018).exists()
    assert run.skipped > 20_000  # the rest of England is not in this register


def test_absence_and_census_summary_give_england_phase_by_phase(surrey):
    import_file(ABSENCE)
    import_file(CENSUS_2019)
    # The files' 'NAT' rows: PRI, SEC and SPE in ESTAB.
    assert area_figure("absence_overall_pct", 2019, area=Area.ENGLAND_PRIMARY) == (4.0, "Value given")
    assert area_figure("persistent_absence_pct", 2019, area=Area.ENGLAND_SECONDARY) == (13.7, "Value given")
    assert area_figure("absence_overall_pct", 2019, area=Area.ENGLAND_SPECIAL) == (10.1, "Value given")
    assert area_figure("fsm_ever_pct", 2019, area=Area.ENGLAND_PRIMARY) == (23.0, "Value given")
    primary_pupils = AreaObservation.objects.get(area=Area.ENGLAND_PRIMARY, measure__code="pupils", year=2019)
    assert (primary_pupils.value, primary_pupils.computed) == (4_727_089, False)
    # No figure for England as a whole is made up from the phases.
    assert not AreaObservation.objects.filter(area=Area.ENGLAND, source__in=[Source.ABSENCE, Source.CENSUS_SUMMARY]).exists()


def test_census_summary_gives_each_authority_its_percentages_from_its_schools_counts(surrey):
    run = import_file(CENSUS_2019)
    # Surrey's state-funded schools in the file, its pupil referral units among them, summed by hand: the count over the
    # pupils on roll.
    with gzip.open(CENSUS_2019, "rt", encoding="utf-8-sig") as f:
        state_funded = ("State-funded", "Pupil referral unit")
        rows = [row for row in csv.DictReader(f) if row["LA"] == "936" and row["SCHOOLTYPE"].startswith(state_funded)]
    for code, column in {"sen_support_pct": "TSENELK", "ehcp_pct": "TSENELSE", "eal_pct": "NUMEAL"}.items():
        counted = [row for row in rows if row["NOR"].isdigit() and row[column].isdigit()]  # not 'NA' or 'SUPP'
        assert 0 < len(rows) - len(counted) < 20
        pupils = sum(int(row["NOR"]) for row in counted)
        expected = round(100 * sum(int(row[column]) for row in counted) / pupils, 1)
        figure = AreaObservation.objects.get(area=Area.LA, la_code=936, measure__code=code, year=2019)
        assert (figure.value, figure.cohort, figure.computed, figure.import_run) == (expected, pupils, True, run)
    # Its FSM-ever percentage has another denominator, so no authority's figure is made up for it.
    assert not AreaObservation.objects.filter(area=Area.LA, measure__code="fsm_ever_pct").exists()
    assert AreaObservation.objects.filter(area=Area.LA, measure__code="sen_support_pct").count() > 140  # every authority


def test_the_census_summary_is_read_once(surrey, monkeypatch):
    """Its schools' and England's figures, and its authorities' calculated from the schools' counts, from one read."""
    reads = []
    read_table = readers.read_table
    monkeypatch.setattr(readers, "read_table", lambda data, columns=None: reads.append(columns) or read_table(data, columns))
    assert import_file(CENSUS_2019).outcome == ImportOutcome.SUCCEEDED
    assert len(reads) == 1


def test_englands_rows_of_a_phase_not_read_are_counted_as_englands_not_as_schools_not_in_the_register(surrey):
    """The absence file's England rows give a phase in ESTAB: one the import does not read (ALL, say) is no school."""
    data = "LA,ESTAB,URN,PERCTOT,PPERSABS10\r\n936,2001,100001,4.5,10.1\r\nNAT,PRI,,4,8.2\r\nNAT,ALL,,4.7,10.9\r\nNAT,TOT,,4.7,10.9\r\n"
    run = import_file(data.encode(), file_name="2018-2019-england_abs.csv")
    assert (run.outcome, run.skipped, run.skipped_national) == (ImportOutcome.SUCCEEDED, 3, 2)
    assert "; 3 skipped (1 not in the register; 2 rows of England's figures for a phase of school the import does not read)." in run.message
    # Limited to an authority, it takes none of England's rows: those of a phase it reads are skipped too.
    run = import_file(data.encode(), file_name="2018-2019-england_abs.csv", la_codes=[936])
    assert (run.skipped, run.skipped_national) == (4, 3)


def test_rows_for_schools_outside_the_register_are_skipped_and_counted(surrey):
    run = import_file(KS4_PROVISIONAL)
    surrey_schools = Observation.objects.filter(source=Source.KS4_PROVISIONAL).values("school").distinct().count()
    assert surrey_schools > 50
    assert run.skipped > 5000


def test_every_row_read_is_taken_or_skipped_a_row_giving_no_figures_among_those_skipped(surrey):
    """Chart Wood School (URN 146527), new in 2018/19, has a row in Surrey's KS2 tables whose every figure is blank: it
    gives nothing to take, and is counted as skipped, so that the rows taken and skipped are the rows read."""
    run = import_file(KS2[2019], la_codes=[936])
    # 242 rows: 237 of schools the register holds (Chart Wood's among them), 2 of schools it does not, Surrey's, England's 2.
    assert (run.rows_read, run.skipped, run.skipped_empty, run.skipped_national) == (242, 5, 1, 2)
    assert "; 5 skipped (2 outside the authorities asked for, or not in the register; 1 row giving no figures; 2 rows of" in run.message
    assert not School.objects.get(urn=146527).observations.exists()


def test_a_national_row_giving_no_figures_is_counted_as_skipped(surrey):
    """The provisional KS4 file's row for the City of London (LA 201, no state-funded secondary school) is blank."""
    LocalAuthority.objects.create(code=201, name="City of London")
    run = import_file(KS4_PROVISIONAL, la_codes=[201])
    assert not AreaObservation.objects.filter(import_run=run).exists()
    assert (run.rows_read, run.skipped, run.outcome) == (5652, 5652, ImportOutcome.UNCHANGED)
    assert run.skipped_empty > 0 and f"{run.skipped_empty} rows giving no figures" in run.message


def test_la_codes_limit_an_import_to_those_authorities(surrey):
    LocalAuthority.objects.create(code=850, name="Hampshire")
    import_file(KS4_PROVISIONAL, la_codes=[850])
    assert not Observation.objects.filter(source=Source.KS4_PROVISIONAL).exists()  # no Hampshire schools in this register
    assert set(AreaObservation.objects.filter(area=1, source=Source.KS4_PROVISIONAL).values_list("la_code", flat=True)) == {850}


def test_importing_the_same_file_again_changes_nothing(surrey):
    first = import_file(KS2[2019])
    before = snapshot()
    again = import_file(KS2[2019])
    assert (again.outcome, again.created, again.changed) == (ImportOutcome.UNCHANGED, 0, 0)
    assert again.unchanged == first.created
    assert snapshot() == before


def test_a_new_year_adds_to_history_without_touching_the_last(surrey):
    import_file(KS2[2018])
    year_2018 = list(Observation.objects.filter(year=2018).order_by("pk").values())
    import_file(KS2[2019])
    assert list(Observation.objects.filter(year=2018).order_by("pk").values()) == year_2018
    assert Observation.objects.filter(year=2019).exists()


def test_a_corrected_file_replaces_its_year_from_its_source_only(surrey, tmp_path):
    first = import_file(KS2[2019])
    import_file(CENSUS_2019)
    census = list(Observation.objects.filter(source=Source.CENSUS_SUMMARY).order_by("pk").values())
    corrected = ks2_2019_with_guildford_grove(tmp_path / "2018-2019-936-ks2final.csv", "58%")
    run = import_file(corrected)
    assert (run.outcome, run.created, run.changed) == (ImportOutcome.SUCCEEDED, 0, 1)
    assert figure(143373, "ks2_rwm_expected", 2019) == (58.0, "Value given")
    assert Observation.objects.get(school__urn=143373, measure__code="ks2_rwm_expected", year=2019).import_run == run
    assert list(Observation.objects.filter(source=Source.CENSUS_SUMMARY).order_by("pk").values()) == census
    # The change is recorded with what the first import said.
    change = FigureChange.objects.get(import_run=run)
    assert (change.school.urn, change.measure.code, change.year, change.source) == (143373, "ks2_rwm_expected", 2019, Source.KS2_FINAL)
    assert (change.old_value, change.old_status, change.old_import_run_id, change.new_value, change.new_status) == (
        56.0, Status.VALUE, first.pk, 58.0, Status.VALUE
    )  # fmt: skip
    assert (change.old_text, change.new_text) == ("56%", "58%")


def test_a_corrected_file_that_leaves_a_school_out_keeps_its_figures_and_says_which(surrey, tmp_path):
    """A file says nothing of a school it leaves out (an authority's own file beside the national one): Guildford
    Grove's figures stay, and the import names the school, so that a correction dropping a school is noticed."""
    import_file(KS2[2019])
    before = snapshot()
    run = import_file(without_rows(KS2[2019], ",143373,", tmp_path / "2018-2019-936-ks2final.csv"))
    assert (run.outcome, run.created, run.changed) == (ImportOutcome.UNCHANGED, 0, 0), run.message
    assert snapshot() == before
    assert (
        "This file leaves out 1 school of its authorities, URN 143373, that an earlier file of Key stage 2 performance "
        "tables (final) for the same year gave figures for: they are kept as they were"
    ) in run.message
    assert "leaves out" not in import_file(KS2[2019]).message  # the whole file again names every school


def test_a_figure_a_corrected_file_leaves_blank_is_removed_and_recorded(surrey, tmp_path):
    first = import_file(KS2[2019])
    held = Observation.objects.count()
    corrected = ks2_2019_with_guildford_grove(tmp_path / "2018-2019-936-ks2final.csv", "")
    run = import_file(corrected)
    assert (run.outcome, run.created, run.changed) == (ImportOutcome.SUCCEEDED, 0, 1), run.message
    assert not Observation.objects.filter(school__urn=143373, measure__code="ks2_rwm_expected").exists()
    assert Observation.objects.count() == held - 1
    change = FigureChange.objects.get(import_run=run)
    assert (change.school.urn, change.measure.code, change.old_value, change.old_import_run_id) == (
        143373,
        "ks2_rwm_expected",
        56.0,
        first.pk,
    )
    assert change.removed and (change.old_text, change.new_text) == ("56%", "no longer given")


def test_a_change_in_the_pupils_a_figure_is_about_is_shown_beside_it(db):
    """An authority's per cent computed again from more schools may round the same: the number of pupils says what changed."""
    sync_catalogue()
    change = FigureChange(
        area=Area.LA, la_code=936, measure=Measure.objects.get(code="eal_pct"), year=2019, source=Source.CENSUS_SUMMARY,
        old_value=13.9, old_status=Status.VALUE, old_cohort=163_219, new_value=13.9, new_status=Status.VALUE, new_cohort=652_876,
    )  # fmt: skip
    assert (change.place, change.old_text, change.new_text) == ("Local authority 936", "13.9% (163,219 pupils)", "13.9% (652,876 pupils)")
    change.la_name = "Surrey"  # as the import's page reads it
    change.area = Area.LA_PRIMARY
    assert change.place == "Surrey (936): state-funded primary schools"
    change.new_cohort = change.old_cohort
    assert (change.old_text, change.new_text) == ("13.9%", "13.9%")


def test_each_release_of_a_years_tables_is_kept_apart_and_the_final_one_shown(surrey, tmp_path):
    final = import_file(KS2[2019])
    provisional = ks2_2019_with_guildford_grove(tmp_path / "2018-2019-england_ks2provisional.csv", "54%")
    run = import_file(provisional)  # published before the final one, imported after it
    assert (run.kind, run.outcome) == ("ks2_final", ImportOutcome.SUCCEEDED), run.message
    assert run.created == final.created and run.changed == 0  # the final figures are not touched
    assert figure(143373, "ks2_rwm_expected", 2019, source=Source.KS2_FINAL) == (56.0, "Value given")
    assert figure(143373, "ks2_rwm_expected", 2019, source=Source.KS2_PROVISIONAL) == (54.0, "Value given")
    shown = school_points([143373], Measure.objects.filter(code="ks2_rwm_expected"))["ks2_rwm_expected"][2019]
    assert (shown.value, shown.source) == (56.0, Source.KS2_FINAL)
    revised = tmp_path / "2018-2019-england_ks4revised.csv"
    revised.write_bytes(KS4[2019].read_bytes())
    assert import_file(revised).outcome == ImportOutcome.SUCCEEDED
    assert figure(139948, "ks4_progress8", 2019, source=Source.KS4_REVISED) == (0.22, "Value given")
    assert not Observation.objects.filter(source=Source.KS4_FINAL).exists()


def test_a_corrupt_value_refuses_the_whole_file_naming_row_and_column(surrey, tmp_path):
    import_file(KS2[2018])
    before = snapshot()
    text = KS2[2019].read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    header = lines[0].split(",")
    column = header.index("PTRWM_EXP")
    fields = lines[9].split(",")
    fields[column] = "5O%"
    lines[9] = ",".join(fields)
    broken = tmp_path / "2018-2019-936-ks2final.csv"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = import_file(broken)
    assert run.outcome == ImportOutcome.REFUSED
    assert "2018-2019-936-ks2final.csv" in run.message
    assert "row 10" in run.message and "column 'PTRWM_EXP'" in run.message and "5O%" in run.message
    assert snapshot() == before


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("150%", "'150%' cannot be a percentage: it should be from 0 to 100"),
        ("-5%", "'-5%' cannot be a percentage: it should be from 0 to 100"),
        ("NaN", "'NaN' is neither a number nor one of the codes SUPP, NE, NA, NP, NEW, NR, LOWCOV"),
        ("inf", "'inf' is neither a number nor one of the codes SUPP, NE, NA, NP, NEW, NR, LOWCOV"),
        ("1e1", "'1e1' is neither a number nor one of the codes SUPP, NE, NA, NP, NEW, NR, LOWCOV"),
        ("5.6.1", "'5.6.1' is neither a number nor one of the codes SUPP, NE, NA, NP, NEW, NR, LOWCOV"),
    ],
)
def test_a_figure_no_file_could_give_refuses_the_whole_file(surrey, tmp_path, cell, reason):
    """Guildford Grove's row in the 2018/19 Surrey file is line 11: its 56% at the expected standard altered."""
    before = snapshot()
    run = import_file(ks2_2019_with_guildford_grove(tmp_path / "2018-2019-936-ks2final.csv", cell))
    assert run.outcome == ImportOutcome.REFUSED
    assert f"column 'PTRWM_EXP': {reason}" in run.message and "row " in run.message
    assert snapshot() == before


def _without_column(source, target, name):
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8-sig"))))
    drop = rows[0].index(name)
    with target.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([row[:drop] + row[drop + 1 :] for row in rows])
    return target


def test_a_file_without_a_column_its_layout_needs_is_refused_naming_the_column(surrey, tmp_path):
    before = snapshot()
    run = import_file(_without_column(KS2[2019], tmp_path / "2018-2019-936-ks2final.csv", "LEA"))
    assert (run.outcome, run.message) == (
        ImportOutcome.REFUSED,
        "2018-2019-936-ks2final.csv: the file has no column 'LEA'. Nothing was imported from this file.",
    )
    run = import_file(KS2[2019], kind="school_census")  # the wrong kind, given by hand
    assert run.outcome == ImportOutcome.REFUSED
    assert (
        "its header is not that of a School census, school level (January) file, the kind chosen with --kind, but that of "
        "a Key stage 2 performance tables file: import it again choosing that kind, or none." in run.message
    )
    census = tmp_path / "2022-2023-school-census-spc-school-level.csv"
    census.write_bytes(gzip.decompress(CENSUS_2023.read_bytes()))
    run = import_file(_without_column(census, tmp_path / census.name.replace("level", "level-cut"), "phase_type_grouping"))
    assert run.outcome == ImportOutcome.REFUSED and "the file has no column 'phase_type_grouping'" in run.message
    assert snapshot() == before


def test_a_corrected_file_without_a_column_keeps_the_figures_held_for_it(surrey, tmp_path):
    import_file(KS2[2019])
    before = snapshot()
    run = import_file(_without_column(KS2[2019], tmp_path / "2018-2019-936-ks2final.csv", "READPROG"))
    assert (run.outcome, run.changed) == (ImportOutcome.UNCHANGED, 0)
    assert snapshot() == before
    assert figure(143373, "ks2_reading_progress", 2019)[0] is not None


def test_a_corrected_file_without_a_count_column_keeps_the_numbers_of_pupils_held_for_its_figures(surrey, tmp_path):
    """TFSM6CLA1A, the disadvantaged pupils counted in three measures' figures: a file without it (one cut down in a
    spreadsheet) says nothing of how many they were, nor that a school without any has no figure to give."""
    import_file(KS2[2019])
    before = snapshot()
    run = import_file(_without_column(KS2[2019], tmp_path / "2018-2019-936-ks2final.csv", "TFSM6CLA1A"))
    assert (run.outcome, run.changed) == (ImportOutcome.UNCHANGED, 0)
    assert snapshot() == before


def test_a_corrected_file_that_leaves_a_column_blank_throughout_removes_its_figures(surrey, tmp_path):
    """A column the file has but leaves blank says there is no figure, whether for one school or for all."""
    import_file(KS2[2019])
    rows = list(csv.reader(io.StringIO(KS2[2019].read_text(encoding="utf-8-sig"))))
    column = rows[0].index("READPROG")
    held = Observation.objects.filter(measure__code="ks2_reading_progress", year=2019).count()
    held += AreaObservation.objects.filter(measure__code="ks2_reading_progress", year=2019).count()
    blanked = tmp_path / "2018-2019-936-ks2final.csv"
    with blanked.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([rows[0], *([*row[:column], "", *row[column + 1 :]] if len(row) > column else row for row in rows[1:])])
    run = import_file(blanked)
    assert held > 200 and run.changed == held  # every school's figure, the LA's and England's
    assert not Observation.objects.filter(measure__code="ks2_reading_progress", year=2019).exists()
    assert not AreaObservation.objects.filter(measure__code="ks2_reading_progress", year=2019).exists()


@pytest.mark.parametrize("ending", ["", "\n\n", "\n\n\n"])  # blank lines at the end are rows of nothing
def test_a_row_that_stops_early_keeps_the_figures_held_for_the_fields_it_lacks(surrey, tmp_path, ending):
    """DfE's rows stop early where their last columns are empty, so a short row says nothing of the fields it
    lacks: Guildford Grove's row cut after its 56% keeps the figures held for the rest, and 56% itself."""
    import_file(KS2[2019])
    before = snapshot()
    text = KS2[2019].read_text(encoding="utf-8-sig")
    line = next(row for row in text.splitlines() if ",143373," in row)
    cut = tmp_path / "2018-2019-936-ks2final.csv"
    cut.write_text(text.replace(line, line[: line.index(",56%,") + len(",56%")]) + ending, encoding="utf-8")
    run = import_file(cut)
    assert (run.outcome, run.changed) == (ImportOutcome.UNCHANGED, 0)
    assert snapshot() == before
    assert figure(143373, "ks2_rwm_expected", 2019)[0] == 56.0


def test_a_census_row_that_stops_early_keeps_the_school_and_authority_figures_held_for_the_fields_it_lacks(surrey, tmp_path):
    """Kingswood Primary's row of the January 2023 census cut before its count of white British pupils: the file says
    nothing of its ethnic groups, nor, without its counts, of Surrey's, which are made from every school's."""
    import_file(CENSUS_2023, la_codes=[936])
    before = snapshot()
    rows = list(csv.reader(io.StringIO(gzip.decompress(CENSUS_2023.read_bytes()).decode("utf-8-sig"), newline="")))
    header = rows[0]
    cut_at = header.index("number of pupils classified as white British ethnic origin")
    kingswood = next(row for row in rows if row[header.index("urn")] == "124937")
    kingswood[cut_at:] = []
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    cut = tmp_path / "2022-2023-school-census-spc-school-level.csv"
    cut.write_text(out.getvalue(), encoding="utf-8")
    run = import_file(cut, la_codes=[936])
    assert (run.outcome, run.changed) == (ImportOutcome.UNCHANGED, 0), run.message
    assert snapshot() == before


def test_a_national_census_cut_at_a_line_end_says_whose_figures_it_calculated_without_the_schools_it_leaves_out(surrey, tmp_path):
    """The January 2023 census lists the schools authority by authority; cut at a line end 1,060 rows before its end, it
    stops 99 schools short of Surrey's 509 and leaves out the four authorities after it, and nothing in it shows the cut.
    Surrey's figures, calculated from its schools' counts, are calculated from the schools it gives (as they must be from
    a file DfE has taken a school out of), and the import says so and what to do: importing the whole file again puts
    every figure back. (England's are not calculated from a file short of authorities.)"""

    def figures() -> list[tuple]:
        fields = ("area", "la_code", "measure_id", "year", "value", "status", "cohort")
        return list(AreaObservation.objects.order_by(*fields).values_list(*fields)) + list(
            Observation.objects.order_by("school_id", "measure_id", "year").values_list(
                "school_id", "measure_id", "year", "value", "status"
            )
        )

    import_file(CENSUS_2023)
    held = figures()
    lines = gzip.decompress(CENSUS_2023.read_bytes()).split(b"\n")
    cut = tmp_path / CENSUS_2023.name.removesuffix(".gz")
    cut.write_bytes(b"\n".join(lines[:-1061]) + b"\n")
    run = import_file(cut)
    assert run.outcome == ImportOutcome.SUCCEEDED and run.changed > 0, run.message
    assert figures() != held
    assert (
        "The figures of Surrey (936) for 2022/23 were calculated from the schools this file gives, without "
        "schools it leaves out that an earlier file of School census, school level (January) for the same year counted. "
        "If the file was cut short, download it again and import it: the figures are then calculated from every school."
    ) in run.message
    whole = import_file(CENSUS_2023)
    assert whole.outcome == ImportOutcome.SUCCEEDED and "were calculated from the schools this file gives" not in whole.message
    assert figures() == held


def test_a_national_census_cut_where_an_authoritys_schools_begin_says_england_is_calculated_without_them(surrey, tmp_path):
    """Cut at the line before West Northamptonshire's first school, the last authority's, the January 2023 census leaves
    out none of Surrey's schools but all of that authority's: England's figures, calculated from every authority's
    schools, are calculated without them, and the import says so."""
    import_file(CENSUS_2023)
    lines = gzip.decompress(CENSUS_2023.read_bytes()).split(b"\n")
    first = next(i for i, line in enumerate(lines) if b",941,West Northamptonshire," in line)
    cut = tmp_path / CENSUS_2023.name.removesuffix(".gz")
    cut.write_bytes(b"\n".join(lines[:first]) + b"\n")
    run = import_file(cut)
    assert run.outcome == ImportOutcome.SUCCEEDED, run.message
    assert (
        "The figures of England for 2022/23 were calculated from the schools this file gives, without schools it leaves "
        "out that an earlier file of School census, school level (January) for the same year counted, among them every "
        "school of LA 941. If the file was cut short"
    ) in run.message
    assert "Surrey (936)" not in run.message


def test_a_header_name_with_spaces_around_it_is_still_found(surrey, tmp_path):
    text = KS2[2019].read_text(encoding="utf-8-sig")
    spaced = tmp_path / "2018-2019-936-ks2final.csv"
    spaced.write_text(text.replace(",URN,", ",URN ,", 1), encoding="utf-8")
    assert import_file(spaced).created == import_file(KS2[2019]).unchanged > 0


def test_a_name_whose_comma_lost_its_quotes_refuses_the_file_rather_than_shift_its_figures(surrey, tmp_path):
    import_file(KS2[2019])
    before = snapshot()
    lines = KS2[2019].read_text(encoding="utf-8-sig").splitlines()
    row = next(i for i, line in enumerate(lines) if ",140348," in line)
    assert ",Kenyngton Manor Primary School," in lines[row]
    lines[row] = lines[row].replace(",Kenyngton Manor Primary School,", ",Kenyngton Manor, Primary School,")
    broken = tmp_path / "2018-2019-936-ks2final.csv"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = import_file(broken)
    assert run.outcome == ImportOutcome.REFUSED
    fields = len(lines[0].split(","))
    assert f"row {row + 1}: this row has {fields + 1} fields but the header has {fields}" in run.message
    assert snapshot() == before
    # A blank field after the last column (a trailing comma) is no cause to refuse.
    lines[row] = lines[row].replace(",Kenyngton Manor, Primary School,", ",Kenyngton Manor Primary School,") + ","
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert import_file(broken).outcome == ImportOutcome.UNCHANGED


def test_a_file_whose_name_and_columns_disagree_about_the_year_is_refused(surrey, tmp_path):
    wrong = tmp_path / "2016-2017-936-ks2final.csv"
    wrong.write_bytes(KS2[2019].read_bytes())
    run = import_file(wrong)
    assert run.outcome == ImportOutcome.REFUSED
    assert "2018/19" in run.message


def test_a_gzipped_file_imports_like_the_plain_one(surrey, tmp_path):
    packed = tmp_path / "2018-2019-936-ks2final.csv.gz"
    packed.write_bytes(gzip.compress(KS2[2019].read_bytes()))
    assert import_file(packed).created == import_file(KS2[2019]).unchanged


def test_history_follows_a_converted_academy_to_its_predecessor(surrey):
    import_file(LINKS_2021)
    academy = School.objects.get(urn=143373)  # Guildford Grove Primary School, academy from 1 Sept 2016
    urns = history_urns(academy)
    assert urns[:2] == [143373, 132758]
    for path in KS2.values():
        import_file(path)
    trend = dict(Observation.objects.filter(school__urn__in=urns, measure__code="ks2_rwm_expected").values_list("year", "value"))
    # 2016/17 was published under the old URN, 2017/18 and 2018/19 under the academy's.
    assert trend == {2017: 44.0, 2018: 57.0, 2019: 56.0}


def test_history_of_a_school_without_links_is_itself(surrey):
    assert history_urns(School.objects.get(urn=125037)) == [125037]


def test_progress_is_reported_as_the_figures_are_written(surrey):
    heard = []
    run = import_file(CENSUS_2023, progress=lambda done, total: heard.append((done, total)))
    assert run.outcome == ImportOutcome.SUCCEEDED
    totals = {total for _, total in heard}
    assert len(totals) == 1 and totals.pop() > 1000  # the figures of the authority's schools and every area
    steps = [done for done, _ in heard]
    assert steps == sorted(steps) and steps[-1] == heard[-1][1] and len(set(steps)) >= 3


def test_figures_of_predecessors_the_register_lacks_are_named_with_what_to_import(surrey):
    import_file(LINKS_2021)
    run = import_file(KS4[2017])
    # Therfield School (143902) converted in 2016; the 2021 extract holds open schools only, so not its old URN.
    assert not School.objects.filter(urn=125252).exists()
    assert "predecessors of schools in the register that it does not hold" in run.message
    assert "URN 125252 (before 143902)" in run.message and "import a GIAS extract that includes closed schools" in run.message
    assert "predecessors" not in import_file(CENSUS_2023).message  # January 2023: no predecessor still open


def test_a_census_row_for_another_year_refuses_the_file(surrey, tmp_path):
    rows = list(csv.reader(io.StringIO(gzip.decompress(CENSUS_2023.read_bytes()).decode("utf-8"))))
    period = rows[0].index("time_period")
    assert {row[period] for row in rows[1:]} == {"202223"}
    rows[40][period] = "202324"
    mixed = tmp_path / CENSUS_2023.name.removesuffix(".gz")
    with mixed.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    before = snapshot()
    run = import_file(mixed)
    assert run.outcome == ImportOutcome.REFUSED
    assert (
        "row 41 (URN 100039, St Dominic's Catholic Primary School), column 'time_period': this row is for 202324, the rows before it for 202223: a file gives one year"
        in run.message
    )
    assert snapshot() == before


def test_an_ees_file_of_two_releases_is_refused(surrey, tmp_path):
    rows = list(csv.reader(io.StringIO(gzip.decompress(KS4_INFO_2025.read_bytes()).decode("utf-8"))))
    version = rows[0].index("version")
    rows[1][version] = ""  # a blank says nothing: the release is the other rows'
    rows[30][version] = "Revised"
    mixed = tmp_path / KS4_INFO_2025.name.removesuffix(".gz")
    with mixed.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    run = import_file(mixed)
    assert run.outcome == ImportOutcome.REFUSED
    assert (
        "row 31 (URN 145315, Leigh Academy Halley), column 'version': this row is of the revised release, the rows before it of the provisional"
        in run.message
    )


def test_history_joins_a_predecessor_open_but_proposed_to_close_and_not_one_still_open(db):
    """In the May 2021 extract Englefield Green Infant School (125101) is "open, but proposed to close", about to
    amalgamate into a new school; a linked school that is simply open publishes its own figures."""
    from register.models import SchoolLink, SchoolStatus

    from .factories import SchoolFactory

    new = SchoolFactory(urn=148469, name="Manorcroft")
    closing = SchoolFactory(urn=125101, status=SchoolStatus.PROPOSED_TO_CLOSE)
    still_open = SchoolFactory(urn=125175, status=SchoolStatus.OPEN)
    for old in (closing, still_open):
        SchoolLink.objects.create(urn=new.urn, linked_urn=old.urn, link_type="Predecessor - amalgamated")
    found = history(new)
    assert (found.urns, found.still_open) == ([148469, 125101], [125175])


def test_a_performance_table_cut_short_part_way_through_a_school_is_refused(surrey, tmp_path):
    """A download that stopped: the 2018/19 KS2 file cut in the middle of its fifth school's row."""
    text = KS2[2019].read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    cut = tmp_path / "2018-2019-936-ks2final.csv"
    cut.write_text("\n".join([*lines[:5], lines[5][:200]]), encoding="utf-8")
    before = snapshot()
    run = import_file(cut)
    assert run.outcome == ImportOutcome.REFUSED
    assert "row 6: the file ends part-way through this row" in run.message and "download it again" in run.message
    assert snapshot() == before
    # The real files end with their LA and England rows, short ones included, and no line end: they import.
    assert all(import_file(path).outcome == ImportOutcome.SUCCEEDED for path in (*KS2.values(), *KS4.values()))


@pytest.mark.parametrize("broken", [10, 3000], ids=["an-earlier-row", "the-row-cut"])
def test_an_ees_file_cut_short_in_a_quoted_value_names_the_row_counting_quoted_line_breaks_within_rows(surrey, tmp_path, broken):
    """A quoted value may hold a line break (an address, a name), which is inside its row: the row named was counted in lines,
    one too many for each such break before the cut; and one in the row cut left it refused as unreadable, naming no row."""
    lines = gzip.decompress(KS4_INFO_2024.read_bytes()).split(b"\r\n")
    at = lines[broken].index(b'","') + 4  # in the row's second quoted value, after its first character
    lines[broken] = lines[broken][:at] + b"\r\n" + lines[broken][at:]
    cut = tmp_path / KS4_INFO_2024.name.removesuffix(".gz")
    cut.write_bytes(b"\r\n".join([*lines[:3000], lines[3000][:-3]]))
    run = import_file(cut)
    assert run.message.startswith(f"{cut.name}, row 3001: the file ends part-way through a quoted value in this row"), run.message
    assert run.remedy == Remedy.DOWNLOAD


def test_an_ees_file_cut_short_part_way_through_a_quoted_value_is_refused_as_such(surrey, tmp_path):
    """Explore-education-statistics quote every value: cut inside one, the file was refused as "the file cannot be read
    as CSV (could not parse `"Below avera` as dtype `str` at column '59' …)", with no row, nor word of what to do."""
    lines = gzip.decompress(KS4_INFO_2024.read_bytes()).split(b"\r\n")
    cut = tmp_path / KS4_INFO_2024.name.removesuffix(".gz")
    cut.write_bytes(b"\r\n".join([*lines[:3000], lines[3000][:-3]]))
    before = snapshot()
    run = import_file(cut)
    assert run.message == (
        f"{cut.name}, row 3001: the file ends part-way through a quoted value in this row, with no line end after it: it looks "
        "cut short, so download it again. Nothing was imported from this file."
    )
    assert run.remedy == Remedy.DOWNLOAD
    assert snapshot() == before


def test_a_census_summary_without_a_percentage_column_but_with_its_counts_imports_again_unchanged(surrey, tmp_path):
    """Without PNUMEAL the schools' EAL % is not given, but Surrey's is still worked out from NUMEAL and NOR."""
    plain = tmp_path / "2018-2019-england_census-full.csv"
    plain.write_bytes(gzip.decompress(CENSUS_2019.read_bytes()))
    cut = _without_column(plain, tmp_path / "2018-2019-england_census.csv", "PNUMEAL")
    assert import_file(CENSUS_2019, la_codes=[936]).outcome == ImportOutcome.SUCCEEDED
    run = import_file(cut, la_codes=[936])
    assert run.outcome == ImportOutcome.UNCHANGED, run.message
    assert area_figure("eal_pct", 2019, la_code=936)[0] is not None


def test_a_performance_table_that_ends_at_the_authoritys_row_is_refused_as_cut_short(surrey, tmp_path):
    """Cut part-way through Surrey's row (its RWM figure '70%' left as '7'), the file has no England rows after it."""
    import_file(KS2[2019])
    before = snapshot()
    text = KS2[2019].read_text(encoding="utf-8-sig")
    la_row = next(i for i, line in enumerate(text.split("\n")) if line.startswith("3,"))
    lines = text.split("\n")[: la_row + 1]
    header = lines[0].split(",")
    lines[-1] = ",".join(lines[-1].split(",")[: header.index("PTRWM_EXP") + 1])[:-2]
    cut = tmp_path / "2018-2019-936-ks2final.csv"
    cut.write_text("\n".join(lines), encoding="utf-8")
    run = import_file(cut)
    assert run.outcome == ImportOutcome.REFUSED
    assert f"row {la_row + 1}" in run.message and "ends with the authority's row" in run.message
    assert snapshot() == before


def test_an_authority_or_england_row_given_twice_is_refused_naming_both_rows(surrey, tmp_path):
    text = ABSENCE.read_text(encoding="utf-8-sig").rstrip("\n").split("\n")
    doubled = tmp_path / "2018-2019-england_abs.csv"
    doubled.write_text("\n".join([*text, "NAT,PRI,,9.9,50"]) + "\n", encoding="utf-8")
    run = import_file(doubled)
    assert run.outcome == ImportOutcome.REFUSED
    first = next(i for i, line in enumerate(text, start=1) if line.startswith("NAT,PRI"))
    assert f"England (state-funded primary schools) has a row twice (rows {first} and {len(text) + 1})" in run.message
    assert not AreaObservation.objects.exists()


@pytest.mark.parametrize(
    ("source", "row", "urn", "column"), [(CENSUS_2023, 8, 100005, "urn"), (CENSUS_2019, 2, 100000, "URN")], ids=["school level", "summary"]
)
def test_a_school_row_of_a_census_given_twice_is_refused_though_the_register_lacks_it(surrey, tmp_path, source, row, urn, column):
    """A Camden school's row pasted again counted its pupils twice in Camden's and England's figures, which are summed
    from the schools' rows, and the import recorded them as corrections (Camden's EAL 48.3% to 48.1%): the school not
    being in the register, the import did not see the repeat."""
    import_file(source)
    before = snapshot()
    lines = gzip.decompress(source.read_bytes()).split(b"\n")
    doubled = tmp_path / source.name.removesuffix(".gz")
    doubled.write_bytes(b"\n".join([*lines[:20], lines[row - 1], *lines[20:]]))
    run = import_file(doubled)
    assert run.message == (
        f"{doubled.name}, row 21, column '{column}': URN {urn} appears twice (rows {row} and 21). Nothing was imported from this file."
    )
    assert snapshot() == before


def test_a_census_cut_down_to_some_authorities_leaves_englands_figures_as_they_were(surrey, tmp_path):
    """England's figures are calculated only from the whole country's file: Surrey's rows alone would make them Surrey's."""
    import_file(CENSUS_2023)
    england = area_figure("fsm_pct", 2023)
    surrey_only = tmp_path / "2022-2023-school-census-spc-school-level.csv"
    with (
        gzip.open(CENSUS_2023, "rt", encoding="utf-8-sig", newline="") as source,
        surrey_only.open("w", encoding="utf-8", newline="") as out,
    ):
        reader, writer = csv.reader(source), csv.writer(out)
        header = next(reader)
        writer.writerow(header)
        writer.writerows(row for row in reader if row[header.index("old_la_code")] == "936")
    run = import_file(surrey_only)
    assert run.outcome in (ImportOutcome.SUCCEEDED, ImportOutcome.UNCHANGED), run.message
    assert "England's figures were not calculated from this file: it covers 1 of England's local authorities" in run.message
    assert area_figure("fsm_pct", 2023) == england == (23.8, "Value given")
    assert area_figure("fsm_pct", 2023, la_code=936, area=Area.LA) == (13.9, "Value given")


def _table_with(source, path, column: str, cell: str, *, urn: str = "", rectype: str = "") -> tuple:
    """A real performance table written to `path` with one cell altered, of a school's row (by its URN) or of the row of
    a record type (England's: "7" in the KS4 tables); and that row's number."""
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8-sig"))))
    key, value = ("URN", urn) if urn else ("RECTYPE", rectype)
    at = next(i for i, row in enumerate(rows) if row[rows[0].index(key)] == value)
    rows[at][rows[0].index(column)] = cell
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    return path, at + 1


def _ks2_2019_with(path, urn: str, column: str, cell: str) -> tuple:
    """The real 2018/19 Surrey KS2 file written to `path` with one cell of a school's row altered; and that row's number."""
    return _table_with(KS2[2019], path, column, cell, urn=urn)


def test_a_refusal_of_a_figure_names_the_school_whose_row_gives_it_and_no_school_for_englands_row(surrey, tmp_path):
    """In a table of a hundred schools the row's number alone leaves the reader counting rows to find whose figure it
    is; the school's URN and name, as the row gives them, say it. England's row has none to give."""
    percentage = "'187%' cannot be a percentage: it should be from 0 to 100"
    altered, row = _table_with(KS4[2018], tmp_path / KS4[2018].name, "PTL2BASICS_94", "187%", urn="136906")
    run = import_file(altered, la_codes=[936])
    assert row == 11 and run.outcome == ImportOutcome.REFUSED
    assert run.message.startswith(f"{KS4[2018].name}, row 11 (URN 136906, George Abbot School), column 'PTL2BASICS_94': {percentage}.")
    altered, row = _table_with(KS4[2018], altered, "PTL2BASICS_94", "187%", rectype="7")
    run = import_file(altered)
    assert run.message.startswith(f"{KS4[2018].name}, row {row}, column 'PTL2BASICS_94': {percentage}.")
    # A row whose URN is what is wrong has no school to name but its URN, which the refusal quotes.
    altered, row = _table_with(KS4[2018], altered, "URN", "13690G", urn="136906")
    run = import_file(altered)
    assert run.message.startswith(f"{KS4[2018].name}, row {row}, column 'URN': '13690G' is not a URN: a whole number.")


def test_a_cell_that_says_whose_or_which_years_a_row_is_is_refused_saying_what_it_should_be(surrey, tmp_path):
    """A URN or an academic year that cannot be read is not a figure: the refusal says what the cell should be, not that
    it is 'neither a number nor a known code', a figure's words."""
    from .test_evidence_import_notes import edited, giving

    run = import_file(edited(KS4_INFO_2024, tmp_path, {3: giving("time_period", "2023/24")}))
    assert (run.outcome, run.remedy) == (ImportOutcome.REFUSED, "correct")
    assert (
        "row 3 (URN 100001, City of London School for Girls), column 'time_period': '2023/24' is not an academic year as six" in run.message
    )
    run = import_file(edited(KS4_INFO_2024, tmp_path, {4: giving("school_urn", "12A937")}))
    assert "row 4, column 'school_urn': '12A937' is not a URN: a whole number." in run.message


PUPILS_RULE = "it should be a whole number from 0 to 10,000,000 (England has about 9 million pupils)"


@pytest.mark.parametrize(
    ("column", "cell", "reason"),
    [
        ("TELIG", "27.5", f"'27.5' cannot be a number of pupils: {PUPILS_RULE}"),
        ("READ_AVERAGE", "150", "'150' cannot be a KS2 scaled score: it should be from 80 to 120"),
    ],
)
def test_a_figure_outside_its_measures_scale_refuses_the_whole_file(surrey, tmp_path, column, cell, reason):
    altered, row = _ks2_2019_with(tmp_path / "2018-2019-936-ks2final.csv", "143373", column, cell)
    run = import_file(altered)
    assert run.outcome == ImportOutcome.REFUSED
    assert f"row {row} (URN 143373, Guildford Grove Primary School), column '{column}': {reason}" in run.message
    assert not Observation.objects.exists()


@pytest.mark.parametrize(
    ("column", "cell", "reason"),
    [
        ("TFSM6CLA1A", "abc", "'abc' is neither a number nor one of the codes SUPP, NE, NA, NP, NEW, NR, LOWCOV"),
        ("TFSM6CLA1A", "-13", f"'-13' cannot be a number of pupils: {PUPILS_RULE}"),
        ("TNotFSM6CLA1A", "66.5", f"'66.5' cannot be a number of pupils: {PUPILS_RULE}"),
        ("TELIG", "9999999999999999999999", f"'9999999999999999999999' cannot be a number of pupils: {PUPILS_RULE}"),
        ("TELIG", "10000001", f"'10000001' cannot be a number of pupils: {PUPILS_RULE}"),
    ],
)
def test_a_cohort_no_file_could_give_refuses_the_whole_file(surrey, tmp_path, column, cell, reason):
    """A figure's count of pupils (Warren Mead Junior School's, row 5: 79 pupils, 13 of them disadvantaged) is read like a
    figure: one that is neither a number of pupils nor a known code was taken as no count at all, and the file kept."""
    import_file(KS2[2018])
    before = snapshot()
    altered, row = _ks2_2019_with(tmp_path / "2018-2019-936-ks2final.csv", "140810", column, cell)
    run = import_file(altered)
    assert run.outcome == ImportOutcome.REFUSED
    assert f"2018-2019-936-ks2final.csv, row {row} (URN 140810, Warren Mead Junior School), column '{column}': {reason}" in run.message
    assert row == 5 and snapshot() == before


@pytest.mark.parametrize("cell", ["SUPP", "NP", "x", " ", "10000000"])
def test_a_cohort_the_file_withholds_or_leaves_blank_is_no_count_and_keeps_the_file(surrey, tmp_path, cell):
    altered, _ = _ks2_2019_with(tmp_path / "2018-2019-936-ks2final.csv", "140810", "TFSM6CLA1A", cell)
    run = import_file(altered)
    assert run.outcome == ImportOutcome.SUCCEEDED, run.message
    obs = Observation.objects.get(school__urn=140810, measure__code="ks2_rwm_expected_disadvantaged", year=2019)
    assert obs.cohort == (10_000_000 if cell == "10000000" else None)


def _surrey_rows_with(source, path, urn: str, column: str, cell: str) -> tuple:
    """Surrey's rows of a real national census file (the January 2023 census or the 2018/19 summary) written to `path`,
    with one cell of a school's row altered; and that row's number."""
    with gzip.open(source, "rt", encoding="utf-8-sig", newline="") as f:
        header, *rows = csv.reader(f)
    la, key = ("old_la_code", "urn") if "old_la_code" in header else ("LA", "URN")
    rows = [header, *(row for row in rows if row[header.index(la)] == "936")]
    at = next(i for i, row in enumerate(rows) if row[header.index(key)] == urn)
    rows[at][header.index(column)] = cell
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    return path, at + 1


FSM_COUNT = "number of pupils known to be eligible for free school meals"
EAL_COUNT = "number of pupils whose first language is known or believed to be other than English"
WHITE_BRITISH_COUNT = "number of pupils classified as white British ethnic origin"


@pytest.mark.parametrize(
    ("source", "column", "cell", "reason"),
    [
        (CENSUS_2023, FSM_COUNT, "abc", "'abc' is neither a number nor one of the codes c, x, z, u, low"),
        (CENSUS_2023, FSM_COUNT, "27.5", f"'27.5' cannot be a number of pupils: {PUPILS_RULE}"),
        (CENSUS_2023, FSM_COUNT, "99999999", f"'99999999' cannot be a number of pupils: {PUPILS_RULE}"),
        (CENSUS_2023, EAL_COUNT, "-3", f"'-3' cannot be a number of pupils: {PUPILS_RULE}"),
        (CENSUS_2023, WHITE_BRITISH_COUNT, "170.5", f"'170.5' cannot be a number of pupils: {PUPILS_RULE}"),
        (CENSUS_2019, "NUMEAL", "abc", "'abc' is neither a number nor one of the codes SUPP, NE, NA, NP, NEW, NR, LOWCOV"),
        (CENSUS_2019, "TSENELK", "23.5", f"'23.5' cannot be a number of pupils: {PUPILS_RULE}"),
        (CENSUS_2019, "TSENELSE", "99999999", f"'99999999' cannot be a number of pupils: {PUPILS_RULE}"),
    ],
)
def test_a_count_an_authoritys_figure_is_calculated_from_that_no_file_could_give_refuses_the_whole_census(
    surrey, tmp_path, source, column, cell, reason
):
    """The Grange Community Infant School's row: such a count was taken as none, and the school silently left out of
    Surrey's percentage (and England's)."""
    before = snapshot()
    altered, row = _surrey_rows_with(source, tmp_path / source.name.removesuffix(".gz"), "125037", column, cell)
    run = import_file(altered)
    assert run.outcome == ImportOutcome.REFUSED
    # The school-level census names its schools; the census summary gives their URNs only.
    school = "URN 125037, The Grange Community Infant School" if source == CENSUS_2023 else "URN 125037"
    assert f"{altered.name}, row {row} ({school}), column '{column}': {reason}" in run.message
    assert snapshot() == before


@pytest.mark.parametrize("cell", ["c", "x", ""])
def test_a_census_count_the_file_withholds_or_leaves_blank_leaves_the_school_out_of_its_authoritys_figure(surrey, tmp_path, cell):
    altered, _ = _surrey_rows_with(CENSUS_2023, tmp_path / CENSUS_2023.name.removesuffix(".gz"), "125037", FSM_COUNT, cell)
    run = import_file(altered)
    assert run.outcome == ImportOutcome.SUCCEEDED, run.message
    with altered.open(encoding="utf-8", newline="") as f:
        rows = [row for row in csv.DictReader(f) if row["phase_type_grouping"].startswith("State-funded") and row[FSM_COUNT].isdigit()]
    assert "125037" not in {row["urn"] for row in rows}
    pupils = sum(int(row["headcount of pupils"]) for row in rows)
    expected = round(100 * sum(int(row[FSM_COUNT]) for row in rows) / pupils, 1)
    surrey_fsm = AreaObservation.objects.get(area=Area.LA, la_code=936, measure__code="fsm_pct", year=2023)
    assert (surrey_fsm.value, surrey_fsm.cohort) == (expected, pupils)
    assert figure(125037, "fsm_pct", 2023) == (9.8, "Value given")  # the school's own percentage, as the file gives it


def test_a_file_imported_again_after_a_corrected_one_replaced_it_is_refused_unless_meant(surrey, tmp_path):
    """Nothing in a performance-tables file dates it: the download of 2018/19's final KS2 tables imported again after a
    corrected one of the same year and release put back the figures the correction had replaced. Its bytes were
    imported before and replaced since: it is refused, naming both imports, unless the importer says they mean it."""
    from django.core.management import CommandError, call_command

    first = import_file(KS2[2019])
    corrected = import_file(ks2_2019_with_guildford_grove(tmp_path / "2018-2019-936-ks2final.csv", "58%"))
    assert corrected.outcome == ImportOutcome.SUCCEEDED
    before = snapshot()
    run = import_file(KS2[2019])
    assert (run.outcome, run.remedy) == (ImportOutcome.REFUSED, "replaced")
    assert run.message.startswith(
        f"2018-2019-936-ks2final.csv: these are the same contents as 2018-2019-936-ks2final.csv, imported on "
        f"{gov_date(first.started_at, with_time=True)} (import {first.pk}), which 2018-2019-936-ks2final.csv, another file "
        f"of Key stage 2 performance tables (final), 2018/19, replaced on {gov_date(corrected.started_at, with_time=True)} "
        f"(import {corrected.pk}): imported again, they would put back what that file corrected. If this is the file to "
        "keep, import it again with --replaced."
    )
    assert run.named_imports == [first.pk, corrected.pk]  # the imports its page links to
    assert snapshot() == before
    with pytest.raises(CommandError, match="import it again with --replaced"):
        call_command("import_data", str(KS2[2019]), stdout=io.StringIO(), stderr=io.StringIO())
    assert snapshot() == before
    # Said so, it is imported: the figure the correction gave goes back to the first file's.
    call_command("import_data", str(KS2[2019]), "--replaced", stdout=io.StringIO(), stderr=io.StringIO())
    assert figure(143373, "ks2_rwm_expected", 2019) == (56.0, "Value given")
    # Now the latest of its year and release, it imports again as unchanged, as any file does.
    assert import_file(KS2[2019]).outcome == ImportOutcome.UNCHANGED


def test_a_file_of_its_year_and_release_that_changed_nothing_has_not_replaced_the_one_imported_before(surrey, tmp_path):
    """A later file of the same year and release that changed no figure (the same figures saved again by a spreadsheet,
    or another authority's file, none of whose rows an import limited to Surrey takes) corrected nothing: the file
    imported before it, imported again, puts nothing back, and is unchanged, not refused as replaced."""
    first = import_file(KS2[2019])
    assert first.outcome == ImportOutcome.SUCCEEDED
    resaved = tmp_path / "2018-2019-936-ks2final.csv"
    resaved.write_bytes(KS2[2019].read_bytes().replace(b"\r\n", b"\n"))  # other bytes, the same figures
    assert import_file(resaved).outcome == ImportOutcome.UNCHANGED
    before = snapshot()
    run = import_file(KS2[2019])
    assert run.outcome == ImportOutcome.UNCHANGED, run.message
    assert snapshot() == before


def test_a_file_imported_again_after_another_years_file_of_its_release_is_unchanged_not_refused(surrey, tmp_path):
    """Another year's file of the kind and release replaces nothing of this year's: each run is judged by its own file's
    year (in the performance tables' columns, whatever the name), not by the year of the file being imported again. Named
    as DfE name them, without a year, the 2016/17 tables imported again after 2017/18's are unchanged."""
    first = tmp_path / "2017" / "england_ks2final.csv"
    second = tmp_path / "2018" / "england_ks2final.csv"
    for path, year in ((first, 2017), (second, 2018)):
        path.parent.mkdir()
        path.write_bytes(KS2[year].read_bytes())
        assert import_file(path).outcome == ImportOutcome.SUCCEEDED
    before = snapshot()
    run = import_file(first)
    assert run.outcome == ImportOutcome.UNCHANGED, run.message
    assert run.edition == "Key stage 2 performance tables (final), 2016/17"
    assert snapshot() == before


def test_a_corrected_file_whose_row_for_a_school_gives_no_figure_clears_those_held_as_a_blank_cell_does(surrey, tmp_path):
    """DfE leave blank what they have no figure for: a single cell in a row with figures, or a school's whole row (Chart
    Wood School's, new in 2018/19, with no pupils at the end of the key stage). A corrected file blanking one of
    Guildford Grove's figures cleared it, keeping what it was; one blanking its whole row kept every figure held, and
    said the file left the school out, though it lists it. Now both clear what the earlier file of the year held."""
    from evidence.catalogue import KS2_COLUMNS
    from evidence.readers import sources_of

    first = import_file(KS2[2019])
    held = Observation.objects.filter(school__urn=143373, year=2019, source=Source.KS2_FINAL)
    count = held.count()
    assert count > 10
    rows = list(csv.reader(io.StringIO(KS2[2019].read_text(encoding="utf-8-sig"))))
    header = rows[0]
    figures = sources_of(KS2_COLUMNS.present(header)) - {"RECTYPE", "LEA", "URN"}
    row = next(row for row in rows if row[header.index("URN")] == "143373")
    for at, name in enumerate(header):
        if name in figures:
            row[at] = ""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    (corrected := tmp_path / KS2[2019].name).write_text(out.getvalue(), encoding="utf-8")
    run = import_file(corrected)
    # Guildford Grove's row cleared what was held, and is counted so; Chart Wood's, with nothing held, gave nothing.
    assert (run.outcome, run.created, run.changed, run.cleared, run.skipped_empty) == (ImportOutcome.SUCCEEDED, 0, count, 1, 1)
    assert (run.rows_read, run.skipped) == (first.rows_read, first.skipped)
    assert not held.exists()
    assert "leaves out" not in run.message
    change = FigureChange.objects.get(import_run=run, measure__code="ks2_rwm_expected")
    assert (change.old_value, change.old_import_run_id, change.new_value, change.new_status) == (56.0, first.pk, None, None)


def with_figures_in_blank_rows(source, out, column: str, value: str, rectypes) -> tuple[object, set[int]]:
    """A copy of the real performance table `source` at `out` in which every school's row whose figures are all blank
    gives `value` in `column` (an earlier file of the year, say, before DfE blanked them); and the URNs of those rows."""
    layout = catalogue.KS2_COLUMNS if "ks2" in source.name else catalogue.KS4_COLUMNS
    figures = readers.read_performance_table(source.read_bytes(), source.name, layout, rectypes)
    blank = figures.filter(pl.col("status").is_null())
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8-sig"), newline="")))
    at = rows[0].index(column)
    for line in blank["line"].unique().to_list():
        row = rows[line - 1] + [""] * (len(rows[0]) - len(rows[line - 1]))  # a row stopping early, made whole
        row[at], rows[line - 1] = value, row
    with out.open("w", encoding="utf-8", newline="") as written:
        csv.writer(written, lineterminator="\r\n").writerows(rows)
    return out, set(blank["urn"].unique().to_list())


def test_a_row_giving_no_figure_that_removed_figures_held_is_counted_as_such_not_as_skipped(surrey, tmp_path):
    """Chart Wood School's row (URN 146527) in Surrey's 2018/19 KS2 tables gives no figure. Imported after a file of the
    year that gave the school a figure, it removes that figure, and the import says so, where it said the row was skipped
    as giving no figures: every row read is counted once, as taken, skipped or this."""
    earlier, urns = with_figures_in_blank_rows(KS2[2019], tmp_path / KS2[2019].name, "PTRWM_EXP", "50%", readers.KS2_RECTYPES)
    assert urns == {146527}
    first = import_file(earlier)
    assert (figure(146527, "ks2_rwm_expected", 2019), first.skipped_empty, first.cleared) == ((50.0, "Value given"), 0, 0)
    run = import_file(KS2[2019])
    assert (run.outcome, run.changed, run.cleared, run.skipped_empty) == (ImportOutcome.SUCCEEDED, 1, 1, 0), run.message
    assert (run.rows_read, run.skipped) == (first.rows_read, first.skipped)  # the row taken before is now the one cleared
    assert not School.objects.get(urn=146527).observations.exists()
    assert run.message.startswith(
        "2018-2019-936-ks2final.csv (Key stage 2 performance tables, final, 2018/19): 242 rows read; figures: 0 new, 1 changed, "
        "6,107 unchanged; 1 row gave no figure at all: the figures held for its school that year were removed; "
        "2 skipped (not in the register)."
    )
    # Imported again, the row finds nothing held: it gives no figures, and is skipped as such.
    again = import_file(KS2[2019])
    assert (again.outcome, again.cleared, again.skipped_empty, again.skipped) == (ImportOutcome.UNCHANGED, 0, 1, 3)
    assert "3 skipped (2 not in the register; 1 row giving no figures)." in again.message


def test_the_national_ks4_files_rows_giving_no_figure_are_counted_as_cleared_where_they_removed_figures(surrey, tmp_path):
    """The provisional 2018/19 KS4 file has 165 schools' rows giving no figure. After a file of the year that gave each a
    figure, those of the schools the register holds (Surrey's) removed theirs and are counted so; the others, of schools it
    does not hold, are skipped as giving no figures, as they were skipped before as not in the register."""
    earlier, urns = with_figures_in_blank_rows(KS4_PROVISIONAL, tmp_path / KS4_PROVISIONAL.name, "ATT8SCR", "40.0", readers.KS4_RECTYPES)
    assert len(urns) == 165
    held = set(School.objects.filter(urn__in=urns).values_list("urn", flat=True))
    assert 0 < len(held) < 165
    first = import_file(earlier)
    run = import_file(KS4_PROVISIONAL)
    assert (run.cleared, run.changed) == (len(held), len(held)), run.message
    assert run.skipped_empty == first.skipped_empty + 165 - len(held)
    assert (run.rows_read, run.skipped) == (first.rows_read, first.skipped)
    assert f"; {len(held)} rows gave no figure at all: the figures held for their schools that year were removed; " in run.message
    assert not Observation.objects.filter(school__urn__in=held, year=2019, source=Source.KS4_PROVISIONAL).exists()


def give_earlier_runs_their_editions():
    """Migration imports/0012, on the runs as they are."""
    from django.apps import apps

    importlib.import_module("imports.migrations.0012_edition_of_earlier_runs").give_earlier_runs_their_editions(apps, None)


def test_a_file_replaced_before_runs_kept_their_editions_is_refused_as_replaced_once_they_are_given_them(surrey, tmp_path):
    """Runs from before migration imports/0010 hold no edition, so a file one of them replaced was never refused as
    replaced: the first download of 2018/19's KS2 tables imported again put back the figure the corrected one gave.
    Migration 0012 gives them theirs, and it is refused, as it is after runs that kept theirs."""
    first = import_file(KS2[2019])
    corrected = import_file(ks2_2019_with_guildford_grove(tmp_path / KS2[2019].name, "58%"))
    ImportRun.objects.update(edition="")  # as the runs were before 0010
    give_earlier_runs_their_editions()
    assert set(ImportRun.objects.filter(pk__in=[first.pk, corrected.pk]).values_list("edition", flat=True)) == {
        "Key stage 2 performance tables (final), 2018/19"
    }
    run = import_file(KS2[2019])
    assert run.outcome == ImportOutcome.REFUSED and f"(import {corrected.pk}): imported again, they would put back" in run.message
    assert figure(143373, "ks2_rwm_expected", 2019) == (58.0, "Value given")


def test_earlier_runs_are_given_the_editions_their_files_would_be_given_now_where_what_they_stored_tells(surrey, tmp_path):
    """Each run's edition, as the import gives it now, from what the run kept: its file's name, and for a performance
    table named without a year (as DfE name them), the year of the figures it wrote, or for one that wrote none (imported
    again unchanged), of a run of the same contents that did. An explore-education-statistics file's edition depends on
    whether it has a `version` column, which no run keeps; nor can a file of unknown contents named without a year be
    dated: those are left without one. So is a run whose file was refused, which replaced nothing."""
    year_less = {year: tmp_path / str(year) / "england_ks2final.csv" for year in (2017, 2018)}
    for year, path in year_less.items():
        path.parent.mkdir()
        path.write_bytes(KS2[year].read_bytes())
    runs = [import_file(year_less[2017]), import_file(year_less[2018]), import_file(year_less[2017])]
    runs += [import_file(KS2[2019]), import_file(KS2[2019]), import_file(KS4[2018]), import_file(ABSENCE)]
    assert [run.outcome for run in runs] == [ImportOutcome.SUCCEEDED] * 2 + [ImportOutcome.UNCHANGED] + [
        ImportOutcome.SUCCEEDED,
        ImportOutcome.UNCHANGED,
        ImportOutcome.SUCCEEDED,
        ImportOutcome.SUCCEEDED,
    ]
    # DfE's own have a `version` column (the demo's do), and so no edition; one without has its name's release and year.
    ees = ImportRun.objects.create(
        file_name="2023-2024-england-ks4-school-information.csv", kind="ks4_school_information", outcome=ImportOutcome.SUCCEEDED
    )
    unknown = ImportRun.objects.create(
        file_name="england_ks2final.csv", kind="ks2_final", outcome=ImportOutcome.UNCHANGED, checksum="f" * 64
    )
    refused = import_file(KS4[2018].read_bytes(), file_name="2018-2019-936-ks4final.csv")  # the columns say 2017/18
    assert refused.outcome == ImportOutcome.REFUSED and refused.edition
    editions = dict(ImportRun.objects.values_list("pk", "edition"))
    assert editions[runs[2].pk] == "Key stage 2 performance tables (final), 2016/17"
    ImportRun.objects.update(edition="")  # as the runs were before 0010
    give_earlier_runs_their_editions()
    assert dict(ImportRun.objects.values_list("pk", "edition")) == editions | {ees.pk: "", unknown.pk: "", refused.pk: ""}
    # Runs that kept theirs keep them.
    ImportRun.objects.filter(pk=runs[0].pk).update(edition="kept")
    give_earlier_runs_their_editions()
    assert ImportRun.objects.get(pk=runs[0].pk).edition == "kept"


def test_an_explore_education_statistics_file_without_a_version_column_is_dated_by_its_name(surrey, tmp_path):
    """Such a file's release comes from its name and its year from its rows: named by its release alone, 2023/24's file
    imported again after 2024/25's of the same release was taken for a replaced one and refused. Its edition takes the
    year its name gives; a name that gives none leaves the file undated, replacing nothing, as a run from before
    editions does."""
    named = {}
    for year, path in ((2024, KS4_INFO_2024), (2025, KS4_INFO_2025)):
        named[year] = tmp_path / f"{year - 1}-{year}-england-ks4-school-information.csv"
        pl.read_csv(path, infer_schema=False).drop("version").write_csv(named[year])
    runs = [import_file(named[2024]), import_file(named[2025]), import_file(named[2024])]
    assert [run.outcome for run in runs] == [ImportOutcome.SUCCEEDED, ImportOutcome.SUCCEEDED, ImportOutcome.UNCHANGED], runs[2].message
    assert [run.edition for run in runs[:2]] == [
        "Key stage 4 information about schools (final), 2023/24",
        "Key stage 4 information about schools (final), 2024/25",
    ]
    year_less = tmp_path / "england-ks4-school-information.csv"
    year_less.write_bytes(named[2025].read_bytes())
    assert import_file(year_less).edition == ""
