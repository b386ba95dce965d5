import gzip
import io
import re
from datetime import date

import pytest
from django.test import override_settings
from django.urls import reverse

from accounts.roles import Role
from core.words import isolated
from imports.models import ImportOutcome, ImportRun
from imports.registry import KINDS, Counts, ImportKind, Remedy, register_kind
from imports.services import import_file
from register.models import RegisterEvent, School

from .conftest import rows_not_headed_by_their_first_cell, sign_in
from .evidence_helpers import KS2, chart_wood_ks2_2019, ks2_2019_with_guildford_grove, text
from .factories import UserFactory, grant
from .test_import_demo_files import GIAS_2021, GIAS_2022

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.mark.parametrize("role", [Role.HEADTEACHER, Role.LA_OFFICER, Role.TRUST_LEADER, Role.ADVISER])
def test_imports_page_is_forbidden_to_everyone_but_la_administrators(client, world, role):
    sign_in(client, world.users[role])
    run = ImportRun.objects.create(file_name="x.csv", checksum="0")
    assert client.get(reverse("imports:list")).status_code == 403
    assert client.get(reverse("imports:detail", args=[run.pk])).status_code == 403


def test_la_admin_sees_the_runs_with_their_outcomes(client, world):
    import_file(GIAS_2021, user=world.users[Role.LA_ADMIN])
    import_file(GIAS_2021)
    sign_in(client, world.users[Role.LA_ADMIN])
    response = client.get(reverse("imports:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "surrey-2021-05-establishments.csv" in page
    assert "GIAS establishment extract" in page
    assert "govuk-tag--green" in page and "Imported" in page
    assert "No changes" in page
    assert world.users[Role.LA_ADMIN].full_name in page and "Command line" in page


def test_import_detail_lists_the_register_changes_it_recorded(client, world):
    import_file(GIAS_2021)
    run = import_file(GIAS_2022)
    sign_in(client, world.users[Role.LA_ADMIN])
    page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert run.message.replace(run.file_name, f"<bdi>{run.file_name}</bdi>") in page  # the file's name isolated
    first = RegisterEvent.objects.filter(import_run=run).order_by("school__name", "kind").first()
    assert first.school.name in page and first.get_kind_display() in page
    events = RegisterEvent.objects.filter(import_run=run).order_by("school__name", "kind")
    wood_street = list(events.values_list("school__urn", flat=True)).index(125004)
    page = client.get(reverse("imports:detail", args=[run.pk]), {"page": wood_street // 50 + 1}).content.decode()
    assert "Wood Street Infant School" in page
    assert "Miss Katherine Potter" in page
    assert f"{RegisterEvent.objects.filter(import_run=run).count()} changes" in page


def test_import_detail_lists_the_figures_a_corrected_file_changed(client, world, tmp_path):
    import_file(GIAS_2021)
    import_file(KS2[2019])
    corrected = ks2_2019_with_guildford_grove(tmp_path / KS2[2019].name, "58%")
    run = import_file(corrected)
    school = School.objects.get(urn=143373)
    sign_in(client, world.users[Role.LA_ADMIN])
    page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert "Figures changed" in page and "Changes to the register" not in page
    assert "1 figure." in page and school.name in page and reverse("evidence:school-results", args=[143373]) in page
    cells = [cell.strip() for cell in re.findall(r'<td class="govuk-table__cell">(.*?)</td>', page, re.S)]
    assert cells == ["Reading, writing and maths: % at the expected standard", "2018/19", "56%", "58%"]
    assert not rows_not_headed_by_their_first_cell(page)  # each figure is read with the school it is for
    # Another authority's administrator sees the national file's import, not the change to a Surrey school.
    hampshire = UserFactory(email="admin@hampshire.example")
    grant(hampshire, Role.LA_ADMIN, world.other_la)
    sign_in(client, hampshire)
    page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert "This import changed no figure already held" in page and school.name not in page
    # Importing the corrected file again changes nothing more.
    again = import_file(corrected)
    sign_in(client, world.users[Role.LA_ADMIN])
    assert "This import changed no figure already held" in client.get(reverse("imports:detail", args=[again.pk])).content.decode()


def test_import_detail_counts_a_row_giving_no_figure_that_removed_those_held_apart_from_the_rows_skipped(client, world, tmp_path):
    """Chart Wood School's row, blank after a file that gave it a figure: the page says what the row did, on a line of its
    own, and skips no row."""
    import_file(GIAS_2021)
    import_file(chart_wood_ks2_2019(tmp_path / KS2[2019].name, "50%"))
    run = import_file(chart_wood_ks2_2019(tmp_path / KS2[2019].name))
    assert (run.rows_read, run.changed, run.cleared, run.skipped) == (1, 1, 1, 0)
    sign_in(client, world.users[Role.LA_ADMIN])
    page = text(client.get(reverse("imports:detail", args=[run.pk])))
    assert "Cleared 1 row gave no figure at all: the figures held for its school that year were removed Skipped 0 " in page
    # Imported again, the row finds nothing to remove: it is skipped as giving no figures, and the page has no such line.
    page = text(client.get(reverse("imports:detail", args=[import_file(chart_wood_ks2_2019(tmp_path / KS2[2019].name)).pk])))
    assert " Cleared " not in page and "Skipped 1 (1 row giving no figures)" in page


def test_an_import_that_took_none_of_its_rows_says_so_rather_than_that_nothing_had_changed(client, world, tmp_path):
    """Hampshire's rows of the census summary, imported for Surrey (a file uploaded by mistake): it was never imported
    before, and nothing of it was compared, so neither the message nor the page says that the figures were as they were."""
    from .evidence_helpers import CENSUS_2019

    import_file(GIAS_2021)
    lines = gzip.decompress(CENSUS_2019.read_bytes()).decode("utf-8-sig").splitlines()
    hampshire = tmp_path / "2018-2019-hampshire_census.csv"
    hampshire.write_text("\n".join([lines[0], *(line for line in lines[1:] if line.split(",")[1] == "850")]) + "\n", encoding="utf-8")
    run = import_file(hampshire, la_codes=[936])
    assert run.outcome == ImportOutcome.UNCHANGED and run.skipped == run.rows_read > 500
    assert f"{run.rows_read:,} rows read; nothing of it was taken; {run.skipped:,} skipped (outside the authorities" in run.message
    sign_in(client, world.users[Role.LA_ADMIN])
    page = re.sub(r"\s+", " ", client.get(reverse("imports:detail", args=[run.pk])).content.decode())
    assert "This import changed no figure already held: it took none of the file’s rows." in page
    assert "found them all as they were" not in page and "nothing has changed since" not in page


def test_import_detail_shows_an_la_administrator_their_authoritys_phase_figures_not_anothers(client, world, tmp_path):
    """The census summary's authority figures phase by phase: a corrected national file changing a Hampshire primary
    school's count changes Hampshire's primary figure, which Surrey's administrator is not shown; Hampshire's is,
    named as Hampshire's."""
    from .evidence_helpers import CENSUS_2019

    import_file(CENSUS_2019)
    text = gzip.decompress(CENSUS_2019.read_bytes()).decode("utf-8-sig")
    row = next(line for line in text.splitlines() if line.startswith("115850,850,2000,State-funded primary,158,"))
    corrected = tmp_path / "2018-2019-england_census.csv"
    corrected.write_text(text.replace(row, row.replace(",14,144,0,8.9,", ",140,18,0,88.6,")), encoding="utf-8")
    run = import_file(corrected)
    assert run.changed > 0, run.message
    sign_in(client, world.users[Role.LA_ADMIN])
    page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert "This import changed no figure already held" in page and "state-funded primary schools" not in page
    hampshire = UserFactory(email="admin@hampshire.example")
    grant(hampshire, Role.LA_ADMIN, world.other_la)
    sign_in(client, hampshire)
    page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert "Hampshire (850): state-funded primary schools" in page


@pytest.mark.parametrize(
    ("la_codes", "because"), [("", "(not in the register)"), ("936", "(outside the authorities asked for, or not in the register)")]
)
def test_import_detail_says_why_rows_were_skipped_as_the_import_was_asked(client, world, la_codes, because):
    """Of an import of every authority, no row was skipped as outside the authorities asked for: none were asked for."""
    run = ImportRun.objects.create(
        file_name="census.csv",
        checksum="0",
        kind="school_census",
        outcome=ImportOutcome.SUCCEEDED,
        rows_read=24_442,
        skipped=23_951,
        la_codes=la_codes,
    )
    sign_in(client, world.users[Role.LA_ADMIN])
    page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert f"23,951 {because}" in page
    assert ("outside the authorities" in page) == bool(la_codes)


def test_refused_import_page_says_what_to_fix(client, world, tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("Note\nhello\n")
    run = import_file(path)
    sign_in(client, world.users[Role.LA_ADMIN])
    page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert "The file was refused" in page
    assert "not a file Common Ground recognises" in page
    # Nothing was imported, whatever had been read when it stopped: no count that reads as a result.
    assert "Nothing: an import is all or nothing" in page and "Rows read" not in page


def test_a_refused_imports_page_says_what_to_do_next_as_the_refusal_calls_for_and_links_to_the_upload_form(client, world, tmp_path):
    """A file to correct (a column renamed), one cut short on its way (whose reason says to download it again: correcting
    it is no help), and ones in which nothing is to be corrected (a meta file, which only an import of every authority
    takes; a file of no kind the product takes)."""
    from .evidence_helpers import DATA

    lines = KS2[2019].read_text(encoding="utf-8-sig").splitlines()
    cut = tmp_path / KS2[2019].name
    cut.write_text("\n".join([*lines[:5], lines[5][:200]]), encoding="utf-8")  # a download stopped in a school's row
    renamed = tmp_path / "2018-2019-936-ks2final-renamed.csv"
    renamed.write_text("\n".join([lines[0].replace("PTRWM_EXP,", "PTRWM_EXPECTED,", 1), *lines[1:]]), encoding="utf-8")
    upload_form = f'<a class="govuk-link" href="{reverse("imports:list")}#import-a-file">'
    next_steps = {
        import_file(renamed): f"Correct the file and {upload_form}import it again</a>.",
        import_file(b"Note\nhello\n", file_name="notes.csv"): f"{upload_form}Import another file</a>",
        import_file(cut): f"Download the file again, then {upload_form}import the new copy</a>.",
        import_file(DATA / "2018-2019-ks4_meta.csv", la_codes=[936]): f"{upload_form}Import another file</a>",
    }
    sign_in(client, world.users[Role.LA_ADMIN])
    for run, next_step in next_steps.items():
        assert run.outcome == ImportOutcome.REFUSED
        page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
        assert f'<p class="govuk-body">{next_step}</p>' in page
        assert ("Correct the file" in page) == (run.file_name == renamed.name), run.message
    assert "download it again" in next(run.message for run in next_steps if run.file_name == cut.name)
    assert '<h2 class="govuk-heading-m" id="import-a-file">Import a file</h2>' in client.get(reverse("imports:list")).content.decode()


@pytest.mark.parametrize("outcome", list(ImportOutcome), ids=str)
def test_an_imports_page_title_starts_with_how_it_went(client, world, outcome):
    """The page is loaded afresh when the import ends: its title, read out first, says how it ended."""
    run = ImportRun.objects.create(file_name="big.csv", checksum="", outcome=outcome)
    sign_in(client, world.users[Role.LA_ADMIN])
    page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert f"<title>{outcome.label}: {isolated('big.csv')} – Common Ground</title>" in page  # a file's name may be written right to left
    assert '<h1 class="govuk-heading-l cg-break">big.csv</h1>' in page


def test_a_finished_import_shows_its_checksum_only_when_it_was_recorded(client, world):
    sign_in(client, world.users[Role.LA_ADMIN])
    unreadable = import_file(b"\x1f\x8b not gzip", file_name="broken.csv.gz")  # refused before it was checksummed
    page = client.get(reverse("imports:detail", args=[unreadable.pk])).content.decode()
    assert "The file was refused" in page and "Finished" in page
    assert "File checksum" not in page and "Not yet" not in page
    refused = import_file(b"Note\nhello\n", file_name="notes.csv")
    page = client.get(reverse("imports:detail", args=[refused.pk])).content.decode()
    assert "File checksum (SHA-256)" in page and refused.checksum in page


def test_an_ofsted_imports_page_says_how_recent_the_file_is(client, world):
    """Its latest report: an older file imported later leaves what a newer one said, so the page shows which is which."""
    run = ImportRun.objects.create(file_name="ofsted.csv", checksum="0", kind="ofsted_all_inspections", outcome=ImportOutcome.SUCCEEDED)
    sign_in(client, world.users[Role.LA_ADMIN])
    assert "Latest report in the file" not in client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    run.as_at = date(2026, 2, 26)
    run.save()
    page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert re.search(r"Latest report in the file\s*</dt>\s*<dd[^>]*>\s*26 February 2026", page)


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_uploaded_file_is_imported_in_the_background(client, world, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.UPLOAD_DIR = tmp_path
    sign_in(client, world.users[Role.LA_ADMIN])
    upload = tmp_path / "surrey.csv.gz"
    upload.write_bytes(gzip.compress(GIAS_2021.read_bytes()))
    with upload.open("rb") as f, django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:list"), {"file": f, "la": ["936"]})
    run = ImportRun.objects.get(file_name="surrey.csv.gz")
    assert response.status_code == 302 and response["Location"] == reverse("imports:detail", args=[run.pk])
    assert (run.outcome, run.created, run.progress, run.la_codes) == (ImportOutcome.SUCCEEDED, 590, 100, "936")
    assert run.user == world.users[Role.LA_ADMIN]
    assert School.objects.filter(urn=125004).exists()
    page = client.get(response["Location"]).content.decode()
    assert "590 rows read" in page
    assert "Uploaded" in page
    # The upload is audited when it is sent (who, from where), and the import when the worker ends it.
    from audit.models import AuditAction, AuditEvent

    sent = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="imports.importrun", object_id=str(run.pk))
    assert (sent.user, sent.ip_address, sent.detail["uploaded"], sent.detail["la_codes"]) == (
        world.users[Role.LA_ADMIN],
        "127.0.0.1",
        "surrey.csv.gz",
        [936],
    )
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT, object_id=str(run.pk)).exists()


@override_settings(TASKS=IMMEDIATE_TASKS)
@pytest.mark.parametrize("in_memory", [True, False], ids=["held in memory", "written to a temporary file"])
def test_an_uploaded_file_whose_name_is_too_long_to_keep_is_imported_under_its_name_cut_short_before_its_suffix(
    client, world, settings, tmp_path, django_capture_on_commit_callbacks, in_memory
):
    settings.UPLOAD_DIR = tmp_path
    if not in_memory:
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    sign_in(client, world.users[Role.LA_ADMIN])
    upload = io.BytesIO(gzip.compress(GIAS_2021.read_bytes()))
    upload.name = "surrey-establishments-" + "x" * 271 + ".csv.gz"  # 300 characters
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:list"), {"file": upload, "la": ["936"]})
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert response["Location"] == reverse("imports:detail", args=[run.pk])
    assert run.file_name == upload.name[:248] + ".csv.gz" and len(run.file_name) == 255
    assert (run.outcome, run.created) == (ImportOutcome.SUCCEEDED, 590)


@pytest.mark.parametrize("in_memory", [True, False], ids=["held in memory", "written to a temporary file"])
def test_an_uploaded_file_whose_name_holds_double_quotes_keeps_them(client, world, settings, tmp_path, in_memory):
    """Browsers send a double quote in a file's name as %22: the import was listed as 'KS2 %22final%22.csv'."""
    settings.UPLOAD_DIR = tmp_path
    if not in_memory:
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    sign_in(client, world.users[Role.LA_ADMIN])
    # As a browser writes it in the request: filename="2018-2019-936-ks2final %22corrected%22 (café).csv"
    response = client.post(
        reverse("imports:list"), {"file": _named(KS2[2019].read_bytes(), "2018-2019-936-ks2final %22corrected%22 (café).csv")}
    )
    assert response.status_code == 302
    assert ImportRun.objects.get().file_name == '2018-2019-936-ks2final "corrected" (café).csv'


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("a" * 300 + ".csv.gz", "a" * 248 + ".csv.gz"),
        ("a" * 300 + ".CSV.GZ", "a" * 248 + ".CSV.GZ"),
        ("a" * 300 + ".csv", "a" * 251 + ".csv"),
        ("a" * 300 + ".xlsx", "a" * 250 + ".xlsx"),
        ("a" * 300 + ".txt.gz", "a" * 252 + ".gz"),  # not a suffix the import knows: the last one, as Django keeps it
        ("a" * 255 + ".csv", "a" * 251 + ".csv"),
        ("a" * 248 + ".csv.gz", "a" * 248 + ".csv.gz"),
    ],
)
def test_a_file_name_too_long_to_keep_is_cut_short_in_its_stem(name, kept):
    from imports.uploads import shortened

    assert shortened(name) == kept


def test_a_file_name_too_long_to_keep_given_to_the_import_is_cut_short_as_an_uploads_is(world):
    """A script that names the file (import_file's file_name) may name it at any length: the run keeps it cut
    before its suffix, where PostgreSQL refused to store it at all."""
    from imports.services import import_file

    name = "surrey-establishments-" + "x" * 271 + ".csv.gz"
    run = import_file(gzip.compress(GIAS_2021.read_bytes()), file_name=name, la_codes=[936])
    run.refresh_from_db()
    assert (run.file_name, run.outcome, run.created) == (name[:248] + ".csv.gz", ImportOutcome.SUCCEEDED, 590)


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_an_uploaded_file_is_kept_for_its_owner_only_until_the_worker_has_imported_or_refused_it(
    client, world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    sign_in(client, world.users[Role.LA_ADMIN])
    sent = tmp_path / "notes.csv"
    for body in (b"Note\nnot a file we know\n", gzip.compress(GIAS_2021.read_bytes())):
        sent.write_bytes(body)
        with sent.open("rb") as f, django_capture_on_commit_callbacks(execute=False) as queued:
            client.post(reverse("imports:list"), {"file": f, "la": ["936"]})
        (waiting,) = settings.UPLOAD_DIR.iterdir()
        assert (settings.UPLOAD_DIR.stat().st_mode & 0o777, waiting.stat().st_mode & 0o777) == (0o700, 0o600)
        for callback in queued:
            callback()
        assert not any(settings.UPLOAD_DIR.iterdir())
    assert [run.outcome for run in ImportRun.objects.order_by("pk")] == [ImportOutcome.REFUSED, ImportOutcome.SUCCEEDED]


def test_upload_without_a_file_shows_the_error_summary(client, world):
    sign_in(client, world.users[Role.LA_ADMIN])
    response = client.post(reverse("imports:list"), {})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Select a file to import" in page
    assert not ImportRun.objects.exists()


def test_upload_of_a_spreadsheet_is_refused_before_importing(client, world, tmp_path):
    sign_in(client, world.users[Role.LA_ADMIN])
    path = tmp_path / "schools.xlsx"
    path.write_bytes(b"PK\x03\x04")
    with path.open("rb") as f:
        response = client.post(reverse("imports:list"), {"file": f})
    assert (
        "The selected file must be a CSV file (.csv, or .csv.gz if compressed): this is a spreadsheet, so save it as CSV UTF-8 "
        "and import that"
    ) in response.content.decode()


def test_upload_of_a_zip_file_says_to_extract_its_csv_files(client, world, tmp_path):
    """GIAS's downloads come as zip files of CSV files: the form said only that the file must be a CSV file."""
    sign_in(client, world.users[Role.LA_ADMIN])
    path = tmp_path / "extract.zip"
    path.write_bytes(b"PK\x03\x04")
    with path.open("rb") as f:
        response = client.post(reverse("imports:list"), {"file": f})
    assert response.status_code == 400
    assert (
        "The selected file must be a CSV file (.csv, or .csv.gz if compressed): this is a zip file, so extract the CSV files "
        "from it and import each"
    ) in response.content.decode()
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize("name", ["schools.txt", "schools.TSV"])
def test_upload_of_a_text_file_says_to_save_it_as_csv(client, world, name):
    """A spreadsheet saved as "Text (Tab delimited)" or "Unicode Text" is a .txt file: the form said only that the file
    must be a CSV file, not how to make one of it."""
    sign_in(client, world.users[Role.LA_ADMIN])
    response = client.post(reverse("imports:list"), {"file": _named(b"URN\tLA\n100000\t201\n", name)})
    assert response.status_code == 400
    assert (
        "The selected file must be a CSV file (.csv, or .csv.gz if compressed): this is a text file, so open it in a "
        "spreadsheet, save it as CSV UTF-8 and import that"
    ) in response.content.decode()
    assert not ImportRun.objects.exists()


def test_the_upload_hint_gives_the_size_limit_the_form_holds_to(client, world, settings):
    sign_in(client, world.users[Role.LA_ADMIN])
    assert f"must be smaller than {settings.IMPORT_MAX_UPLOAD_BYTES // 2**20} MB." in client.get(reverse("imports:list")).content.decode()


def test_progress_panel_of_a_queued_import_polls_until_finished(client, world):
    run = ImportRun.objects.create(file_name="big.csv", checksum="", outcome=ImportOutcome.QUEUED)
    sign_in(client, world.users[Role.LA_ADMIN])
    page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and "<progress" in page and "htmx.min.js" in page
    # Nothing is counted yet: the page says so rather than show zeros and "no changes".
    assert page.count("Counted when the import ends") == 5 and "recorded no changes" not in page
    assert "Not yet: it is recorded when the import ends" in page
    panel = client.get(reverse("imports:progress", args=[run.pk]), headers={"HX-Request": "true"})
    assert "Waiting to start" in panel.content.decode()
    ImportRun.objects.filter(pk=run.pk).update(outcome=ImportOutcome.SUCCEEDED, progress=100)
    finished = client.get(reverse("imports:progress", args=[run.pk]), headers={"HX-Request": "true"})
    assert finished["HX-Refresh"] == "true"


def test_the_panel_replaced_every_two_seconds_holds_no_live_region_and_nothing_to_focus(client, world):
    """A live region put in afresh every two seconds is, by screen reader, read out every time or never; a link in it
    is taken from under the keyboard's focus every time. The page's own text says it follows the import, and its link
    to refresh it (for a browser without JavaScript) stays beside the panel."""
    run = ImportRun.objects.create(file_name="big.csv", checksum="", outcome=ImportOutcome.RUNNING, kind="gias_establishments", progress=40)
    sign_in(client, world.users[Role.LA_ADMIN])
    panel = client.get(reverse("imports:progress", args=[run.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "Importing: 40% done" in panel
    assert not re.search(r'role="(status|alert|log)"|aria-live|<a\b|<button\b|tabindex', panel)
    page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    refresh = f'<a class="govuk-link" href="{reverse("imports:detail", args=[run.pk])}">Refresh this page</a>'
    assert refresh in page  # on the page, and (above) not in the panel


def test_an_empty_upload_is_named_as_such_and_a_queued_run_has_no_kind_yet(client, world, settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path
    sign_in(client, world.users[Role.LA_ADMIN])
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with empty.open("rb") as f:
        html = client.post(reverse("imports:list"), {"file": f}).content.decode()
    assert "The selected file is empty" in html
    ImportRun.objects.create(file_name="waiting.csv", checksum="", outcome=ImportOutcome.QUEUED, la_codes="936")
    listing = client.get(reverse("imports:list")).content.decode()
    assert "Not known yet" in listing and "Not recognised" not in listing
    assert listing.count(">Not yet<") == 4  # its counts, not zeros


def test_a_queued_imports_page_has_no_caption_until_its_data_set_is_known(client, world):
    """The caption above the file's name is the data set's: before the file is read there is none to give, and a
    caption saying "Not known yet" reads as if something about the file were unknown."""
    run = ImportRun.objects.create(file_name="waiting.csv", checksum="", outcome=ImportOutcome.QUEUED, la_codes="936")
    sign_in(client, world.users[Role.LA_ADMIN])
    page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert "govuk-caption-l" not in page and "Not known yet" not in page
    ImportRun.objects.filter(pk=run.pk).update(outcome=ImportOutcome.RUNNING, kind="gias_establishments")
    page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert '<span class="govuk-caption-l">GIAS establishment extract</span>' in page
    ImportRun.objects.filter(pk=run.pk).update(outcome=ImportOutcome.REFUSED, kind="")
    page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert '<span class="govuk-caption-l">Not recognised</span>' in page


def test_an_import_of_figures_says_its_counts_are_of_figures_and_its_rows_are_rows(client, world):
    register = import_file(GIAS_2021)
    assert "rows read; 590 new" in register.message
    run = import_file(KS2[2019])
    assert f"{run.rows_read:,} rows read; figures: {run.created:,} new, 0 changed, 0 unchanged" in run.message
    assert run.created > run.rows_read  # a row gives many figures
    sign_in(client, world.users[Role.LA_ADMIN])
    page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert "Rows read" in page and "New figures" in page and "Unchanged figures" in page
    assert "New figures" not in client.get(reverse("imports:detail", args=[register.pk])).content.decode()


def test_a_refused_upload_names_the_file_it_did_not_import(client, world, tmp_path):
    """A browser does not keep the file chosen in a form that was refused: the page names it, and says whether it was the
    file that was refused (and why) or that it is to be chosen again."""
    admin = UserFactory(email="admin@two.example")
    grant(admin, Role.LA_ADMIN, world.la)
    grant(admin, Role.LA_ADMIN, world.other_la)
    sign_in(client, admin)
    spreadsheet = tmp_path / "schools 2024–25.xlsx"
    spreadsheet.write_bytes(b"PK\x03\x04")
    with spreadsheet.open("rb") as f:
        response = client.post(reverse("imports:list"), {"file": f, "la": ["936"]})
    page = response.content.decode()
    assert response.status_code == 400 and "The selected file must be a CSV file" in page
    assert "schools 2024–25.xlsx was not imported." in page
    assert re.search(r'<input[^>]*value="936" checked', page)
    with GIAS_2021.open("rb") as f:
        response = client.post(reverse("imports:list"), {"file": f})
    page = response.content.decode()
    assert response.status_code == 400 and "Select the authorities whose schools to import" in page
    assert f"{GIAS_2021.name} was not imported: select it again." in page
    assert not ImportRun.objects.exists()


def test_the_import_button_is_not_sent_twice_by_a_double_click(client, world):
    """A second click while the file is still being sent would queue the file twice."""
    sign_in(client, world.users[Role.LA_ADMIN])
    page = client.get(reverse("imports:list")).content.decode()
    (button,) = re.findall(r"<button[^>]*>\s*Import file", page)
    assert 'data-prevent-double-click="true"' in button


def test_an_upload_that_cannot_be_saved_goes_to_its_runs_page_saying_why(client, world, settings, tmp_path, monkeypatch):
    """A full disk: the run is marked failed and its page says why, rather than an error page; nothing is queued."""
    import errno
    import os

    settings.UPLOAD_DIR = tmp_path

    def full_disk(fd, mode):
        os.close(fd)  # the file is made, and nothing more fits
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("imports.views.os.fdopen", full_disk)
    sign_in(client, world.users[Role.LA_ADMIN])
    with GIAS_2021.open("rb") as f:
        response = client.post(reverse("imports:list"), {"file": f, "la": ["936"]}, follow=True)
    run = ImportRun.objects.get(file_name=GIAS_2021.name)
    assert response.redirect_chain == [(reverse("imports:detail", args=[run.pk]), 302)]
    assert run.outcome == ImportOutcome.FAILED
    assert "the uploaded file could not be saved for the import (No space left on device)" in response.content.decode()
    assert not list(tmp_path.iterdir())  # the file begun is gone


def test_a_running_imports_progress_asked_for_as_a_page_goes_to_the_imports_page(client, world):
    """The panel alone is for the page's own refreshing: asked for as a page, after signing in say, it is the page."""
    run = ImportRun.objects.create(file_name="surrey.csv", checksum="", outcome=ImportOutcome.RUNNING)
    sign_in(client, world.users[Role.LA_ADMIN])
    response = client.get(reverse("imports:progress", args=[run.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("imports:detail", args=[run.pk])


@pytest.fixture
def twin_kinds():
    """Two kinds of file with one header, as two layouts might share one: each loader notes that it was the one used."""

    def loader(code):
        def load(ctx):
            ctx.notes.append(f"Loaded as {code}.")
            return Counts(rows_read=1, created=1)

        return load

    kinds = [
        register_kind(ImportKind(code, f"Twin file {code[-1]}", lambda header: header == ["TWIN"], loader(code)))
        for code in ("twin_a", "twin_b")
    ]
    yield kinds
    for kind in kinds:
        del KINDS[kind.code]


def test_a_file_of_more_than_one_kind_is_refused_saying_how_to_say_which_where_it_came_from(
    client, world, settings, tmp_path, twin_kinds, django_capture_on_commit_callbacks
):
    """The command line has --kind; the upload page has no such thing, but a field of its form."""
    run = import_file(b"TWIN\n1\n", file_name="twin.csv")
    assert (run.outcome, run.remedy) == (ImportOutcome.REFUSED, Remedy.ANOTHER)
    assert "its header fits more than one kind of file (Twin file a, Twin file b); say which with --kind." in run.message
    settings.UPLOAD_DIR, settings.TASKS = tmp_path, IMMEDIATE_TASKS
    sign_in(client, world.users[Role.LA_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:list"), {"file": _named(b"TWIN\n1\n", "twin.csv")})
    uploaded = ImportRun.objects.exclude(pk=run.pk).get()
    assert uploaded.outcome == ImportOutcome.REFUSED
    assert "say which with 'Kind of file' on the upload form." in uploaded.message and "--kind" not in uploaded.message


def test_the_kind_chosen_on_the_upload_form_is_the_one_the_import_takes(
    client, world, settings, tmp_path, twin_kinds, django_capture_on_commit_callbacks
):
    settings.UPLOAD_DIR, settings.TASKS = tmp_path, IMMEDIATE_TASKS
    sign_in(client, world.users[Role.LA_ADMIN])
    page = client.get(reverse("imports:list")).content.decode()
    assert re.search(r'<option value="" selected>Recognise it from its header</option>', page)
    assert '<option value="twin_b">Twin file b</option>' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:list"), {"file": _named(b"TWIN\n1\n", "twin.csv"), "kind": "twin_b"})
    run = ImportRun.objects.get()
    assert (run.outcome, run.kind) == (ImportOutcome.SUCCEEDED, "twin_b")
    assert "Loaded as twin_b." in run.message


def test_a_file_not_of_the_kind_chosen_on_the_upload_form_is_refused_saying_what_kind_it_is(
    client, world, settings, tmp_path, twin_kinds, django_capture_on_commit_callbacks
):
    """Loaded as the kind chosen, a file of another kind was refused for whatever that kind's loader tripped on first (a
    record type in row 241, a column it lacks), which sent the uploader to correct a file that was right."""
    settings.UPLOAD_DIR, settings.TASKS = tmp_path, IMMEDIATE_TASKS
    sign_in(client, world.users[Role.LA_ADMIN])
    schools = School.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:list"), {"file": _named(GIAS_2021.read_bytes(), GIAS_2021.name), "kind": "twin_a"})
    run = ImportRun.objects.get()
    assert (run.outcome, run.remedy) == (ImportOutcome.REFUSED, Remedy.ANOTHER)
    assert (
        "its header is not that of a Twin file a file, the kind chosen with 'Kind of file' on the upload form, but that of a "
        "GIAS establishment extract file: import it again choosing that kind, or none." in run.message
    )
    assert School.objects.count() == schools


def test_the_kind_chosen_is_kept_when_the_form_is_refused(client, world, twin_kinds):
    sign_in(client, world.users[Role.LA_ADMIN])
    response = client.post(reverse("imports:list"), {"kind": "twin_b"})
    page = response.content.decode()
    assert response.status_code == 400 and "Select a file to import" in page
    assert '<option value="twin_b" selected>Twin file b</option>' in page
    response = client.post(reverse("imports:list"), {"kind": "no_such_kind"})
    assert "Select a kind of file from the list" in response.content.decode()
    assert not ImportRun.objects.exists()


def _named(data: bytes, name: str):
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_an_upload_of_a_file_replaced_since_is_refused_unless_the_box_says_it_is_the_one_to_keep(
    client, world, settings, tmp_path, django_capture_on_commit_callbacks
):
    """As import_data refuses it without --replaced: the first download of 2018/19's KS2 tables, uploaded again after a
    corrected one, would have put back the figure the correction replaced."""
    settings.UPLOAD_DIR, settings.TASKS = tmp_path, IMMEDIATE_TASKS
    import_file(GIAS_2021)
    import_file(KS2[2019])
    import_file(ks2_2019_with_guildford_grove(tmp_path / KS2[2019].name, "58%"))
    sign_in(client, world.users[Role.LA_ADMIN])
    assert (
        "Import it even though a different file of its year and release has replaced it since"
        in client.get(reverse("imports:list")).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:list"), {"file": _named(KS2[2019].read_bytes(), KS2[2019].name)})
    run = ImportRun.objects.latest("pk")
    assert (run.outcome, run.remedy) == (ImportOutcome.REFUSED, Remedy.REPLACED)
    assert (
        "If this is the file to keep, import it again with 'Import it even though a different file of its year and release "
        "has replaced it since' ticked on the upload form." in run.message
    )
    assert "--replaced" not in run.message
    # Its page links the imports it names to theirs; the message itself keeps plain words, as the command line prints it.
    first, corrected = ImportRun.objects.filter(kind="ks2_final", outcome=ImportOutcome.SUCCEEDED).order_by("pk")
    assert f"(import {first.pk})" in run.message and "<a" not in run.message
    assert run.named_imports == [first.pk, corrected.pk]  # what the page links, kept with the run
    page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    for earlier in (first, corrected):
        assert f'(<a class="govuk-link" href="{reverse("imports:detail", args=[earlier.pk])}">import {earlier.pk}</a>)' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:list"), {"file": _named(KS2[2019].read_bytes(), KS2[2019].name), "replaced": "on"})
    run = ImportRun.objects.latest("pk")
    assert (run.outcome, run.changed) == (ImportOutcome.SUCCEEDED, 1), run.message


def test_a_file_whose_name_looks_like_an_import_named_by_number_links_to_none(client, world):
    """A run's page links the imports its message names by number (ImportRun.named_imports), never words of a file's name
    that look like one: a file called '(import 1) results (import 2).csv', refused, is named, isolated, and nothing more,
    though the administrator reading it may open both those imports."""
    first, second = (ImportRun.objects.create(file_name=name, checksum="0", outcome=ImportOutcome.SUCCEEDED) for name in ("a.csv", "b.csv"))
    name = f"(import {first.pk}) results (import {second.pk}).csv"
    run = import_file(b"Not,A,Known,Header\r\n1,2,3,4\r\n", file_name=name)
    assert run.outcome == ImportOutcome.REFUSED and run.message.startswith(f"{name}: ") and run.named_imports == []
    sign_in(client, world.users[Role.LA_ADMIN])
    page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert f"<bdi>{name}</bdi>: " in page
    for named in (first, second):
        assert reverse("imports:detail", args=[named.pk]) not in page
    # The same words where the run names that import: a link, as the file's name beside them is not.
    message = f"{name}: these are the same contents as a.csv (import {first.pk}), which …"
    also = ImportRun.objects.create(file_name=name, checksum="0", outcome=ImportOutcome.REFUSED, message=message, named_imports=[first.pk])
    page = client.get(reverse("imports:detail", args=[also.pk])).content.decode()
    link = f'(<a class="govuk-link" href="{reverse("imports:detail", args=[first.pk])}">import {first.pk}</a>)'
    assert page.count(reverse("imports:detail", args=[first.pk])) == 1
    assert f"<bdi>{name}</bdi>: these are the same contents as <bdi>a.csv</bdi> {link}, which" in page


def test_an_imports_page_links_the_imports_its_message_names_only_where_the_reader_may_see_them(client, world):
    """A refusal names earlier imports by number: each is a link to its page for a reader who may see it, and plain words
    for one who may not (Surrey's administrator, of an import limited to Hampshire). The rest of the message, file names
    and all, is text, never markup."""
    national = ImportRun.objects.create(file_name="a.csv", checksum="0", outcome=ImportOutcome.SUCCEEDED)
    hampshires = ImportRun.objects.create(file_name="b.csv", checksum="0", outcome=ImportOutcome.SUCCEEDED, la_codes="850")
    message = (
        f"<b>x</b>.csv: these are the same contents as a.csv (import {national.pk}), which b.csv replaced "
        f"(import {hampshires.pk}): imported again … Nothing was imported from this file."
    )
    run = ImportRun.objects.create(
        file_name="<b>x</b>.csv",
        checksum="0",
        outcome=ImportOutcome.REFUSED,
        remedy=Remedy.ANOTHER,
        message=message,
        named_imports=[national.pk, hampshires.pk],
    )
    sign_in(client, world.users[Role.LA_ADMIN])
    page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    national_link = f'<a class="govuk-link" href="{reverse("imports:detail", args=[national.pk])}">import {national.pk}</a>'
    # Each file's name isolated, escaped (tests/test_isolated_names.py).
    assert (
        f"<bdi>&lt;b&gt;x&lt;/b&gt;.csv</bdi>: these are the same contents as <bdi>a.csv</bdi> ({national_link}), "
        "which <bdi>b.csv</bdi> replaced "
    ) in page
    assert f"replaced (import {hampshires.pk}): imported again" in page
    assert reverse("imports:detail", args=[hampshires.pk]) not in page and "<b>x</b>" not in page
    # A superuser sees every import, and so has both links.
    sign_in(client, UserFactory(email="root@example.org", is_superuser=True))
    page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert f'href="{reverse("imports:detail", args=[hampshires.pk])}">import {hampshires.pk}</a>)' in page


def test_refusals_from_before_runs_kept_the_imports_they_name_are_given_them(db):
    """Runs refused before ImportRun.named_imports was kept are given the imports their words name, read from where the
    refusals put them (imports migration 0013), not from a file's name that says '(import N)' too."""
    from importlib import import_module

    from django.apps import apps

    decoy, first, corrected = (
        ImportRun.objects.create(file_name=name, checksum="0", outcome=ImportOutcome.SUCCEEDED) for name in ("c.csv", "a.csv", "b.csv")
    )
    name = f"x (import {decoy.pk}).csv"
    replaced = (
        f"{name}: these are the same contents as {name}, imported on 5 March 2026, 2:15pm (import {first.pk}), which b.csv, "
        f"another file of KS2 2018/19, replaced on 6 March 2026, 9:00am (import {corrected.pk}): imported again, they would "
        "put back what that file corrected. If this is the file to keep, import it again with --replaced. Nothing was imported"
    )
    renamed = (
        f"{name}: these are the same contents as a.csv, imported as KS2 2017/18 (import {first.pk}); under this name they "
        "would be stored again as KS2 2018/19. Import the file DfE published for that instead. Nothing was imported"
    )
    runs = [ImportRun.objects.create(file_name=name, checksum="0", outcome=ImportOutcome.REFUSED, message=m) for m in (replaced, renamed)]
    import_module("imports.migrations.0013_importrun_named_imports").named_by_refusals(apps, None)
    assert [ImportRun.objects.get(pk=run.pk).named_imports for run in runs] == [[first.pk, corrected.pk], [first.pk]]


def test_a_refusal_of_a_file_replaced_since_says_on_its_page_how_to_keep_it_on_the_web(client, world, tmp_path):
    """The command line's refusal of a file imported before and replaced since tells its reader to use --replaced, as
    the command prints it; the run's page, where no such option exists, also says what the web offers: another file, or
    this one uploaded again with the form's box ticked. A run refused as before (migration 0014) is given that remedy."""
    from importlib import import_module

    from django.apps import apps

    import_file(GIAS_2021)
    import_file(KS2[2019])
    import_file(ks2_2019_with_guildford_grove(tmp_path / KS2[2019].name, "58%"))
    run = import_file(KS2[2019])  # as import_data does, without --replaced
    assert (run.outcome, run.remedy) == (ImportOutcome.REFUSED, Remedy.REPLACED)
    assert "If this is the file to keep, import it again with --replaced." in run.message
    sign_in(client, world.users[Role.LA_ADMIN])
    page = text(client.get(reverse("imports:detail", args=[run.pk])))
    assert (
        "Import another file , or this one again with 'Import it even though a different file of its year and release has"
        " replaced it since' ticked if it is the file to keep."
    ) in page
    ImportRun.objects.filter(pk=run.pk).update(remedy=Remedy.ANOTHER)
    import_module("imports.migrations.0014_remedy_of_replaced_files").replaced_remedy(apps, None)
    assert ImportRun.objects.get(pk=run.pk).remedy == Remedy.REPLACED
