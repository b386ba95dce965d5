"""The kinds of file `import_data` understands, and what a kind's loader is given.

Each app registers its kinds (register: GIAS files; evidence: performance tables, census, …)
in its AppConfig.ready(). Detection reads the header only; the loader does the work inside the
import's transaction and returns what it counted. A loader refuses a bad file by raising
`ImportRefused` naming the row and column; nothing it wrote survives, because the whole import
runs in one transaction.
"""

import re
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import astuple, dataclass, field
from enum import StrEnum
from functools import cached_property

from .rows import empty_rows


@dataclass
class SourceFile:
    name: str  # the file's name as the user gave it (no directories)
    data: bytes  # the file's bytes (gzip undone, UTF-16 recoded as UTF-8)
    encoding: str  # utf-8 (with or without BOM), else windows-1252 or latin-1
    header: list[str]  # the first row's fields, stripped
    has_rows: bool  # whether anything follows the header
    checksum_job: Future  # SHA-256 of the file's bytes as given, worked out beside the import
    text_checksum_job: Future  # SHA-256 of `data` less a UTF-8 byte-order mark: the same whatever the file's wrapping

    @property
    def checksum(self) -> str:
        return self.checksum_job.result()

    @property
    def text_checksum(self) -> str:
        return self.text_checksum_job.result()

    @cached_property
    def empty_rows(self) -> list[tuple[int, int, int]]:
        """The rows that hold nothing (imports.sources.empty_rows): every loader skips them, and the import counts them."""
        return empty_rows(self.data)

    @cached_property
    def text(self) -> str:
        """The whole file decoded; made when first asked for, since most loaders read the bytes."""
        return self.data.decode("utf-8-sig" if self.encoding == "utf-8" else self.encoding)


@dataclass
class Counts:
    rows_read: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped: int = 0
    # Of the rows skipped, those of England's figures: every one in an import limited to some authorities, which does not
    # take them, else those of a phase of school the import does not read.
    skipped_national: int = 0
    # Of the rows skipped, those that give nothing to take (ImportKind.empty): every one is counted, so that the rows read
    # are the rows taken, those skipped and those cleared.
    skipped_empty: int = 0
    # The schools' rows that give no figure at all and so removed what an earlier file of the year held for their schools
    # (evidence.store): neither taken nor skipped, but counted apart; the figures they removed are among those changed.
    cleared: int = 0

    def add(self, other: "Counts") -> "Counts":
        return Counts(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


@dataclass
class ImportContext:
    source: SourceFile
    run: object  # imports.models.ImportRun
    la_codes: frozenset = field(default_factory=frozenset)  # empty: every authority
    progress: Callable[[int, int], None] = lambda done, total: None
    notes: list[str] = field(default_factory=list)  # what the person importing should know, after the counts
    # Whether the loader left as held some of what the file gives otherwise, what is held being newer (an older file
    # imported late; a note says so): an import that changed nothing then does not say that nothing had changed.
    kept_newer: bool = False
    # What the loader took the file to be, where more than its kind (its release and year, which its name or its own
    # columns give): "Key stage 2 performance tables (provisional), 2018/19". The import's outcome says it.
    taken_as: str = ""

    def wants_la(self, code) -> bool:
        return not self.la_codes or code in self.la_codes


class Remedy(StrEnum):
    """What a refused file's page says to do after the reason (ImportRun.remedy)."""

    CORRECT = "correct"  # the file is wrong where the reason says: correct it and import it again
    DOWNLOAD = "download"  # the file was damaged or cut short on its way: download it again
    ANOTHER = "another"  # nothing in the file is to be corrected: the reason says what to import, or do, instead
    # Imported before and replaced since (imports.services.refuse_replaced): another file, or this one again, said to be
    # the one to keep, as the upload form's box says it, whichever way the file came.
    REPLACED = "replaced"


# A control character (other than a tab or line end) in a file's cell: shown as its code, since it cannot be seen, and
# PostgreSQL cannot store NUL in text at all.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def visible(text: str) -> str:
    """`text` with each control character written as its code ('\\x00'), to be read, and stored, as words about a file."""
    return CONTROL_CHARACTER.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


class ImportRefused(Exception):
    """A file that cannot be imported. The message says why; row and column say where, and `school` whose row it is
    ("URN 125315, All Hallows Catholic School"), where the loader can tell; `remedy`, what is to be done about it.
    `header` is the file's, when it was refused while being read (its encoding), so that its kind can still be told.
    `rows` are the rows a reason is about where it names more than one, written where it says "{rows}"; `named`, the
    earlier imports it names by number, "(import 12)", which the run keeps (ImportRun.named_imports) for its page to link."""

    header: list[str] | None = None
    school: str | None = None

    def __init__(
        self,
        reason: str,
        *,
        row: int | None = None,
        column: str | None = None,
        file_name: str | None = None,
        remedy: Remedy = Remedy.CORRECT,
        rows: tuple[int, ...] = (),
        named: tuple[int, ...] = (),
    ):
        self.reason = reason
        self.rows = rows
        self.named = named
        self.row = row
        self.column = column
        self.file_name = file_name
        self.remedy = remedy
        super().__init__(str(self))

    def __str__(self):
        where = []
        if self.file_name:
            where.append(self.file_name)
        if self.row is not None:
            where.append(f"row {self.row}" + (f" ({self.school})" if self.school else ""))
        if self.column:
            where.append(f"column '{self.column}'")
        reason = self.reason.replace("{rows}", ", ".join(str(row) for row in self.rows))
        return visible((", ".join(where) + ": " if where else "") + reason)


@dataclass(frozen=True)
class ChangeList:
    """What a run changed in what was already held, for the run's page: the rows (a queryset, which the
    page splits into pages) and the template, the kind's own app's, that lists them."""

    template: str
    rows: object


def _as_written(name: str) -> str:
    return name


@dataclass(frozen=True)
class Columns:
    """A header test by the columns that identify a kind of file: every one of `names`, at least one of `any_of` (if
    given), none of `without`, each compared by `key` (Ofsted's files: case and spacing aside). Where a header fails
    it, `lacking` says which of them it lacks, so that a file with one renamed is refused naming it."""

    names: tuple[str, ...]
    any_of: tuple[str, ...] = ()
    without: tuple[str, ...] = ()
    key: Callable[[str], str] = _as_written

    def __call__(self, header: list[str]) -> bool:
        have = self._keys(header)
        return not self._lacking(have) and not self._excluded(have)

    def lacking(self, header: list[str]) -> list[str]:
        """The identifying columns the header does not have, quoted; for `any_of`, all of them said as one: "'a' or 'b'".
        (Which of the header's names was meant for one is not guessed: DfE's files hold many alike, PTRWM_EXP beside
        PTRWM_EXP_M.)"""
        return self._lacking(self._keys(header))

    def nearly(self, header: list[str]) -> list[str]:
        """What the header lacks, where it is nearly of this kind: it has none of `without`, and lacks one identifying
        column of four or more, or two of six or more (two it has, a URN and a date, say, would be no sign). Empty
        otherwise."""
        have = self._keys(header)
        if self._excluded(have):
            return []
        missing = self._lacking(have)
        wanted = len(self.names) + bool(self.any_of)
        return missing if (len(missing) == 1 and wanted >= 4) or (len(missing) == 2 and wanted >= 6) else []

    def _keys(self, header: list[str]) -> set[str]:
        return {self.key(name) for name in header}

    def _lacking(self, have: set[str]) -> list[str]:
        missing = [f"'{name}'" for name in self.names if self.key(name) not in have]
        if self.any_of and not any(self.key(name) in have for name in self.any_of):
            missing.append(" or ".join(f"'{name}'" for name in self.any_of))
        return missing

    def _excluded(self, have: set[str]) -> bool:
        return any(self.key(name) in have for name in self.without)


@dataclass(frozen=True)
class ImportKind:
    code: str  # e.g. "gias_establishments"
    label: str  # e.g. "GIAS establishment extract"
    matches: Callable[[list[str]], bool]  # given the header, is this file of this kind?
    load: Callable[[ImportContext], Counts]
    # Given a run and the ids of the authorities whose changes the viewer may see (None: every one), what it
    # changed in what was already held; None for kinds that keep no such record.
    changes: Callable[[object, frozenset | None], ChangeList] | None = None
    # Whether the file itself adds the authorities it names (GIAS extracts): then an import may be limited to
    # one the register does not hold yet, and the loader refuses one the file has no schools of.
    adds_authorities: bool = False
    # Given the header and a file name, what the loader takes a file of that name to be when its name decides its
    # year or release (e.g. "Key stage 2 performance tables (final) for 2018/19"); None when the name cannot tell.
    # The same bytes imported before under a name that makes them something else are refused (a renamed copy).
    edition: Callable[[list[str], str], str | None] | None = None
    # What the new, changed and unchanged counts count, where it is not the file's rows (a row of a figures file
    # gives many figures): "figures", "inspections".
    counts: str = ""
    # Why rows of a file of every authority may be skipped (an import limited to some also skips the others'); empty
    # where none are.
    skipped: str = "not in the register"
    # What the rows skipped for giving nothing to take are, after "1 row" or "2 rows" (Counts.skipped_empty).
    empty: str = "blank or only commas"

    @property
    def bracketed(self) -> str:
        """The label in brackets, its own brackets as a comma: "(Key stage 2 performance tables, final)"."""
        return bracketed(self.label)

    def named(self, header: list[str], file_name: str) -> str:
        """What an import of a file with this header and name says it is as it begins, in brackets: its edition, where the
        name decides it, in the words its outcome will use (taken_as), else the kind's label."""
        return bracketed((self.edition and self.edition(header, file_name)) or self.label)


def bracketed(label: str) -> str:
    """`label` in brackets, its own brackets as a comma: "(Key stage 2 performance tables, final, 2018/19)"."""
    return f"({label.replace(' (', ', ').replace(')', '')})"


KINDS: dict[str, ImportKind] = {}


def register_kind(kind: ImportKind) -> ImportKind:
    KINDS[kind.code] = kind
    return kind


def detect(header: list[str]) -> list[ImportKind]:
    """Every kind whose header test passes (a well-formed file matches exactly one)."""
    return [kind for kind in KINDS.values() if kind.matches(header)]


def nearest(header: list[str]) -> tuple[list[ImportKind], list[str]]:
    """For a header no kind's test passes: the kinds it is nearly of (Columns.nearly), lacking the fewest of their
    identifying columns, and what those are, where they lack the same; ([], []) where none is near."""
    near = [(kind, kind.matches.nearly(header)) for kind in KINDS.values() if isinstance(kind.matches, Columns)]
    near = [(kind, missing) for kind, missing in near if missing]
    fewest = min((len(missing) for _, missing in near), default=0)
    near = [(kind, missing) for kind, missing in near if len(missing) == fewest]
    if not near or any(missing != near[0][1] for _, missing in near):
        return [], []
    return [kind for kind, _ in near], near[0][1]
