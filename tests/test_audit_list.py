"""The audit log page: LA administrators filter it by person, action, kind of record, record and dates."""

import re
from html import unescape

import pytest
from django.urls import reverse

from accounts.roles import Role
from audit.models import AuditAction
from audit.services import record

from .conftest import sign_in
from .factories import SchoolFactory


@pytest.fixture
def admin(client, world):
    officer = world.users[Role.LA_OFFICER]
    for _ in range(3):
        record(AuditAction.VIEW, user=officer, obj=world.school)
    record(AuditAction.VIEW, user=officer, obj=world.other_school)
    record(AuditAction.SIGN_IN, user=officer)
    return sign_in(client, world.users[Role.LA_ADMIN])


def entries(page: str) -> int:
    return int(re.search(r"([\d,]+) entr(y|ies)\.", page).group(1).replace(",", ""))


def test_the_kinds_of_record_are_listed_once_each_in_words(admin):
    page = admin.get(reverse("audit:list")).content.decode()
    options = re.findall(r'<option value="([^"]*)"[^>]*>\s*([^<]*?)\s*</option>', page)
    kinds = [(value, text) for value, text in options if "." in value]
    assert ("register.school", "School") in kinds
    assert len(kinds) == len(set(kinds))


def test_a_record_is_found_by_its_urn_or_name(admin, world):
    by_urn = admin.get(reverse("audit:list"), {"object_id": str(world.school.urn)}).content.decode()
    assert entries(by_urn) == 3
    by_name = admin.get(reverse("audit:list"), {"object_id": "busbridge"}).content.decode()
    assert entries(by_name) == 1


def test_a_record_number_finds_that_record_only_not_every_one_whose_words_hold_its_digits(admin, world):
    """Record 1 found every record with a 1 in its words (a date, a file name), where the hint promises a record number."""
    from imports.models import ImportRun

    runs = [ImportRun.objects.create(file_name="ks4.csv", kind="ks4") for _ in range(3)]
    number = str(runs[0].pk)
    officer = world.users[Role.LA_OFFICER]
    for n, run in enumerate(runs):
        run.file_name = f"ks4-{number}-{n}.csv"  # each name holds the first run's number
        record(AuditAction.VIEW, user=officer, obj=run)
    found = admin.get(reverse("audit:list"), {"object_type": "imports.importrun", "object_id": number}).content.decode()
    assert entries(found) == 1
    by_name = admin.get(reverse("audit:list"), {"object_type": "imports.importrun", "object_id": f"ks4-{number}"}).content.decode()
    assert entries(by_name) == 3


def test_a_kind_of_record_the_list_does_not_offer_is_not_filtered_by(admin):
    everything = entries(admin.get(reverse("audit:list"), {"action": "view"}).content.decode())
    assert entries(admin.get(reverse("audit:list"), {"action": "view", "object_type": "nonsense"}).content.decode()) == everything + 1


def test_dates_that_are_not_dates_or_out_of_order_are_named_and_kept(admin):
    page = admin.get(reverse("audit:list"), {"from": "2026-02-30", "to": "yesterday"}).content.decode()
    assert "The ‘From’ date must be a real date" in page
    assert "Enter the ‘To’ date as a date, for example 2026-11-25 or 25 November 2026" in page
    assert 'value="2026-02-30"' in page and 'value="yesterday"' in page
    assert "Correct the dates to see the entries." in page and not re.search(r"\d entr(y|ies)\.", page)
    page = admin.get(reverse("audit:list"), {"from": "2026-11-25", "to": "2026-11-01"}).content.decode()
    assert "The ‘To’ date must be the same as or after the ‘From’ date" in page
    everything = admin.get(reverse("audit:list"), {"from": "2000-01-01", "to": "2999-12-31", "action": "view"}).content.decode()
    assert entries(everything) >= 4
    # Dates as people write them too.
    written = admin.get(reverse("audit:list"), {"from": "1 Jan 2000", "to": "31/12/2999", "action": "view"}).content.decode()
    assert entries(written) == entries(everything) + 1  # with the reading of the log just before
    assert entries(admin.get(reverse("audit:list"), {"from": "1 January 2999"}).content.decode()) == 0


def test_an_event_without_a_person_says_whether_it_came_from_the_web_or_the_command_line(admin, world):
    from imports.models import ImportRun

    run = ImportRun.objects.create(file_name="england.csv", checksum="0", la_codes="")
    record(AuditAction.IMPORT, obj=run)
    page = admin.get(reverse("audit:list"), {"action": "import"}).content.decode()
    assert "Command line" in page and "Anonymous" not in page and "Common Ground itself" not in page


def test_an_event_the_service_records_of_its_own_accord_says_so(admin, world):
    from audit.models import SERVICE
    from imports.models import ImportRun

    run = ImportRun.objects.create(file_name="england.csv", checksum="0", la_codes="")
    record(AuditAction.IMPORT, obj=run, by=SERVICE)
    page = admin.get(reverse("audit:list"), {"action": "import"}).content.decode()
    assert "Common Ground itself" in page and "Command line" not in page


def what_column(page: str) -> list[str]:
    """The words of each entry's What cell, up to the page it was recorded on (or its detail)."""
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', page[page.index("<tbody") :], re.S)
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in rows]  # its time the row's header
    return [unescape(re.split(r"<br>", row[3])[0]).strip() for row in cells if len(row) == 5]


def test_each_entry_names_its_record_in_words_without_the_databases_numbers(admin, world):
    """It said "Kingswood Primary School (124937) (School 77)", "(Local intelligence (a school's))" and "(Role
    assignment 17)": a reader has no use for the number, and the record's own words say what it is."""
    from accounts import services
    from imports.models import ImportRun

    officer, surrey_admin = world.users[Role.LA_OFFICER], world.users[Role.LA_ADMIN]
    record(AuditAction.VIEW, user=officer, obj=world.school, object_type="evidence.intelligence")
    invited = services.invite_user(
        email="nia@example.org", full_name="Nia Patel", role=Role.GOVERNOR, target=world.school, invited_by=surrey_admin
    )
    record(AuditAction.VIEW, user=surrey_admin, obj=invited.user)
    run = ImportRun.objects.create(file_name="2021-2022-936-ks2final.csv", checksum="0")
    record(AuditAction.IMPORT, user=surrey_admin, obj=run, kind="ks2_final")
    page = admin.get(reverse("audit:list")).content.decode()
    assert what_column(page)[:6] == [
        "Import run: 2021-2022-936-ks2final.csv (Running)",
        "User: Nia Patel",
        "Invitation for nia@example.org",
        "User: Nia Patel",  # the account made for the invitation
        f"Role: Chair or member of governors — {world.school}",
        f"Local intelligence of {world.school}",
    ]
    assert what_column(page)[-1] == f"School: {world.school}"
    # A school whose name starts with "School" is still headed with its kind.
    lane = SchoolFactory(la=world.la, name="School Lane Primary School")
    record(AuditAction.VIEW, user=officer, obj=lane)
    assert what_column(admin.get(reverse("audit:list")).content.decode())[0] == f"School: {lane}"
    assert "kind: Key stage 2 performance tables<" in page
    # A code another kind of record also uses is not put into that record's words.
    record(AuditAction.CREATE, user=surrey_admin, obj=world.school, kind="leadership")
    assert "kind: leadership" in admin.get(reverse("audit:list"), {"action": AuditAction.CREATE}).content.decode()
    assert not re.search(r"\((School|User|Role assignment|Invitation|Import run) \d+\)", page)


def entry_words(page: str, action: AuditAction) -> list[str]:
    """The words of each row of the log whose action is `action`, cell by cell, each run of spaces one space."""
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', page[page.index("<tbody") :], re.S)
    cells = [
        [" ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split()) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in rows
    ]
    return [" | ".join(row) for row in cells if len(row) == 5 and row[2] == action.label]


def test_a_role_granted_or_revoked_is_named_once_and_its_detail_says_only_whose_it_is(admin, world):
    """An entry for a grant said the role twice: "Role: Chair or member of governors — Ash Grange Primary School", then
    "role: Chair or member of governors; to: nia@example.org". The entry names the role; the detail adds only whose it
    is: to whom it was granted, or from whom it was revoked."""
    from accounts import services

    nia = services.invite_user(
        email="nia@example.org", full_name="Nia Patel", role=Role.ADVISER, target=world.other_school, invited_by=world.users[Role.LA_ADMIN]
    ).user
    assignment = services.grant_role(user=nia, role=Role.GOVERNOR, target=world.school, granted_by=world.users[Role.LA_ADMIN])
    services.revoke_role(assignment=assignment, revoked_by=world.users[Role.LA_ADMIN])
    page = admin.get(reverse("audit:list")).content.decode()
    role = f"Role: Chair or member of governors — {world.school}"
    granted, revoked = entry_words(page, AuditAction.GRANT)[0], entry_words(page, AuditAction.REVOKE)[0]
    assert f"| Granted role | {role} to: nia@example.org |" in granted
    assert f"| Revoked role | {role} from: nia@example.org |" in revoked
    for entry in (granted, revoked):
        assert entry.count("Chair or member of governors") == 1


def test_a_change_says_what_it_recorded_but_not_an_entrys_words_before_a_correction(admin, world):
    """Who withdrew which entry, and why, can be read from the log; the words an entry had before a correction stay in
    the entry's own history, for those who may read it."""
    officer = world.users[Role.LA_OFFICER]
    record(AuditAction.UPDATE, user=officer, obj=world.school, withdrawn=True, reason="Recorded against the wrong school")
    record(AuditAction.UPDATE, user=officer, obj=world.school, corrected=["summary", "severity"], was={"summary": "Head off sick"})
    record(AuditAction.UPDATE, user=officer, obj=world.school, note="x" * 400)
    page = admin.get(reverse("audit:list"), {"action": AuditAction.UPDATE}).content.decode()
    assert "reason: Recorded against the wrong school; withdrawn: yes" in page
    assert "corrected: summary, severity" in page and "Head off sick" not in page
    assert "note: " + "x" * 293 + "…" in page and "x" * 400 not in page


def test_an_entrys_detail_gives_an_intelligence_entrys_kind_and_severity_in_words(admin, world):
    from datetime import date

    from evidence.services import record_intelligence

    officer = world.users[Role.LA_OFFICER]
    record_intelligence(world.school, user=officer, kind="leadership", severity="medium", occurred_on=date(2025, 1, 10), summary="New")
    page = unescape(admin.get(reverse("audit:list"), {"action": AuditAction.CREATE}).content.decode())
    assert f"Intelligence entry: Leadership change (10 January 2025), {world.school}" in page
    assert "kind: Leadership change; school urn: " in page and "severity: Medium" in page


def test_an_entry_about_a_page_and_no_record_gives_the_page_alone(admin, world):
    from django.test import RequestFactory

    officer = world.users[Role.LA_OFFICER]
    record(AuditAction.SIGN_IN, request=RequestFactory().post("/accounts/sign-in/"), user=officer, stage="password")
    page = admin.get(reverse("audit:list"), {"action": AuditAction.SIGN_IN}).content.decode()
    assert re.search(r'<td class="govuk-table__cell"><span class="govuk-body-s cg-break">/accounts/sign-in/</span>', page)


def test_the_last_day_there_is_and_the_first_are_dates_the_log_can_be_read_to_and_from(admin):
    """To 31 December 9999 read the events before the next day, which there is not: the page failed."""
    everything = entries(admin.get(reverse("audit:list"), {"action": "view"}).content.decode())
    assert (
        entries(admin.get(reverse("audit:list"), {"from": "0001-01-01", "to": "9999-12-31", "action": "view"}).content.decode())
        == everything + 1
    )  # the first read
