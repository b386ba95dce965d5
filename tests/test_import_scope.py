"""An import limited to some authorities writes only what is theirs; an LA administrator's always is."""

import csv
import html
import io

import pytest
from django.test import override_settings
from django.urls import reverse

from accounts.roles import Role
from evidence.history import direct_predecessors, history
from evidence.models import Area, AreaObservation, ColumnDescription, Inspection, IntelligenceEntry, Observation
from imports.models import ImportOutcome, ImportRun
from imports.registry import Remedy
from imports.services import import_file
from register.models import LocalAuthority, RegisterEvent, School, SchoolLink, SchoolStatus

from .conftest import sign_in
from .evidence_helpers import DATA, KS2, OFSTED_ALL, text
from .factories import UserFactory, grant
from .test_import_demo_files import GIAS_2021, LINKS_2025

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def extract_about(school, *, la_code, name=None) -> bytes:
    """A one-row GIAS extract (the real header and first row) rewritten to describe `school`."""
    header, first = list(csv.reader(io.StringIO(GIAS_2021.read_text(encoding="utf-8-sig"))))[:2]
    values = dict(zip(header, first, strict=True))
    values.update({"URN": str(school.urn), "LA (code)": str(la_code), "EstablishmentName": name or school.name})
    out = io.StringIO()
    csv.writer(out).writerows([header, [values[column] for column in header]])
    return out.getvalue().encode()


def upload(client, tmp_path, body: bytes, **fields):
    path = tmp_path / "upload.csv"
    path.write_bytes(body)
    with path.open("rb") as f:
        return client.post(reverse("imports:list"), {"file": f, **fields})


@pytest.fixture
def uploads(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_an_la_administrators_upload_is_limited_to_their_authority_even_when_none_is_ticked(
    client, world, uploads, tmp_path, django_capture_on_commit_callbacks
):
    sign_in(client, world.users[Role.LA_ADMIN])
    page = client.get(reverse("imports:list")).content.decode()
    assert "Only the schools of Surrey (936) are imported" in page and 'name="la"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, tmp_path, extract_about(world.far_school, la_code=850, name="Renamed by Surrey"))
    run = ImportRun.objects.get()
    assert (run.outcome, run.la_codes, run.skipped) == (ImportOutcome.UNCHANGED, "936", 1)
    assert "1 row read; nothing of it was taken; 1 skipped (outside the authorities asked for)." in run.message
    world.far_school.refresh_from_db()
    assert world.far_school.name == "Hampshire Primary School"


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_englands_rows_an_upload_limited_to_an_authority_skips_are_counted_apart_from_those_outside_it(
    client, world, uploads, django_capture_on_commit_callbacks
):
    """The 2017/18 KS4 table, imported from the command line (every authority), then uploaded again by Surrey's
    administrator: the upload skips England's two rows too, which are no authority's to be outside of."""
    from .evidence_helpers import KS4
    from .test_import_command import run_command

    import_file(GIAS_2021)
    everything = run_command(KS4[2018])
    assert "; 10 skipped (not in the register)." in everything
    sign_in(client, world.users[Role.LA_ADMIN])
    with KS4[2018].open("rb") as f, django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:list"), {"file": f})
    run = ImportRun.objects.get(file_name=KS4[2018].name, user=world.users[Role.LA_ADMIN])
    assert (run.la_codes, run.skipped, run.skipped_national) == ("936", 12, 2)
    because = (
        "10 outside the authorities asked for, or not in the register; 2 rows of England's figures, which an import limited "
        "to some authorities does not take"
    )
    assert f"; 12 skipped ({because})." in run.message
    assert f"12 ({because})" in html.unescape(text(client.get(reverse("imports:detail", args=[run.pk]))))


def test_an_administrator_of_two_authorities_must_choose_which(client, world, uploads, tmp_path):
    admin = world.users[Role.LA_ADMIN]
    grant(admin, Role.LA_ADMIN, world.other_la)
    sign_in(client, admin)
    response = upload(client, tmp_path, extract_about(world.far_school, la_code=850))
    assert response.status_code == 400
    assert "Select the authorities whose schools to import" in response.content.decode()
    assert not ImportRun.objects.exists()


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_a_row_that_would_move_another_authoritys_school_into_theirs_refuses_the_file(
    client, world, uploads, tmp_path, django_capture_on_commit_callbacks
):
    IntelligenceEntry.objects.create(
        school=world.far_school, kind="complaint", severity="high", occurred_on="2025-01-01", summary="About the head"
    )
    sign_in(client, world.users[Role.LA_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, tmp_path, extract_about(world.far_school, la_code=936))
    run = ImportRun.objects.get()
    assert run.outcome == ImportOutcome.REFUSED
    # Whose row it is is said once, beside the row's number, and the refusal says where the register holds it.
    assert (
        f"row 2 (URN {world.far_school.urn}, {world.far_school.name}), column 'LA (code)': the register holds this school under Hampshire (850)"
        in run.message
    )
    assert run.message.count(f"URN {world.far_school.urn}") == 1
    # The school may well have moved: the file is right, and is to be imported for every authority, not corrected.
    assert run.remedy == Remedy.ANOTHER
    page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert "Import another file</a>" in page and "Correct the file" not in page
    world.far_school.refresh_from_db()
    assert world.far_school.la == world.other_la
    assert client.get(reverse("evidence:school-intelligence", args=[world.far_school.urn])).status_code == 404


def test_an_import_of_every_authority_may_move_a_school(db, world):
    run = import_file(extract_about(world.far_school, la_code=936), file_name="moved.csv")
    assert run.outcome == ImportOutcome.SUCCEEDED
    assert School.objects.get(pk=world.far_school.pk).la == world.la


def test_figures_limited_to_an_authority_are_its_schools_and_its_own_not_englands(db):
    import_file(GIAS_2021)
    elsewhere = School.objects.get(urn=125004)  # a Surrey school in the file, held here under another authority
    elsewhere.la = LocalAuthority.objects.create(code=850, name="Hampshire")
    elsewhere.save()
    run = import_file(KS2[2019], la_codes=[936])
    assert run.outcome == ImportOutcome.SUCCEEDED
    assert Observation.objects.filter(school__la__code=936).exists()
    assert not Observation.objects.filter(school=elsewhere).exists()
    areas = set(AreaObservation.objects.values_list("area", "la_code").distinct())
    assert areas == {(Area.LA, 936)}
    import_file(KS2[2019])  # every authority: England's figures too
    assert AreaObservation.objects.filter(area=Area.ENGLAND).exists()


def test_a_meta_file_is_only_imported_for_every_authority(db):
    LocalAuthority.objects.create(code=936, name="Surrey")
    run = import_file(DATA / "2018-2019-ks2_meta.csv", la_codes=[936])
    assert run.outcome == ImportOutcome.REFUSED and "imported for every authority" in run.message
    assert not ColumnDescription.objects.exists()


def test_import_pages_show_an_la_administrator_the_imports_of_their_authorities_and_of_every_authority(client, world):
    hampshire_admin = UserFactory(email="admin@hampshire.example")
    grant(hampshire_admin, Role.LA_ADMIN, world.other_la)
    theirs = ImportRun.objects.create(
        file_name="hampshire-only.csv", checksum="0", user=hampshire_admin, la_codes="850", kind="gias_establishments"
    )
    national = ImportRun.objects.create(file_name="england.csv", checksum="0", la_codes="", kind="gias_establishments")
    both = ImportRun.objects.create(file_name="sub-region.csv", checksum="0", la_codes="850,936")
    for run in (theirs, national):
        RegisterEvent.objects.create(
            school=world.far_school, kind="head", occurred_on="2025-01-01", old_value="A", new_value="B", import_run=run
        )
    RegisterEvent.objects.create(
        school=world.school, kind="head", occurred_on="2025-01-01", old_value="C", new_value="D", import_run=national
    )
    sign_in(client, world.users[Role.LA_ADMIN])
    listing = client.get(reverse("imports:list")).content.decode()
    assert "hampshire-only.csv" not in listing and "england.csv" in listing and "sub-region.csv" in listing
    assert client.get(reverse("imports:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("imports:progress", args=[theirs.pk])).status_code == 404
    detail = client.get(reverse("imports:detail", args=[national.pk])).content.decode()
    assert world.school.name in detail and world.far_school.name not in detail
    assert client.get(reverse("imports:detail", args=[both.pk])).status_code == 200


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_an_upload_writes_neither_a_link_listed_on_another_authoritys_school_nor_one_to_it(
    client, world, uploads, tmp_path, django_capture_on_commit_callbacks
):
    """Each end of the Surrey–Hampshire pair lists the link; neither is Surrey's to write. A link to a school the
    register does not hold (often one long closed) is still written."""
    sign_in(client, world.users[Role.LA_ADMIN])
    body = LINKS_HEADER + links_rows(
        (world.far_school.urn, world.school.urn, "Written here", "Predecessor - merged", "01-09-2020"),
        (world.school.urn, world.far_school.urn, "Hampshire Primary School", "Successor - merged", "01-09-2020"),
        (world.school.urn, 100001, "Ash Grange Infant School", "Predecessor", "01-09-2015"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, tmp_path, body.encode())
    run = ImportRun.objects.get()
    assert (run.outcome, run.created, run.skipped) == (ImportOutcome.SUCCEEDED, 1, 2)
    assert list(SchoolLink.objects.values_list("urn", "linked_urn")) == [(world.school.urn, 100001)]


LINKS_HEADER = '"URN","LinkURN","LinkName","LinkType","LinkEstablishedDate"\n'


def links_rows(*rows) -> str:
    return "".join(",".join(f'"{value}"' for value in row) + "\n" for row in rows)


@pytest.fixture
def closed_school(world):
    """Ash Grange Primary School, closed: GIAS links it to the school that took its place."""
    world.school.status = SchoolStatus.CLOSED
    world.school.save()
    return world.school


def test_a_limited_links_import_does_not_make_another_authoritys_school_a_successor(db, world, closed_school, tmp_path):
    """Surrey's closed school named as a Hampshire school's predecessor (or the Hampshire school as a Surrey
    school's) would show Surrey's figures on Hampshire's results page, and Hampshire's on Surrey's."""
    path = tmp_path / "links.csv"
    path.write_text(
        LINKS_HEADER
        + links_rows(
            (closed_school.urn, world.far_school.urn, "Hampshire Primary School", "Successor", "01-09-2024"),
            (world.other_school.urn, world.far_school.urn, "Hampshire Primary School", "Predecessor", "01-09-2024"),
        )
    )
    run = import_file(path, la_codes=[936])
    assert (run.outcome, run.rows_read, run.skipped) == (ImportOutcome.UNCHANGED, 2, 2)
    assert not SchoolLink.objects.exists()
    assert direct_predecessors([world.far_school.urn, world.other_school.urn]) == {}
    assert history(world.far_school).urns == [world.far_school.urn]
    # An import of every authority keeps both, as GIAS has them.
    run = import_file(path)
    assert (run.outcome, run.created, run.skipped) == (ImportOutcome.SUCCEEDED, 2, 0)
    assert history(world.far_school).urns == [world.far_school.urn, closed_school.urn]
    assert history(world.other_school).still_open == [world.far_school.urn]


def test_a_limited_links_import_leaves_a_link_to_another_authoritys_school_as_it_was(db, world, closed_school, tmp_path):
    """A link an import of every authority wrote is neither turned round, renamed nor dropped by a limited one."""
    national, limited = tmp_path / "links-national.csv", tmp_path / "links-surrey.csv"
    national.write_text(
        LINKS_HEADER + links_rows((closed_school.urn, world.far_school.urn, "Hampshire Primary School", "Successor", "01-09-2024"))
    )
    limited.write_text(
        LINKS_HEADER + links_rows((closed_school.urn, world.far_school.urn, "Renamed by Surrey", "Predecessor", "01-09-2025"))
    )
    import_file(national)
    held = list(SchoolLink.objects.values_list("urn", "linked_urn", "link_type", "linked_name", "established_on", "import_run"))
    run = import_file(limited, la_codes=[936])
    assert (run.outcome, run.skipped, run.changed) == (ImportOutcome.UNCHANGED, 1, 0)
    assert list(SchoolLink.objects.values_list("urn", "linked_urn", "link_type", "linked_name", "established_on", "import_run")) == held
    assert not RegisterEvent.objects.exists()
    assert history(world.far_school).urns == [world.far_school.urn, closed_school.urn]


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_an_upload_does_not_tie_a_school_to_a_trust_whose_schools_are_all_elsewhere(
    client, world, uploads, tmp_path, django_capture_on_commit_callbacks
):
    from register.models import GroupMembership

    from .factories import GroupFactory, GroupMembershipFactory

    hampshire_trust = GroupFactory(name="Hampshire Only Trust")
    GroupMembershipFactory(group=hampshire_trust, school=world.far_school)
    leader = UserFactory(email="leader@hampshire.example")
    grant(leader, Role.TRUST_LEADER, hampshire_trust)
    sign_in(client, world.users[Role.LA_ADMIN])
    header = "URN,Group UID,Group ID,Group Name,Group Type (code),Group Status,Joined date\n"
    rows = [
        f"{world.school.urn},{hampshire_trust.uid},TR1,Hampshire Only Trust,6,Open,2020-01-01",
        f"{world.trust_school.urn},{world.trust.uid},{world.trust.group_id},{world.trust.name},6,Open,2020-01-01",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, tmp_path, (header + "\n".join(rows) + "\n").encode())
    run = ImportRun.objects.get()
    assert run.outcome in (ImportOutcome.SUCCEEDED, ImportOutcome.UNCHANGED) and run.skipped == 1
    assert not GroupMembership.objects.filter(group=hampshire_trust, school=world.school).exists()
    assert client.get(reverse("accounts:user-detail", args=[leader.pk])).status_code == 404


@pytest.mark.parametrize("code", [999, 0, 9360])
def test_an_import_limited_to_an_authority_the_register_does_not_hold_is_refused(db, code):
    import_file(GIAS_2021)
    inspections = Inspection.objects.count()  # the extract's own Ofsted ratings
    for path in (KS2[2019], OFSTED_ALL, LINKS_2025):
        run = import_file(path, la_codes=[code])
        assert run.outcome == ImportOutcome.REFUSED
        assert run.message.startswith(f"{path.name}: there is no local authority {code} in the register;")
    assert not Observation.objects.exists() and not SchoolLink.objects.exists()
    assert Inspection.objects.count() == inspections


def test_a_gias_extract_limited_to_an_authority_neither_held_nor_in_the_file_is_refused(db):
    run = import_file(GIAS_2021, la_codes=[936, 999])
    assert run.outcome == ImportOutcome.REFUSED
    assert run.message.startswith(
        "surrey-2021-05-establishments.csv: there is no local authority 999 in the register, and the file has no schools of it"
    )
    assert not LocalAuthority.objects.exists() and not School.objects.exists()
    # An authority the file holds is added by it, the first time as later.
    assert import_file(GIAS_2021, la_codes=[936]).created == 590


def test_an_import_may_be_limited_to_every_authority_of_england(db):
    """A site administrator may tick all 150-odd authorities: the run keeps every code (PostgreSQL refused 51 or more)."""
    import_file(GIAS_2021)
    codes = list(range(800, 960))  # Surrey (936) among them
    LocalAuthority.objects.bulk_create([LocalAuthority(code=code, name=f"Authority {code}") for code in codes if code != 936])
    run = import_file(KS2[2019], la_codes=codes)
    assert run.outcome == ImportOutcome.SUCCEEDED, run.message
    run.refresh_from_db()
    assert run.la_codes == ",".join(str(code) for code in sorted(codes))


def another_authoritys(source, tmp_path, *, code_column: str, code: str, name: str | None = None) -> bytes:
    """The real file `source` as another authority's: each row's LA code (where it gives one) made `code`, each URN moved
    out of Surrey's range so that no school of the register is named, and with `name`, each LA name that."""
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8-sig"))))
    header = rows[0]
    for row in rows[1:]:
        for column, value in ((code_column, code), ("LA (name)", name)):
            if value and column in header and len(row) > header.index(column) and row[header.index(column)].strip():
                row[header.index(column)] = value
        if len(row) > header.index("URN") and row[header.index("URN")].isdigit():
            row[header.index("URN")] = str(int(row[header.index("URN")]) + 500000)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    (path := tmp_path / source.name).write_bytes(out.getvalue().encode())
    return path


@pytest.mark.parametrize(
    ("source", "code_column", "name", "named"),
    [(GIAS_2021, "LA (code)", "Hampshire", "Hampshire (850)"), (KS2[2019], "LEA", None, "LA 850")],
    ids=["gias", "ks2"],
)
def test_an_import_limited_to_an_authority_says_whose_file_it_took_nothing_of(db, tmp_path, source, code_column, name, named):
    """Another authority's file, uploaded by Surrey's administrator, said only that its rows were "outside the authorities
    asked for", which no one at Surrey had asked for: it names the authority the file is of."""
    import_file(GIAS_2021)
    run = import_file(another_authoritys(source, tmp_path, code_column=code_column, code="850", name=name), la_codes=[936])
    assert (run.outcome, run.created, run.changed, run.unchanged) == (ImportOutcome.UNCHANGED, 0, 0, 0)
    assert run.message.endswith(f"The file is of {named}, not of Surrey (936), the authority this import was limited to.")
    # Surrey's own file, or the whole country's, says nothing of the kind.
    assert "The file is of" not in import_file(KS2[2019], la_codes=[936]).message


def test_a_file_of_the_authority_asked_for_is_not_said_to_be_anothers_for_a_school_of_another_in_it(db):
    """A file of Surrey's schools, one of them Hampshire's, none yet in the register, was said to be Hampshire's file."""
    from imports.services import another_authoritys_file

    assert another_authoritys_file(frozenset({936}), [936, 850]) == []
    assert another_authoritys_file(frozenset({936}), [850]) == [
        "The file is of LA 850, not of LA 936, the authority this import was limited to."
    ]


def test_an_import_is_named_by_its_number_only_to_a_reader_who_may_open_its_page(world):
    """ImportNames, which every page and download asks how to name an import: by its number, a link to its page, to an
    LA administrator who may open that import (their authority's, or every authority's); by its file and the day it was
    imported to an administrator of another authority only, to every other role, and to a reader signed out."""
    from core.jinja import gov_date
    from imports.naming import ImportNames

    surreys = ImportRun.objects.create(file_name="surrey-only.csv", checksum="0", la_codes="936", kind="ks2_final")
    national = ImportRun.objects.create(file_name="england.csv", checksum="0", la_codes="", kind="ks2_final")
    hampshire_admin = UserFactory(email="admin@hampshire.example")
    grant(hampshire_admin, Role.LA_ADMIN, world.other_la)
    day = gov_date(surreys.started_at)
    surrey_admin = ImportNames(world.users[Role.LA_ADMIN])
    assert surrey_admin.text(surreys.pk, surreys.file_name, surreys.started_at) == f"surrey-only.csv (import {surreys.pk})"
    assert str(surrey_admin.html(surreys.pk, surreys.file_name, surreys.started_at)) == (
        f'<bdi>surrey-only.csv</bdi> (<a class="govuk-link" href="/imports/{surreys.pk}/">import {surreys.pk}</a>)'
    )
    assert ImportNames(hampshire_admin).text(national.pk, national.file_name, national.started_at) == f"england.csv (import {national.pk})"
    readers = [hampshire_admin, None, *(world.users[role] for role in Role if role != Role.LA_ADMIN)]
    for reader in readers:
        names = ImportNames(reader)
        assert names.text(surreys.pk, surreys.file_name, surreys.started_at) == f"surrey-only.csv (imported {day})", reader
        assert str(names.html(surreys.pk, "<b>.csv", surreys.started_at)) == f"<bdi>&lt;b&gt;.csv</bdi> (imported {day})"
