"""GIAS establishment links (predecessor, successor, merged, amalgamated …), kept by URN.

With --la, a link is kept when either end is a school of those authorities in the register; without,
every link is kept, since the other end of a link is often a school that has closed.
"""

import polars as pl

from imports.bulk import insert_rows, update_rows
from imports.registry import Counts, ImportContext
from register.models import School, SchoolLink

from . import frames

FIELDS = ["urn", "linked_urn", "link_type", "linked_name", "established_on"]


def matches(header: list[str]) -> bool:
    return {"URN", "LinkURN", "LinkType"} <= set(header)


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
    if ctx.la_codes:
        # Each school's own links (GIAS lists every link from both ends): a link listed on another
        # authority's school is that authority's to import, even where it names one of these schools.
        urns = list(School.objects.of_authorities(ctx.la_codes).values_list("urn", flat=True))
        frame = frame.filter(pl.col("urn").is_in(urns))
    frame = frame.unique(subset=["urn", "linked_urn", "link_type"], keep="first", maintain_order=True)
    counts.skipped = counts.rows_read - frame.height

    stored = {
        (urn, linked, kind): (pk, name, on)
        for pk, urn, linked, kind, name, on in SchoolLink.objects.values_list("id", *FIELDS).iterator(chunk_size=10000)
    }
    new_rows, changed_rows = [], []
    types: dict[tuple[int, int], set[str]] = {}
    for row in frame.iter_rows():
        types.setdefault(row[:2], set()).add(row[2])
        old = stored.get(row[:3])
        if old is None:
            new_rows.append((*row, ctx.run.pk))
        elif old[1:] != row[3:]:
            changed_rows.append((*row[3:], ctx.run.pk, old[0]))
    # A pair of schools the file links in another way than before (GIAS has turned a "Successor" round into a
    # "Predecessor"): the file's word replaces the old one, which would otherwise send history both ways.
    superseded = [pk for (urn, linked, kind), (pk, *_) in stored.items() if kind not in types.get((urn, linked), {kind})]
    SchoolLink.objects.filter(pk__in=superseded).delete()
    insert_rows(SchoolLink, [*FIELDS, "import_run"], new_rows)
    update_rows(SchoolLink, ["linked_name", "established_on", "import_run"], changed_rows)
    counts.created, counts.changed = len(new_rows), len(changed_rows) + len(superseded)
    counts.unchanged = frame.height - len(new_rows) - len(changed_rows)
    return counts
