"""Files that used to crash an import or slip through: each is refused whole, naming file, row and column, and
the refusal is recorded as an ImportRun; or, where the file can be read after all (UTF-16), it imports as its
UTF-8 original would."""

import csv
import gzip
import io
import re
import shutil
import zipfile
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.roles import Role
from evidence.models import AreaObservation, Inspection, Observation, Source
from imports.models import ImportOutcome, ImportRun
from imports.services import import_file
from register.models import RegisterEvent, School

from . import evidence_helpers
from .conftest import sign_in
from .evidence_helpers import ABSENCE, KS2, KS4_PROVISIONAL
from .test_import_demo_files import GIAS_2021, GIAS_2022, snapshot
from .test_import_refusals import corrupt, set_field


@pytest.fixture
def surrey(db):
    """The real Surrey register (the 2021 extract, then the 2022 primary extract)."""
    import_file(GIAS_2021)
    import_file(GIAS_2022)


def everything():
    """Every register and evidence table, so a test can say 'exactly as before'."""
    return snapshot() | evidence_helpers.snapshot()


def refused(path_or_bytes, **options):
    """Import a file that must be refused; return the refusal as recorded (an ImportRun read back from the database)."""
    run = import_file(path_or_bytes, **options)
    stored = ImportRun.objects.get(pk=run.pk)
    assert stored.outcome == ImportOutcome.REFUSED, stored.message
    assert stored.finished_at is not None
    return stored


def rows_of(source):
    return list(csv.reader(io.StringIO(source.read_text(encoding="utf-8-sig"))))


def written(rows, path, encoding="utf-8", newline="\r\n"):
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


class TestColumnNamedTwice:
    """A column pasted in again beside itself: polars refused to read the KS2 table (DuplicateError, a traceback and
    no record); the GIAS reader quietly took the first."""

    @pytest.mark.parametrize(
        ("source", "column", "kind"), [(KS2[2019], "PTRWM_EXP", "ks2_final"), (GIAS_2022, "EstablishmentName", "gias_establishments")]
    )
    def test_is_refused_naming_the_column_and_both_places(self, surrey, tmp_path, source, column, kind):
        rows = rows_of(source)
        at = rows[0].index(column)
        for row in rows:
            if len(row) > at:
                row.insert(at + 1, row[at])
        before = everything()
        run = refused(written(rows, tmp_path / source.name))
        assert run.message == (
            f"{source.name}, row 1, column '{column}': the header has this column twice (columns {at + 1} and {at + 2}): "
            "remove or rename one. Nothing was imported from this file."
        )
        assert everything() == before
        assert run.kind == kind  # the Imports page says what kind of file it was, not "Not recognised"

    def test_blank_column_names_may_repeat(self, db):
        run = import_file(b"URN,LinkURN,LinkType,,\r\n100000,100001,Successor,,\r\n", file_name="links.csv")
        assert run.outcome == ImportOutcome.SUCCEEDED, run.message


class TestColumnsSeparatedOtherwise:
    """A file saved with semicolons between its columns (a spreadsheet set to a language whose decimal mark is a comma)
    or tabs ("Text (Tab delimited)") was "not a file Common Ground recognises", its whole header quoted as the first of
    the columns it starts with, and no word of why."""

    @pytest.mark.parametrize(
        ("source", "separator", "words", "kind"),
        [(KS2[2019], ";", "semicolons", "ks2_final"), (GIAS_2022, "\t", "tabs", "gias_establishments")],
        ids=["ks2 semicolons", "gias tabs"],
    )
    def test_is_refused_saying_what_separates_them(self, surrey, tmp_path, source, separator, words, kind):
        out = io.StringIO()
        csv.writer(out, delimiter=separator, lineterminator="\r\n").writerows(rows_of(source))
        (path := tmp_path / source.name).write_bytes(out.getvalue().encode("utf-8-sig"))
        before = everything()
        run = refused(path)
        assert run.message == (
            f"{source.name}, row 1: its columns are separated by {words}, not commas: open it in a spreadsheet and save it as "
            "CSV UTF-8 (comma delimited), or import the file as downloaded. Nothing was imported from this file."
        )
        assert run.kind == kind  # the Imports page still says what kind of file it is
        assert everything() == before

    def test_a_semicolon_in_a_comma_separated_header_is_no_sign(self, db):
        run = import_file(b"URN,LinkURN,LinkType,Note; one\r\n100000,100001,Successor,a;b\r\n", file_name="links.csv")
        assert run.outcome == ImportOutcome.SUCCEEDED, run.message


class TestThousandsSeparated:
    """A number written with commas between its thousands, as a spreadsheet formatted so saves it, was refused as "'1,170'
    is neither a number nor a known code" (or "is not a whole number"), which it plainly is, to a council officer."""

    def test_in_a_figures_file_the_refusal_says_how_the_number_is_written(self, surrey, tmp_path):
        """Kingswood Primary's row of the census summary (URN 124937, line 12615), with its 432 pupils as 1,432."""
        from .test_evidence_import_notes import edited, giving

        before = everything()
        run = refused(edited(evidence_helpers.CENSUS_2019, tmp_path, {12615: giving("NOR", "1,432")}, only=(12615,)), la_codes=[936])
        assert run.message == (
            "2018-2019-england_census.csv, row 2 (URN 124937), column 'NOR': '1,432' is neither a number nor one of the codes SUPP, NE, NA, NP, NEW, NR, LOWCOV: its "
            "thousands are separated by commas, as a spreadsheet may show a number, where the file writes plain digits (1432). "
            "Import the file as downloaded. Nothing was imported from this file."
        )
        assert everything() == before

    def test_in_a_register_extract_too(self, surrey, tmp_path):
        run = refused(corrupt(GIAS_2021, tmp_path, 103, set_field("SchoolCapacity", "1,050")))
        assert (
            "row 103 (URN 125004, Wood Street Infant School), column 'SchoolCapacity': '1,050' is not a whole number: its thousands "
            "are separated by commas, as a spreadsheet may show a number, where the file writes plain digits (1050)."
        ) in run.message

    def test_a_number_with_a_decimal_comma_is_not_said_to_have_thousands(self, surrey, tmp_path):
        run = refused(corrupt(GIAS_2021, tmp_path, 103, set_field("PercentageFSM", "13,5")))
        assert run.message.endswith("column 'PercentageFSM': '13,5' is not a number. Nothing was imported from this file.")


class TestUtf16:
    """UTF-16 with a byte-order mark (Excel's "Unicode text"): read_header crashed on its NUL bytes, or the header came
    out garbled. It is read as the text it is."""

    @pytest.mark.parametrize("newline", ["\r\n", "\n"], ids=["crlf", "lf"])
    def test_a_register_extract_imports_as_its_text(self, surrey, tmp_path, newline):
        rows = rows_of(GIAS_2022)
        name = rows[0].index("EstablishmentName")
        rows[1][name] = "Café " + rows[1][name]
        run = import_file(written(rows, tmp_path / GIAS_2022.name, "utf-16", newline))
        assert (run.outcome, run.changed, run.unchanged) == (ImportOutcome.SUCCEEDED, 1, 575), run.message
        assert School.objects.get(urn=int(rows[1][0])).name == rows[1][name]

    @pytest.mark.parametrize("source", [KS2[2019], ABSENCE], ids=["ks2 crlf", "absence lf"])
    def test_a_figures_file_imports_as_its_utf8_original(self, surrey, tmp_path, source):
        original = import_file(source)
        assert original.outcome == ImportOutcome.SUCCEEDED, original.message
        copy = tmp_path / source.name
        copy.write_bytes(source.read_bytes().decode("utf-8-sig").encode("utf-16"))
        run = import_file(copy)
        assert (run.outcome, run.rows_read) == (ImportOutcome.UNCHANGED, original.rows_read), run.message

    def test_utf16_without_a_byte_order_mark_is_refused_saying_what_to_do(self, db):
        data = "URN,LinkURN,LinkType\r\n100000,100001,Successor\r\n".encode("utf-16-le")
        run = refused(data, file_name="links.csv")
        assert run.message == (
            "links.csv: its first line holds NUL bytes between its letters, as UTF-16 without a byte-order mark does: save it as "
            "CSV UTF-8. Nothing was imported from this file."
        )


class TestNotACsvFile:
    """A zip archive, an Excel workbook or a gzip of a gzip crashed read_header with a csv.Error and left no record."""

    def test_a_zip_archive(self, db, tmp_path):
        path = tmp_path / "2018-2019-england_abs.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(ABSENCE, ABSENCE.name)
        run = refused(path)
        assert run.message == (
            "2018-2019-england_abs.zip: this is a zip archive: extract the CSV file from it first, and import that. "
            "Nothing was imported from this file."
        )

    def test_an_excel_workbook(self, db, tmp_path):
        path = tmp_path / "2018-2019-england_abs.xlsx"
        with zipfile.ZipFile(path, "w") as workbook:
            workbook.writestr("[Content_Types].xml", "<Types/>")
        run = refused(path)
        assert run.message.startswith("2018-2019-england_abs.xlsx: this is an Excel workbook: open it in Excel and save it as CSV UTF-8")

    @pytest.mark.parametrize("inner", ["gzip", "zip"])
    def test_a_gzip_holding_a_compressed_file(self, db, tmp_path, inner):
        if inner == "gzip":
            packed = gzip.compress(ABSENCE.read_bytes())
        else:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as archive:
                archive.write(ABSENCE, ABSENCE.name)
            packed = buffer.getvalue()
        run = refused(gzip.compress(packed), file_name="2018-2019-double.csv.gz")
        assert run.message == (
            "2018-2019-double.csv.gz: the file inside the gzip is itself compressed: unpack it until the CSV file is left, "
            "and import that. Nothing was imported from this file."
        )


class TestNotTextAtAll:
    """A PNG saved as .csv was refused as a UTF-8 file mixing two encodings, for the odd bytes of its image data."""

    PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x02\x1c\x00\x00\x01\x0c\x08\x06\x00\x00\x00\xdd\x8a\xf4"

    @pytest.mark.parametrize(
        ("start", "what"),
        [
            (PNG + "\u074a".encode() + bytes(range(256)), "a PNG image"),
            (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "a JPEG image"),
            (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document"),
        ],
        ids=["png", "jpeg", "pdf"],
    )
    def test_a_file_of_a_known_kind_is_named(self, db, start, what):
        run = refused(start + b"\n" * 100, file_name="schools.csv")
        assert run.message == (
            f"schools.csv: this is not a text (CSV) file: it looks like {what}. Import the data's CSV file instead. "
            "Nothing was imported from this file."
        )

    def test_an_older_excel_workbook_says_to_save_it_as_csv(self, db):
        run = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), file_name="schools.csv")
        assert run.message == (
            "schools.csv: this is not a text (CSV) file: it looks like an older Excel workbook (.xls) or other Office file. "
            "Open it in Excel and save it as CSV UTF-8 first. Nothing was imported from this file."
        )

    def test_a_gzipped_image_is_named_too(self, db):
        run = refused(gzip.compress(self.PNG), file_name="schools.csv.gz")
        assert "this is not a text (CSV) file: it looks like a PNG image" in run.message

    def test_bytes_of_no_known_kind_are_refused_as_not_text(self, db):
        data = bytes(range(256)) * 40  # NUL bytes, and control bytes one in ten, as binary data has
        run = refused(b"URN,LinkURN,LinkType\n" + data, file_name="links.csv")
        assert run.message == (
            "links.csv: this is not a text (CSV) file: it holds NUL bytes, which text never does. Import the data's CSV file "
            "instead. Nothing was imported from this file."
        )

    def test_bytes_named_as_a_gzip_but_not_one_say_the_file_is_damaged(self, db):
        """A .csv.gz upload that is neither gzip nor text was told it is "not a text (CSV) file", which the user knew."""
        run = refused(bytes(range(256)) * 40, file_name="2023-2024-england-ks4-school-information.csv.gz")
        assert run.message == (
            "2023-2024-england-ks4-school-information.csv.gz: its name ends .gz, but it is not a gzip file, nor text: it may be "
            "damaged, so download it again. Nothing was imported from this file."
        )
        gzipped_binary = refused(gzip.compress(bytes(range(256)) * 40), file_name="schools.csv.gz")
        assert "this is not a text (CSV) file: it holds NUL bytes" in gzipped_binary.message  # a real gzip, of something else

    def test_a_nul_byte_in_the_header_is_not_text(self, db):
        run = refused(b"URN,Link\x00URN,LinkType\n100000,100001,Successor\n", file_name="links.csv")
        assert "links.csv: this is not a text (CSV) file: it holds NUL bytes" in run.message

    @pytest.mark.parametrize(
        ("data", "file_name", "remedy"),
        [
            (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj" + b"\n" * 100, "schools.csv", "another"),
            (PNG + bytes(100), "schools.csv", "another"),
            (b"Rar!\x1a\x07\x01\x00" + bytes(100), "schools.csv", "another"),
            (bytes(range(256)) * 40, "links.csv", "another"),
            (gzip.compress(gzip.compress(b"URN\n1\n")), "schools.csv.gz", "another"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "schools.csv", "correct"),
        ],
        ids=["pdf", "png", "rar", "binary", "gzip in gzip", "xls"],
    )
    def test_its_page_says_to_import_the_csv_file_not_to_correct_this_one(self, client, world, data, file_name, remedy):
        """A PDF refused with "Import the data's CSV file instead" was followed on its page by "Correct the file and import
        it again": there is nothing in a PDF to correct. A workbook is saved as CSV, which the page may call correcting."""
        run = refused(data, file_name=file_name)
        assert run.remedy == remedy
        sign_in(client, world.users[Role.LA_ADMIN])
        page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
        assert ("Correct the file and" in page) == (remedy == "correct")
        assert (">Import another file</a>" in page) == (remedy == "another")

    def test_a_zip_archive_is_no_file_to_correct_either(self, db, tmp_path):
        path = tmp_path / "2018-2019-england_abs.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.write(ABSENCE, ABSENCE.name)
        assert refused(path).remedy == "another"


class TestWebPage:
    """A download that failed (or wanted its user to sign in) saves the website's page under the file's name: it was
    refused as "not a file Common Ground recognises; its header starts <!DOCTYPE html>…", and its page said to correct it."""

    @pytest.mark.parametrize(
        "page",
        [
            b"<!DOCTYPE html>\n<html lang='en'><head><title>Page not found</title></head><body>Not found</body></html>\n",
            b"\xef\xbb\xbf\r\n  <!doctype HTML>\r\n<html><body><p>Sign in</p></body></html>",
            b"<!-- served by the proxy -->\n<html>\n<body>502 Bad Gateway</body>\n</html>\n",
            gzip.compress(b"<html><head></head><body>Error</body></html>"),
        ],
        ids=["doctype", "byte-order mark", "comment first", "gzipped"],
    )
    def test_is_refused_as_a_web_page_to_download_again(self, db, page):
        run = refused(page, file_name="2018-2019-england_abs.csv")
        assert run.message == (
            "2018-2019-england_abs.csv: this is a web page (HTML), not a CSV file: the download may have failed and saved the "
            "website's page in its place, so download the file again. Nothing was imported from this file."
        )
        assert run.remedy == "download"

    def test_a_csv_file_whose_first_column_is_named_html_is_not_one(self, db):
        run = refused(b"html,body\n1,2\n", file_name="notes.csv")
        assert "notes.csv: not a file Common Ground recognises" in run.message


class TestRowsAboveTheHeader:
    """A title typed above the header, or the "sep=," line some programs write for Excel, was refused as "not a file Common
    Ground recognises", quoting the title as the header's start, with no word of the header below it."""

    @pytest.mark.parametrize(
        ("above", "row", "delete"),
        [
            (["sep=,"], 2, "the row above it"),
            (["Key stage 2 results for Surrey, 2018/19", ""], 3, "the 2 rows above it"),
            (['"Surrey schools, KS2 2019 (source: DfE)",,,', "Downloaded 12 December,,,", ",,,"], 4, "the 3 rows above it"),
        ],
        ids=["sep line", "title and a blank line", "title, note and a row of commas"],
    )
    def test_is_refused_saying_which_row_is_the_header_and_what_to_delete(self, surrey, tmp_path, above, row, delete):
        lines = KS2[2019].read_text(encoding="utf-8-sig").split("\r\n")
        path = tmp_path / KS2[2019].name
        path.write_bytes("\r\n".join([*above, *lines]).encode("utf-8-sig"))
        before = everything()
        run = refused(path)
        assert run.message == (
            f"{KS2[2019].name}, row 1: this row is not a header, but row {row} is that of a Key stage 2 performance tables "
            f"file: delete {delete}, so that the header is the file's first row. Nothing was imported from this file."
        )
        assert run.remedy == "correct"
        assert everything() == before

    def test_a_file_of_no_known_kind_is_still_refused_as_such(self, db):
        run = refused(b"Title\nNote,Author\nhello,me\n", file_name="notes.csv")
        assert "notes.csv: not a file Common Ground recognises; its header starts Title" in run.message


class TestHeaderMissing:
    """A file whose header row was lost has a row of data where the header should be: it was refused as a header naming
    a column many times ("the header has this column 4 times"), or as a file of no known kind."""

    @pytest.mark.parametrize(
        ("source", "message"),
        [
            (
                KS2[2019],
                "this row looks like data, not a header: it starts 1, 66562, 936, 2004, 145543 …, and 219 of its 314 values "
                "are numbers or dates",
            ),
            (
                GIAS_2022,
                "this row looks like data, not a header: it starts 124934, 936, Surrey, 2000, Abinger Common First School …, "
                "and 10 of its 61 values are numbers or dates",
            ),
            (
                ABSENCE,
                "this row looks like data, not a header: it starts 201, 3614, 100000, 2.6, 3.4, and all 5 of its values are numbers or dates",
            ),
        ],
        ids=["ks2", "gias", "absence"],
    )
    def test_is_refused_saying_the_first_row_is_data_and_the_header_is_needed(self, surrey, tmp_path, source, message):
        path = written(rows_of(source)[1:], tmp_path / source.name)
        before = everything()
        run = refused(path)
        assert run.message == (
            f"{source.name}, row 1: {message}, which no column name is. The file needs its header row (the names of its "
            "columns) as its first row: download the file again, or put its header row back. Nothing was imported from this file."
        )
        assert everything() == before

    def test_a_header_with_no_numbers_is_still_a_header_of_no_known_kind(self, db):
        run = refused(b"Note,Author\nhello,me\n", file_name="notes.csv")
        assert "notes.csv: not a file Common Ground recognises" in run.message


def test_a_file_of_a_data_set_not_taken_says_to_import_another_not_to_correct_it(client, world):
    """DfE's multi-academy trusts' table is refused as a file Common Ground does not recognise: its page said "Correct the
    file and import it again", where no correction would make it one; it says to import another file."""
    header = b"time_period,time_identifier,geographic_level,country_code,country_name,trust_uid,trust_name\n"
    run = refused(header + b"202425,Academic year,MAT,E92000001,England,2044,A TRUST\n", file_name="2024-2025-ks4-mats.csv")
    assert "2024-2025-ks4-mats.csv: not a file Common Ground recognises; its header starts time_period" in run.message
    assert run.remedy == "another"
    sign_in(client, world.users[Role.LA_ADMIN])
    page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert ">Import another file</a>" in page and "Correct the file" not in page


class TestMixedEncodings:
    """A UTF-8 file with one stray Windows-1252 byte was decoded wholly as Windows-1252: every UTF-8 name was garbled
    ('Café' as 'CafÃ©') and recorded as a change of name."""

    def test_is_refused_naming_the_row_of_the_stray_byte(self, surrey, tmp_path):
        rows = rows_of(GIAS_2022)
        name = rows[0].index("EstablishmentName")
        rows[2][name] = "Café " + rows[2][name]
        rows[17][name] += " \x00"  # becomes the stray byte below
        path = written(rows, tmp_path / GIAS_2022.name)
        path.write_bytes(path.read_bytes().replace(b"\x00", b"\xa3"))
        before = everything()
        run = refused(path)
        assert run.message == (
            f"{GIAS_2022.name}, row 18: the file is UTF-8 (it has 'é' written in UTF-8) but this row has a byte that is not "
            "(0xA3, '£' in Windows-1252): the file mixes two encodings, so correct this row and save the file as CSV UTF-8. "
            "Nothing was imported from this file."
        )
        assert everything() == before
        assert not RegisterEvent.objects.filter(import_run=run).exists()
        assert run.kind == "gias_establishments"  # its header is readable: the Imports page says what was refused

    def test_a_byte_order_mark_and_a_stray_byte_point_at_the_encoding_not_a_mangled_header(self, surrey, tmp_path):
        lines = ABSENCE.read_bytes().split(b"\n")
        lines[5] = lines[5] + b"\xa3"
        path = tmp_path / ABSENCE.name
        path.write_bytes(b"\n".join(lines))
        run = refused(path)
        assert run.message.startswith(
            f"{ABSENCE.name}, row 6: the file is UTF-8 (it starts with UTF-8's byte-order mark) but this row has a byte that is not "
            "(0xA3, '£' in Windows-1252)"
        )
        assert "recognises" not in run.message

    def test_a_file_wholly_in_windows_1252_still_imports(self, surrey, tmp_path):
        rows = rows_of(GIAS_2022)
        name = rows[0].index("EstablishmentName")
        rows[2][name] = "Café " + rows[2][name]
        run = import_file(written(rows, tmp_path / GIAS_2022.name, "windows-1252"))
        assert (run.outcome, run.changed) == (ImportOutcome.SUCCEEDED, 1), run.message
        assert School.objects.get(urn=int(rows[2][0])).name == rows[2][name]


class TestControlCharacters:
    """A file with a line of NUL bytes was refused for the right reason, but the reason, holding the NULs, could not be
    stored in PostgreSQL: the run failed with a database error, and the import worker stopped."""

    def test_a_cell_of_nul_bytes_is_refused_and_said_as_escapes(self, surrey, tmp_path):
        path = tmp_path / ABSENCE.name
        path.write_bytes(ABSENCE.read_bytes().rstrip(b"\r\n") + b"\n202,2000,\x00\x00137\x01,4.3,11\n")
        before = everything()
        run = refused(path)
        assert "row 21219, column 'URN': '\\x00\\x00137\\x01' is not a URN" in run.message, run.message
        assert "\x00" not in run.message and "\x01" not in run.message
        assert everything() == before


class TestBlankUrn:
    """A school's row with its URN blank said "'None' is neither a number nor one of the codes SUPP, NE, NA, NP, NEW, NR, LOWCOV"; in an Ofsted file, "'' is not
    a URN"."""

    @pytest.mark.parametrize(
        ("source", "row"), [(KS2[2019], 11), (ABSENCE, 20312), (evidence_helpers.OFSTED_ALL, 40)], ids=["ks2", "absence", "ofsted"]
    )
    def test_says_the_urn_is_blank(self, surrey, tmp_path, source, row):
        rows = rows_of(source)
        rows[row - 1][rows[0].index("URN")] = ""
        before = everything()
        run = refused(written(rows, tmp_path / source.name))
        assert run.message == f"{source.name}, row {row}, column 'URN': the URN is blank. Nothing was imported from this file."
        assert everything() == before


def run_command(*args):
    out = StringIO()
    call_command("import_data", *[str(a) for a in args], stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_command_goes_on_after_a_refused_file_and_fails_at_the_end_naming_it(db, tmp_path):
    """Each file is its own all-or-nothing import: one refused does not stop those after it."""
    notes = tmp_path / "notes.csv"
    notes.write_text("Note,Author\nhello,me\n")
    absent = tmp_path / "absent.csv"
    with pytest.raises(CommandError) as error:
        run_command(notes, GIAS_2021, absent)
    message = str(error.value)
    assert "notes.csv: not a file Common Ground recognises" in message
    assert f"{absent}: cannot read the file" in message
    assert message.endswith(f"2 of 3 files not imported: {notes} and {absent}.")
    assert School.objects.count() == 590
    assert list(ImportRun.objects.order_by("pk").values_list("file_name", "outcome")) == [
        ("notes.csv", ImportOutcome.REFUSED),
        (GIAS_2021.name, ImportOutcome.SUCCEEDED),
    ]


def test_a_last_inspection_after_today_in_a_register_extract_is_refused(db, tmp_path):
    """GIAS's OfstedLastInsp becomes an inspection in the school's history, and its latest: a date after today is a slip."""
    tomorrow = (date.today() + timedelta(days=1)).strftime("%d-%m-%Y")
    run = refused(corrupt(GIAS_2021, tmp_path, 103, set_field("OfstedLastInsp", tomorrow)))
    assert run.message == (
        f"{GIAS_2021.name}, row 103 (URN 125004, Wood Street Infant School), column 'OfstedLastInsp': '{tomorrow}' cannot be the date of the last inspection: it is after "
        "today. Nothing was imported from this file."
    )
    assert not School.objects.exists() and not Inspection.objects.exists()


def test_figures_for_a_year_dfe_published_none_for_are_refused(surrey, tmp_path):
    """Key stage 2's 2018/19 tables under a 2019/20 name, their columns' years moved on to match: there were no tests that
    year, and the school's page says so; the file's year must be wrong."""
    header, rest = KS2[2019].read_text(encoding="utf-8-sig").split("\n", 1)
    header = re.sub(r"_(1[78])(?=,|\r?$)", lambda year: f"_{int(year[1]) + 1}", header)
    path = tmp_path / "2019-2020-936-ks2final.csv"
    path.write_text(f"{header}\n{rest}", encoding="utf-8")
    before = everything()
    run = refused(path)
    assert re.fullmatch(
        r"2019-2020-936-ks2final\.csv, row \d+: it gives a figure for 2019/20 \(.+\), a year DfE published none for: No data "
        r"published for 2019/20 and 2020/21 \(pandemic\)\. Check which year the file is for\. Nothing was imported "
        r"from this file\.",
        run.message,
    ), run.message
    assert everything() == before


class TestRenamedCopy:
    """The same bytes under a name that gives another year or release stored every figure again as that one's."""

    def test_under_another_year_is_refused_naming_the_earlier_import(self, surrey, tmp_path):
        first = import_file(KS4_PROVISIONAL)
        assert first.outcome == ImportOutcome.SUCCEEDED, first.message
        copy = shutil.copy(KS4_PROVISIONAL, tmp_path / "2019-2020-england_ks4provisional.csv")
        before = everything()
        run = refused(copy)
        assert run.message == (
            "2019-2020-england_ks4provisional.csv: these are the same contents as 2018-2019-england_ks4provisional.csv, imported as "
            f"Key stage 4 performance tables (provisional), 2018/19 (import {first.pk}); under this name they would be stored "
            "again as Key stage 4 performance tables (provisional), 2019/20. Import the file DfE published for that instead. "
            "Nothing was imported from this file."
        )
        assert (run.kind, run.checksum) == ("ks4_provisional", first.checksum)
        assert everything() == before
        assert not AreaObservation.objects.filter(year=2020).exists()

    @pytest.mark.parametrize(
        ("suffix", "wrapped"),
        [
            (".csv.gz", gzip.compress),
            (".csv", lambda data: data.removeprefix(b"\xef\xbb\xbf")),  # without the byte-order mark DfE's file has
            (".csv", lambda data: data.decode("utf-8").encode("utf-16")),
        ],
        ids=["gzipped", "byte-order-mark", "utf-16"],
    )
    def test_a_copy_wrapped_otherwise_is_known_too(self, surrey, tmp_path, suffix, wrapped):
        """Gzipping a file, saving it without a byte-order mark or as UTF-16 changes its bytes, not what it says."""
        first = import_file(KS4_PROVISIONAL)
        copy = tmp_path / f"2019-2020-england_ks4provisional{suffix}"
        copy.write_bytes(wrapped(KS4_PROVISIONAL.read_bytes()))
        run = refused(copy)
        assert run.message.startswith(
            f"{copy.name}: these are the same contents as 2018-2019-england_ks4provisional.csv, imported as "
            f"Key stage 4 performance tables (provisional), 2018/19 (import {first.pk})"
        )
        assert run.text_checksum == first.text_checksum and run.checksum != first.checksum  # the page shows the bytes' own
        assert not AreaObservation.objects.filter(year=2020).exists()

    def test_an_import_from_before_text_checksums_is_known_by_its_bytes(self, surrey, tmp_path):
        first = import_file(KS4_PROVISIONAL)
        ImportRun.objects.filter(pk=first.pk).update(text_checksum="")
        run = refused(shutil.copy(KS4_PROVISIONAL, tmp_path / "2019-2020-england_ks4provisional.csv"))
        assert f"(import {first.pk})" in run.message

    def test_under_another_release_is_refused(self, surrey, tmp_path):
        first = import_file(KS2[2019])
        copy = shutil.copy(KS2[2019], tmp_path / "2018-2019-936-ks2provisional.csv")
        run = refused(copy)
        assert run.message.startswith(
            "2018-2019-936-ks2provisional.csv: these are the same contents as 2018-2019-936-ks2final.csv, imported as "
            f"Key stage 2 performance tables (final), 2018/19 (import {first.pk}); under this name they would be stored again "
            "as Key stage 2 performance tables (provisional), 2018/19."
        )
        assert not Observation.objects.filter(source=Source.KS2_PROVISIONAL).exists()

    @pytest.mark.parametrize("name", ["201819_england_ks4provisional.csv", "2018-2019-england_ks4provisional (1).csv"])
    def test_under_a_name_giving_the_same_year_and_release_is_unchanged(self, surrey, tmp_path, name):
        import_file(KS4_PROVISIONAL)
        run = import_file(shutil.copy(KS4_PROVISIONAL, tmp_path / name))
        assert run.outcome == ImportOutcome.UNCHANGED, run.message

    def test_a_kind_whose_name_gives_nothing_is_unchanged_under_any_name(self, surrey, tmp_path):
        run = import_file(shutil.copy(GIAS_2022, tmp_path / "2030-2031-renamed.csv"))
        assert run.outcome == ImportOutcome.UNCHANGED, run.message


def test_two_imports_of_the_same_figures_at_once_take_turns(emptied_audit_log, tmp_path, monkeypatch):
    """The same corrected file imported twice at once (from the command line while the Imports page's worker runs it):
    the second waits for the first and finds its figures as the first left them, rather than replacing them from what
    it read before the first wrote, and failing on the first's rows. (SQLite's write lock already keeps imports in turn.)"""
    import threading

    from django.db import connection

    from evidence import store
    from evidence.models import FigureChange

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    import_file(GIAS_2021)
    import_file(KS2[2019])
    corrected = evidence_helpers.ks2_2019_with_guildford_grove(tmp_path / KS2[2019].name, "61%")
    first_has_read = threading.Event()
    existing = store._existing

    def slowly(*args, **kwargs):
        held = existing(*args, **kwargs)
        if not first_has_read.is_set():
            first_has_read.set()
            first_has_read.wait()
            threading.Event().wait(1)  # time for the second import to read what the first has not yet replaced
        return held

    monkeypatch.setattr(store, "_existing", slowly)
    runs = []

    def run():
        try:
            runs.append(import_file(corrected))
        finally:
            connection.close()

    first = threading.Thread(target=run)
    first.start()
    first_has_read.wait(30)
    second = threading.Thread(target=run)
    second.start()
    first.join(60)
    second.join(60)
    assert sorted(run.outcome for run in runs) == [ImportOutcome.SUCCEEDED, ImportOutcome.UNCHANGED]
    assert evidence_helpers.figure(143373, "ks2_rwm_expected", 2019) == (61.0, "Value given")
    assert FigureChange.objects.filter(school__urn=143373).count() == 1


def test_an_import_waits_for_another_no_longer_than_a_run_may_go_unheard_from(emptied_audit_log, monkeypatch):
    """On PostgreSQL, as on SQLite: an import that another holds up past the wait fails, saying so, and keeps nothing."""
    import psycopg
    from django.db import connection

    from imports import services

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    monkeypatch.setattr(services, "IMPORT_WAITS_SECONDS", 1)
    settings = connection.settings_dict
    other = psycopg.connect(dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], port=settings["PORT"] or 5432)
    with other.transaction():
        other.execute("SELECT pg_advisory_xact_lock(%s)", [services.IMPORT_LOCK])  # another import, writing
        with pytest.raises(Exception, match="another import held the database for over 1 second"):
            import_file(GIAS_2021)
    other.close()
    run = ImportRun.objects.get()
    assert run.outcome == ImportOutcome.FAILED and "another import held the database for over 1 second" in run.message
    assert not School.objects.exists()


class TestCodesThatAreNotWholeNumbers:
    """A URN or LA code is a whole number. One with a fraction ('145543.9', '1.45543E+05') is not read as the whole number
    before its point, which would file the row's figures under a school or an authority it does not name; and an LA
    code an authority's figure needs that is blank or not a number refuses the file, naming row and column, rather
    than failing as its figures are written."""

    @staticmethod
    def ks2_2019(tmp_path, rectype: str, column: str, value: str):
        """The real 2018/19 Surrey KS2 table with `column` of its first row of record type `rectype` set to `value`."""
        rows = rows_of(KS2[2019])
        line = next(i for i, row in enumerate(rows) if row[0] == rectype)
        rows[line][rows[0].index(column)] = value
        return written(rows, tmp_path / KS2[2019].name), line + 1

    @pytest.mark.parametrize("urn", ["145543.9", "1.45543E+05", "-145543"])
    def test_a_schools_urn_with_a_fraction_or_sign_is_refused(self, surrey, tmp_path, urn):
        before = everything()
        path, line = self.ks2_2019(tmp_path, "1", "URN", urn)
        run = refused(path)
        assert f"row {line}, column 'URN': '{urn}' is not a URN: a whole number" in run.message
        assert everything() == before

    @pytest.mark.parametrize("lea", ["", "Surrey", "936.5"])
    def test_an_authoritys_row_without_a_whole_la_code_is_refused(self, surrey, tmp_path, lea):
        before = everything()
        path, line = self.ks2_2019(tmp_path, "3", "LEA", lea)
        run = refused(path)
        said = "the LEA is blank" if not lea else f"'{lea}' is not an LA code: a whole number"
        assert f"row {line}, column 'LEA': {said}" in run.message
        assert everything() == before

    def test_a_whole_number_written_with_a_point_nought_is_still_read(self, surrey, tmp_path):
        path, _ = self.ks2_2019(tmp_path, "1", "URN", "145543.0")
        run = import_file(path)
        assert run.outcome == ImportOutcome.SUCCEEDED, run.message
        assert Observation.objects.filter(school__urn=145543).exists()

    @pytest.mark.parametrize("code", ["", "936.5"])
    def test_a_state_funded_schools_census_row_without_a_whole_la_code_is_refused(self, surrey, tmp_path, code):
        """The school-level census: each authority's percentages are summed over its state-funded schools by their
        old_la_code (Chertsey Nursery School's row, URN 124911, line 22975, here)."""
        from .test_evidence_import_notes import edited, giving

        before = everything()
        run = refused(edited(evidence_helpers.CENSUS_2023, tmp_path, {22975: giving("old_la_code", code)}, only=(22975,)), la_codes=[936])
        said = "the old_la_code is blank" if not code else f"'{code}' is not an LA code: a whole number"
        assert f"row 2 (URN 124911, Chertsey Nursery School), column 'old_la_code': {said}." in run.message
        assert everything() == before

    @pytest.mark.parametrize("code", ["", "936.5"])
    def test_a_state_funded_schools_census_summary_row_without_a_whole_la_code_is_refused(self, surrey, tmp_path, code):
        """The census summary: each authority's percentages are summed over its state-funded schools by LA (Kingswood
        Primary's row, URN 124937, line 12615)."""
        from .test_evidence_import_notes import edited, giving

        before = everything()
        run = refused(edited(evidence_helpers.CENSUS_2019, tmp_path, {12615: giving("LA", code)}, only=(12615,)), la_codes=[936])
        said = "the LA is blank" if not code else f"'{code}' is not an LA code: a whole number"
        assert f"row 2 (URN 124937), column 'LA': {said}." in run.message
        assert everything() == before


def test_postgresql_plans_for_the_rows_an_import_added_once_it_has_committed(emptied_audit_log):
    """A table an import filled was planned for as the empty table it had been until autovacuum (off on some servers)
    analysed it: a page joining it ran for many seconds. The tables the import changed much of are analysed at its
    commit, and no others."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")

    def last_analysed() -> dict:
        with connection.cursor() as cursor:
            cursor.execute("SELECT relname, last_analyze FROM pg_stat_user_tables WHERE relname IN ('register_school', 'accounts_user')")
            return dict(cursor.fetchall())

    from imports.statistics import wait_for_analyses

    before = last_analysed()
    run = import_file(GIAS_2021)
    assert run.outcome == ImportOutcome.SUCCEEDED, run.message
    wait_for_analyses()  # beside the import, once it has committed
    after = last_analysed()
    assert after["register_school"] is not None and after["register_school"] != before["register_school"]
    assert after["accounts_user"] == before["accounts_user"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'register_school'")
        assert cursor.fetchone()[0] == School.objects.count()


def with_empty_rows(source, path):
    """A copy of `source` at `path` as a spreadsheet may save it: after its second row, a blank line, a row of commas
    as wide as the header (a row whose cells were cleared) and a shorter one of empty quoted values; and a row of commas
    after its last row."""
    data = source.read_bytes()
    data = gzip.decompress(data) if source.suffix == ".gz" else data
    end = b"\r\n" if b"\r\n" in data[:65536] else b"\n"
    width = len(next(csv.reader([data[: data.index(b"\n")].decode("utf-8-sig")])))
    lines = data.split(end)
    lines[3:3] = [b"", b"," * (width - 1), b'"",""']
    path.write_bytes(end.join(lines).rstrip(end) + end + b"," * (width - 1) + end)
    return path


@pytest.mark.parametrize(
    "source",
    [GIAS_2021, KS2[2019], evidence_helpers.KS4_INFO_2024, evidence_helpers.OFSTED_ALL, evidence_helpers.DATA / "2018-2019-ks2_meta.csv"],
    ids=["gias", "performance-table", "ees", "ofsted", "meta"],
)
def test_rows_that_hold_nothing_are_skipped_by_every_kind_and_said_so(db, tmp_path, source):
    """Rows left blank or only commas (as a spreadsheet saves a row whose cells were cleared) were refused by the register's,
    Ofsted's, the census's and explore-education-statistics' files, naming the row, but skipped by the performance tables
    without a word (counted as read, not as skipped) and by the meta files uncounted. Every kind now skips them, counts
    them among the rows skipped, and names them; and what the file holds is taken as from the file without them."""
    if source != GIAS_2021:
        import_file(GIAS_2021)
    run = import_file(with_empty_rows(source, tmp_path / source.name.removesuffix(".gz")))
    assert run.outcome == ImportOutcome.SUCCEEDED, run.message
    assert run.skipped_empty >= 4
    assert "4 rows hold nothing (they are blank, or only commas), such as rows 4, 5 and 6: they were skipped." in run.message
    again = import_file(source)
    assert (again.outcome, again.rows_read) == (ImportOutcome.UNCHANGED, run.rows_read - 4), again.message


def test_a_refusal_after_rows_that_hold_nothing_names_the_row_as_the_file_numbers_it(db, tmp_path):
    """The register's loaders find rows by their place among the rows read, which skipping rows would shift."""
    path = with_empty_rows(GIAS_2021, tmp_path / "gias.csv")
    lines = path.read_bytes().split(b"\r\n")
    lines[9] = set_field("OpenDate", "31-02-2017")(lines[9].decode()).encode()
    path.write_bytes(b"\r\n".join(lines))
    run = refused(path)
    assert run.message.startswith("gias.csv, row 10 (URN "), run.message
    assert "column 'OpenDate': '31-02-2017' is not a date: there is no such day" in run.message


def test_a_last_row_of_commas_short_of_the_header_with_no_line_end_is_still_refused_as_cut_short(db, tmp_path):
    """It may be a row cut short, whose later fields were not blank."""
    data = GIAS_2021.read_bytes().rstrip(b"\r\n") + b"\r\n,,,"
    run = refused(data, file_name="gias.csv")
    assert "row 592: the file ends part-way through this row (4 of " in run.message
