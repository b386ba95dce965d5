import pytest

from imports.models import ImportOutcome, ImportRun
from imports.registry import ImportRefused
from imports.services import choose_kind, import_file
from imports.sources import read_source
from register.models import School

from .test_import_demo_files import GIAS_2021, GIAS_2022, GROUP_LINKS, GROUPS, LINKS_2021, LINKS_2025


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (GIAS_2021, "gias_establishments"),
        (GIAS_2022, "gias_establishments"),
        (GROUPS, "gias_groups"),
        (GROUP_LINKS, "gias_group_links"),
        (LINKS_2021, "gias_links"),
        (LINKS_2025, "gias_links"),
    ],
)
def test_each_real_file_is_detected_as_its_kind(path, kind):
    assert choose_kind(read_source(path)).code == kind


def test_windows_1252_links_file_is_decoded_as_such():
    source = read_source(LINKS_2025)
    assert source.encoding == "windows-1252"
    assert source.header == ["URN", "LinkURN", "LinkName", "LinkType", "LinkEstablishedDate"]


def test_gzipped_file_is_checksummed_as_given_and_read_unpacked():
    source = read_source(GROUP_LINKS)
    assert source.header[:3] == ["", "URN", "Group UID"]
    assert len(source.checksum) == 64


def test_file_nobody_recognises_is_refused_naming_what_was_expected(db, tmp_path):
    path = tmp_path / "ks2.csv"
    path.write_text("RECTYPE,LEA,URN,SCHNAME\n1,936,125004,Wood Street\n")
    run = import_file(path)
    assert run.outcome == ImportOutcome.REFUSED
    assert run.message.startswith("ks2.csv: not a file Common Ground recognises; its header starts RECTYPE, LEA, URN, SCHNAME")
    assert "expected one of: GIAS establishment extract" in run.message
    assert School.objects.count() == 0
    assert ImportRun.objects.get() == run


def test_kind_given_overrides_detection(db):
    with pytest.raises(ImportRefused, match="no kind of file called 'ks9'"):
        choose_kind(read_source(GIAS_2021), "ks9")
    run = import_file(LINKS_2021, kind="gias_links")
    assert run.kind == "gias_links"
    assert run.outcome == ImportOutcome.SUCCEEDED
    with pytest.raises(
        ImportRefused, match="its header is not that of a GIAS groups list file, the kind chosen with --kind; its header starts"
    ):
        choose_kind(read_source(b"A,B\n1,2\n", file_name="odd.csv"), "gias_groups")


def test_a_file_whose_lines_end_with_a_carriage_return_alone_imports_like_the_original(db):
    crlf = GIAS_2021.read_bytes()
    assert b"\r\n" in crlf
    run = import_file(crlf.replace(b"\r\n", b"\r"), file_name=GIAS_2021.name)
    assert (run.outcome, run.created) == (ImportOutcome.SUCCEEDED, School.objects.count()) and run.created > 500
