from django.conf import settings

from evidence.models import Area, AreaObservation, Measure, Status
from imports.services import import_file
from register.models import LocalAuthority

DEMO = settings.BASE_DIR / "demo" / "evidence"


def test_a_gap_against_national_other_pupils_is_not_applicable_for_england(db):
    LocalAuthority.objects.create(code=936, name="Surrey")
    import_file(DEMO / "2018-2019-936-ks2final.csv")
    gap = Measure.objects.get(code="ks2_rwm_expected_gap")
    england = AreaObservation.objects.filter(measure=gap, year=2019, area__in=[Area.ENGLAND, Area.ENGLAND_ALL])
    assert england.exists()
    # The table prints 0 for England; that is not a gap of nothing, it is no gap at all.
    assert set(england.values_list("status", "value")) == {(Status.NOT_APPLICABLE, None)}
    surrey = AreaObservation.objects.get(measure=gap, year=2019, area=Area.LA, la_code=936)
    assert surrey.value == -25


def test_englands_blank_ks4_gap_is_not_applicable_as_the_ks2_zero_is(db):
    # The KS4 tables leave England's DIFFN_ATT8 and DIFFN_P8MEA blank where the KS2 tables print 0: both say the same.
    LocalAuthority.objects.create(code=936, name="Surrey")
    import_file(DEMO / "2018-2019-936-ks4final.csv")
    for code in ("ks4_attainment8_gap", "ks4_progress8_gap"):
        england = AreaObservation.objects.filter(measure__code=code, year=2019, area__in=[Area.ENGLAND, Area.ENGLAND_ALL])
        assert set(england.values_list("area", "status", "value")) == {
            (Area.ENGLAND, Status.NOT_APPLICABLE, None),
            (Area.ENGLAND_ALL, Status.NOT_APPLICABLE, None),
        }
