from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from imports.services import import_file
from register.models import GroupMembership, School

from .evidence_helpers import ABSENCE, KS2, KS4_PROVISIONAL, chart_wood_ks2_2019
from .test_import_demo_files import GIAS_2021, GROUP_LINKS


def run_command(*args):
    out = StringIO()
    call_command("import_data", *[str(a) for a in args], stdout=out, stderr=StringIO())
    return out.getvalue()


def test_command_says_what_it_took_each_file_as_and_what_changed(db):
    output = run_command(GIAS_2021, GROUP_LINKS, "--la", 936)
    assert "Importing surrey-2021-05-establishments.csv (GIAS establishment extract)" in output
    assert "Importing group-links-2022-07-national.csv.gz (GIAS group links list)" in output
    assert "590 rows read; 590 new, 0 changed, 0 unchanged." in output
    assert School.objects.count() == 590
    assert GroupMembership.objects.count() == 342


def test_command_names_a_kind_whose_label_is_plural_as_it_reads(db):
    output = run_command(GIAS_2021, KS2[2019])
    assert "Importing 2018-2019-936-ks2final.csv (Key stage 2 performance tables, final, 2018/19)" in output
    assert " as a " not in output


def test_command_names_a_kind_whose_label_has_brackets_without_brackets_in_brackets(db):
    output = run_command(GIAS_2021, ABSENCE)
    assert "Importing 2018-2019-england_abs.csv (Pupil absence, performance tables, 2018/19)" in output
    assert "2018-2019-england_abs.csv (Pupil absence, performance tables, 2018/19): " in output


def test_command_names_a_file_as_it_begins_in_the_words_of_its_outcome(db):
    """The provisional KS4 headline file was announced as "Key stage 4 headline measures, provisional", then said to have been
    taken as "Key stage 4 performance tables, provisional, 2018/19": two names for one data set."""
    output = run_command(GIAS_2021, KS4_PROVISIONAL)
    named = "2018-2019-england_ks4provisional.csv (Key stage 4 performance tables, provisional, 2018/19)"
    assert f"Importing {named}\n" in output
    assert f"\n{named}: 5,652 rows read;" in output
    assert "headline measures, provisional" not in output


@pytest.mark.parametrize(
    ("name", "taken_as"),
    [
        ("2018-2019-936-ks2final.csv", "Key stage 2 performance tables, final, 2018/19"),
        ("2018-2019-936-ks2provisional.csv", "Key stage 2 performance tables, provisional, 2018/19"),
        ("2018-2019-936-ks2revised.csv", "Key stage 2 performance tables, revised, 2018/19"),
        # No year in the name: the columns repeating the two years before (_17, _18) give it.
        ("ks2 results for Surrey.csv", "Key stage 2 performance tables, final, 2018/19"),
    ],
)
def test_an_import_says_which_release_and_year_it_took_the_figures_for(db, tmp_path, name, taken_as):
    """The release (and, for some files, the year) comes from the file's name alone: the import said only that the file
    was of key stage 2 performance tables, so that a file misnamed, a provisional one stored as final, went unnoticed."""
    path = tmp_path / name
    path.write_bytes(KS2[2019].read_bytes())
    assert import_file(path).message.startswith(f"{name} ({taken_as}): 242 rows read;")


def test_command_twice_reports_no_changes(db):
    run_command(GIAS_2021)
    assert "nothing has changed since the last import" in run_command(GIAS_2021)


def test_command_exits_non_zero_on_a_refused_file_keeping_earlier_files(db, tmp_path):
    bad = tmp_path / "notes.csv"
    bad.write_text("Note,Author\nhello,me\n")
    with pytest.raises(CommandError, match="notes.csv: not a file Common Ground recognises"):
        run_command(GIAS_2021, bad)
    assert School.objects.count() == 590


def test_command_reports_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        run_command(tmp_path / "absent.csv")


def test_rows_skipped_by_an_import_of_every_authority_are_said_to_be_not_in_the_register(db):
    run_command(GIAS_2021, "--la", 936)
    School.objects.filter(urn=125004).delete()
    everything = run_command(KS2[2019])
    assert " not in the register; 1 row giving no figures)." in everything and "outside the authorities" not in everything
    limited = run_command(KS2[2018], "--la", 936)
    assert "skipped (39 outside the authorities asked for, or not in the register; 2 rows of England's figures" in limited


def test_rows_a_links_file_skips_are_said_to_be_repeated_not_missing_from_the_register(db, tmp_path):
    run_command(GIAS_2021, "--la", 936)
    row = '124937,999999,"Gone School","Predecessor","01-09-2012"\n'
    path = tmp_path / "links_edubasealldata.csv"
    path.write_text('"URN","LinkURN","LinkName","LinkType","LinkEstablishedDate"\n' + row + row)
    output = run_command(path)
    assert "1 skipped (a row given twice, or, in a file older than the register's links, a pair of schools it already links)." in output
    assert "not in the register" not in output


def test_a_long_import_from_the_command_line_is_heard_from_and_not_taken_for_stopped(db):
    """The Imports page marks failed a run not heard from for half an hour: the command says how its import goes, as the
    worker does, so one that takes longer is not taken for stopped while it is still importing."""
    from datetime import timedelta

    from django.utils import timezone

    from imports.signals import file_loaded

    seen = []

    def two_hours_in(run, **kwargs):
        run.started_at = timezone.now() - timedelta(hours=2)
        seen.append((run.silent_too_long, run.live_progress))

    file_loaded.connect(two_hours_in)
    try:
        run_command(GIAS_2021)
    finally:
        file_loaded.disconnect(two_hours_in)
    assert seen == [(False, 99)]


def test_the_command_reports_the_per_cents_an_upload_shows_for_the_rows_stored(db, monkeypatch):
    """Reading the file is the first tenth of an upload's progress bar (ImportRun.heard_of_rows, which the worker
    reports through too); the command line reports the same steps, so a run looks the same on the Imports page."""
    from imports.models import ImportRun

    heard = []
    monkeypatch.setattr(ImportRun, "heard_from", lambda run, per_cent: heard.append(per_cent))
    run_command(GIAS_2021)
    assert heard[:2] == [0, 10] and heard[-1] == 99 and heard == sorted(heard)


def test_command_counts_a_row_giving_no_figure_that_removed_those_held_apart_from_the_rows_skipped(db, tmp_path):
    """Chart Wood School's row alone, once with a figure and then blank as DfE give it: the blank row removed the figure,
    and is said to have, not counted among the rows skipped as giving no figures."""
    run_command(GIAS_2021, chart_wood_ks2_2019(tmp_path / KS2[2019].name, "50%"))
    output = run_command(chart_wood_ks2_2019(tmp_path / KS2[2019].name))
    assert (
        "1 row read; figures: 0 new, 1 changed, 0 unchanged; 1 row gave no figure at all: the figures held for its school "
        "that year were removed.\n"
    ) in output
    assert "skipped" not in output
