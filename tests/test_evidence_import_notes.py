"""What an import of figures says after its counts about rows it takes on trust: a row that stops early, whose later
figures are not said either way, and a school's row whose LA code is not the register's, which the register overrules.
Each is made from a real file in demo/evidence with a row or two changed."""

import csv
import gzip
import io
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from evidence.models import Observation
from imports.models import ImportOutcome
from imports.services import import_file
from register.models import School

from .evidence_helpers import ABSENCE, CENSUS_2019, CENSUS_2023, KS2, KS4_INFO_2024, KS4_PROVISIONAL, area_figure, figure
from .factories import LocalAuthorityFactory, SchoolFactory
from .test_import_demo_files import GIAS_2021, GIAS_2022

Change = Callable[[list[str], list[str]], list[str]]


@pytest.fixture
def surrey(db):
    """The real Surrey register: every open school in 2021, and the primary schools of April 2022."""
    import_file(GIAS_2021)
    import_file(GIAS_2022)


def edited(source: Path, tmp_path: Path, changes: dict[int, Change], *, only: Iterable[int] | None = None) -> Path:
    """A copy of the real file `source` (gzip undone) with the rows at these line numbers (the header is line 1) passed
    through their change, which is given the row's fields and the header; with `only`, its header and those rows alone."""
    data = source.read_bytes()
    rows = list(csv.reader(io.StringIO((gzip.decompress(data) if source.suffix == ".gz" else data).decode("utf-8-sig"), newline="")))
    for line, change in changes.items():
        rows[line - 1] = change(rows[line - 1], rows[0])
    if only is not None:
        rows = [rows[0], *(rows[line - 1] for line in only)]
    path = tmp_path / source.name.removesuffix(".gz")
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\n").writerows(rows)
    return path


def stops_after(column: str) -> Change:
    return lambda fields, header: fields[: header.index(column) + 1]


def giving(column: str, value: str) -> Change:
    return lambda fields, header: [value if name == column else field for name, field in zip(header, fields, strict=True)]


def notes(run) -> str:
    """What the run's message says after its first sentence, the counts."""
    return run.message.partition(". ")[2]


LATER_NOT_READ = "the figures of its later columns are not read, and any held for them stay as they were."


class TestARowThatStopsEarly:
    @pytest.mark.parametrize(
        ("source", "line", "column", "where"),
        [
            (KS4_PROVISIONAL, 5387, "P8MEA", "12 of 25"),  # All Hallows Catholic School, URN 125315
            (ABSENCE, 20316, "PERCTOT", "4 of 5"),  # Kingswood Primary, URN 124937
            (CENSUS_2019, 12610, "NOR", "5 of 22"),  # URN 124911
            (CENSUS_2023, 22975, "headcount of pupils", "208 of 268"),  # URN 124911
            (KS4_INFO_2024, 5297, "pt_disadvantaged", "41 of 60"),  # URN 138226
        ],
    )
    def test_is_named_with_the_column_it_stops_after_whichever_file_it_is_in(self, surrey, tmp_path, source, line, column, where):
        run = import_file(edited(source, tmp_path, {line: stops_after(column)}))
        assert notes(run) == f"Row {line} stops after column '{column}' ({where} columns): {LATER_NOT_READ}"

    def test_keeps_the_figures_held_for_its_later_columns_and_says_so(self, surrey, tmp_path):
        import_file(KS4_PROVISIONAL)
        held = figure(125315, "ks4_ebacc_aps", 2019)
        run = import_file(edited(KS4_PROVISIONAL, tmp_path, {5387: stops_after("P8MEA")}))
        assert (run.created, run.changed) == (0, 0)
        assert figure(125315, "ks4_ebacc_aps", 2019) == held
        assert notes(run) == f"Row 5387 stops after column 'P8MEA' (12 of 25 columns): {LATER_NOT_READ}"

    def test_only_the_rows_taken_count(self, surrey, tmp_path):
        """All Hallows' row (5387) and England's, all schools (5652), stop early; so does Worthing High School's (5650),
        of West Sussex, which the register does not hold. An import of Surrey's takes All Hallows' row only; one of every
        authority takes England's too, but skips Worthing High's all the same."""
        cut = {5387: stops_after("P8MEA"), 5650: stops_after("P8MEA"), 5652: stops_after("ATT8SCR")}
        path = edited(KS4_PROVISIONAL, tmp_path, cut)
        assert notes(import_file(path, la_codes=[936])) == f"Row 5387 stops after column 'P8MEA' (12 of 25 columns): {LATER_NOT_READ}"
        assert notes(import_file(path)) == (
            "2 rows stop early, row 5387 (after column 'P8MEA') and row 5652 (after column 'ATT8SCR'): "
            "the figures of their later columns are not read, and any held for them stay as they were."
        )

    def test_a_real_key_stage_2_table_has_some(self, surrey):
        """DfE's rows end where their last columns are empty: small schools' rows stop after the number of pupils."""
        assert notes(import_file(KS2[2019])) == (
            "11 rows stop early, such as row 9 (after column 'TPUPYEAR'), row 23 (after column 'TPUPYEAR') and row 31 "
            "(after column 'TPUPYEAR'): the figures of their later columns are not read, and any held for them stay as they were."
        )

    def test_is_named_if_an_authoritys_figure_taken_needs_a_count_it_stops_before(self, surrey, tmp_path):
        """The census summary's rows of Kingswood Primary (URN 124937, line 12615) and of URN 125249 (line 12786), which
        Broadwater School replaced in 2020 and the register does not hold: Surrey's figures are calculated from the
        counts of both. Cut before its number of pupils whose first language is not English (NUMEAL), URN 125249's row
        leaves Surrey's percentage of them unsaid, though the school's own figures are not taken."""
        import_file(edited(CENSUS_2019, tmp_path, {}, only=(12615, 12786)), la_codes=[936])
        held = area_figure("eal_pct", 2019, la_code=936)
        run = import_file(edited(CENSUS_2019, tmp_path, {12786: stops_after("TSENELK")}, only=(12615, 12786)), la_codes=[936])
        assert notes(run) == f"Row 3 stops after column 'TSENELK' (12 of 22 columns): {LATER_NOT_READ}"
        assert area_figure("eal_pct", 2019, la_code=936) == held

    def test_leaves_an_unchanged_file_imported_again_saying_so_as_any_other(self, surrey):
        """That a file's rows stop early is no reason to change nothing: nothing had changed, and the import says so."""
        first = import_file(KS2[2019])
        again = import_file(KS2[2019])
        assert (again.outcome, notes(again)) == (ImportOutcome.UNCHANGED, notes(first))
        assert again.message.startswith(
            "2018-2019-936-ks2final.csv (Key stage 2 performance tables, final, 2018/19): 242 rows read; nothing has changed since the last "
            "import of this data; 3 skipped (2 not in the register; 1 row giving no figures)."
        )


class TestARowWhoseLACodeIsNotTheRegisters:
    """All Hallows Catholic School (URN 125315, row 5387 of the 2018/19 KS4 provisional table) is in Surrey (936);
    Worthing High School (URN 139109, row 5650) in West Sussex (938)."""

    def test_files_the_figures_under_the_school_as_the_register_places_it(self, surrey, tmp_path):
        run = import_file(edited(KS4_PROVISIONAL, tmp_path, {5387: giving("LEA", "935")}))
        assert notes(run) == (
            "1 row gives its school an LA code other than the register's, URN 125315 (LA 935 in the file, 936 in the register): "
            "its figures are filed under the school as the register places it."
        )
        assert figure(125315, "ks4_attainment8", 2019) == (57.3, "Value given")  # its Attainment 8 in the file

    def test_several_are_counted_and_the_first_named(self, surrey, tmp_path):
        run = import_file(edited(KS4_PROVISIONAL, tmp_path, dict.fromkeys(range(5386, 5391), giving("LEA", "935"))))
        assert notes(run) == (
            "5 rows give their schools an LA code other than the register's, such as URN 146255 (LA 935 in the file, 936 in "
            "the register), URN 125315 (LA 935 in the file, 936 in the register) and URN 125271 (LA 935 in the file, 936 in the "
            "register): their figures are filed under each school as the register places it."
        )

    def test_an_import_limited_to_some_authorities_follows_the_register_both_ways(self, surrey, tmp_path):
        """Limited to Surrey, it takes All Hallows' row though the file gives West Sussex's code, and skips Worthing
        High's though the file gives Surrey's; an import of every authority takes both, each under its school."""
        SchoolFactory(urn=139109, name="Worthing High School", la=LocalAuthorityFactory(code=938, name="West Sussex"))
        path = edited(KS4_PROVISIONAL, tmp_path, {5387: giving("LEA", "938"), 5650: giving("LEA", "936")})
        limited = import_file(path, la_codes=[936])
        assert notes(limited) == (
            "1 row gives its school an LA code other than the register's, URN 125315 (LA 938 in the file, 936 in the register): "
            "its figures are filed under the school as the register places it. 1 row gives an LA code asked for to a school "
            "the register places in another authority, URN 139109 (LA 936 in the file, 938 in the register): it was skipped, "
            "as an import limited to some authorities takes only the schools the register places in them."
        )
        assert Observation.objects.filter(school__urn=125315).exists()
        assert not Observation.objects.filter(school__urn=139109).exists()
        every = import_file(path)
        assert notes(every) == (
            "2 rows give their schools an LA code other than the register's, URN 125315 (LA 938 in the file, 936 in the "
            "register) and URN 139109 (LA 936 in the file, 938 in the register): their figures are filed under each school "
            "as the register places it."
        )
        assert School.objects.get(urn=139109).observations.exists()

    def test_an_import_limited_to_some_authorities_counts_the_rows_it_skipped_so(self, surrey, tmp_path):
        """Warden Park School (URN 137416, row 5646) is in West Sussex too."""
        west_sussex = LocalAuthorityFactory(code=938, name="West Sussex")
        for urn in (137416, 139109):
            SchoolFactory(urn=urn, la=west_sussex)
        run = import_file(edited(KS4_PROVISIONAL, tmp_path, dict.fromkeys((5646, 5650), giving("LEA", "936"))), la_codes=[936])
        assert notes(run) == (
            "2 rows give an LA code asked for to schools the register places in other authorities, URN 137416 (LA 936 in the "
            "file, 938 in the register) and URN 139109 (LA 936 in the file, 938 in the register): they were skipped, as an "
            "import limited to some authorities takes only the schools the register places in them."
        )
