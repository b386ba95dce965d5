"""A bad file is refused whole, naming file, row and column; the database is left exactly as it was."""

import contextlib
import csv
import gzip
import hashlib
import io

import pytest

from imports.models import ImportOutcome, ImportRun
from imports.registry import KINDS, ImportKind, ImportRefused, Remedy, register_kind
from imports.services import import_file
from register.models import LocalAuthority, School

from .evidence_helpers import KS2
from .test_import_demo_files import GIAS_2021, GIAS_2022, GROUP_LINKS, LINKS_2025, snapshot, without_columns


def corrupt(source, tmp_path, row, change, encoding="utf-8"):
    """A copy of `source` with spreadsheet row `row` (header = 1) passed through `change`."""
    data = source.read_bytes()
    data = gzip.decompress(data) if source.suffix == ".gz" else data
    lines = data.decode(encoding).split("\r\n")
    lines[row - 1] = change(lines[row - 1])
    path = tmp_path / source.name.removesuffix(".gz")
    path.write_bytes("\r\n".join(lines).encode(encoding))
    return path


@pytest.fixture
def imported(db):
    import_file(GIAS_2021)
    return snapshot()


def test_urn_that_is_not_a_number_refuses_the_file_and_changes_nothing(imported, tmp_path):
    path = corrupt(GIAS_2022, tmp_path, 7, lambda line: "12A936" + line[line.index(",") :])
    run = import_file(path)
    assert run.outcome == ImportOutcome.REFUSED
    assert run.message == (
        "surrey-2022-04-20-primary-establishments.csv, row 7, column 'URN': '12A936' is not a whole number. Nothing was imported from this file."
    )
    assert snapshot() == imported


def test_date_that_is_not_a_date_names_row_column_and_value(imported, tmp_path):
    path = corrupt(GIAS_2022, tmp_path, 11, lambda line: line.replace('"30-04-2017"', '"31-02-2017"'))
    run = import_file(path)
    assert run.message.startswith(
        "surrey-2022-04-20-primary-establishments.csv, row 11 (URN 124943, Hamsey Green Primary), column 'CloseDate': '31-02-2017' is not a date: there is no such day"
    )
    path = corrupt(GIAS_2022, tmp_path, 11, lambda line: line.replace('"30-04-2017"', '"2017-04-30"'))
    assert "column 'CloseDate': '2017-04-30' is not a date (expected dd-mm-yyyy)." in import_file(path).message
    assert snapshot() == imported


def test_a_date_as_a_spreadsheet_saves_it_is_refused_saying_so(imported, tmp_path):
    """An extract opened in a spreadsheet and saved has its dates written dd/mm/yyyy: it was refused as "'30/04/2017' is
    not a date", which it plainly is."""
    path = corrupt(GIAS_2022, tmp_path, 11, lambda line: line.replace('"30-04-2017"', '"30/04/2017"'))
    run = import_file(path)
    assert run.message == (
        "surrey-2022-04-20-primary-establishments.csv, row 11 (URN 124943, Hamsey Green Primary), column 'CloseDate': "
        "'30/04/2017' is written dd/mm/yyyy, as a spreadsheet saves dates, where GIAS writes dd-mm-yyyy: the file looks opened "
        "and saved in a spreadsheet, which may have changed other values too (a telephone number's leading 0, say). Import the "
        "file as downloaded from GIAS. Nothing was imported from this file."
    )
    assert run.remedy == Remedy.DOWNLOAD
    assert snapshot() == imported


def test_a_date_with_a_two_digit_year_is_refused_not_taken_as_the_first_century(imported, tmp_path):
    """'30-04-17' is not the 30th of April in the year 17: the register would show a school closed nearly two thousand
    years ago. The fast check of every column and the one naming the cell agree."""
    path = corrupt(GIAS_2022, tmp_path, 11, lambda line: line.replace('"30-04-2017"', '"30-04-17"'))
    run = import_file(path)
    assert run.outcome == ImportOutcome.REFUSED
    assert run.message == (
        "surrey-2022-04-20-primary-establishments.csv, row 11 (URN 124943, Hamsey Green Primary), column 'CloseDate': '30-04-17' "
        "is not a date: its year has two digits, not four (expected dd-mm-yyyy). Nothing was imported from this file."
    )
    assert snapshot() == imported


def test_a_link_or_a_join_dated_with_a_two_digit_year_is_refused(db, tmp_path):
    path = corrupt(LINKS_2025, tmp_path, 5000, lambda line: line[: line.rindex(",")] + ',"01-09-21"', encoding="cp1252")
    assert "column 'LinkEstablishedDate': '01-09-21' is not a date: its year has two digits" in import_file(path).message
    data = gzip.decompress(GROUP_LINKS.read_bytes()).decode().split("\n")
    data[39] = data[39].replace(",1900-01-01,Hadston", ",00-01-01,Hadston")
    (path := tmp_path / "group-links.csv").write_text("\n".join(data))
    assert "column 'Joined date': '00-01-01' is not a date: its year has two digits" in import_file(path).message


def test_row_with_too_few_fields_is_refused(imported, tmp_path):
    path = corrupt(GIAS_2021, tmp_path, 42, lambda line: line.rsplit(",", 2)[0])
    run = import_file(path)
    assert run.outcome == ImportOutcome.REFUSED
    assert run.message.startswith(
        "surrey-2021-05-establishments.csv, row 42 (URN 22380, Pine Ridge School Sure Start Children's Centre), column 'MSOA (code)': this row has 108 fields but the header has 110"
    )
    assert snapshot() == imported


@pytest.mark.parametrize(
    ("source", "row", "fields", "width"), [(GIAS_2022, 286, 16, 111), (LINKS_2025, 17810, 4, 5)], ids=["gias", "links"]
)
def test_a_register_file_cut_short_is_refused_as_such(imported, tmp_path, source, row, fields, width):
    """A download that stopped part-way was refused as a row with too few fields, to be corrected, as if the rest of the
    row were missing from the published file; DfE's and Ofsted's files cut short are refused as such."""
    data = source.read_bytes()
    data = gzip.decompress(data) if source.suffix == ".gz" else data
    (path := tmp_path / source.name.removesuffix(".gz")).write_bytes(data[: len(data) // 2])
    run = import_file(path)
    assert run.message == (
        f"{path.name}, row {row}: the file ends part-way through this row ({fields} of {width} fields, and no line end): it looks "
        "cut short, so download it again. Nothing was imported from this file."
    )
    assert run.remedy == Remedy.DOWNLOAD
    assert snapshot() == imported


def test_unknown_status_is_refused(imported, tmp_path):
    path = corrupt(GIAS_2021, tmp_path, 3, lambda line: line.replace(',"Open",', ',"Shut",', 1))
    run = import_file(path)
    assert (
        "row 3 (URN 20128, Ashtead Sure Start Children's Centre), column 'EstablishmentStatus (name)': 'Shut' is not an establishment status"
        in run.message
    )


@pytest.mark.parametrize("column", ["URN", "LA (code)", "EstablishmentName", "EstablishmentStatus (name)"])
def test_an_extract_without_a_column_that_identifies_the_school_is_refused_naming_it(imported, tmp_path, column):
    run = import_file(without_columns(GIAS_2022, tmp_path, column))
    assert (run.outcome, run.kind) == (ImportOutcome.REFUSED, "gias_establishments")
    assert run.message.startswith(f"surrey-2022-04-20-primary-establishments.csv: the file has no column '{column}';")
    assert snapshot() == imported


def test_a_refusal_names_the_school_of_its_row_as_the_extract_counts_rows(db):
    """A line end inside row 2's quoted name leaves row 3 the third record, Ashtead's."""
    header, *rows = list(csv.reader(io.StringIO(GIAS_2021.read_text(encoding="utf-8-sig"))))[:3]
    rows[0][header.index("EstablishmentName")] = "Ash Grange\nSure Start Children's Centre"
    rows[1][header.index("EstablishmentStatus (name)")] = "Shut"
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    run = import_file(out.getvalue().encode(), file_name="two.csv")
    assert run.message.startswith(
        "two.csv, row 3 (URN 20128, Ashtead Sure Start Children's Centre), column 'EstablishmentStatus (name)': 'Shut'"
    )


def set_field(column, value):
    """A change for `corrupt`: one field of a GIAS 2021 row, by column name."""
    header = next(csv.reader(io.StringIO(GIAS_2021.read_text(encoding="utf-8"))))

    def change(line):
        fields = next(csv.reader([line]))
        fields[header.index(column)] = value
        out = io.StringIO()
        csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="").writerow(fields)
        return out.getvalue()

    return change


def test_negative_pupil_number_is_refused(db, tmp_path):
    path = corrupt(GIAS_2021, tmp_path, 2, set_field("NumberOfPupils", "-5"))
    run = import_file(path)
    assert "row 2 (URN 20115, Ash Grange Sure Start Children's Centre), column 'NumberOfPupils': '-5' is less than 0" in run.message


def set_fields(**values):
    """A change for `corrupt`: several fields of a GIAS 2021 row, by column name."""

    def change(line):
        for column, value in values.items():
            line = set_field(column, value)(line)
        return line

    return change


# Row 103 as a refusal names it, with its school.
WOOD_STREET = "row 103 (URN 125004, Wood Street Infant School)"


class TestImpossibleNumbers:
    """A number no school can have refuses the extract with its row and column (row 103 is Wood Street Infant
    School: 75 pupils, 39 boys and 36 girls aged 4 to 7, 13.5% eligible for free school meals)."""

    @pytest.mark.parametrize(
        ("value", "reason"),
        [
            ("-5", "'-5' is less than 0"),
            ("150", "'150' is more than 100"),
            ("100.1", "'100.1' is more than 100"),
            ("NaN", "'NaN' is not a number"),
        ],
    )
    def test_a_free_school_meals_percentage_outside_0_to_100(self, imported, tmp_path, value, reason):
        run = import_file(corrupt(GIAS_2021, tmp_path, 103, set_field("PercentageFSM", value)))
        assert run.outcome == ImportOutcome.REFUSED
        assert run.message.startswith(f"surrey-2021-05-establishments.csv, {WOOD_STREET}, column 'PercentageFSM': {reason}.")
        assert snapshot() == imported

    @pytest.mark.parametrize("value", ["0", "100", "100.0"])
    def test_a_free_school_meals_percentage_of_0_or_100_is_imported(self, imported, tmp_path, value):
        run = import_file(corrupt(GIAS_2021, tmp_path, 103, set_field("PercentageFSM", value)))
        assert (run.outcome, run.changed) == (ImportOutcome.SUCCEEDED, 1)
        assert School.objects.get(urn=125004).fsm_percent == int(float(value))

    @pytest.mark.parametrize(("column", "value", "limit"), [("Easting", "700001", "700000"), ("Northing", "1300001", "1300000")])
    def test_a_place_beyond_the_national_grid(self, imported, tmp_path, column, value, limit):
        run = import_file(corrupt(GIAS_2021, tmp_path, 103, set_field(column, value)))
        assert run.message.startswith(
            f"surrey-2021-05-establishments.csv, {WOOD_STREET}, column '{column}': '{value}' is more than {limit}."
        )
        assert snapshot() == imported

    @pytest.mark.parametrize(
        "column", ["StatutoryLowAge", "StatutoryHighAge", "SchoolCapacity", "NumberOfPupils", "NumberOfBoys", "NumberOfGirls"]
    )
    def test_a_negative_age_capacity_or_number_of_pupils(self, imported, tmp_path, column):
        run = import_file(corrupt(GIAS_2021, tmp_path, 103, set_field(column, "-1")))
        assert run.message.startswith(f"surrey-2021-05-establishments.csv, {WOOD_STREET}, column '{column}': '-1' is less than 0.")
        assert snapshot() == imported

    def test_more_boys_or_girls_than_pupils(self, imported, tmp_path):
        run = import_file(corrupt(GIAS_2021, tmp_path, 103, set_field("NumberOfBoys", "78")))
        assert run.message.startswith(
            f"surrey-2021-05-establishments.csv, {WOOD_STREET}, column 'NumberOfBoys': 78 boys is more than the 75 pupils on roll."
        )
        run = import_file(corrupt(GIAS_2021, tmp_path, 103, set_fields(NumberOfPupils="30", NumberOfBoys="0")))
        assert f"{WOOD_STREET}, column 'NumberOfGirls': 36 girls is more than the 30 pupils on roll." in run.message
        assert snapshot() == imported

    def test_boys_rounded_to_the_nearest_5_may_be_a_little_more_than_the_pupils(self, imported, tmp_path):
        """GIAS rounds boys and girls to the nearest 5 and gives pupils exactly: 75 pupils may be 77 boys."""
        run = import_file(corrupt(GIAS_2021, tmp_path, 103, set_fields(NumberOfBoys="77", NumberOfGirls="0")))
        assert run.outcome == ImportOutcome.SUCCEEDED, run.message

    def test_a_lowest_age_above_the_highest(self, imported, tmp_path):
        run = import_file(corrupt(GIAS_2021, tmp_path, 103, set_field("StatutoryLowAge", "8")))
        assert f"{WOOD_STREET}, column 'StatutoryLowAge': the lowest age (8) is above the highest (7)" in run.message

    def test_an_establishment_number_of_more_than_four_digits(self, imported, tmp_path):
        run = import_file(corrupt(GIAS_2021, tmp_path, 103, set_field("EstablishmentNumber", "12286")))
        assert f"{WOOD_STREET}, column 'EstablishmentNumber': '12286' is more than 9999." in run.message
        assert snapshot() == imported


def test_bad_link_date_in_a_windows_1252_file_is_refused(db, tmp_path):
    """The refusal gives the URN of the school whose link it is (the row's LinkName is the other school's)."""
    path = corrupt(LINKS_2025, tmp_path, 5000, lambda line: line[: line.rindex(",")] + ',"2021-13-45"', encoding="cp1252")
    run = import_file(path)
    assert run.message.startswith(
        "links-2025-national.csv, row 5000 (URN 108813), column 'LinkEstablishedDate': '2021-13-45' is not a date"
    )


def test_a_group_links_refusal_names_the_school_of_its_row(db, tmp_path):
    data = gzip.decompress(GROUP_LINKS.read_bytes()).decode().split("\n")
    data[39] = data[39].replace(",1900-01-01,Hadston", ",1900-13-01,Hadston")
    path = tmp_path / "group-links.csv"
    path.write_text("\n".join(data))
    run = import_file(path)
    assert run.message.startswith(
        "group-links.csv, row 40 (URN 20081, Hadston/Amble Children's Centre), column 'Joined date': '1900-13-01' is not a date"
    )


def test_refused_run_is_kept_as_the_record_of_the_attempt(imported, tmp_path):
    path = corrupt(GIAS_2021, tmp_path, 2, lambda line: "x" + line)
    run = import_file(path)
    stored = ImportRun.objects.get(pk=run.pk)
    assert (stored.outcome, stored.kind, stored.created) == (ImportOutcome.REFUSED, "gias_establishments", 0)
    assert stored.finished_at is not None


@pytest.fixture
def half_writing_kind():
    """A kind that writes a row and then refuses, to show the write does not survive."""

    def load(ctx):
        LocalAuthority.objects.create(code=999, name="Half written")
        raise ImportRefused("second half is bad", row=3, column="B")

    kind = register_kind(ImportKind("test_half", "Half-writing test file", lambda header: header == ["HALF", "B"], load))
    yield kind
    del KINDS[kind.code]


def test_writes_before_a_refusal_are_rolled_back(imported, tmp_path, half_writing_kind):
    path = tmp_path / "half.csv"
    path.write_text("HALF,B\n1,2\n3,x\n")
    run = import_file(path)
    assert run.message == "half.csv, row 3, column 'B': second half is bad. Nothing was imported from this file."
    assert snapshot() == imported


def test_an_unexpected_error_is_recorded_as_failed_and_rolled_back(imported, tmp_path):
    def load(ctx):
        LocalAuthority.objects.create(code=998, name="Half written")
        raise RuntimeError("disk on fire")

    kind = register_kind(ImportKind("test_boom", "Failing test file", lambda header: header == ["BOOM"], load))
    try:
        path = tmp_path / "boom.csv"
        path.write_text("BOOM\n1\n")
        with pytest.raises(RuntimeError):
            import_file(path)
    finally:
        del KINDS[kind.code]
    assert ImportRun.objects.get(file_name="boom.csv").outcome == ImportOutcome.FAILED
    assert snapshot() == imported


def test_a_gzipped_file_that_unpacks_beyond_any_data_set_is_refused_unread(db, monkeypatch):
    from imports import sources

    monkeypatch.setattr(sources, "MAX_UNPACKED_BYTES", 2**20)
    bomb = gzip.compress(b"URN,Name\r\n" + b"0" * (2**20), compresslevel=9)
    assert len(bomb) < 2**12
    run = import_file(bomb, file_name="bomb.csv.gz")
    assert run.outcome == ImportOutcome.REFUSED
    assert "bomb.csv.gz" in run.message and "unpacks to more than 1 MB" in run.message


def test_a_gzipped_file_cut_short_is_refused(db):
    cut = gzip.compress(GIAS_2021.read_bytes())[:-5000]
    run = import_file(cut, file_name="cut.csv.gz")
    assert run.outcome == ImportOutcome.REFUSED and "cannot be unpacked (it ends part-way through)" in run.message
    assert "download it again" in run.message and run.remedy == Remedy.DOWNLOAD  # its page does not say to correct it
    assert not LocalAuthority.objects.exists()


def test_a_gzipped_file_padded_with_zeros_is_read_as_gzip_reads_it(db):
    from imports.sources import read_source

    padded = gzip.compress(b"URN,LinkURN,LinkType\n1,2,x\n") + b"\0" * 8
    assert read_source(padded, file_name="links.csv.gz").header == ["URN", "LinkURN", "LinkType"]


@pytest.mark.parametrize("body", [b"", b"\xef\xbb\xbf", b"\r\n\r\n", gzip.compress(b"")], ids=["nothing", "bom", "blank lines", "gzipped"])
def test_an_empty_file_is_refused_as_empty(db, body):
    run = import_file(body, file_name="empty.csv")
    assert (run.outcome, run.message) == (ImportOutcome.REFUSED, "empty.csv: the file is empty. Nothing was imported from this file.")


@pytest.mark.parametrize("source", [GIAS_2021, KS2[2019], LINKS_2025])
def test_a_file_with_a_header_but_no_rows_is_refused(imported, source, tmp_path):
    data = source.read_bytes()
    data = gzip.decompress(data) if source.suffix == ".gz" else data
    header_only = tmp_path / "header.csv"
    header_only.write_bytes(data[: data.index(b"\n") + 1] + b"\r\n")
    run = import_file(header_only)
    assert run.outcome == ImportOutcome.REFUSED and run.kind
    assert run.message == "header.csv: the file has a header but no rows. Nothing was imported from this file."
    assert snapshot() == imported


def test_a_file_whose_first_line_is_blank_is_refused_saying_so(db):
    run = import_file(b"\r\nURN,LinkURN,LinkType\r\n100000,100001,Successor\r\n", file_name="links.csv")
    assert run.message == "links.csv: its first line is blank, where the header should be. Nothing was imported from this file."


@pytest.fixture
def failing_kind():
    """A kind whose loader fails with an error that is no refusal."""

    def load(ctx):
        raise RuntimeError("disk on fire")

    kind = register_kind(ImportKind("test_failing", "Failing test file", lambda header: header == ["FAIL"], load))
    yield kind
    del KINDS[kind.code]


def test_every_import_that_read_the_file_keeps_its_checksums_once_it_has_ended(db, tmp_path, half_writing_kind, failing_kind):
    """Whether it succeeded, changed nothing, was refused before or while loading, or failed; while it runs, and if the
    file could not be read, there are none yet."""

    def stored(run) -> tuple[str, str]:
        return tuple(ImportRun.objects.filter(pk=run.pk).values_list("checksum", "text_checksum").get())

    def sha256(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    def seen_while_running(run, kind):
        assert stored(run) == ("", "")

    whole = (sha256(GIAS_2021.read_bytes()),) * 2
    assert stored(succeeded := import_file(GIAS_2021, on_start=seen_while_running)) == whole
    assert stored(unchanged := import_file(GIAS_2021, on_start=seen_while_running)) == whole
    assert (succeeded.outcome, unchanged.outcome) == (ImportOutcome.SUCCEEDED, ImportOutcome.UNCHANGED)
    before_loading = import_file(GIAS_2021, la_codes=[999])
    assert (before_loading.outcome, stored(before_loading)) == (ImportOutcome.REFUSED, whole)
    for name, data in (("half.csv", b"HALF,B\n1,2\n3,x\n"), ("fail.csv", b"FAIL\n1\n")):
        (tmp_path / name).write_bytes(data)
        with contextlib.suppress(RuntimeError):
            import_file(tmp_path / name, on_start=seen_while_running)
        run = ImportRun.objects.get(file_name=name)
        assert stored(run) == (sha256(data),) * 2
    assert ImportRun.objects.get(file_name="half.csv").outcome == ImportOutcome.REFUSED
    assert ImportRun.objects.get(file_name="fail.csv").outcome == ImportOutcome.FAILED
    unreadable = import_file(b"\x1f\x8b not gzip", file_name="broken.csv.gz")
    assert (unreadable.outcome, stored(unreadable)) == (ImportOutcome.REFUSED, ("", ""))
