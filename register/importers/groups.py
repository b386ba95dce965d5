"""GIAS groups (trusts, federations, sponsors) and group links (which school belongs to which group).

A group is shared by every authority where it has schools. With --la (and in every LA administrator's
upload), the groups file writes only the groups whose current member schools all lie in those
authorities, as the register knows them from the group links; the others are left to an import of
every authority. Group links keep only schools already in the register (of the authorities asked
for), and add the groups they name that the register does not hold yet; limited to some authorities,
they do not tie a school to a group whose current schools all lie elsewhere (an import of every
authority does). A membership missing from a newer group links file (a national, full list) has
ended: it gets a leaving date, the day of the import, since the file gives none; it is never deleted.
Only the memberships of schools in authorities the file has rows of end so: a file of one authority's
schools, imported for every authority, leaves the others' as they were. An older file (its newest joining
date before the newest the register holds of a membership still lasting: not ended, nor of a school or group the
register holds as closed, which a newer file leaves out too) only adds the memberships the register lacks: it ends none. So
does an older groups file (its newest opening or closing date before the newest held) add groups only.

A file without some of its columns leaves those fields as the register holds them and says so (see
absent.py); one without a column that identifies a group (or a school's membership) is refused.
"""

from datetime import date

import polars as pl

from imports.bulk import insert_rows, update_rows
from imports.refusals import naming_the_school
from imports.registry import Counts, ImportContext
from register.models import GIAS_GROUP_TYPES, OPEN_STATUSES, Group, GroupKind, GroupMembership, RegisterEvent, RegisterEventKind, School

from . import frames
from .absent import absent_fields, absent_note, refuse_missing_columns

DATES = (frames.ISO, frames.DMY)
GROUP_FIELDS = [
    "uid",
    "group_id",
    "name",
    "kind",
    "status",
    "companies_house_number",
    "opened_on",
    "closed_on",
    "head_name",
    "address",
    "postcode",
    "ukprn",
]
NOT_RECORDED = ["Not recorded", "Not applicable"]
# The statuses of the groups whose opening and closing dates have come (in lower case): not "Proposed to open".
DATED_STATUSES = ["open", "closed"]
# The columns that identify a group and what it is, and a school's membership of one: a file without one is refused.
GROUP_REQUIRED = ["Group UID", "Group Name", "Group Type (code)"]
LINK_REQUIRED = ["URN", *GROUP_REQUIRED]
# The columns each field is read from; a field whose column the file lacks is left as held (see absent.py).
COLUMNS_OF = {
    "group_id": ["Group ID"],
    "companies_house_number": ["Companies House Number"],
    "closed_on": ["Closed Date"],
    # A company's opening date is its incorporation; other groups have an open date instead.
    "opened_on": ["Open date", "Incorporated on (open date)"],
    "status": ["Group Status"],
    "address": ["Group Street", "Group Locality", "Group Address 3", "Group Town", "Group County"],
    "postcode": ["Group Postcode"],
    "head_name": ["Head of Group Title", "Head of Group First Name", "Head of Group Last Name"],
    "ukprn": ["UKPRN"],
    "joined_on": ["Joined date"],
}
# What the fields are called in the import's message, in GIAS's column order. A group links file gives
# fewer of a group's fields (no address, head or UKPRN) and writes them only to the groups it adds.
GROUPS_LEFT_TOGETHER = [
    ("group IDs", ["group_id"]),
    ("Companies House numbers", ["companies_house_number"]),
    ("closing dates", ["closed_on"]),
    ("opening dates", ["opened_on"]),
    ("statuses", ["status"]),
    ("addresses", ["address"]),
    ("postcodes", ["postcode"]),
    ("heads of group", ["head_name"]),
    ("UKPRNs", ["ukprn"]),
]
LINKS_LEFT_TOGETHER = [*GROUPS_LEFT_TOGETHER[:5], ("joining dates", ["joined_on"])]
# The columns that tell a group links file from a groups list, two of which make one.
LINK_SIGNS = {"URN", "Group UID", "Joined date"}


def matches_groups(header: list[str]) -> bool:
    """Most of the identifying columns make a groups list, so that one without the rest is refused naming them."""
    return len(set(GROUP_REQUIRED) & set(header)) >= 2 and "URN" not in header and not matches_group_links(header)


def matches_group_links(header: list[str]) -> bool:
    return len(LINK_SIGNS & set(header)) >= 2


def _left_as_held(ctx: ImportContext, required: list[str], every: str, together: list) -> list[str]:
    """Refuse a file without a column that identifies its rows; the fields it leaves as held, said in its message."""
    refuse_missing_columns(ctx.source.header, required, every)
    absent = absent_fields(ctx.source.header, COLUMNS_OF, together)
    if absent:
        ctx.notes.append(absent_note(absent))
    return [field for group in absent for field in group.fields]


def _clean(series: pl.Series) -> pl.Series:
    return pl.select(pl.when(series.is_in(NOT_RECORDED)).then(pl.lit("")).otherwise(series)).to_series()


def _identifier(series: pl.Series) -> pl.Series:
    """Numbers the file's pandas history turned into floats ('7662102.0') back into text."""
    return series.str.replace(r"\.0$", "")


def _joined(raw: pl.DataFrame, columns: list[str], separator: str) -> pl.Series:
    parts = [_clean(frames.text(raw, c)) for c in columns]
    parts = [pl.when(p == "").then(None).otherwise(p) for p in parts]
    return pl.select(pl.concat_str(parts, separator=separator, ignore_nulls=True).fill_null("")).to_series()


def group_frame(raw: pl.DataFrame) -> pl.DataFrame:
    """The groups a file describes, one row per Group UID, as Group fields."""
    type_codes = frames.whole_numbers(raw, "Group Type (code)", required=True)
    group_id = frames.text(raw, "Group ID")
    opened = pl.select(pl.coalesce(frames.dates(raw, "Open date", DATES), frames.dates(raw, "Incorporated on (open date)", DATES)))
    companies = _identifier(frames.text(raw, "Companies House Number"))
    frame = pl.DataFrame(
        {
            "uid": frames.whole_numbers(raw, "Group UID", required=True, minimum=1),
            # Some federations carry their name in Group ID; only an identifier belongs there.
            "group_id": pl.select(pl.when(group_id.str.contains(r"^\S{1,20}$")).then(group_id).otherwise(pl.lit(""))).to_series(),
            "name": frames.text(raw, "Group Name"),
            "kind": type_codes.replace_strict({code: str(kind) for code, kind in GIAS_GROUP_TYPES.items()}, default=str(GroupKind.OTHER)),
            "status": frames.text(raw, "Group Status"),
            "companies_house_number": pl.select(
                pl.when(companies.str.contains(r"^\d{1,7}$")).then(companies.str.zfill(8)).otherwise(companies)
            ).to_series(),
            "opened_on": opened.to_series(),
            "closed_on": frames.dates(raw, "Closed Date", DATES),
            "head_name": _joined(raw, ["Head of Group Title", "Head of Group First Name", "Head of Group Last Name"], " "),
            "address": _joined(raw, ["Group Street", "Group Locality", "Group Address 3", "Group Town", "Group County"], ", "),
            "postcode": frames.text(raw, "Group Postcode"),
            "ukprn": _identifier(frames.text(raw, "UKPRN")),
        }
    )
    frames.refuse_too_long(
        frame,
        {
            f: (f, Group._meta.get_field(f).max_length)
            for f in ("name", "status", "companies_house_number", "head_name", "address", "postcode", "ukprn")
        },
    )
    return frame


def load_groups(ctx: ImportContext) -> Counts:
    left_as_held = _left_as_held(ctx, GROUP_REQUIRED, "GIAS groups list", GROUPS_LEFT_TOGETHER)
    raw = frames.read_table(ctx.source)
    frame = group_frame(raw)
    frames.refuse_duplicates(frame["uid"], "Group UID", "Group UID")
    counts = Counts(rows_read=frame.height)
    stored = held = _stored_groups()
    if ctx.la_codes:
        within = _groups_within(ctx.la_codes)
        frame = frame.filter(pl.col("uid").is_in(within))
        # Compared with these authorities' groups only: another's trust opened since says nothing of this file's age.
        held = {uid: stored[uid] for uid in within if uid in stored}
    counts.skipped = counts.rows_read - frame.height
    update = not _groups_older_than_held(frame, held, ctx, [field for field in ("opened_on", "closed_on") if field not in left_as_held])
    created, changed = _write_groups(frame, stored, ctx.run, update=update, left_as_held=left_as_held)
    counts.created, counts.changed = created, changed
    counts.unchanged = frame.height - created - changed
    return counts


def _groups_older_than_held(frame: pl.DataFrame, stored: dict, ctx: ImportContext, dates: list[str]) -> bool:
    """Whether the groups file is older than the groups the register holds (`stored`: those of the authorities the
    import is limited to): the newest date it gives an open or closed
    group opening or closing is before the newest held (a group proposed to open has a date yet to come, which says
    nothing of when the file was taken). The file has no date of its own (as the links files have none); an older one
    would reopen the trusts closed since it was taken, and give back their earlier names and heads. `dates`: the fields
    of the two the file gives (a file without closing dates is compared by its opening dates alone)."""
    if not dates:
        return False
    dated = frame.filter(pl.col("status").str.to_lowercase().is_in(DATED_STATUSES))
    newest_here = dated.select(pl.max_horizontal(pl.col(field).max() for field in dates)).item()
    status, at = GROUP_FIELDS.index("status"), [GROUP_FIELDS.index(field) for field in dates]
    held = [values for _, values in stored.values() if (values[status] or "").lower() in DATED_STATUSES]
    newest_held = max((values[i] for values in held for i in at if values[i] is not None), default=None)
    return frames.taken_as_older(
        ctx,
        (newest_here, newest_held),
        "newest date of a group opening or closing is",
        "the register already holds",
        "only groups the register did not hold were added, and those it holds were left as they are",
    )


def _groups_within(la_codes: frozenset) -> list[int]:
    """The UIDs of the groups whose current member schools all lie in these authorities (at least one)."""
    inside, outside = _current_members(la_codes)
    return list(inside - outside)


def _groups_only_elsewhere(la_codes: frozenset) -> list[int]:
    """The UIDs of the groups with current member schools, none of them in these authorities."""
    inside, outside = _current_members(la_codes)
    return list(outside - inside)


def _current_members(la_codes: frozenset) -> tuple[set[int], set[int]]:
    """The UIDs of the groups with a current member school in these authorities, and of those with one elsewhere."""
    inside, outside = set(), set()
    current = GroupMembership.objects.current().values_list("group__uid", "school__la__code")
    for uid, code in current.iterator(chunk_size=10000):
        (inside if code in la_codes else outside).add(uid)
    return inside, outside


def _stored_groups() -> dict[int, tuple[int, tuple]]:
    """Group UID → (primary key, the stored GROUP_FIELDS values)."""
    return {values[0]: (pk, tuple(values)) for pk, *values in Group.objects.values_list("id", *GROUP_FIELDS).iterator(chunk_size=5000)}


def _write_groups(frame: pl.DataFrame, stored: dict, run, *, update: bool = True, left_as_held=()) -> tuple[int, int]:
    """Insert new groups and (if `update`) rewrite the ones whose fields differ, but for the fields `left_as_held`,
    which a group the register holds keeps (a new one has them blank). Returns (created, changed)."""
    held = {GROUP_FIELDS.index(field) for field in left_as_held}
    new_rows, changed_rows = [], []
    for row in frame.select(GROUP_FIELDS).iter_rows():
        old = stored.get(row[0])
        if old is None:
            new_rows.append((*row, run.pk))
            continue
        if held:
            row = tuple(old[1][i] if i in held else value for i, value in enumerate(row))
        if update and old[1] != row:
            changed_rows.append((*row, run.pk, old[0]))
    insert_rows(Group, [*GROUP_FIELDS, "import_run"], new_rows)
    update_rows(Group, [*GROUP_FIELDS, "import_run"], changed_rows)
    return len(new_rows), len(changed_rows)


@naming_the_school
def load_group_links(ctx: ImportContext) -> Counts:
    # Only the groups a links file adds take their fields from it, so only joining dates need keeping here.
    keep_joining_dates = "joined_on" in _left_as_held(ctx, LINK_REQUIRED, "GIAS group links list", LINKS_LEFT_TOGETHER)
    raw = frames.read_table(ctx.source)
    urns = frames.whole_numbers(raw, "URN", required=True, minimum=1)
    links = pl.DataFrame(
        {
            "urn": urns,
            "uid": frames.whole_numbers(raw, "Group UID", required=True, minimum=1),
            "joined_on": frames.dates(raw, "Joined date", DATES),
        }
    )
    groups = group_frame(raw).unique(subset="uid", keep="first", maintain_order=True)
    counts = Counts(rows_read=raw.height)

    registered = list(School.objects.of_authorities(ctx.la_codes).values_list("urn", "id", "la_id", "status"))
    school_ids = {urn: pk for urn, pk, _, _ in registered}
    authority_of = {pk: la_id for _, pk, la_id, _ in registered}
    closed_schools = {pk for _, pk, _, status in registered if status not in OPEN_STATUSES}
    keep = links["urn"].is_in(list(school_ids))
    if ctx.la_codes:
        # A school of these authorities joins a group the register holds only if the group is already
        # theirs in part (or has no schools yet): tying one of their schools to another authority's
        # trust would bring that trust, and who leads it, within their reach.
        keep &= ~links["uid"].is_in(_groups_only_elsewhere(ctx.la_codes))
    links = links.filter(keep).unique(subset=["urn", "uid"], keep="first", maintain_order=True)
    counts.skipped = raw.height - links.height

    stored_groups = _stored_groups()
    created_groups, _ = _write_groups(
        groups.filter(pl.col("uid").is_in(links["uid"].unique().to_list())), stored_groups, ctx.run, update=False
    )
    group_ids = dict(Group.objects.filter(uid__in=links["uid"].unique().to_list()).values_list("uid", "id")) if links.height else {}

    current = {
        (group_id, school_id): (pk, joined_on, left_on)
        for pk, group_id, school_id, joined_on, left_on in GroupMembership.objects.filter(school_id__in=school_ids.values()).values_list(
            "id", "group_id", "school_id", "joined_on", "left_on"
        )
    }
    # The authorities the file covers (has a school's row of): only their memberships tell its age, and only theirs
    # can it end. A file of one authority's schools, imported for every authority, is no word on the others'.
    covered = {authority_of[school_ids[urn]] for urn in links["urn"].unique().to_list()}
    # Nor can a membership that has ended since, which a newer file leaves out as surely as an older one: one the register
    # ended, or of a school it holds as closed, or of a group it holds as closed.
    closed_groups = set(Group.objects.filter(status__iexact="closed").values_list("id", flat=True)) if current else set()
    lasting = {
        key: held
        for key, held in current.items()
        if authority_of[key[1]] in covered and held[2] is None and key[1] not in closed_schools and key[0] not in closed_groups
    }
    older = _older_than_held(links, lasting, ctx)
    new_rows, changed_rows, seen = [], [], set()
    for urn, uid, joined_on in links.iter_rows():
        key = (group_ids[uid], school_ids[urn])
        seen.add(key)
        old = current.get(key)
        if old is None:
            new_rows.append((*key, joined_on, None, ctx.run.pk))
            continue
        if keep_joining_dates or older:
            joined_on = old[1]
        if old[1] != joined_on or (old[2] is not None and not older):
            changed_rows.append((joined_on, None, ctx.run.pk, old[0]))
    today = date.today()
    # Ended: a membership the file leaves out, of a school of an authority the file covers; none, where the file is
    # older, as it predates what the register holds.
    ended = (
        []
        if older
        else [
            (today, ctx.run.pk, pk)
            for key, (pk, _, left_on) in current.items()
            if key not in seen and left_on is None and authority_of[key[1]] in covered
        ]
    )
    insert_rows(GroupMembership, ["group", "school", "joined_on", "left_on", "import_run"], new_rows)
    update_rows(GroupMembership, ["joined_on", "left_on", "import_run"], changed_rows)
    update_rows(GroupMembership, ["left_on", "import_run"], ended)
    date_trust_joins()
    counts.created = len(new_rows) + created_groups
    counts.changed = len(changed_rows) + len(ended)
    counts.unchanged = links.height - len(new_rows) - len(changed_rows)
    return counts


def _older_than_held(links: pl.DataFrame, current: dict, ctx: ImportContext) -> bool:
    """Whether the file is older than the memberships the register holds of its schools (`current`: those still lasting,
    which any newer file lists): the newest joining date it gives is before the newest held. GIAS's group links file has
    no date of its own, and the joining dates are the only clue to its age (as the establishment links' dates are to
    theirs), so a file whose joining dates are all unknown is taken as new. An older file would end each membership
    begun since it was taken, dated the day of the import."""
    newest_held = max((joined_on for _, joined_on, _ in current.values() if joined_on is not None), default=None)
    return frames.taken_as_older(
        ctx,
        (links["joined_on"].max(), newest_held),
        "newest membership began on",
        "the register already holds",
        "only memberships the register did not hold were added, and those it holds were left as they are, none of them ended",
    )


def date_trust_joins() -> None:
    """A register extract shows that a school joined a trust but not when: the event is dated when the register
    recorded it. The group links say when the school joined: give each such event its membership's joining
    date, where that lies between the entry before and the date the event has (a trust renamed keeps its
    members' old joining dates, which are not when the register's trust name changed). A school that moved
    from another trust left it that day. A school that was already the trust's member when the entry before
    named another trust did not move: the trust was renamed, and the two events become one that says so.
    Run after either import, in either order."""
    undated = RegisterEvent.objects.filter(kind__in=[RegisterEventKind.JOINED_TRUST, RegisterEventKind.LEFT_TRUST], on_or_before=True)
    events = list(undated.values_list("id", "kind", "school_id", "import_run_id", "old_value", "new_value", "occurred_on", "after"))
    joins = [event for event in events if event[1] == RegisterEventKind.JOINED_TRUST]
    dated = {}  # (school, import run, trust joined) → when
    renamed = set()  # (school, import run, trust's new name)
    for start in range(0, len(joins), 1000):
        chunk = joins[start : start + 1000]
        memberships = GroupMembership.objects.filter(school_id__in={event[2] for event in chunk}, joined_on__isnull=False)
        joined = {(school, name.casefold()): on for school, name, on in memberships.values_list("school_id", "group__name", "joined_on")}
        for _, _, school, run, old_name, name, recorded_on, after in chunk:
            on = joined.get((school, name.casefold()))
            if on is None or on > recorded_on:
                continue
            if after is None or on > after:
                dated[(school, run, name.casefold())] = on
            elif old_name:
                renamed.add((school, run, name.casefold()))
    # Both events of a move name the trust joined (as new_value), so one key dates each, or marks both a rename.
    updates = [(on, False, pk) for pk, _, school, run, _, name, _, _ in events if (on := dated.get((school, run, name.casefold())))]
    update_rows(RegisterEvent, ["occurred_on", "on_or_before"], updates)
    renames = [(pk, kind) for pk, kind, school, run, _, name, _, _ in events if (school, run, name.casefold()) in renamed]
    RegisterEvent.objects.filter(pk__in=[pk for pk, kind in renames if kind == RegisterEventKind.LEFT_TRUST]).delete()
    joined_ids = [pk for pk, kind in renames if kind == RegisterEventKind.JOINED_TRUST]
    RegisterEvent.objects.filter(pk__in=joined_ids).update(kind=RegisterEventKind.TRUST_RENAMED)
