"""The pure readers: no database, small frames and the real headers."""

import gzip
import math

import polars as pl
import pytest

from evidence import catalogue, ofsted, readers
from evidence.models import Status
from evidence.ofsted_cells import dates, says_nothing
from evidence.ofsted_words import describe_grade, describe_outcome
from imports.registry import ImportRefused

from .evidence_helpers import CENSUS_2019, KS2, KS4


def values(texts):
    frame = pl.DataFrame({"v": texts})
    value, status, bad = readers.figures_from(*readers.read_cells(pl.col("v")))
    return frame.select(value.alias("value"), status.alias("status"), bad.alias("bad")).rows()


def test_percent_text_codes_and_blanks():
    assert values(["67%", "0.90%", "-0.8", "SUPP", "c", "NA", "z", "x", "NE", "NP", "NEW", "LOWCOV", " ", None]) == [
        (67.0, 0, False),
        (0.9, 0, False),
        (-0.8, 0, False),
        (None, Status.SUPPRESSED, False),
        (None, Status.SUPPRESSED, False),
        (None, Status.NOT_APPLICABLE, False),
        (None, Status.NOT_APPLICABLE, False),
        (None, Status.NOT_AVAILABLE, False),
        (None, Status.NO_ENTRIES, False),
        (None, Status.NOT_PUBLISHED, False),
        (None, Status.NEW_SCHOOL, False),
        (None, Status.LOW_COVERAGE, False),
        (None, None, False),
        (None, None, False),
    ]


def test_zero_written_with_a_minus_is_zero():
    """'-0' is 0: stored as negative zero, it would be written '-0%' on the pages, charts and downloads."""
    read = values(["-0", "-0.0%", "-.0", "0", "-0.5"])
    assert read == [(0.0, 0, False), (0.0, 0, False), (0.0, 0, False), (0.0, 0, False), (-0.5, 0, False)]
    assert [math.copysign(1, value) for value, *_ in read] == [1, 1, 1, 1, -1]


def test_anything_else_is_bad():
    assert [bad for *_, bad in values(["5O%", "n/a", "12.3.4"])] == [True, True, True]


def test_the_readers_status_codes_are_the_models():
    assert {code: Status(value).label for code, value in readers.CODES.items()}["SUPP"] == "Suppressed"
    assert max(readers.CODES.values()) == max(Status.values)


@pytest.mark.parametrize(
    ("name", "year"),
    [("2018-2019-england_abs.csv", 2019), ("201819_census.csv", 2019), ("england_ks4final.csv", None), ("2018-2020-x.csv", None)],
)
def test_year_from_name(name, year):
    assert readers.year_from_name(name) == year


def test_year_from_the_columns_of_each_performance_table():
    for year, path in (*KS2.items(), *KS4.items()):
        assert readers.year_from_suffixes(readers.header_of(path.read_bytes())) == year


def test_short_rows_give_no_figures_for_the_fields_they_lack():
    """DfE's rows stop early where their last columns are empty: what a row stops before is marked as not
    in the row (so that a figure held from before is kept), never as a figure or a blank."""
    data = b'RECTYPE,LEA,URN,PTRWM_EXP,TELIG\r\n1,936,100001,50%,30\r\n1,936,100002\r\n1,936,"100003",,\r\n5,,,65%,600000\r\n'
    figures = readers.read_performance_table(data, "2018-2019-x.csv", catalogue.KS2_COLUMNS, readers.KS2_RECTYPES)
    short = figures.filter(pl.col("urn") == 100002)
    assert short.select("measure", "value", "status").sort("measure").rows() == [
        ("ks2_cohort", None, readers.NOT_IN_ROW),
        ("ks2_rwm_expected", None, readers.NOT_IN_ROW),
    ]
    # Blank fields: no figure; a school's row with no figure at all gives its blanks, with no status, for the store to
    # clear what an earlier file held.
    assert figures.filter(pl.col("urn") == 100003).select("measure", "value", "status").sort("measure").rows() == [
        ("ks2_cohort", None, None),
        ("ks2_rwm_expected", None, None),
    ]
    england = figures.filter(pl.col("area") == "england", pl.col("measure") == "ks2_rwm_expected")
    assert england.select("value", "cohort").row(0) == (65.0, 600000)


def test_a_table_of_bytes_that_are_not_utf8_is_read_with_a_replacement_for_each():
    """The import gives the readers UTF-8; bytes that are not are still read, each such byte as U+FFFD, and a row
    that stops short or has a field too many is told as in UTF-8."""
    data = b"URN,NAME,LAST\r\n100001,Caf\xe9,x\r\n100002,Ok\r\n"
    frame = readers.read_table(data)
    assert frame.rows() == [("100001", "Caf\ufffd", "x", None), ("100002", "Ok", readers.NOT_IN_ROW_TEXT, 2)]
    with pytest.raises(ImportRefused, match="this row has 4 fields but the header has 3"):
        readers.read_table(data + b"100003,Caf\xe9,x,y\r\n")


def test_an_unknown_record_type_is_refused():
    data = b"RECTYPE,LEA,URN,PTRWM_EXP,TELIG\r\n9,936,100001,50%,30\r\n"
    with pytest.raises(ImportRefused) as refusal:
        readers.read_performance_table(data, "2018-2019-x.csv", catalogue.KS2_COLUMNS, readers.KS2_RECTYPES)
    assert (refusal.value.row, refusal.value.column) == (2, "RECTYPE")


def test_ees_words_for_progress_8_bands_become_the_tables_numbers():
    data = b"time_period,school_urn,old_la_code,p8_banding\n202324,100001,936,Well below average\n202324,100002,936,z\n"
    figures = readers.read_ees_schools(data, catalogue.KS4_EES_COLUMNS)
    assert figures.select("urn", "year", "value", "status").rows() == [(100001, 2024, 5.0, 0), (100002, 2024, None, Status.NOT_APPLICABLE)]


def test_ofsted_headers_are_matched_loosely():
    assert ofsted.key("Web Link (opens in new window)") == "weblink"
    assert ofsted.key("Early years (where applicable)") == "earlyyears"
    assert ofsted.key("Personal development and well-being") == "personaldevelopmentandwellbeing"


def test_ofsted_dates():
    def read(text):
        return pl.select(dates(pl.lit(text, pl.String))).item()

    assert read("09/12/2025").isoformat() == read(" 2025-12-09 ").isoformat() == "2025-12-09"
    assert read("9/1/2025").isoformat() == "2025-01-09"
    # NULL says nothing (no date); "9 Dec" is no date either, which the reader refuses as it is not blank.
    assert read("NULL") is None and pl.select(says_nothing(pl.lit("NULL"))).item()
    assert read("9 Dec") is None and not pl.select(says_nothing(pl.lit("9 Dec"))).item()
    assert read("31/02/2025") is None


def test_a_graded_outcome_in_words_or_digits_reads_the_same():
    assert describe_outcome("4", "SM") == describe_outcome("Special Measures", "") == "Inadequate: special measures"
    assert describe_outcome("Serious Weaknesses", "") == "Inadequate: serious weaknesses"
    assert describe_outcome("4", "") == "Inadequate"
    assert describe_outcome("4", "Special measures") == describe_outcome("4", "sm") == "Inadequate: special measures"
    assert describe_outcome("4", "RSI") == "Inadequate: requires significant improvement"
    assert describe_outcome("2", "SM") == describe_outcome("good", "") == "Good"  # a category goes with inadequate only
    assert describe_outcome("Not judged", "") == "Not judged"
    assert describe_outcome("", "") == "Not judged"


def test_legacy_grades_are_described_in_words():
    assert describe_grade("2") == "Good (2)"
    assert describe_grade("Serious Weaknesses") == "Inadequate (the register gives “Serious Weaknesses”)"
    assert describe_grade("Requires improvement") == "Requires improvement"


def share_file(*rows: str) -> bytes:
    """A census-layout file holding only what a Share reads: two count columns and the headcount."""
    header = "time_period,urn,old_la_code,headcount of pupils,a,b"
    return ("\n".join([header, *rows]) + "\n").encode()


SHARE = catalogue.Layout((catalogue.Share(("a", "b"), "ethnicity_mixed_pct", "headcount of pupils"),))


def test_a_share_sums_its_parts_as_a_percentage_of_the_headcount_and_withholds_what_a_part_withholds():
    data = share_file("202223,100001,201,256,5,17", "202223,100002,201,72,z,z", "202223,100003,201,0,0,0", "202223,100004,201,40,3,")
    figures = readers.read_ees_schools(data, SHARE).sort("urn")
    assert figures.select("urn", "value", "status", "cohort").rows() == [
        (100001, 8.6, Status.VALUE, 256),  # (5 + 17) / 256 = 8.59…%
        (100002, None, Status.NOT_APPLICABLE, 72),  # the file's own 'z' for both parts
        (100003, None, Status.NOT_APPLICABLE, 0),  # no pupils: no percentage, never 0%
        (100004, None, None, 40),  # a blank part gives no figure at all: the row's only one, so its blank is kept
    ]


def test_a_share_whose_part_is_corrupt_refuses_the_file_naming_the_part():
    with pytest.raises(ImportRefused) as refused:
        readers.read_ees_schools(share_file("202223,100001,201,256,5,17", "202223,100002,201,72,4,seven"), SHARE)
    assert (refused.value.row, refused.value.column) == (3, "b")
    assert "'seven' is neither a number nor one of the codes c, x, z, u, low" in str(refused.value)


def test_a_share_whose_headcount_is_corrupt_refuses_the_file_naming_the_headcount():
    """It named the share's first part, whose cell was a good number."""
    with pytest.raises(ImportRefused) as refused:
        readers.read_ees_schools(share_file("202223,100001,201,256,5,17", "202223,100002,201,7O,4,3"), SHARE)
    assert (refused.value.row, refused.value.column) == (3, "headcount of pupils")
    assert "'7O' is neither a number nor one of the codes c, x, z, u, low" in str(refused.value)


def disadvantaged_table(*rows: str) -> bytes:
    """A KS2 table of disadvantaged pupils' results and their number, a school to a row."""
    header = "RECTYPE,LEA,URN,PTRWM_EXP_FSM6CLA1A,TFSM6CLA1A"
    return ("\r\n".join([header, *(f"1,936,{100001 + i},{row}" for i, row in enumerate(rows))]) + "\r\n").encode()


def test_a_cohort_a_file_withholds_or_leaves_blank_is_no_count():
    data = disadvantaged_table("40%,SUPP", "40%,NP", "40%, ", "40%,0", "40%, 12 ", "40%,10000000")
    figures = readers.read_performance_table(data, "2018-2019-x.csv", catalogue.KS2_COLUMNS, readers.KS2_RECTYPES)
    # A figure about a cohort of none is not applicable, whatever its cell says.
    assert figures.select("value", "cohort").rows() == [(40.0, None), (40.0, None), (40.0, None), (None, 0), (40.0, 12), (40.0, 10_000_000)]


@pytest.mark.parametrize(
    ("rows", "refusal"),
    [
        (("40%,7", "40%,1e1"), (3, "TFSM6CLA1A", "'1e1' is neither a number nor one of the codes SUPP, NE, NA, NP, NEW, NR, LOWCOV")),
        (("40%,7", "40%,-0.5"), (3, "TFSM6CLA1A", "'-0.5' cannot be a number of pupils")),
        (("40%,abc", "4O%,7"), (2, "TFSM6CLA1A", "'abc' is neither a number nor one of the codes SUPP, NE, NA, NP, NEW, NR, LOWCOV")),
        (
            ("4O%,7", "40%,abc"),
            (2, "PTRWM_EXP_FSM6CLA1A", "'4O%' is neither a number nor one of the codes SUPP, NE, NA, NP, NEW, NR, LOWCOV"),
        ),
    ],
)
def test_the_first_row_with_a_bad_figure_or_cohort_refuses_the_file(rows, refusal):
    with pytest.raises(ImportRefused) as refused:
        readers.read_performance_table(disadvantaged_table(*rows), "2018-2019-x.csv", catalogue.KS2_COLUMNS, readers.KS2_RECTYPES)
    row, column, reason = refusal
    assert (refused.value.row, refused.value.column) == (row, column)
    assert reason in str(refused.value)


PUPILS_RULE = "it should be a whole number from 0 to 10,000,000"


@pytest.mark.parametrize(
    ("part", "reason"),
    [("2.5", f"'2.5' cannot be a number of pupils: {PUPILS_RULE}"), ("-1", "'-1' cannot be"), ("10000001", "'10000001' cannot be")],
)
def test_a_share_whose_part_cannot_be_a_number_of_pupils_refuses_the_file_naming_the_part(part, reason):
    """A part read as a number (2.5 pupils) was summed into the share."""
    with pytest.raises(ImportRefused) as refused:
        readers.read_ees_schools(share_file("202223,100001,201,256,5,17", f"202223,100002,201,72,4,{part}"), SHARE)
    assert (refused.value.row, refused.value.column) == (3, "b")
    assert reason in str(refused.value)


FSM_COUNT = "number of pupils known to be eligible for free school meals"


def census_file(*rows: str) -> bytes:
    """A school-level census of one authority's primary schools: each one's headcount, then its pupils known to be
    eligible for free school meals, from which the authority's percentage is calculated."""
    header = f"time_period,urn,old_la_code,phase_type_grouping,headcount of pupils,{FSM_COUNT}"
    return ("\n".join([header, *(f"202223,{100001 + i},936,State-funded primary,{row}" for i, row in enumerate(rows))]) + "\n").encode()


def summary_file(*rows: str) -> bytes:
    """A census summary of one authority's primary schools: pupils on roll, then those whose first language is not English."""
    header = "URN,LA,SCHOOLTYPE,NOR,NUMEAL"
    return ("\r\n".join([header, *(f"{100001 + i},936,State-funded primary,{row}" for i, row in enumerate(rows))]) + "\r\n").encode()


def authority_figure(data: bytes, measure: str) -> tuple:
    """(value, cohort) of the authority's figure for all its schools that a census or census summary gives."""
    if data.startswith(b"URN"):
        figures = readers.read_census_summary(
            data, "2018-2019-england_census.csv", catalogue.CENSUS_SUMMARY_COLUMNS, catalogue.CENSUS_SUMMARY_COUNTS
        )
    else:
        figures = readers.read_census(data, catalogue.CENSUS_SPC_COLUMNS, catalogue.CENSUS_SPC_COUNTS)
    return figures.filter(pl.col("area") == "la", pl.col("measure") == measure).select("value", "cohort").row(0)


def test_a_count_an_authoritys_figure_is_calculated_from_that_the_file_withholds_or_leaves_blank_leaves_the_school_out():
    # (50 + 30) of (200 + 300) pupils: 16%.
    assert authority_figure(census_file("200,50", "100,c", "100,x", "100,", "100, ", "300, 30 "), "fsm_pct") == (16.0, 500)
    assert authority_figure(summary_file("200,50", "100,NA", "100,SUPP", "100,", "300,30"), "eal_pct") == (16.0, 500)


def test_an_authoritys_census_summary_figure_counts_its_pupil_referral_units_as_state_funded_schools():
    """The real 2018/19 summary names a PRU's type 'Pupil referral unit', not 'State-funded …': its pupils were left out
    of the authority's figure for all its state-funded schools, though the school-level census's are (State-funded AP
    school). Surrey's six PRUs with a roll add 88 pupils to its 156,883; Camden's four move its EAL share from 54.0%."""
    summary = readers.read_census_summary(
        gzip.decompress(CENSUS_2019.read_bytes()), CENSUS_2019.name, catalogue.CENSUS_SUMMARY_COLUMNS, catalogue.CENSUS_SUMMARY_COUNTS
    )
    eal = summary.filter(pl.col("area") == "la", pl.col("measure") == "eal_pct")
    assert eal.filter(pl.col("la_code") == 936).select("value", "cohort").row(0) == (12.9, 156971)
    assert eal.filter(pl.col("la_code") == 202).select("value", "cohort").row(0) == (53.7, 22534)


@pytest.mark.parametrize(
    ("rows", "refusal"),
    [
        (("200,50", "100,abc"), (3, FSM_COUNT, "'abc' is neither a number nor one of the codes c, x, z, u, low")),
        (("200,50", "100,27.5"), (3, FSM_COUNT, f"'27.5' cannot be a number of pupils: {PUPILS_RULE}")),
        (("200,50", "100,99999999"), (3, FSM_COUNT, f"'99999999' cannot be a number of pupils: {PUPILS_RULE}")),
        (("200,50", "100,-1"), (3, FSM_COUNT, f"'-1' cannot be a number of pupils: {PUPILS_RULE}")),
        (("200,50", "100,1e1"), (3, FSM_COUNT, "'1e1' is neither a number nor one of the codes c, x, z, u, low")),
        # The first bad line, whether its bad cell is a figure (the headcount) or a count.
        (("200,abc", "1O0,50"), (2, FSM_COUNT, "'abc' is neither a number nor one of the codes c, x, z, u, low")),
        (("2O0,50", "100,abc"), (2, "headcount of pupils", "'2O0' is neither a number nor one of the codes c, x, z, u, low")),
    ],
)
def test_a_census_count_an_authoritys_figure_is_calculated_from_refuses_the_file_unless_a_number_of_pupils_or_a_code(rows, refusal):
    """Such a cell was taken as no count, and the school left out of its authority's and England's figures."""
    with pytest.raises(ImportRefused) as refused:
        readers.read_census(census_file(*rows), catalogue.CENSUS_SPC_COLUMNS, catalogue.CENSUS_SPC_COUNTS)
    row, column, reason = refusal
    assert (refused.value.row, refused.value.column) == (row, column)
    assert reason in str(refused.value)


@pytest.mark.parametrize(
    ("rows", "refusal"),
    [
        (("200,50", "100,n/a"), (3, "'n/a' is neither a number nor one of the codes SUPP, NE, NA, NP, NEW, NR, LOWCOV")),
        (("200,50", "100,27.5", "100,abc"), (3, f"'27.5' cannot be a number of pupils: {PUPILS_RULE}")),
    ],
)
def test_a_census_summary_count_an_authoritys_figure_is_calculated_from_refuses_the_file_unless_a_number_of_pupils_or_a_code(rows, refusal):
    with pytest.raises(ImportRefused) as refused:
        readers.read_census_summary(
            summary_file(*rows), "2018-2019-england_census.csv", catalogue.CENSUS_SUMMARY_COLUMNS, catalogue.CENSUS_SUMMARY_COUNTS
        )
    row, reason = refusal
    assert (refused.value.row, refused.value.column) == (row, "NUMEAL")
    assert reason in str(refused.value)


@pytest.mark.parametrize(
    ("data", "cut"),
    [
        (b'a,b,c\r\n1,"x\r\ny",3', False),  # a quoted line end in the last row, and no line end after it
        (b'a,b,c\r\n1,"x, ""y""",3', False),
        (b"a,b,c\r\n1,2,3\r\n", False),
        (b"a,b,c\r\n1,2,3\r\n4,5", True),
        (b'a,b,c\r\n1,2,3\r\n4,"x\r\ny"', True),
    ],
)
def test_a_file_is_cut_short_only_if_its_last_record_stops_short_with_no_line_end(data, cut):
    if cut:
        with pytest.raises(ImportRefused, match="ends part-way through this row"):
            readers.refuse_cut_short(data, 3, 3)
    else:
        readers.refuse_cut_short(data, 3, 2)
