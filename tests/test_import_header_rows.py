"""A file whose header is not its first line: Excel's "sep=;" line above a header separated by semicolons, which was
refused as a file Common Ground does not recognise; and a title or "sep=," line above a header, whose refusal says
which row is the header but was listed on the Imports page as "Not recognised"."""

import csv
import io

import pytest
from django.urls import reverse

from accounts.roles import Role
from imports.models import ImportOutcome, ImportRun
from imports.services import import_file

from .conftest import sign_in
from .evidence_helpers import KS2
from .test_import_demo_files import GIAS_2022


def refused(path):
    run = ImportRun.objects.get(pk=import_file(path).pk)
    assert run.outcome == ImportOutcome.REFUSED, run.message
    return run


def saved_with(source, path, separator, above=()):
    """`source` written again with `separator` between its columns, `above` its header."""
    out = io.StringIO()
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8-sig"))))
    csv.writer(out, delimiter=separator, lineterminator="\r\n").writerows(rows)
    path.write_bytes(("".join(f"{line}\r\n" for line in above) + out.getvalue()).encode("utf-8-sig"))
    return path


@pytest.mark.parametrize(
    ("source", "separator", "words", "kind"),
    [(KS2[2019], ";", "semicolons", "ks2_final"), (GIAS_2022, "\t", "tabs", "gias_establishments")],
    ids=["sep=;", "sep=tab"],
)
def test_a_sep_line_naming_another_separator_is_refused_saying_how_to_save_the_file(db, tmp_path, source, separator, words, kind):
    run = refused(saved_with(source, tmp_path / source.name, separator, above=[f"sep={separator}"]))
    assert run.message == (
        f"{source.name}, row 1: its columns are separated by {words}, not commas: open it in a spreadsheet and save it as "
        "CSV UTF-8 (comma delimited), or import the file as downloaded. Nothing was imported from this file."
    )
    assert run.kind == kind  # listed as the kind of file it is, not "Not recognised"


@pytest.mark.parametrize("above", [["sep=,"], ["Key stage 2 results for Surrey, 2018/19", ""]], ids=["sep=,", "title"])
def test_a_file_refused_for_rows_above_its_header_is_listed_as_its_kind(world, tmp_path, client, above):
    run = refused(saved_with(KS2[2019], tmp_path / KS2[2019].name, ",", above=above))
    assert "this row is not a header, but row" in run.message
    assert run.kind == "ks2_final"
    sign_in(client, world.users[Role.LA_ADMIN])
    listing = client.get(reverse("imports:list")).content.decode()
    assert "Key stage 2 performance tables" in listing and "Not recognised" not in listing
