"""Importing one file: detect its kind, load it all-or-nothing, record the run and an audit event."""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import asdict, replace

from django.db import OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from audit.models import SERVICE, AuditAction
from audit.services import record
from core.jinja import gov_date
from core.words import a_or_an, duration, listed
from register.models import LocalAuthority

from .forms import delete_upload
from .models import SILENT_TOO_LONG, ImportOutcome, ImportRun
from .registry import KINDS, Columns, Counts, ImportContext, ImportKind, ImportRefused, Remedy, SourceFile, detect, nearest, visible
from .signals import file_loaded
from .sources import header_further_down, read_source
from .statistics import analyse_soon, tables_much_changed
from .summary import describe
from .uploads import shortened
from .wal import checkpoint_afterwards


def choose_kind(source: SourceFile, kind: str | None = None, *, kind_given_by: str = "--kind") -> ImportKind:
    """The kind asked for, else the one kind whose header test the file passes; refuse otherwise, saying how a kind is
    asked for where the file came from (`kind_given_by`: the command's option, the upload form's field)."""
    if kind:
        if kind not in KINDS:
            raise ImportRefused(
                f"there is no kind of file called '{kind}'; the kinds are: {', '.join(sorted(KINDS))}", remedy=Remedy.ANOTHER
            )
        if not KINDS[kind].matches(source.header):
            raise ImportRefused(_not_of_kind_chosen(source, KINDS[kind], kind_given_by), remedy=Remedy.ANOTHER)
        return KINDS[kind]
    found = detect(source.header)
    if len(found) == 1:
        return found[0]
    expected = "; ".join(k.label for k in KINDS.values())
    if not found and (below := header_further_down(source)):
        row, header = below
        above = "the row above it" if row == 2 else f"the {row - 1} rows above it"
        refusal = ImportRefused(
            f"this row is not a header, but row {row} is that of {a_or_an(detect(header)[0].label)} file: delete {above}, "
            "so that the header is the file's first row",
            row=1,
        )
        refusal.header = header  # so that the run says what kind of file it is, not that it was not recognised
        raise refusal
    if not found and (near := nearest(source.header))[0]:
        kinds, missing = near
        raise ImportRefused(f"its header is like that of {a_or_an(' or '.join(k.label for k in kinds))} file, but {_lacks(missing)}")
    if not found:  # a data set the product does not take (a trusts' table, say): nothing in it is to be corrected
        raise ImportRefused(
            f"not a file Common Ground recognises; {_header_start(source)}; expected one of: {expected}", remedy=Remedy.ANOTHER
        )
    raise ImportRefused(
        f"its header fits more than one kind of file ({', '.join(k.label for k in found)}); say which with {kind_given_by}",
        remedy=Remedy.ANOTHER,
    )


def _lacks(missing: list[str]) -> str:
    """ "it has no column 'ATT8SCR', which every such file has: …"."""
    columns = f"column {missing[0]}" if len(missing) == 1 else f"columns {listed(missing)}"
    return f"it has no {columns}, which every such file has: correct the header if a column was renamed"


def _header_start(source: SourceFile) -> str:
    return "its header starts " + ", ".join(source.header[:5]) + (" …" if len(source.header) > 5 else "")


def _not_of_kind_chosen(source: SourceFile, chosen: ImportKind, kind_given_by: str) -> str:
    """Why a file is not of the kind chosen for it, and what kind its header says it is, where it says one."""
    refusal = f"its header is not that of {a_or_an(chosen.label)} file, the kind chosen with {kind_given_by}"
    if found := detect(source.header):
        kinds = " or ".join(kind.label for kind in found)
        return f"{refusal}, but that of {a_or_an(kinds)} file: import it again choosing that kind, or none"
    if isinstance(chosen.matches, Columns) and (missing := chosen.matches.lacking(source.header)):
        return f"{refusal}: {_lacks(missing)}"
    return f"{refusal}; {_header_start(source)}"


def refuse_authorities_not_held(la_codes: Iterable[int], *, in_file: Iterable[int] | None = None) -> None:
    """An import limited to an authority the register does not hold (a mistyped --la) would skip every row
    and report that nothing changed: refuse it, unless the file itself adds that authority (`in_file`, the
    authorities a GIAS extract has schools of)."""
    held = LocalAuthority.objects.filter(code__in=la_codes).values_list("code", flat=True)
    unknown = sorted(set(la_codes) - set(held) - set(in_file if in_file is not None else ()))
    if not unknown:
        return
    if len(unknown) == 1:
        there = f"there is no local authority {unknown[0]}"
    else:
        there = f"there are no local authorities {listed([str(code) for code in unknown])}"
    if in_file is None:
        raise ImportRefused(
            f"{there} in the register; an authority is added by importing a GIAS establishment extract of its schools",
            remedy=Remedy.ANOTHER,
        )
    raise ImportRefused(
        f"{there} in the register, and the file has no schools of {'it' if len(unknown) == 1 else 'them'}", remedy=Remedy.ANOTHER
    )


def another_authoritys_file(la_codes: frozenset, file_codes: Iterable[int], names: dict[int, str] | None = None) -> list[str]:
    """Said of an import limited to some authorities that took none of the file's rows, when the file is of others (an
    authority's file uploaded by another's administrator, say): whose file it is, named as the register names each
    authority, else as `names` (the file's own) do. Nothing where the file names any of those asked for (its schools
    are not in the register yet, and the counts say so), or names many (a national file)."""
    others = sorted(set(file_codes) - set(la_codes) - {None})
    if not la_codes or not others or len(others) > 3 or set(file_codes) & set(la_codes):  # theirs, another's school in it
        return []
    names = (names or {}) | dict(LocalAuthority.objects.filter(code__in=[*others, *la_codes]).values_list("code", "name"))
    named = lambda codes: listed([f"{names[code]} ({code})" if names.get(code) else f"LA {code}" for code in codes])  # noqa: E731
    limited = "the authority this import was limited to" if len(la_codes) == 1 else "the authorities this import was limited to"
    return [f"The file is of {named(others)}, not of {named(sorted(la_codes))}, {limited}."]


def same_contents(source: SourceFile) -> Q:
    """Runs of a file with the same contents as `source`: the same text, gzipped or not, with a byte-order mark or
    without, UTF-8 or UTF-16 (a run from before text checksums were kept, by its bytes' checksum)."""
    return Q(text_checksum=source.text_checksum) | Q(checksum__in={source.checksum, source.text_checksum})


def refuse_renamed_copy(source: SourceFile, kind: ImportKind, now: str) -> None:
    """For a kind whose file name gives the year or release: the same bytes imported before under a name that made
    them another year or release (a file copied and renamed) would store every figure again as this name's. Refuse
    them, naming the earlier import. Under a name that gives the same year and release they import as unchanged.
    `now`: what this file's name and header make it (ImportRun.edition), "" where they do not date it."""
    if not now:
        return
    earlier = ImportRun.objects.filter(
        same_contents(source), kind=kind.code, outcome__in=(ImportOutcome.SUCCEEDED, ImportOutcome.UNCHANGED)
    ).exclude(file_name=source.name)
    for run in earlier.order_by("pk"):
        then = kind.edition(source.header, run.file_name)
        if then not in (None, now):
            raise ImportRefused(
                f"these are the same contents as {run.file_name}, imported as {then} (import {run.pk}); under this name "
                f"they would be stored again as {now}. Import the file DfE published for that instead",
                remedy=Remedy.ANOTHER,
                named=(run.pk,),
            )


def refuse_replaced(source: SourceFile, kind: ImportKind, now: str, *, given_by: str) -> None:
    """For a kind whose file's name or columns give the year and release: the same bytes imported before, and since
    replaced by a different file of that kind, year and release that changed what was held (a corrected download),
    would put back the figures the correction replaced, and nothing in the file says it is the older. Refuse them,
    naming both imports, unless the person importing says they mean to (`given_by` names how: the command's option, the
    upload form's box). `now`, as refuse_renamed_copy's."""
    if not now:
        return
    taken = ImportRun.objects.filter(kind=kind.code, outcome__in=(ImportOutcome.SUCCEEDED, ImportOutcome.UNCHANGED))
    earlier = taken.filter(same_contents(source)).order_by("-pk").first()
    if earlier is None:
        return
    # Each run's own edition, as its file's name and header made it: another year's file of the kind has another header.
    # Only a file that changed something replaced what was there: one that changed nothing (the same figures saved
    # again, another authority's file of which an import limited to this one took nothing) corrected nothing.
    later = ImportRun.objects.filter(kind=kind.code, outcome=ImportOutcome.SUCCEEDED, pk__gt=earlier.pk, edition=now)
    replaced_by = later.exclude(same_contents(source)).order_by("pk").first()
    if replaced_by is None:
        return
    raise ImportRefused(
        f"these are the same contents as {earlier.file_name}, imported on {gov_date(earlier.started_at, with_time=True)} "
        f"(import {earlier.pk}), which {replaced_by.file_name}, another file of {now}, replaced on "
        f"{gov_date(replaced_by.started_at, with_time=True)} (import {replaced_by.pk}): imported again, they would put back "
        f"what that file corrected. If this is the file to keep, import it again with {given_by}",
        remedy=Remedy.REPLACED,
        named=(earlier.pk, replaced_by.pk),
    )


@checkpoint_afterwards()
def import_file(
    path_or_bytes,
    *,
    file_name: str | None = None,
    kind: str | None = None,
    la_codes: Iterable[int] = (),
    user=None,
    progress: Callable[[int, int], None] | None = None,
    on_start: Callable[[ImportRun, str], None] | None = None,
    run: ImportRun | None = None,
    kind_given_by: str = "--kind",
    replacing: bool = False,
    replacing_given_by: str = "--replaced",
) -> ImportRun:
    """Import one file in one transaction and return its ImportRun (whose outcome says what happened).

    `path_or_bytes` is the file's path or bytes, or the file as read_source read it already (for a caller that looked
    at it first), which is not read again. A refused file leaves the database as it was, except for the run itself,
    kept as the record of the attempt with the reason (file, row, column). `run` continues a queued run (background
    jobs); `on_start` is told what the file is taken as (ImportKind.named) before loading begins; `progress(done,
    total)` hears about rows. `kind_given_by` is how the person importing says which kind a file is, for a refusal to
    tell them: the command's --kind, or the upload form's field. `replacing`: the person importing means to import a file
    again though a different file of its year and release has replaced it since (refuse_replaced), as they said
    by `replacing_given_by`.
    On SQLite, copying the import's pages from the log into the database file is left to a thread
    (imports.wal), so the import answers as soon as it has committed.
    """
    la_codes = frozenset(int(code) for code in la_codes)
    fields = {"la_codes": ",".join(str(c) for c in sorted(la_codes)), "user": user, "outcome": ImportOutcome.RUNNING}
    if user is not None:  # a queued run keeps its uploader's name, should the account have gone before the worker took it
        fields["user_name"] = user.display_name
    # A name longer than ImportRun keeps is cut in its stem, as an upload's is, so that its suffix still says what it is.
    name = shortened(file_name or (run.file_name if run is not None else _name_of(path_or_bytes)))
    if run is None:
        run = ImportRun(file_name=name, checksum="", **fields)
    else:
        for key, value in fields.items():
            setattr(run, key, value)
    try:
        source = _read(path_or_bytes, name)
    except ImportRefused as refusal:
        # Refused as it was read (its encoding): still say what kind of file it was, as the header or --kind says.
        if kind in KINDS:
            run.kind = kind
        elif refusal.header and len(found := detect(refusal.header)) == 1:
            run.kind = found[0].code
        return _refused(run, refusal, user)
    run.file_name = source.name

    def report(done: int, total: int) -> None:
        if progress:
            progress(done, total)

    context = None  # the loader's, once loading begins
    try:
        with _checksums_kept(run, source):
            chosen = choose_kind(source, kind, kind_given_by=kind_given_by)
            run.kind = chosen.code
            run.edition = (chosen.edition and chosen.edition(source.header, source.name)) or ""
            if not source.has_rows:
                raise ImportRefused("the file has a header but no rows")
            if not chosen.adds_authorities:
                refuse_authorities_not_held(la_codes)
            refuse_renamed_copy(source, chosen, run.edition)
            if not replacing:
                refuse_replaced(source, chosen, run.edition, given_by=replacing_given_by)
            run.save()
            if on_start:
                on_start(run, chosen.named(source.header, source.name))
            context = ImportContext(source=source, run=run, la_codes=la_codes, progress=report)
            with one_import_at_a_time():
                counts = with_empty_rows(chosen.load(context), context)
                file_loaded.send(sender=chosen.code, run=run, counts=counts)
    except ImportRefused as refusal:
        if not run.kind and refusal.header and len(found := detect(refusal.header)) == 1:  # its header further down
            run.kind = found[0].code
        return _refused(run, refusal, user)
    except Exception as exc:
        if context is not None:  # failed while loading, not while it was being checked or started
            run.save(update_fields=["checksum", "text_checksum"])
            stopped(run, f"the import failed ({exc})", user)
        raise
    return _finished(run, counts, chosen, user, context)


def with_empty_rows(counts: Counts, ctx: ImportContext) -> Counts:
    """A loader's counts with the file's rows that hold nothing (blank, or only commas, as a spreadsheet saves a row whose
    cells were cleared): every loader skips them, whatever the kind, since they give nothing to take and nothing to
    refuse, and the import counts them among the rows read and skipped, and names them."""
    rows = [row for row, _, _ in ctx.source.empty_rows]
    if not rows:
        return counts
    if len(rows) == 1:
        ctx.notes.append(f"Row {rows[0]} holds nothing (it is blank, or only commas), so it was skipped.")
    else:
        such = "rows " + listed([str(row) for row in rows]) if len(rows) <= 3 else "such as rows " + listed([str(row) for row in rows[:3]])
        ctx.notes.append(f"{len(rows):,} rows hold nothing (they are blank, or only commas), {such}: they were skipped.")
    empty = Counts(rows_read=len(rows), skipped=len(rows), skipped_empty=len(rows))
    return counts.add(empty)


@contextmanager
def _checksums_kept(run: ImportRun, source: SourceFile):
    """The file's checksums go on the run as the attempt to import it ends, however it ends (refused, failed or done),
    before the run is saved as ended. Not sooner: they are worked out beside the import (imports.sources), and a run
    still going has none."""
    try:
        yield
    finally:
        run.checksum, run.text_checksum = source.checksum, source.text_checksum


# How long an import waits for another to finish writing (a page waits 20 s for SQLite's write lock, as settings say):
# a national file can take minutes, and an upload queued behind it should wait its turn rather than fail. Less than
# the half hour after which a run not heard from is taken for stopped (imports.models.SILENT_TOO_LONG).
IMPORT_WAITS_SECONDS = 10 * 60
# Any number that no other part of the site locks on: "CG" and "import" in ASCII.
IMPORT_LOCK = 0x4347_696D_706F_7274


@contextmanager
def one_import_at_a_time():
    """The import's transaction, begun once no other import is writing, waiting for it at most IMPORT_WAITS_SECONDS.
    Two at once that read the same figures (the same file from the command line while the worker imports its upload)
    would each replace them from what they read before the other wrote, and the second would fail on the first's
    rows. SQLite's write lock, taken as the transaction begins, keeps imports in turn: the import's connection waits
    longer for it than a page. PostgreSQL holds an advisory lock until the transaction ends; once it has committed, the
    tables the import changed much of have their planner statistics gathered beside it (imports.statistics)."""
    with _waiting_for_sqlites_write_lock(), transaction.atomic():
        _take_postgresqls_import_lock()
        yield
        changed = tables_much_changed()
    if not connection.in_atomic_block:  # committed (inside another's transaction, as in a test, that one commits)
        analyse_soon(changed)


@contextmanager
def _waiting_for_sqlites_write_lock():
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        usual = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA busy_timeout = {IMPORT_WAITS_SECONDS * 1000}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(usual)}")


def _take_postgresqls_import_lock() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        usual = cursor.fetchone()[0]
        cursor.execute(f"SET LOCAL lock_timeout = '{int(IMPORT_WAITS_SECONDS)}s'")
        try:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
        except OperationalError as error:
            raise OperationalError(f"another import held the database for over {duration(IMPORT_WAITS_SECONDS)}") from error
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [usual])


def _read(path_or_bytes, name: str) -> SourceFile:
    if isinstance(path_or_bytes, SourceFile):
        return replace(path_or_bytes, name=name)
    return read_source(path_or_bytes, file_name=name)


def _name_of(path_or_bytes) -> str:
    if isinstance(path_or_bytes, SourceFile):
        return path_or_bytes.name
    if isinstance(path_or_bytes, bytes | bytearray | memoryview):
        return "uploaded file"
    return str(path_or_bytes).rsplit("/", 1)[-1]


def _finished(run: ImportRun, counts: Counts, kind: ImportKind, user, context: ImportContext) -> ImportRun:
    for name, count in asdict(counts).items():  # each count is the run's field of its name
        setattr(run, name, count)
    run.outcome = ImportOutcome.SUCCEEDED if counts.created or counts.changed else ImportOutcome.UNCHANGED
    run.message = " ".join([describe(run, kind, kept_newer=context.kept_newer, taken_as=context.taken_as), *context.notes])
    run.progress, run.finished_at = 100, timezone.now()
    run.save()
    _audit(run, user)
    return run


def _refused(run: ImportRun, refusal: ImportRefused, user) -> ImportRun:
    refusal.file_name = refusal.file_name or run.file_name
    run.outcome, run.message = ImportOutcome.REFUSED, f"{refusal}. Nothing was imported from this file."
    run.remedy, run.named_imports = refusal.remedy, list(refusal.named)
    run.created = run.changed = run.unchanged = run.skipped = 0
    run.finished_at = timezone.now()
    run.save()
    _audit(run, user, reason=str(refusal))
    return run


def stopped(run: ImportRun, why: str, user=None, *, noticed=False) -> bool:
    """Mark a queued or running import failed, for a reason other than what the file holds (an error in the import, its
    worker stopped, the queue could not be reached), unless it has ended meanwhile. An import is one transaction: none
    of the file was kept. `noticed`: the service found it so itself, and the audit log says so (not "Command line")."""
    why = visible(why)
    message = (
        f"{run.file_name}: {why}. Nothing was imported from this file: an import is all or nothing. Import it again; "
        "if this happens again, tell your service administrator."
    )
    marked = ImportRun.objects.filter(pk=run.pk, outcome__in=(ImportOutcome.QUEUED, ImportOutcome.RUNNING)).update(
        outcome=ImportOutcome.FAILED, message=message, finished_at=timezone.now()
    )
    delete_upload(run)  # if it was uploaded, its file is not kept: the worker that would have deleted it has stopped
    if marked:
        run.refresh_from_db()
        _audit(run, user, reason=why, **({"by": SERVICE} if noticed else {}))
    return bool(marked)


def fail_if_silent(run: ImportRun) -> None:
    """A run nothing has been heard from for too long stopped part-way (its worker or command was stopped or killed)."""
    if run.silent_too_long:
        stopped(
            run,
            f"nothing was heard from the import for {duration(SILENT_TOO_LONG.total_seconds())}, so it stopped part-way "
            "(the command or the background worker running it may have been stopped)",
            noticed=True,
        )


def _audit(run: ImportRun, user, **detail) -> None:
    record(
        AuditAction.IMPORT,
        user=user,
        obj=run,
        kind=run.kind,
        outcome=run.outcome,
        checksum=run.checksum,
        counts={
            "rows_read": run.rows_read,
            "created": run.created,
            "changed": run.changed,
            "unchanged": run.unchanged,
            "skipped": run.skipped,
            "cleared": run.cleared,
        },
        **detail,
    )
