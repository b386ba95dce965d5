from django.conf import settings

from evidence.models import Area, AreaObservation, Measure, Status
from imports.services import import_file
from register.models import LocalAuthority

DEMO = settings.BASE_DIR / "demo" / "evidence"


def _england(code: str, year: int) -> set:
    figures = AreaObservation.objects.filter(measure__code=code, year=year, area__in=[Area.ENGLAND, Area.ENGLAND_ALL])
    return set(figures.values_list("area", "value", "status", "cohort", "computed"))


def test_englands_key_stage_2_gap_is_its_disadvantaged_pupils_against_its_others(db):
    LocalAuthority.objects.create(code=936, name="Surrey")
    run = import_file(DEMO / "2018-2019-936-ks2final.csv")
    # The table prints 0 for England, which is no gap of nothing: 51% of its disadvantaged pupils reached the expected
    # standard and 71% of its others, as the same row says.
    assert _england("ks2_rwm_expected_gap", 2019) == {
        (Area.ENGLAND, -20, Status.VALUE, 197_488, True),
        (Area.ENGLAND_ALL, -20, Status.VALUE, 198_025, True),
    }
    assert _england("ks2_reading_progress_gap", 2019) == {
        (Area.ENGLAND, -0.9, Status.VALUE, 197_488, True),
        (Area.ENGLAND_ALL, -0.9, Status.VALUE, 198_025, True),
    }
    assert {value for _, value, *_ in _england("ks2_maths_progress_gap", 2019)} == {-1.1}
    # The authority's is published in the same terms (its disadvantaged pupils against England's others): kept as given.
    surrey = AreaObservation.objects.get(measure__code="ks2_rwm_expected_gap", year=2019, area=Area.LA, la_code=936)
    assert (surrey.value, surrey.computed, surrey.import_run_id) == (-25, False, run.id)


def test_englands_key_stage_4_gaps_are_calculated_from_its_row_where_it_gives_both_figures(db):
    LocalAuthority.objects.create(code=936, name="Surrey")
    import_file(DEMO / "2018-2019-936-ks4final.csv")
    # State-funded schools: Attainment 8 of 36.7 for disadvantaged pupils and 50.3 for others; Progress 8 -0.45 and
    # 0.13. The row for all schools gives neither, so England's gap there is not applicable, as before.
    for code, value in (("ks4_attainment8_gap", -13.6), ("ks4_progress8_gap", -0.58)):
        (state_funded,) = [f for f in _england(code, 2019) if f[0] == Area.ENGLAND]
        assert state_funded[1:3] == (value, Status.VALUE) and state_funded[4] is True
        assert [f[1:3] for f in _england(code, 2019) if f[0] == Area.ENGLAND_ALL] == [(None, Status.NOT_APPLICABLE)]
    other = AreaObservation.objects.get(measure__code="ks4_progress8_other", year=2019, area=Area.ENGLAND)
    assert (other.value, other.computed) == (0.13, False)


def test_englands_gap_is_not_applicable_where_the_file_gives_no_disadvantaged_figures(db):
    # The 2023/24 school information gives each school's gap but not the figures it is the difference of.
    LocalAuthority.objects.create(code=936, name="Surrey")
    import_file(DEMO / "2023-2024-england-ks4-school-information.csv.gz")
    gap = Measure.objects.get(code="ks4_attainment8_gap")
    england = AreaObservation.objects.filter(measure=gap, area__in=[Area.ENGLAND, Area.ENGLAND_ALL])
    assert not england.filter(status=Status.VALUE).exists()
