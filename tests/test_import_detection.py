import pytest

from imports.models import ImportOutcome, ImportRun
from imports.registry import ImportRefused
from imports.services import choose_kind, import_file
from imports.sources import read_source
from register.models import School

from .evidence_helpers import KS2, KS4, KS4_INFO_2024, OFSTED_ALL
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


def renamed(path, old: str, new: str) -> bytes:
    """The file at `path` with one column of its header renamed."""
    source = read_source(path)
    assert old in source.header
    rest = source.data.decode().split("\n", 1)[1]
    return (",".join(f'"{new if name == old else name}"' for name in source.header) + "\n" + rest).encode()


@pytest.mark.parametrize(
    ("path", "old", "new", "said"),
    [
        (KS4[2019], "ATT8SCR", "ATT8SCORE", "like that of a Key stage 4 performance tables file, but it has no column 'ATT8SCR'"),
        (KS2[2019], "PTRWM_EXP", "PTRWM_EXPECTED", "like that of a Key stage 2 performance tables file, but it has no column 'PTRWM_EXP'"),
        (
            KS4_INFO_2024,
            "p8_banding",
            "p8_band",
            "like that of a Key stage 4 information about schools (explore education statistics) file, but it has no column"
            " 'p8_banding' or 'progress8_banding'",
        ),
        (
            OFSTED_ALL,
            "Inclusion",
            "Inclusivity",
            "like that of an Ofsted: state-funded schools, all inspections year to date file, but it has no column 'Inclusion'",
        ),
    ],
    ids=["ks4", "ks2", "ees", "ofsted"],
)
def test_a_file_with_an_identifying_column_renamed_is_refused_naming_it(db, tmp_path, path, old, new, said):
    """A KS4 table with ATT8SCR renamed was "not a file Common Ground recognises", listing every kind; chosen as KS4,
    "its header is not that of a Key stage 4 performance tables file". Neither said which column the file lacks."""
    data = renamed(path, old, new)
    run = import_file(data, file_name=path.name.removesuffix(".gz"))
    assert run.outcome == ImportOutcome.REFUSED
    assert f"its header is {said}, which every such file has: correct the header if a column was renamed" in run.message
    assert "expected one of" not in run.message


def test_a_kind_chosen_that_lacks_an_identifying_column_is_refused_naming_it(db):
    data = renamed(KS4[2019], "ATT8SCR", "ATT8SCORE")
    with pytest.raises(ImportRefused) as refused:
        choose_kind(read_source(data, file_name=KS4[2019].name), "ks4_final")
    assert str(refused.value) == (
        "its header is not that of a Key stage 4 performance tables file, the kind chosen with --kind: it has no column"
        " 'ATT8SCR', which every such file has: correct the header if a column was renamed"
    )


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
