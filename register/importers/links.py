"""GIAS establishment links (predecessor, successor, merged, amalgamated …), kept by URN.

Without --la every link is kept, since the other end of a link is often a school that has closed. With --la
(and in every LA administrator's upload), only the links listed on those authorities' schools, and not one whose
other end is another authority's school in the register: a school's history follows a link from either end, so
it would join one authority's figures to another's school. Such a link is left to an import of every authority.
A pair the file links in another way than before is a register event of the school at the link's `urn` end,
saying what the link was. A file whose newest link was established before the newest the register holds (of these
authorities' schools, with --la) is taken as older, and only adds links between schools the register did not yet link.
"""

from datetime import date

import polars as pl

from imports.bulk import insert_rows, update_rows
from imports.refusals import naming_the_school
from imports.registry import Columns, Counts, ImportContext
from register.models import RegisterEvent, RegisterEventKind, School, SchoolLink

from . import frames

FIELDS = ["urn", "linked_urn", "link_type", "linked_name", "established_on"]


matches = Columns(("URN", "LinkURN", "LinkType"))


@naming_the_school
def load(ctx: ImportContext) -> Counts:
    raw = frames.read_table(ctx.source)
    frame = pl.DataFrame(
        {
            "urn": frames.whole_numbers(raw, "URN", required=True, minimum=1),
            "linked_urn": frames.whole_numbers(raw, "LinkURN", required=True, minimum=1),
            "link_type": frames.text(raw, "LinkType"),
            "linked_name": frames.text(raw, "LinkName"),
            "established_on": frames.dates(raw, "LinkEstablishedDate", (frames.DMY, frames.ISO)),
        }
    )
    frames.refuse_too_long(frame, {"link_type": ("LinkType", 80), "linked_name": ("LinkName", 255)})
    counts = Counts(rows_read=frame.height)
    urns = None
    if ctx.la_codes:
        # Each school's own links (GIAS lists every link from both ends): a link listed on another
        # authority's school is not theirs to import, even where it names one of these schools.
        urns = list(School.objects.of_authorities(ctx.la_codes).values_list("urn", flat=True))
        frame = frame.filter(pl.col("urn").is_in(urns))
        # Nor a link to another authority's school: history follows a link from either end, so it would join
        # these schools' figures to that school's. Left out before anything is compared, a link to it the
        # register already holds is neither changed nor turned round.
        frame = frame.filter(~pl.col("linked_urn").is_in(_held_elsewhere(frame["linked_urn"].unique().to_list(), ctx.la_codes)))
    frame = frame.unique(subset=["urn", "linked_urn", "link_type"], keep="first", maintain_order=True)
    counts.skipped = counts.rows_read - frame.height

    stored = {
        (urn, linked, kind): (pk, name, on)
        for pk, urn, linked, kind, name, on in SchoolLink.objects.values_list("id", *FIELDS).iterator(chunk_size=10000)
    }
    # Dated by the links held of the schools whose links the import takes: a link made since elsewhere in England says
    # nothing of the age of the file's links of these authorities' schools.
    listed_on = set(urns or ())
    theirs = stored if urns is None else {key: held for key, held in stored.items() if key[0] in listed_on}
    if _older_than_held(frame, theirs, ctx):
        # Only what the register lacks: a pair it already links keeps its links as the newer file gave them.
        held = pl.DataFrame(
            list({key[:2] for key in stored}), schema={"urn": frame["urn"].dtype, "linked_urn": frame["linked_urn"].dtype}, orient="row"
        )
        frame = frame.join(held, on=["urn", "linked_urn"], how="anti", maintain_order="left")
        counts.skipped = counts.rows_read - frame.height
    new_rows, changed_rows = [], []
    listed: dict[tuple[int, int], dict[str, tuple]] = {}  # (urn, linked urn) → link type → (linked name, established on)
    for row in frame.iter_rows():
        listed.setdefault(row[:2], {})[row[2]] = row[3:]
        old = stored.get(row[:3])
        if old is None:
            new_rows.append((*row, ctx.run.pk))
        elif old[1:] != row[3:]:
            changed_rows.append((*row[3:], ctx.run.pk, old[0]))
    # A pair of schools the file links in another way than before (GIAS has turned a "Successor" round into a
    # "Predecessor"): the file's word replaces the old one, which would otherwise send history both ways.
    superseded = {key: old for key, old in stored.items() if key[:2] in listed and key[2] not in listed[key[:2]]}
    SchoolLink.objects.filter(pk__in=[pk for pk, *_ in superseded.values()]).delete()
    RegisterEvent.objects.bulk_create(_link_changes(superseded, stored, listed, ctx.run), batch_size=1000)
    insert_rows(SchoolLink, [*FIELDS, "import_run"], new_rows)
    update_rows(SchoolLink, ["linked_name", "established_on", "import_run"], changed_rows)
    # A row that turns a pair's link round is counted as a change, not as new as well: each row read is counted once.
    turned = {key[:2] for key in superseded}
    turning = sum(1 for row in new_rows if row[:2] in turned)
    counts.created, counts.changed = len(new_rows) - turning, len(changed_rows) + turning
    counts.unchanged = frame.height - len(new_rows) - len(changed_rows)
    return counts


def _older_than_held(frame: pl.DataFrame, stored: dict, ctx: ImportContext) -> bool:
    """Whether the file is older than links the register already holds: its newest link was established before
    the newest the register holds. GIAS's links file has no date of its own, and the date a link was established
    is the only clue to its age, so a file whose links are all undated is taken as new."""
    newest_held = max((on for _, _, on in stored.values() if on is not None), default=None)
    return frames.taken_as_older(
        ctx,
        (frame["established_on"].max(), newest_held),
        "newest link was established on",
        "link the register already holds",
        "only links between schools the register did not yet link were added, and links it holds were left as they are",
    )


def _link_changes(superseded: dict, stored: dict, listed: dict, run) -> list[RegisterEvent]:
    """An event for each pair of schools linked in another way than before, of the school at the link's `urn`
    end if the register holds it: every way the pair was linked, and every way it is now. It is dated when
    the new link was established, if the file says, else on the day of the import, on or before which it happened."""
    pairs = {(urn, linked) for urn, linked, _ in superseded}
    before: dict[tuple[int, int], dict[str, str]] = {}  # pair → link type → linked name, as the register held them
    for (urn, linked, kind), (_, name, _) in stored.items():
        if (urn, linked) in pairs:
            before.setdefault((urn, linked), {})[kind] = name
    school_ids = _school_ids([urn for urn, _ in pairs])
    events = []
    for urn, linked in sorted(pairs):
        if urn not in school_ids:
            continue
        was, now = before[(urn, linked)], listed[(urn, linked)]
        known_name = next((name for name in was.values() if name), "")
        established = [on for kind, (_, on) in now.items() if kind not in was and on is not None]
        events.append(
            RegisterEvent(
                school_id=school_ids[urn],
                kind=RegisterEventKind.LINK_CHANGED,
                occurred_on=min(established, default=date.today()),
                on_or_before=not established,
                old_value=_described(was, linked)[:400],
                new_value=_described({kind: name or known_name for kind, (name, _) in now.items()}, linked)[:400],
                import_run=run,
            )
        )
    return events


def _described(links: dict[str, str], linked_urn: int) -> str:
    """'Successor: URN 123456 (Old School)', from link type → linked name; several ways joined by '; '."""
    return "; ".join(f"{kind}: URN {linked_urn}" + (f" ({name})" if name else "") for kind, name in sorted(links.items()))


def _held_elsewhere(urns: list[int], la_codes: frozenset) -> list[int]:
    """Those of `urns` the register holds as schools of other authorities than these."""
    found = []
    for start in range(0, len(urns), 1000):
        chunk = School.objects.filter(urn__in=urns[start : start + 1000]).exclude(la__code__in=la_codes)
        found.extend(chunk.values_list("urn", flat=True))
    return found


def _school_ids(urns: list[int]) -> dict[int, int]:
    """URN → id of those of `urns` the register holds."""
    ids = {}
    for start in range(0, len(urns), 1000):
        ids.update(School.objects.filter(urn__in=urns[start : start + 1000]).values_list("urn", "id"))
    return ids
