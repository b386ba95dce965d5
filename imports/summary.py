"""What an import says it did: the sentence the command line prints and the Imports page shows, and why it skipped rows."""

from core.words import how_many

from .models import ImportOutcome, ImportRun
from .registry import ImportKind, bracketed


def describe(run: ImportRun, kind: ImportKind, *, kept_newer: bool = False, taken_as: str = "") -> str:
    """One sentence on what an import did, for the command line and the Imports page: what the file was taken as (its
    kind, or `taken_as`, the release and year its loader took it to be). One that changed nothing because it left as
    held what the file gives otherwise (`kept_newer`: what is held is newer) says only that nothing was changed, and
    its loader's note says why; any other, that nothing had changed, whatever notes follow."""
    what = f"{run.file_name} {bracketed(taken_as) if taken_as else kind.bracketed}: {how_many(run.rows_read, 'row')} read"
    if run.outcome == ImportOutcome.UNCHANGED and not run.unchanged and run.skipped:
        # Every row skipped (another authority's file, say): nothing was compared, so nothing is said to be as it was.
        what += "; nothing of it was taken"
    elif run.outcome == ImportOutcome.UNCHANGED:
        what += "; nothing was changed" if kept_newer else "; nothing has changed since the last import of this data"
    else:
        counted = f"{kind.counts}: " if kind.counts else ""
        what += f"; {counted}{run.created:,} new, {run.changed:,} changed, {run.unchanged:,} unchanged"
    if run.cleared:
        what += f"; {cleared(run.cleared)}"
    if run.skipped:
        what += f"; {run.skipped:,} skipped ({skipped_because(run, kind)})"
    return what + "."


def skipped_because(run: ImportRun, kind: ImportKind) -> str:
    """Why an import skipped rows: the others' authorities, if it was limited to some, and what its kind skips; and apart,
    counted, the rows that give nothing to take (ImportKind.empty), and the rows of England's figures, which are no
    authority's to be outside (an import of every authority takes them, as every authority's comparator, but for those of
    a phase of school it does not read)."""
    others = ", or ".join(filter(None, ["outside the authorities asked for" if run.la_codes else "", kind.skipped])) or "not taken"
    apart = []
    if run.skipped_empty:
        apart.append(f"{how_many(run.skipped_empty, 'row')} {kind.empty}")
    if run.skipped_national:
        why = (
            ", which an import limited to some authorities does not take"
            if run.la_codes
            else " for a phase of school the import does not read"
        )
        apart.append(f"{how_many(run.skipped_national, 'row')} of England's figures{why}")
    if not apart:
        return others
    rest = run.skipped - run.skipped_national - run.skipped_empty
    return "; ".join([f"{rest:,} {others}", *apart] if rest else apart)


def cleared(rows: int) -> str:
    """What the schools' rows that give no figure at all did, where each removed figures held (Counts.cleared): "2 rows
    gave no figure at all: the figures held for their schools that year were removed"."""
    theirs = "its school" if rows == 1 else "their schools"
    return f"{how_many(rows, 'row')} gave no figure at all: the figures held for {theirs} that year were removed"
