import csv
import gzip
import io
from datetime import date

import pytest
from django.urls import reverse

from accounts.roles import Role
from imports.models import ImportOutcome
from imports.services import import_file
from register.models import Group, GroupKind, GroupMembership, RegisterEvent, RegisterEventKind, School, SchoolLink

from .conftest import sign_in
from .factories import SchoolFactory, UserFactory, grant
from .test_import_demo_files import GIAS_2021, GIAS_2022, GROUP_LINKS, GROUPS, LINKS_2021, LINKS_2025, snapshot, without_columns

TRUST_EVENTS = [RegisterEventKind.LEFT_TRUST, RegisterEventKind.JOINED_TRUST, RegisterEventKind.TRUST_RENAMED]


@pytest.fixture
def surrey(db):
    return import_file(GIAS_2021)


def test_groups_file_imports_every_group_with_its_kind(db):
    run = import_file(GROUPS)
    assert (run.outcome, run.rows_read, run.created) == (ImportOutcome.SUCCEEDED, 6904, 6904)
    trust = Group.objects.get(uid=16340)
    assert (trust.name, trust.group_id, trust.kind, trust.status) == (
        "LIGHTHOUSE SCHOOLS PARTNERSHIP",
        "TR00876",
        GroupKind.MULTI_ACADEMY_TRUST,
        "Open",
    )
    # The file's ISO dates, and the numbers its pandas history turned into floats, come back as GIAS has them.
    assert trust.opened_on == date(2011, 6, 8)
    assert (trust.companies_house_number, trust.ukprn) == ("07662102", "10058855")
    assert (trust.address, trust.postcode, trust.head_name) == ("Gordano School St. Marys Road, Portishead, Bristol", "BS20 7QR", "")
    assert Group.objects.get(uid=1000).closed_on == date(2010, 8, 31)


def test_groups_file_twice_is_unchanged(db):
    import_file(GROUPS)
    assert import_file(GROUPS).outcome == ImportOutcome.UNCHANGED


def test_group_links_join_register_schools_to_their_trusts(surrey):
    run = import_file(GROUP_LINKS)
    assert run.rows_read == 20613
    assert GroupMembership.objects.count() == 342  # the Surrey schools' memberships; the rest are skipped
    assert run.skipped == 20613 - 342
    weydon = GroupMembership.objects.select_related("group").get(school__urn=136531, group__uid=16644)
    assert (weydon.group.uid, weydon.group.name, weydon.group.kind) == (16644, "WEYDON MULTI ACADEMY TRUST", GroupKind.MULTI_ACADEMY_TRUST)
    assert weydon.joined_on == date(2011, 4, 1)
    assert weydon.left_on is None
    # 1900-01-01 is GIAS's "not recorded".
    assert GroupMembership.objects.filter(joined_on=None).count() == 4


@pytest.mark.parametrize("links_first", [False, True], ids=["extracts then links", "links then the newer extract"])
def test_a_move_between_trusts_is_dated_by_the_group_links_whichever_comes_first(surrey, links_first):
    """GIAS's extracts show that Boxgrove Primary School moved from Guildford Education Partnership to Learning
    Partners Academy Trust between May 2021 and April 2022, not when; its group links say it joined on
    1 September 2021, and so it left the other trust that day."""
    for file in (GROUP_LINKS, GIAS_2022) if links_first else (GIAS_2022, GROUP_LINKS):
        import_file(file)
    moved = RegisterEvent.objects.filter(school__urn=140057, kind__in=[RegisterEventKind.LEFT_TRUST, RegisterEventKind.JOINED_TRUST])
    assert sorted((e.kind, e.occurred_on, e.on_or_before) for e in moved) == [
        (RegisterEventKind.JOINED_TRUST, date(2021, 9, 1), False),
        (RegisterEventKind.LEFT_TRUST, date(2021, 9, 1), False),
    ]
    # Shalford Infant School's trust name changed from Athena Schools Trust to Learning Partners Academy Trust;
    # the links date its membership to November 2019, before the 2021 extract named the other trust: it did not
    # move, its trust was renamed, and that is not when it changed.
    shalford = RegisterEvent.objects.filter(school__urn=146022, kind__in=TRUST_EVENTS)
    assert [(e.kind, e.occurred_on, e.on_or_before, e.after) for e in shalford] == [
        (RegisterEventKind.TRUST_RENAMED, date(2022, 4, 1), True, date(2021, 4, 19))
    ]
    assert shalford[0].change == "from “ATHENA SCHOOLS TRUST” to “LEARNING PARTNERS ACADEMY TRUST”"
    # So were Knaphill School's (Goldsworth Trust, a member of Bright Futures Learning Trust since July 2020).
    knaphill = RegisterEvent.objects.filter(school__urn=147427, kind__in=TRUST_EVENTS)
    assert [(e.kind, e.old_value, e.new_value) for e in knaphill] == [
        (RegisterEventKind.TRUST_RENAMED, "GOLDSWORTH TRUST", "BRIGHT FUTURES LEARNING TRUST")
    ]


def test_group_links_twice_is_unchanged(surrey):
    import_file(GROUP_LINKS)
    assert import_file(GROUP_LINKS).outcome == ImportOutcome.UNCHANGED


def test_membership_missing_from_a_newer_file_is_ended_not_deleted(surrey, tmp_path):
    import_file(GROUP_LINKS)
    lines = gzip.decompress(GROUP_LINKS.read_bytes()).decode().splitlines(keepends=True)
    newer = tmp_path / "group-links-newer.csv"
    newer.write_text("".join(line for line in lines if ",136531,16644," not in line))
    run = import_file(newer)
    assert run.changed == 1
    weydon = GroupMembership.objects.get(school__urn=136531, group__uid=16644)
    assert weydon.left_on == date.today()
    assert GroupMembership.objects.filter(left_on__isnull=False).count() == 1
    # It comes back when a later file lists it again.
    import_file(GROUP_LINKS)
    assert GroupMembership.objects.get(school__urn=136531, group__uid=16644).left_on is None


def test_groups_with_la_write_only_the_groups_wholly_in_those_authorities(surrey):
    from .factories import LocalAuthorityFactory, SchoolFactory

    run = import_file(GROUPS, la_codes=[936])
    assert (run.created, run.skipped) == (0, run.rows_read)  # no membership known yet: no group is Surrey's alone
    import_file(GROUP_LINKS, la_codes=[936])  # adds the groups with a Surrey member, with what the links file says
    held = Group.objects.count()
    assert 0 < held < 400
    assert not Group.objects.exclude(memberships__school__la__code=936).exists()
    # One of them also has a school in another authority: it is not Surrey's to rewrite.
    spanning = Group.objects.filter(kind=GroupKind.MULTI_ACADEMY_TRUST).first()
    spanning.memberships.create(school=SchoolFactory(la=LocalAuthorityFactory(code=850, name="Hampshire")))
    Group.objects.update(address="")  # the groups file gives addresses; the links file does not
    run = import_file(GROUPS, la_codes=[936])
    assert run.rows_read - run.skipped == held - 1 and run.changed + run.unchanged == held - 1
    assert Group.objects.filter(import_run=run).count() == run.changed > 0
    assert Group.objects.get(pk=spanning.pk).address == "" and not Group.objects.filter(pk=spanning.pk, import_run=run).exists()


def test_links_file_in_windows_1252_keeps_its_accents(db):
    run = import_file(LINKS_2025)
    assert (run.outcome, run.created) == (ImportOutcome.SUCCEEDED, 34565)
    link = SchoolLink.objects.get(urn=108299, linked_urn=138950)
    assert link.linked_name.startswith("St Thomas à Becket Catholic")
    assert (link.link_type, link.established_on) == ("Successor", date(2012, 10, 31))


def test_links_with_la_keep_those_listed_on_the_authoritys_own_schools(surrey):
    run = import_file(LINKS_2021, la_codes=[936])
    assert 0 < run.created < 2000
    surrey_urns = set(School.objects.values_list("urn", flat=True))
    assert all(link.urn in surrey_urns for link in SchoolLink.objects.all())
    assert run.skipped == run.rows_read - run.created


def test_a_later_links_file_that_turns_a_link_round_replaces_it(surrey):
    """GIAS's 2021 links said St Teresa's School (125402) was succeeded by St Teresa's Preparatory School
    (125448); its 2025 links say the preparatory school was its predecessor. The later word replaces the earlier."""
    import_file(LINKS_2021, la_codes=[936])
    assert list(SchoolLink.objects.filter(urn=125402, linked_urn=125448).values_list("link_type", flat=True)) == ["Successor - amalgamated"]
    run = import_file(LINKS_2025, la_codes=[936])
    assert list(SchoolLink.objects.filter(urn=125402, linked_urn=125448).values_list("link_type", flat=True)) == [
        "Predecessor - amalgamated"
    ]
    assert run.changed >= 1
    event = RegisterEvent.objects.get(school__urn=125402, kind=RegisterEventKind.LINK_CHANGED)
    assert (event.old_value, event.new_value, event.occurred_on) == (
        "Successor - amalgamated: URN 125448 (St Teresa's Preparatory School)",
        "Predecessor - amalgamated: URN 125448 (St Teresa's Preparatory School)",
        date(2019, 8, 23),
    )
    assert import_file(LINKS_2025, la_codes=[936]).outcome == ImportOutcome.UNCHANGED


LINKS_HEADER = '"URN","LinkURN","LinkName","LinkType","LinkEstablishedDate"\n'


def links_file(path, *rows):
    path.write_text(LINKS_HEADER + "".join(",".join(f'"{value}"' for value in row) + "\n" for row in rows))
    return path


def test_a_link_turned_round_is_recorded_as_a_register_event_of_the_school(db, tmp_path, client):
    """The school at the link's URN end keeps what the link said; a pair linked as before, or a school outside
    the register, records nothing, and the same file again records nothing more."""
    school, unchanged = SchoolFactory(urn=125402), SchoolFactory(urn=125403)
    import_file(
        links_file(
            tmp_path / "links-2021.csv",
            (125402, 125448, "St Teresa's Preparatory School", "Successor - amalgamated", "23-08-2019"),
            (125403, 125449, "Elm Infant School", "Predecessor", "01-09-2015"),
            (125448, 125402, "St Teresa's School", "Predecessor - amalgamated", "23-08-2019"),
        )
    )
    later = links_file(
        tmp_path / "links-2025.csv",
        (125402, 125448, "St Teresa's Preparatory School", "Predecessor - amalgamated", "01-09-2024"),
        (125403, 125449, "Elm Infant School", "Predecessor", "01-09-2015"),
        (125448, 125402, "St Teresa's School", "Successor - amalgamated", "01-09-2024"),
    )
    run = import_file(later)
    # Each row read is counted once: the two turned round as changed (not also as new), the third as unchanged.
    assert (run.rows_read, run.created, run.changed, run.unchanged, run.skipped) == (3, 0, 2, 1, 0)
    events = list(RegisterEvent.objects.filter(kind=RegisterEventKind.LINK_CHANGED))
    assert [(e.school, e.import_run, e.occurred_on) for e in events] == [(school, run, date(2024, 9, 1))]
    assert (events[0].old_value, events[0].new_value) == (
        "Successor - amalgamated: URN 125448 (St Teresa's Preparatory School)",
        "Predecessor - amalgamated: URN 125448 (St Teresa's Preparatory School)",
    )
    assert str(events[0]) == (
        "Link to another school changed: from “Successor - amalgamated: URN 125448 (St Teresa's Preparatory School)” "
        "to “Predecessor - amalgamated: URN 125448 (St Teresa's Preparatory School)”"
    )
    assert not unchanged.events.exists()
    # The import's page lists it with the register's other changes.
    admin = UserFactory()
    grant(admin, Role.LA_ADMIN, school.la)
    sign_in(client, admin)
    page = client.get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert "Changes to the register" in page and "Link to another school changed" in page
    assert "Predecessor - amalgamated: URN 125448 (St Teresa&#39;s Preparatory School)" in page
    assert '<td class="govuk-table__cell">1 September 2024</td>' in page
    assert import_file(later).outcome == ImportOutcome.UNCHANGED
    assert RegisterEvent.objects.filter(kind=RegisterEventKind.LINK_CHANGED).count() == 1


def test_a_link_turned_round_without_a_date_is_dated_on_the_day_of_the_import(db, tmp_path):
    school = SchoolFactory(urn=125402)
    import_file(links_file(tmp_path / "links-2021.csv", (125402, 125448, "St Teresa's Preparatory School", "Successor", "")))
    import_file(links_file(tmp_path / "links-2025.csv", (125402, 125448, "", "Predecessor", "")))
    event = school.events.get()
    assert (event.kind, event.occurred_on, event.on_or_before) == (RegisterEventKind.LINK_CHANGED, date.today(), True)
    # A file that leaves the name out: the event names the school as the register knew it.
    assert event.new_value == "Predecessor: URN 125448 (St Teresa's Preparatory School)"


class TestAGroupsFileWithoutSomeColumns:
    """A column the file does not have leaves its field as the register holds it: not compared, not written."""

    @pytest.fixture
    def groups(self, db):
        return import_file(GROUPS)

    def test_without_companies_house_numbers_and_closing_dates_the_groups_keep_theirs(self, groups, tmp_path):
        before = snapshot()
        run = import_file(without_columns(GROUPS, tmp_path, "Companies House Number", "Closed Date"))
        assert (run.outcome, run.unchanged) == (ImportOutcome.UNCHANGED, 6904)
        assert run.message.endswith(
            "The file has no columns 'Companies House Number' and 'Closed Date': "
            "Companies House numbers and closing dates were left as they were."
        )
        assert snapshot() == before
        assert Group.objects.get(uid=16340).companies_house_number == "07662102"
        assert Group.objects.get(uid=1000).closed_on == date(2010, 8, 31)

    def test_what_the_file_does_say_is_still_imported(self, groups, tmp_path):
        Group.objects.filter(uid=16340).update(name="OLD NAME", postcode="GU1 1AA", head_name="Ms A Head")
        run = import_file(without_columns(GROUPS, tmp_path, "Group Postcode", "Head of Group Last Name"))
        assert run.changed == 1
        assert "'Group Postcode' and 'Head of Group Last Name': postcodes and heads of group were left" in run.message
        trust = Group.objects.get(uid=16340)
        assert (trust.name, trust.postcode, trust.head_name) == ("LIGHTHOUSE SCHOOLS PARTNERSHIP", "GU1 1AA", "Ms A Head")

    def test_a_group_new_to_the_register_has_those_fields_blank(self, db, tmp_path):
        run = import_file(without_columns(GROUPS, tmp_path, "Companies House Number"))
        assert (run.outcome, run.created) == (ImportOutcome.SUCCEEDED, 6904)
        assert not Group.objects.exclude(companies_house_number="").exists()

    @pytest.mark.parametrize("column", ["Group UID", "Group Name", "Group Type (code)"])
    def test_a_file_without_a_column_that_identifies_the_group_is_refused_naming_it(self, groups, tmp_path, column):
        before = snapshot()
        run = import_file(without_columns(GROUPS, tmp_path, column))
        assert (run.outcome, run.kind) == (ImportOutcome.REFUSED, "gias_groups")
        assert run.message.startswith(f"groups-2022-07-national.csv: the file has no column '{column}';")
        assert snapshot() == before


class TestAGroupLinksFileWithoutSomeColumns:
    @pytest.fixture
    def linked(self, surrey):
        return import_file(GROUP_LINKS)

    def test_without_joining_dates_the_memberships_keep_theirs(self, linked, tmp_path):
        before = snapshot()
        run = import_file(without_columns(GROUP_LINKS, tmp_path, "Joined date"))
        assert (run.outcome, run.kind, run.unchanged) == (ImportOutcome.UNCHANGED, "gias_group_links", 342)
        assert run.message.endswith("The file has no column 'Joined date': joining dates were left as they were.")
        assert snapshot() == before
        assert GroupMembership.objects.get(school__urn=136531, group__uid=16644).joined_on == date(2011, 4, 1)

    def test_without_joining_dates_a_membership_the_file_no_longer_lists_still_ends(self, linked, tmp_path):
        GroupMembership.objects.filter(school__urn=136531, group__uid=16644).update(left_on=date(2020, 1, 1))
        run = import_file(without_columns(GROUP_LINKS, tmp_path, "Joined date"))
        assert run.changed == 1
        weydon = GroupMembership.objects.get(school__urn=136531, group__uid=16644)
        assert (weydon.joined_on, weydon.left_on) == (date(2011, 4, 1), None)

    def test_without_the_groups_closing_dates_the_message_says_so(self, linked, tmp_path):
        run = import_file(without_columns(GROUP_LINKS, tmp_path, "Closed Date", "Companies House Number"))
        assert run.outcome == ImportOutcome.UNCHANGED
        assert run.message.endswith(
            "The file has no columns 'Companies House Number' and 'Closed Date': "
            "Companies House numbers and closing dates were left as they were."
        )

    @pytest.mark.parametrize("column", ["URN", "Group UID", "Group Name", "Group Type (code)"])
    def test_a_file_without_a_column_that_identifies_the_membership_is_refused_naming_it(self, linked, tmp_path, column):
        before = snapshot()
        run = import_file(without_columns(GROUP_LINKS, tmp_path, column))
        assert (run.outcome, run.kind) == (ImportOutcome.REFUSED, "gias_group_links")
        assert run.message.startswith(f"group-links-2022-07-national.csv: the file has no column '{column}';")
        assert snapshot() == before


def test_an_older_links_file_imported_after_a_newer_one_leaves_the_newer_links_alone(surrey):
    """The 2021 links again, after the 2025 ones: St Teresa's stays linked as the 2025 file says, nothing is turned
    back, and the import says why."""
    import_file(LINKS_2021, la_codes=[936])
    import_file(LINKS_2025, la_codes=[936])
    held = set(SchoolLink.objects.values_list("urn", "linked_urn", "link_type", "linked_name", "established_on"))
    events = RegisterEvent.objects.count()
    run = import_file(LINKS_2021, la_codes=[936])
    assert run.outcome == ImportOutcome.UNCHANGED, run.message
    assert set(SchoolLink.objects.values_list("urn", "linked_urn", "link_type", "linked_name", "established_on")) == held
    assert RegisterEvent.objects.count() == events
    assert "so it was taken as an older file" in run.message
    assert list(SchoolLink.objects.filter(urn=125402, linked_urn=125448).values_list("link_type", flat=True)) == [
        "Predecessor - amalgamated"
    ]


def test_an_older_links_file_still_adds_a_link_the_register_lacks(db, tmp_path):
    SchoolFactory(urn=125402), SchoolFactory(urn=125403)
    import_file(
        links_file(tmp_path / "new.csv", (125402, 125448, "St Teresa's Preparatory School", "Predecessor - amalgamated", "01-09-2024"))
    )
    run = import_file(
        links_file(
            tmp_path / "old.csv",
            (125402, 125448, "St Teresa's Preparatory School", "Successor - amalgamated", "23-08-2019"),
            (125403, 125449, "Elm Infant School", "Predecessor", "01-09-2015"),
        )
    )
    assert (run.created, run.changed, run.skipped) == (1, 0, 1)
    assert set(SchoolLink.objects.values_list("urn", "linked_urn", "link_type")) == {
        (125402, 125448, "Predecessor - amalgamated"),
        (125403, 125449, "Predecessor"),
    }


def test_a_links_file_of_one_authoritys_schools_imported_for_every_authority_ends_no_other_authoritys_memberships(surrey, tmp_path):
    """Imported for every authority, the file was taken for the national list: each membership it left out ended, so a
    file of Surrey's schools alone ended every other authority's. Now only those of authorities it has rows of end."""
    from .factories import GroupFactory, GroupMembershipFactory, LocalAuthorityFactory

    import_file(GROUP_LINKS)
    # Joined after any of Surrey's: another authority's membership says nothing of the age of a file of Surrey's schools.
    elsewhere = GroupMembershipFactory(
        group=GroupFactory(), school=SchoolFactory(la=LocalAuthorityFactory(code=850)), joined_on=date(2025, 1, 1)
    )
    surrey_urns = {str(urn) for urn in School.objects.filter(la__code=936).values_list("urn", flat=True)}
    lines = gzip.decompress(GROUP_LINKS.read_bytes()).decode().splitlines(keepends=True)
    rows = [line for line in lines[1:] if line.split(",")[1] in surrey_urns and ",136531,16644," not in line]
    partial = tmp_path / "group-links-surrey.csv"
    partial.write_text(lines[0] + "".join(rows))
    run = import_file(partial)
    assert run.outcome == ImportOutcome.SUCCEEDED, run.message
    elsewhere.refresh_from_db()
    assert elsewhere.left_on is None
    assert GroupMembership.objects.get(school__urn=136531, group__uid=16644).left_on == date.today()


def group_links_before(day: str, tmp_path, *, leaving_out: str = "") -> object:
    """The real group links file as one taken before `day` would have been: without the memberships begun since (and
    without the rows holding `leaving_out`)."""
    lines = gzip.decompress(GROUP_LINKS.read_bytes()).decode().splitlines(keepends=True)
    joined = lines[0].split(",").index("Joined date")
    rows = [line for line in lines[1:] if line.split(",")[joined] < day and not (leaving_out and leaving_out in line)]
    (older := tmp_path / "group-links-older.csv").write_text(lines[0] + "".join(rows))
    return older


def test_an_older_group_links_file_imported_after_a_newer_one_ends_no_membership(surrey, tmp_path):
    """The file gives no date of its own: a file taken before 26 Surrey schools joined their trusts, imported after the
    newer one, ended each of those memberships, dated the day of the import."""
    import_file(GROUP_LINKS)
    before = list(GroupMembership.objects.order_by("pk").values())
    run = import_file(group_links_before("2021-09-01", tmp_path), la_codes=[936])
    assert (run.outcome, run.created, run.changed) == (ImportOutcome.UNCHANGED, 0, 0), run.message
    assert run.message.endswith(
        "This file's newest membership began on 19 April 2021, before the newest the register already holds (1 September 2021), "
        "so it was taken as an older file: only memberships the register did not hold were added, and those it holds were left "
        "as they are, none of them ended."
    )
    assert list(GroupMembership.objects.order_by("pk").values()) == before


def test_an_older_group_links_file_still_adds_a_membership_the_register_lacks(surrey, tmp_path):
    import_file(group_links_before("2099-01-01", tmp_path, leaving_out=",136531,16644,"))
    assert not GroupMembership.objects.filter(school__urn=136531, group__uid=16644).exists()
    run = import_file(group_links_before("2021-09-01", tmp_path))
    assert run.created == 1, run.message
    assert GroupMembership.objects.get(school__urn=136531, group__uid=16644).left_on is None
    assert not GroupMembership.objects.filter(left_on__isnull=False).exists()


def test_an_older_groups_file_imported_after_a_newer_one_reopens_no_trust(db, tmp_path):
    """A groups file taken before 1 September 2021 (without the groups opened since, and with those closed since still
    open), imported after the newer one, reopened 117 closed groups and cleared their closing dates."""
    import_file(GROUPS)
    before = list(Group.objects.order_by("pk").values())
    rows = list(csv.reader(io.StringIO(gzip.decompress(GROUPS.read_bytes()).decode())))
    header = rows[0]
    opened, incorporated, closed = (header.index(name) for name in ("Open date", "Incorporated on (open date)", "Closed Date"))
    older = [header]
    for row in rows[1:]:
        if max(row[opened], row[incorporated]) >= "2021-09-01":
            continue
        if row[closed] >= "2021-09-01":
            row[closed], row[header.index("Group Status (code)")], row[header.index("Group Status")] = "", "OPEN", "Open"
        older.append(row)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(older)
    (path := tmp_path / "groups-older.csv").write_text(out.getvalue())
    run = import_file(path)
    assert (run.outcome, run.changed) == (ImportOutcome.UNCHANGED, 0), run.message
    # The one group proposed to open has a date to come (12 December 2024), which says nothing of the file's age.
    assert run.message.endswith(
        "This file's newest date of a group opening or closing is 31 August 2021, before the newest the register already holds "
        "(5 July 2022), so it was taken as an older file: only groups the register did not hold were added, and those it holds "
        "were left as they are."
    )
    assert list(Group.objects.order_by("pk").values()) == before


def test_a_groups_file_limited_to_an_authority_is_compared_with_that_authoritys_groups(surrey, tmp_path):
    """A groups file imported for Surrey is compared with the Surrey trusts the register holds: compared with every
    trust in England (a group opened elsewhere on 5 July 2022), the same file, renaming a Surrey trust, was taken as an
    older one and changed nothing."""
    import_file(GROUPS)
    import_file(GROUP_LINKS)
    text = gzip.decompress(GROUPS.read_bytes()).decode()
    (renamed := tmp_path / "groups-renamed.csv").write_text(text.replace("WEYDON MULTI ACADEMY TRUST", "WEYDON EDUCATION TRUST"))
    run = import_file(renamed, la_codes=[936])
    assert "taken as an older file" not in run.message
    assert (run.outcome, run.changed) == (ImportOutcome.SUCCEEDED, 1), run.message
    assert Group.objects.get(uid=16644).name == "WEYDON EDUCATION TRUST"


def test_a_newer_group_links_file_without_the_newest_membership_held_of_schools_since_closed_is_taken_as_newer(surrey, tmp_path):
    """The newest memberships the register held (Clandon's and Shere's federation, joined 19 April 2021) ended as both
    schools closed, so a newer file leaves them out: its newest joining date, 1 April 2021, was before theirs, and it was
    taken as an older file, which ended no membership (Weydon's, which it no longer lists, either). A membership that
    has ended no longer dates a file; one still lasting does, so an older file is still taken as older."""
    import_file(group_links_before("2021-09-01", tmp_path))
    closed = School.objects.filter(urn__in=[125199, 125246])
    assert closed.count() == 2
    closed.update(status="Closed", closed_on=date(2021, 8, 31))  # as a newer register extract gives them
    lines = gzip.decompress(GROUP_LINKS.read_bytes()).decode().splitlines(keepends=True)
    joined = lines[0].split(",").index("Joined date")
    left_out = (",125199,", ",125246,", ",136531,16644,")
    rows = [line for line in lines[1:] if line.split(",")[joined] < "2021-09-01" and not any(words in line for words in left_out)]
    (newer := tmp_path / "group-links-newer.csv").write_text(lines[0] + "".join(rows))
    run = import_file(newer, la_codes=[936])
    assert "taken as an older file" not in run.message
    assert (run.outcome, run.changed) == (ImportOutcome.SUCCEEDED, 3), run.message
    assert GroupMembership.objects.get(school__urn=136531, group__uid=16644).left_on == date.today()
    assert set(GroupMembership.objects.filter(school__urn__in=[125199, 125246]).values_list("left_on", flat=True)) == {date.today()}
    # An older file still is one: the memberships begun since it was taken (Frimley's, 1 April 2021) still last.
    run = import_file(group_links_before("2021-04-01", tmp_path), la_codes=[936])
    assert "so it was taken as an older file" in run.message
    assert run.changed == 0, run.message


def test_a_links_file_limited_to_an_authority_is_dated_by_that_authoritys_links(surrey, tmp_path):
    """Imported for Surrey after the national 2025 links, a newer file renaming Walton Leigh School was compared with
    every link in England: its newest Surrey link (30 November 2025) was before one made in Liverpool (30 April 2026),
    so it was taken as an older file and the name was left as it was. It is compared with Surrey's links now; the
    older 2021 file, imported for Surrey, still is one."""
    import_file(LINKS_2025)
    text = gzip.decompress(LINKS_2025.read_bytes()).decode("cp1252")
    assert text.count('"Walton Leigh School"') == 1
    (renamed := tmp_path / "links-renamed.csv").write_text(text.replace('"Walton Leigh School"', '"Walton Leigh Academy"'))
    run = import_file(renamed, la_codes=[936])
    assert "taken as an older file" not in run.message
    assert (run.outcome, run.changed) == (ImportOutcome.SUCCEEDED, 1), run.message
    assert SchoolLink.objects.get(urn=125468, linked_urn=152196).linked_name == "Walton Leigh Academy"
    run = import_file(LINKS_2021, la_codes=[936])
    assert "so it was taken as an older file" in run.message
    assert run.changed == 0, run.message
