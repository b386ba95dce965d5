"""The performance tables' meta files: DfE's dictionary of each year's columns, for KS2 and KS4.

The layout changes from year to year; so far:

    Column,FieldName,Label/Description                                   KS2 2016/17
    "Column","Field Name","Label/Description"                            KS2 2017/18 and 2018/19
    Column,Metafile heading,Metafile description,Methodology changes,…   KS4 (2016/17 with empty trailing fields)

Neither key stage nor year is written in the file. The key stage is told by the columns it describes
(a KS2 file describes PTRWM_EXP, a KS4 file ATT8SCR), the year by its earlier years' columns (…_16)
checked against the file's name, as for the tables themselves. Importing a meta file replaces what
was stored for its key stage and year. The pages show each measure's description for the years shown.
"""

import csv
import io
import re
from dataclasses import asdict, dataclass

from core.numbers import whole_number
from imports.registry import Counts, ImportRefused, Remedy

from .catalogue import TABLE_COLUMNS
from .models import ColumnDescription
from .readers import table_year
from .years import years_text

NAME_HEADINGS = ("fieldname", "metafileheading")
DESCRIPTION_HEADINGS = ("label/description", "metafiledescription")
METHODOLOGY_HEADINGS = ("methodologychanges",)
# Columns only one key stage's tables have, and have had in every year so far.
MARKERS = {"ks2": {"PTRWM_EXP", "READPROG"}, "ks4": {"ATT8SCR", "P8MEA"}}
KEY_STAGE_IN_NAME = re.compile(r"ks([24])(?!\d)")
LONGEST_NAME = ColumnDescription._meta.get_field("column").max_length


def _squeezed(heading: str) -> str:
    return "".join(heading.lower().split())


def _find(header: list[str], headings: tuple[str, ...]) -> int | None:
    squeezed = [_squeezed(h) for h in header]
    return next((i for i, h in enumerate(squeezed) if h in headings), None)


def is_meta(header: list[str]) -> bool:
    return (
        bool(header)
        and _squeezed(header[0]) == "column"
        and _find(header, NAME_HEADINGS) is not None
        and _find(header, DESCRIPTION_HEADINGS) is not None
    )


@dataclass(frozen=True)
class Entry:
    position: int
    column: str
    description: str
    methodology: str = ""


@dataclass(frozen=True)
class MetaFile:
    key_stage: str  # "ks2" or "ks4"
    year: int  # ending: 2019 = 2018/19
    entries: tuple[Entry, ...]


def read_meta(text: str, file_name: str) -> MetaFile:
    """Every described column, in the file's order; ImportRefused (row, column) for anything malformed."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header = [h.strip() for h in (rows[0] if rows else [])]
    if not is_meta(header):
        raise ImportRefused("this is not a performance tables meta file (Column, Field Name, Label/Description)")
    if len(rows) > 1 and not text.endswith(("\n", "\r")):
        # Cut part-way through a description, its last row still has every field: only the missing line end tells.
        raise ImportRefused(
            "the file ends part-way through this row, with no line end after it, where DfE's meta files end with one: it "
            "looks cut short, so download it again",
            row=len(rows),
            remedy=Remedy.DOWNLOAD,
        )
    rows = iter(rows[1:])
    name_at, description_at = _find(header, NAME_HEADINGS), _find(header, DESCRIPTION_HEADINGS)
    methodology_at = _find(header, METHODOLOGY_HEADINGS)
    entries, first_row = [], {}
    for line, row in enumerate(rows, start=2):
        if not any(field.strip() for field in row):
            continue
        fields = [field.strip() for field in row] + [""] * len(header)
        position, name, description = fields[0], fields[name_at], " ".join(fields[description_at].split())
        if not 0 < (whole_number(position, 5) or 0) < 32768:
            raise ImportRefused(f"'{position}' is not a column number", row=line, column=header[0])
        if not name:
            raise ImportRefused("the column has no name", row=line, column=header[name_at])
        if len(name) > LONGEST_NAME or not name.isprintable():
            raise ImportRefused(f"'{name[:40]}' is not a column name", row=line, column=header[name_at])
        if name in first_row:
            raise ImportRefused(f"{name} is described twice (first on row {first_row[name]})", row=line, column=header[name_at])
        if not description:
            raise ImportRefused(f"{name} has no description", row=line, column=header[description_at])
        first_row[name] = line
        methodology = fields[methodology_at] if methodology_at is not None else ""
        entries.append(Entry(int(position), name, description, methodology))
    if not entries:
        raise ImportRefused("the file describes no columns")
    key_stage = _key_stage(set(first_row), file_name)
    return MetaFile(key_stage, table_year(list(first_row), file_name), tuple(entries))


def _key_stage(names: set[str], file_name: str) -> str:
    stages = [stage for stage, markers in MARKERS.items() if markers & names]
    if len(stages) != 1:
        raise ImportRefused("cannot tell whether this describes the key stage 2 or the key stage 4 tables")
    named = KEY_STAGE_IN_NAME.search(file_name.lower())
    if named and f"ks{named.group(1)}" != stages[0]:
        raise ImportRefused(f"the name says ks{named.group(1)} but the columns are those of the {stages[0]} tables")
    return stages[0]


def load_meta(ctx) -> Counts:
    """Replace the stored descriptions of the file's key stage and year with the file's; the same file again changes nothing."""
    if ctx.la_codes:
        raise ImportRefused(
            "a meta file describes the tables' columns for every authority, so it is imported for every authority "
            "(by a service administrator), not limited to some",
            remedy=Remedy.ANOTHER,
        )
    meta = read_meta(ctx.source.text, ctx.source.name)
    stored = {d.column: d for d in ColumnDescription.objects.filter(key_stage=meta.key_stage, year=meta.year)}
    created, changed = [], []
    for entry in meta.entries:
        described = stored.get(entry.column)
        if described is None:
            created.append(ColumnDescription(key_stage=meta.key_stage, year=meta.year, import_run=ctx.run, **asdict(entry)))
        elif (described.position, described.description, described.methodology) != (entry.position, entry.description, entry.methodology):
            described.position, described.description, described.methodology = entry.position, entry.description, entry.methodology
            described.import_run = ctx.run
            changed.append(described)
    wanted = {entry.column for entry in meta.entries}
    gone = [d.id for column, d in stored.items() if column not in wanted]
    ColumnDescription.objects.filter(id__in=gone).delete()
    ColumnDescription.objects.bulk_create(created)
    ColumnDescription.objects.bulk_update(changed, ["position", "description", "methodology", "import_run"])
    unchanged = len(meta.entries) - len(created) - len(changed)
    return Counts(rows_read=len(meta.entries), created=len(created), changed=len(changed) + len(gone), unchanged=unchanged)


@dataclass(frozen=True)
class Meaning:
    """A measure's source column as DfE described it, for the years it was described so."""

    key_stage: str
    column: str
    description: str
    methodology: str
    years: tuple[int, ...]

    @property
    def tables(self) -> str:
        return f"key stage {self.key_stage[-1]} performance tables"

    @property
    def years_text(self) -> str:
        return years_text(self.years)


def meanings(years_by_measure: dict[str, list[int]]) -> dict[str, list[Meaning]]:
    """measure code → its column's descriptions in the years given, newest wording first (one query)."""
    wanted = {code: TABLE_COLUMNS[code] for code in years_by_measure if code in TABLE_COLUMNS}
    if not wanted:
        return {}
    years = {year for code in wanted for year in years_by_measure[code]}
    rows = ColumnDescription.objects.filter(
        key_stage__in={stage for stage, _ in wanted.values()},
        column__in={column for _, columns in wanted.values() for column in columns},
        year__in=years,
    ).values_list("key_stage", "column", "year", "description", "methodology")
    described: dict[tuple[str, str], dict[int, tuple[str, str]]] = {}
    for stage, column, year, description, methodology in rows:
        described.setdefault((stage, column), {})[year] = (description, methodology)
    found = {}
    for code, (stage, columns) in wanted.items():
        grouped: dict[tuple[str, str, str], list[int]] = {}
        for year in sorted(years_by_measure[code], reverse=True):
            # The year's column: the first listed that its meta file describes (the year's table had it).
            if column := next((c for c in columns if year in described.get((stage, c), {})), None):
                grouped.setdefault((column, *described[(stage, column)][year]), []).append(year)
        if grouped:
            found[code] = [Meaning(stage, column, d, m, tuple(sorted(ys))) for (column, d, m), ys in grouped.items()]
    return found
