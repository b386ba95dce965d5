"""The performance tables' meta files: imported as their own kind, per key stage and year, and shown
beside each measure in DfE's own words. Tested with the six real files in demo/evidence."""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import Role
from evidence import readers
from evidence.meta import meanings, read_meta, years_text
from evidence.models import ColumnDescription
from imports.models import ImportOutcome
from imports.registry import ImportRefused, detect
from imports.services import import_file
from imports.sources import read_source
from register.models import LocalAuthority

from .conftest import sign_in
from .evidence_helpers import DATA, GIAS_2021, GIAS_2022, KS2, KS4, LINKS_2021
from .factories import UserFactory, grant

META = {(stage, year): DATA / f"{year - 1}-{year}-{stage}_meta.csv" for stage in ("ks2", "ks4") for year in (2017, 2018, 2019)}
COLUMNS_DESCRIBED = {
    ("ks2", 2017): 290,
    ("ks2", 2018): 326,
    ("ks2", 2019): 318,
    ("ks4", 2017): 416,
    ("ks4", 2018): 496,
    ("ks4", 2019): 505,
}


def meta_text(stage, year) -> str:
    return read_source(META[(stage, year)]).text


def test_every_real_meta_file_is_detected_as_a_meta_file_and_nothing_else():
    for path in META.values():
        assert [kind.code for kind in detect(read_source(path).header)] == ["performance_meta"], path.name


def test_each_layout_is_read_with_its_key_stage_and_year_from_the_file():
    for (stage, year), path in META.items():
        meta = read_meta(meta_text(stage, year), path.name)
        assert (meta.key_stage, meta.year, len(meta.entries)) == (stage, year, COLUMNS_DESCRIBED[(stage, year)])
        assert meta.entries[0].column == "RECTYPE" and meta.entries[0].position == 1


def test_the_key_stage_and_year_come_from_the_columns_when_the_name_says_nothing():
    meta = read_meta(meta_text("ks4", 2018), "uploaded file")
    assert (meta.key_stage, meta.year) == ("ks4", 2018)


def test_the_record_types_the_tables_are_read_with_are_those_the_2018_19_meta_files_define():
    """DOMAIN: label RECTYPE from each year's meta file. Only 2018/19 (KS2) spells the codes out."""
    areas = {"mainstream school": "school", "special school": "school", "local authority": "la", "national (all schools)": "england_all"}
    for stage, rectypes in (("ks2", readers.KS2_RECTYPES), ("ks4", readers.KS4_RECTYPES)):
        rectype = read_meta(meta_text(stage, 2019), f"2018-2019-{stage}_meta.csv").entries[0]
        defined = dict(re.findall(r"(\d)=([^;]+?)(?:;|\)$)", rectype.description.removeprefix("Record type (")))
        assert set(defined) == set(rectypes), stage
        for code, words in defined.items():
            words = words.strip().lower()
            assert rectypes[code] == areas.get(words, "england"), (stage, code, words)


@pytest.mark.django_db
def test_importing_the_real_meta_files_stores_dfes_descriptions_per_key_stage_and_year():
    for (stage, year), path in META.items():
        run = import_file(path)
        assert (run.kind, run.outcome, run.rows_read, run.created) == (
            "performance_meta",
            ImportOutcome.SUCCEEDED,
            COLUMNS_DESCRIBED[(stage, year)],
            COLUMNS_DESCRIBED[(stage, year)],
        ), run.message

    def described(stage, year, column):
        return ColumnDescription.objects.get(key_stage=stage, year=year, column=column)

    assert described("ks2", 2019, "PTRWM_HIGH").description == (
        "Percentage of pupils achieving a high score in reading and maths and working at greater depth in writing"
    )
    # The meaning of Progress 8 changed in 2017/18, and the meta files say so.
    assert described("ks4", 2017, "P8MEA").description == "Progress 8 measure"
    p8 = described("ks4", 2019, "P8MEA")
    assert p8.description == "Progress 8 measure after adjustment for extreme scores"
    assert p8.methodology == "Yes - see 2018 methodology sheet for methodology change"
    assert p8.position == 77
    # Columns come and go: P8_BANDING is described from 2017/18 only.
    assert not ColumnDescription.objects.filter(key_stage="ks4", year=2017, column="P8_BANDING").exists()
    assert ColumnDescription.objects.count() == sum(COLUMNS_DESCRIBED.values())


@pytest.mark.django_db
def test_importing_a_meta_file_again_changes_nothing():
    first = import_file(META[("ks4", 2019)])
    again = import_file(META[("ks4", 2019)])
    assert again.outcome == ImportOutcome.UNCHANGED, again.message
    assert (again.created, again.changed, again.unchanged) == (0, 0, 505)
    assert set(ColumnDescription.objects.values_list("import_run", flat=True)) == {first.id}


@pytest.mark.django_db
def test_a_corrected_meta_file_replaces_only_its_own_key_stage_and_years_descriptions():
    import_file(META[("ks2", 2018)])
    import_file(META[("ks2", 2019)])
    text = meta_text("ks2", 2019)
    text = re.sub(r"^(\d+,READPROG,)Reading progress measure(?=\r?$)", r"\1Reading progress score", text, count=1, flags=re.M)
    text = "\n".join(line for line in text.splitlines() if ",PSENELK," not in line) + "\n"
    run = import_file(text.encode(), file_name="2018-2019-ks2_meta.csv")
    assert (run.outcome, run.created, run.changed, run.unchanged) == (ImportOutcome.SUCCEEDED, 0, 2, 316), run.message
    assert ColumnDescription.objects.get(key_stage="ks2", year=2019, column="READPROG").description == "Reading progress score"
    assert not ColumnDescription.objects.filter(key_stage="ks2", year=2019, column="PSENELK").exists()
    assert ColumnDescription.objects.get(key_stage="ks2", year=2018, column="READPROG").description == "Reading progress measure"
    assert ColumnDescription.objects.filter(key_stage="ks2", year=2018, column="PSENELK").exists()


def _last_row_changed(text: str, field: int, value: str) -> tuple[str, int]:
    """The file with one field of its last row replaced, and that row's number."""
    lines = text.rstrip("\n").split("\n")
    fields = lines[-1].split(",")
    fields[field] = value
    lines[-1] = ",".join(fields)
    return "\n".join(lines) + "\n", len(lines)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "column", "reason"),
    [
        (0, "318a", "Column", "'318a' is not a column number"),
        (1, "", "Field Name", "the column has no name"),
        (1, "RECTYPE", "Field Name", "RECTYPE is described twice (first on row 2)"),
        (2, "  ", "Label/Description", "MATPROG_DESCR has no description"),
    ],
)
def test_a_malformed_meta_file_is_refused_naming_the_row_and_column_and_nothing_is_stored(field, value, column, reason):
    text, row = _last_row_changed(meta_text("ks2", 2019), field, value)
    run = import_file(text.encode(), file_name="2018-2019-ks2_meta.csv")
    assert run.outcome == ImportOutcome.REFUSED
    assert f"row {row}, column '{column}': {reason}" in run.message
    assert not ColumnDescription.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("at", ["MATPROG_DESCR,Maths progress", "MATPROG_DESCR,", "PTRWM_EXP,"])
def test_a_meta_file_cut_short_is_refused_as_such_and_nothing_it_describes_is_lost(at):
    """Cut part-way through a row, the file was imported: the columns after the cut lost their descriptions, and the
    last one's was cut short too (the first half of the 2018/19 key stage 2 file: 154 descriptions changed)."""
    import_file(META[("ks2", 2019)])
    before = list(ColumnDescription.objects.order_by("pk").values())
    text = meta_text("ks2", 2019)
    cut = text[: text.index(at) + len(at)]
    run = import_file(cut.encode(), file_name="2018-2019-ks2_meta.csv")
    row = cut.count("\n") + 1
    assert run.message == (
        f"2018-2019-ks2_meta.csv, row {row}: the file ends part-way through this row, with no line end after it, where DfE's "
        "meta files end with one: it looks cut short, so download it again. Nothing was imported from this file."
    )
    assert list(ColumnDescription.objects.order_by("pk").values()) == before


@pytest.mark.parametrize(
    ("file_name", "text", "reason"),
    [
        ("2018-2019-ks4_meta.csv", None, "the name says ks4 but the columns are those of the ks2 tables"),
        ("2017-2018-ks2_meta.csv", None, "the columns are those of 2018/19 but the name says 2017/18"),
        ("2018-2019-ks2_meta.csv", "Column,Field Name,Label/Description\n1,RECTYPE,Record type\n", "cannot tell whether"),
        ("2018-2019-ks2_meta.csv", "Column,Field Name,Label/Description\n,,\n", "the file describes no columns"),
    ],
)
def test_a_meta_file_whose_key_stage_or_year_is_unclear_is_refused(file_name, text, reason):
    with pytest.raises(ImportRefused, match=reason):
        read_meta(text or meta_text("ks2", 2019), file_name)


def test_years_are_written_as_ranges_of_academic_years():
    assert years_text([2019]) == "2018/19"
    assert years_text([2019, 2017, 2018]) == "2016/17 to 2018/19"
    assert years_text([2017, 2019, 2024, 2025]) == "2016/17, 2018/19 and 2023/24 to 2024/25"


@pytest.mark.django_db
def test_a_measures_meaning_is_grouped_by_wording_newest_first_for_the_years_asked():
    for year in (2017, 2018, 2019):
        import_file(META[("ks4", year)])
    found = meanings({"ks4_progress8": [2017, 2018, 2019], "ks4_attainment8": [2019], "fsm_pct": [2019]})
    assert [(m.description, m.years) for m in found["ks4_progress8"]] == [
        ("Progress 8 measure after adjustment for extreme scores", (2018, 2019)),
        ("Progress 8 measure", (2017,)),
    ]
    assert [(m.column, m.description, m.years) for m in found["ks4_attainment8"]] == [
        ("ATT8SCR", "Average Attainment 8 score per pupil", (2019,))
    ]
    assert "fsm_pct" not in found  # census measures have no meta file


@pytest.fixture
def surrey_with_meta(db):
    for path in (GIAS_2021, GIAS_2022, LINKS_2021, *KS2.values(), *KS4.values(), *META.values()):
        run = import_file(path)
        assert run.outcome in ("succeeded", "unchanged"), run.message
    officer = UserFactory(email="officer@surrey.example")
    grant(officer, Role.LA_OFFICER, LocalAuthority.objects.get(code=936))
    return officer


def test_the_results_page_shows_what_each_measure_means_in_dfes_words(client, surrey_with_meta):
    sign_in(client, surrey_with_meta)
    html = client.get(reverse("evidence:school-results", args=[125271])).content.decode()  # a Surrey secondary
    section = html.split('id="m-ks4_progress8"', 1)[1].split("</section>", 1)[0]
    assert "What this measure means" in section
    assert "Progress 8 measure after adjustment for extreme scores" in section
    assert "column P8MEA in the key stage 4 performance tables, 2017/18 to 2018/19" in section
    # DfE's words, isolated (<bdi>): words written right to left would not reorder the sentence around them.
    assert "The meta file notes a methodology change: “<bdi>Yes - see 2018 methodology sheet for methodology change</bdi>”." in section
    assert "Progress 8 measure</p>" in section and "2016/17" in section


def test_each_measures_description_is_named_for_its_measure(client, surrey_with_meta):
    """Every measure has a 'What this measure means' control: a screen reader's list of the page's controls tells them
    apart by the measure's name, which the page shows sighted readers in the heading above."""
    sign_in(client, surrey_with_meta)
    html = client.get(reverse("evidence:school-results", args=[125271])).content.decode()
    summaries = re.findall(r'<span class="govuk-details__summary-text">\s*(.*?)\s*</span>\s*</summary>', html, re.S)
    assert 'What this measure means<span class="govuk-visually-hidden">: Attainment 8 score</span>' in summaries
    named = [summary for summary in summaries if summary.startswith("What this measure means")]
    assert len(named) > 3 and len(set(named)) == len(named)


def test_the_authority_page_shows_what_each_measure_means(client, surrey_with_meta):
    sign_in(client, surrey_with_meta)
    html = client.get(reverse("evidence:authority-results", args=[936])).content.decode()
    section = html.split('id="h-ks2_rwm_expected"', 1)[1].split("</section>", 1)[0]
    assert "What this measure means" in section
    assert "Percentage of pupils reaching the expected standard in reading, writing and maths" in section
    assert "column PTRWM_EXP in the key stage 2 performance tables, 2016/17 to 2018/19" in section


def test_the_school_command_gives_the_descriptions_of_its_measures_columns(surrey_with_meta):
    out = io.StringIO()
    call_command("school", "125271", "--json", stdout=out)
    descriptions = json.loads(out.getvalue())["descriptions"]
    assert descriptions["ks4_attainment8"] == [
        {"key_stage": "ks4", "column": "ATT8SCR", "years": [2017, 2018, 2019], "description": "Average Attainment 8 score per pupil"}
    ]
    assert [d["years"] for d in descriptions["ks4_progress8"]] == [[2018, 2019], [2017]]


def test_a_measure_read_from_different_columns_in_different_years_is_described_by_each_years_own(surrey_with_meta):
    """Until 2017/18 the KS2 tables gave the share with an EHC plan or statement as PSENELSE (PSENELE counted plans
    only); 2018/19's gave only PSENELE. Kingswood Primary School's 7% in 2016/17 is its PSENELSE (its PSENELE is 0%)."""
    out = io.StringIO()
    call_command("school", "124937", "--json", stdout=out)
    described = {d["column"]: d["years"] for d in json.loads(out.getvalue())["descriptions"]["ks2_ehcp_pct"]}
    assert described == {"PSENELE": [2019], "PSENELSE": [2017, 2018]}
