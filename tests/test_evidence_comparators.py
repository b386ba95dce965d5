"""What a results page says in the authority's and England's columns where the files give no figure: a
progress score's national average, a count set beside no area's, England's figure given phase by phase."""

from evidence.catalogue import BY_CODE
from evidence.models import Area, Measure, Source, Status
from evidence.series import Point, Series


def measure(code: str) -> Measure:
    spec = BY_CODE[code]
    return Measure(code=code, label=spec.label, unit=spec.unit, places=spec.places, key=spec.key)


def point(year: int, value: float | None, status=Status.VALUE, source=Source.KS2_FINAL) -> Point:
    return Point(year, value, status, source)


def test_only_ks2_progress_scores_have_a_national_average_by_definition():
    defined = {spec.code: spec.england_by_definition for spec in BY_CODE.values() if spec.england_by_definition is not None}
    # Progress 8's England (state-funded schools) figure is published, and is not 0 (-0.03 in 2018/19).
    assert defined == {"ks2_reading_progress": 0, "ks2_writing_progress": 0, "ks2_maths_progress": 0}


def test_englands_progress_score_is_zero_by_definition_where_the_file_gives_none():
    series = Series(measure("ks2_reading_progress"), {2019: point(2019, 1.4)}, {2019: point(2019, 0.3)})
    assert series.england_text(2019) == "0.0 (national average by definition)"
    assert series.england == {}  # nothing made up: the chart draws no England line from it
    assert any("DfE does not publish" in note for note in series.notes)


def test_a_published_england_figure_or_reason_is_kept_as_published():
    progress8 = Series(measure("ks4_progress8"), {}, {2019: point(2019, 0.18)}, {2019: point(2019, -0.03)})
    assert (progress8.england_text(2019), progress8.notes) == ("-0.03", [])
    assert Series(measure("ks4_progress8"), {}, {2019: point(2019, 0.18)}).england_text(2019) == "no data"
    stated = Series(measure("ks2_reading_progress"), {}, {2019: point(2019, 0.3)}, {2019: point(2019, None, Status.NOT_APPLICABLE)})
    assert stated.england_text(2019) == "not applicable"


def test_a_schools_count_is_not_compared_with_an_areas():
    pupils = Series(measure("pupils"), {2023: point(2023, 199, source=Source.CENSUS_SPC)}, compared=False)
    assert (pupils.la_text(2023), pupils.england_text(2023)) == ("not compared", "not compared")
    assert any("not set beside" in note for note in pupils.notes)


def test_an_authoritys_count_is_shown_beside_englands():
    pupils = Series(measure("pupils"), {}, {2023: point(2023, 185_000, source=Source.CENSUS_SPC)})
    assert (pupils.la_text(2023), pupils.england_text(2023), pupils.notes) == ("185,000", "no data", [])


def test_englands_figure_given_phase_by_phase_names_each_phase():
    phases = {
        Area.ENGLAND_PRIMARY: point(2019, 12.6, source=Source.CENSUS_SUMMARY),
        Area.ENGLAND_SECONDARY: point(2019, 10.8, source=Source.CENSUS_SUMMARY),
        Area.ENGLAND_SPECIAL: point(2019, 1.6, source=Source.CENSUS_SUMMARY),
    }
    series = Series(measure("sen_support_pct"), {}, {2019: point(2019, 11.0, source=Source.CENSUS_SUMMARY)}, england_phases={2019: phases})
    assert series.england_texts(2019) == [
        "12.6% (state-funded primary schools)",
        "10.8% (state-funded secondary schools)",
        "1.6% (state-funded special schools)",
    ]
    assert series.england_text(2019) == (
        "12.6% (state-funded primary schools); 10.8% (state-funded secondary schools); 1.6% (state-funded special schools)"
    )
    assert series.notes == ["England's figure for 2018/19 is published for each phase of school only, not for all schools together."]


def test_in_a_year_england_gives_only_the_schools_phase_the_authoritys_figure_for_that_phase_is_given_too():
    primary = {Area.ENGLAND_PRIMARY: point(2019, 21.2, source=Source.CENSUS_SUMMARY)}
    series = Series(
        measure("eal_pct"),
        {2019: point(2019, 3.1, source=Source.CENSUS_SUMMARY)},
        {2019: point(2019, 12.9, source=Source.CENSUS_SUMMARY), 2023: point(2023, 15.0, source=Source.CENSUS_SPC)},
        {2023: point(2023, 20.2, source=Source.CENSUS_SPC)},
        england_phases={2019: primary},
        la_phases={2019: point(2019, 14.5, source=Source.CENSUS_SUMMARY)},
    )
    # The authority's for all its schools (its line on the chart) and for the phase, like for like with England's. Both
    # are of its state-funded schools, as England's are: "all schools" alone would take in its independent schools.
    assert series.la_texts(2019) == ["12.9% (all state-funded schools)", "14.5% (state-funded primary schools)"]
    assert series.england_text(2019) == "21.2% (state-funded primary schools)"
    assert (series.la_text(2023), series.england_text(2023)) == ("15.0%", "20.2%")
    assert series.notes == [
        "England's figure for 2018/19 is published for each phase of school only, not for all schools together, "
        "so the authority's is given for the same phase as well as for all its schools."
    ]
