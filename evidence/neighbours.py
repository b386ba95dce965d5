"""LA statistical neighbours, in a layout of Common Ground's own (no published file was available).

    la_code,neighbour_la_code,rank
    936,850,1
    936,825,2

One row per neighbour; rank 1 is the closest. Importing a file replaces the lists of the LAs it names, keeping what
it changed (NeighbourChange): each neighbour whose rank it changed or that it no longer names.
"""

import csv
import io

from core.numbers import whole_number
from imports.registry import Counts, ImportRefused

from .models import NeighbourChange, StatisticalNeighbour

COLUMNS = ("la_code", "neighbour_la_code", "rank")


def is_neighbours(header: list[str]) -> bool:
    return [h.lower() for h in header[:3]] == list(COLUMNS)


def read_neighbours(text: str) -> list[tuple[int, int, int]]:
    rows = []
    pairs: dict[tuple[int, int], int] = {}  # (la, neighbour) → the line that gave it
    ranks: dict[tuple[int, int], int] = {}  # (la, rank) → the line that gave it
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    next(reader, None)
    for line, row in enumerate(reader, start=2):
        if not any(field.strip() for field in row):
            continue
        for column, field in zip(COLUMNS, row[:3], strict=False):
            if whole_number(field) is None:
                raise ImportRefused(f"'{field}' is not a whole number", row=line, column=column)
        if len(row) < 3:
            raise ImportRefused("the row has fewer than three fields", row=line)
        la, neighbour, rank = (int(f) for f in row[:3])
        for column, code in (("la_code", la), ("neighbour_la_code", neighbour)):
            if not 100 <= code <= 999:
                raise ImportRefused(f"'{row[COLUMNS.index(column)].strip()}' is not a three-digit LA code", row=line, column=column)
        if la == neighbour:
            raise ImportRefused("an authority cannot be its own neighbour", row=line, column="neighbour_la_code")
        if rank < 1:
            raise ImportRefused("ranks start at 1 (the closest neighbour)", row=line, column="rank")
        if (la, neighbour) in pairs:
            raise ImportRefused(
                f"{neighbour} is already {la}'s neighbour at row {pairs[la, neighbour]}", row=line, column="neighbour_la_code"
            )
        if (la, rank) in ranks:
            raise ImportRefused(f"{la} already has a neighbour ranked {rank} at row {ranks[la, rank]}", row=line, column="rank")
        pairs[la, neighbour] = ranks[la, rank] = line
        rows.append((la, neighbour, rank))
    return rows


def load_neighbours(ctx) -> Counts:
    """Replace the lists of the authorities the file names (of those asked for, if any): the other authorities'
    rows are read, and counted as skipped."""
    read = read_neighbours(ctx.source.text)
    rows = [r for r in read if ctx.wants_la(r[0])]
    wanted = {(la, neighbour): rank for la, neighbour, rank in rows}
    stored = {(n.la_code, n.neighbour_code): n for n in StatisticalNeighbour.objects.filter(la_code__in={r[0] for r in rows})}
    created = [
        StatisticalNeighbour(la_code=la, neighbour_code=nb, rank=rank, import_run=ctx.run)
        for (la, nb), rank in wanted.items()
        if (la, nb) not in stored
    ]
    changed = [n for k, n in stored.items() if k in wanted and n.rank != wanted[k]]
    gone = [n for k, n in stored.items() if k not in wanted]
    # What each changed or dropped neighbour was, kept before it is overwritten.
    NeighbourChange.objects.bulk_create(
        NeighbourChange(
            import_run=ctx.run, la_code=n.la_code, neighbour_code=n.neighbour_code, old_rank=n.rank,
            new_rank=wanted.get((n.la_code, n.neighbour_code)), old_import_run_id=n.import_run_id,
        )
        for n in sorted([*changed, *gone], key=lambda n: (n.la_code, n.rank))
    )  # fmt: skip
    for n in changed:
        n.rank, n.import_run = wanted[(n.la_code, n.neighbour_code)], ctx.run
    StatisticalNeighbour.objects.filter(id__in=[n.id for n in gone]).delete()
    StatisticalNeighbour.objects.bulk_create(created)
    StatisticalNeighbour.objects.bulk_update(changed, ["rank", "import_run"])
    unchanged = len(wanted) - len(created) - len(changed)
    skipped = len(read) - len(rows)
    return Counts(rows_read=len(read), created=len(created), changed=len(changed) + len(gone), unchanged=unchanged, skipped=skipped)
