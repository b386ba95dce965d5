"""Turning a file as given (a path or bytes, maybe gzipped, in whichever encoding) into a SourceFile."""

import codecs
import csv
import hashlib
import io
import itertools
import re
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl

from core.words import listed

from .registry import ImportRefused, Remedy, SourceFile, detect

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
EXTRACT = "Extract the CSV file from it, and import that"
INSTEAD = "Import the data's CSV file instead"
# How files that are not text begin (after any gzip): what each is, and what to do instead.
SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": ("a PNG image", INSTEAD),
    b"\xff\xd8\xff": ("a JPEG image", INSTEAD),
    b"GIF87a": ("a GIF image", INSTEAD),
    b"GIF89a": ("a GIF image", INSTEAD),
    b"%PDF-": ("a PDF document", INSTEAD),
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": (
        "an older Excel workbook (.xls) or other Office file",
        "Open it in Excel and save it as CSV UTF-8 first",
    ),
    b"Rar!\x1a\x07": ("a RAR archive", EXTRACT),
    b"7z\xbc\xaf\x27\x1c": ("a 7-Zip archive", EXTRACT),
    b"\xfd7zXZ\x00": ("an xz-compressed file", EXTRACT),
}
# Bytes that text never holds: the control characters other than tab, the line ends, the form feed and the end-of-file
# mark some old programs leave at the end.
CONTROL_BYTES = bytes(set(range(32)) - set(b"\t\n\v\f\r\x1a"))
NOT_CONTROL = bytes(set(range(256)) - set(CONTROL_BYTES))
# The most a gzipped file may unpack to: several times the largest national file (the census is under
# 100 MB), and a bound on what a small, highly compressed upload can make the import hold in memory.
MAX_UNPACKED_BYTES = 1024**3
HEAD_BYTES = 65536  # how much of the file is read for its header (and whether rows follow it)
_hasher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="checksum")


def read_source(path_or_bytes, *, file_name: str | None = None) -> SourceFile:
    """Read, checksum, gunzip, decode and take the header of one file."""
    if isinstance(path_or_bytes, bytes | bytearray | memoryview):
        raw = bytes(path_or_bytes)
        name = file_name or "uploaded file"
    else:
        path = Path(path_or_bytes)
        raw = path.read_bytes()
        name = file_name or path.name
    checksum = _hasher.submit(_checksum, raw)  # hashing lets go of Python's lock: it is done while the file is parsed
    data = _gunzip(raw, name) if raw[:2] == GZIP_MAGIC else raw
    _refuse_archives(raw, data, name)
    _refuse_not_text(data, name, unpacked=data is not raw)
    data = _from_utf16(data, name) if data[:2] in UTF16_BOMS else data
    if b"\r" in data[:HEAD_BYTES] and b"\n" not in data[:HEAD_BYTES]:
        data = data.replace(b"\r", b"\n")  # lines ended by a carriage return alone (as old Mac programs save them)
    text_checksum = checksum if data is raw and not data.startswith(codecs.BOM_UTF8) else _hasher.submit(_text_checksum, data)
    try:
        encoding = encoding_of(data, name)
    except ImportRefused as refusal:
        refusal.header = _header_as_far_as_readable(data)  # so that the run can say what kind of file was refused
        raise
    start = beginning(data, encoding)
    if not start.strip() and len(data) <= HEAD_BYTES:
        raise ImportRefused("the file is empty", file_name=name)
    refuse_web_page(start, name)
    try:
        header, has_rows = read_header(start), _has_rows(start) or len(data) > HEAD_BYTES
    except csv.Error as exc:
        raise ImportRefused(f"its first line cannot be read as CSV ({exc}): save the file as CSV UTF-8", file_name=name)
    if not any(header):
        raise ImportRefused("its first line is blank, where the header should be", file_name=name)
    refuse_other_separators(start, header, name)
    refuse_data_as_header(header, name)
    refuse_repeated_columns(header, name)
    return SourceFile(
        name=name, data=data, encoding=encoding, header=header, has_rows=has_rows, checksum_job=checksum, text_checksum_job=text_checksum
    )


def beginning(data: bytes, encoding: str) -> str:
    """The file's first HEAD_BYTES as text, without a byte-order mark, a character cut in two at the end left out: what
    its header, and the kind of file it is, are read from."""
    return data[:HEAD_BYTES].decode(encoding, "ignore").removeprefix("\ufeff")


WEB_PAGE = re.compile(r"\s*(<!--.*?-->\s*)*<(!doctype\s+html|html)[\s>]", re.IGNORECASE | re.DOTALL)


def refuse_web_page(start: str, name: str | None = None) -> None:
    """A web page saved where the CSV file should be (a download that failed or needed signing in, which the browser saved
    under the file's name) was refused as a file Common Ground does not recognise, its header starting '<!DOCTYPE html>':
    say what it is, and to download the file again."""
    if WEB_PAGE.match(start):
        raise ImportRefused(
            "this is a web page (HTML), not a CSV file: the download may have failed and saved the website's page in its "
            "place, so download the file again",
            file_name=name,
            remedy=Remedy.DOWNLOAD,
        )


def _checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _text_checksum(data: bytes) -> str:
    """SHA-256 of the text as read, not of its wrapping: a file gzipped or not, with a byte-order mark or without, in
    UTF-16 or UTF-8, has the one text checksum, so that a copy renamed after unpacking is still known (refuse_renamed_copy)."""
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    return hashlib.sha256(memoryview(data)[start:]).hexdigest()


def _refuse_archives(raw: bytes, data: bytes, name: str) -> None:
    """A zip archive (as some downloads come, and as an Excel workbook is), or a gzip of a gzip, is no CSV: its bytes
    would be read as a garbled header. Say what it is and what to do instead."""
    if data is not raw and (data[:2] == GZIP_MAGIC or data[:4] == ZIP_MAGIC):
        raise ImportRefused(
            "the file inside the gzip is itself compressed: unpack it until the CSV file is left, and import that",
            file_name=name,
            remedy=Remedy.ANOTHER,
        )
    if data[:4] == ZIP_MAGIC:
        if name.lower().endswith((".xlsx", ".xlsm")) or b"xl/" in data[:HEAD_BYTES]:  # a workbook's parts are in xl/
            raise ImportRefused("this is an Excel workbook: open it in Excel and save it as CSV UTF-8 first", file_name=name)
        raise ImportRefused(
            "this is a zip archive: extract the CSV file from it first, and import that", file_name=name, remedy=Remedy.ANOTHER
        )


def _refuse_not_text(data: bytes, name: str, *, unpacked: bool = False) -> None:
    """A file that is not text (an image, a PDF, an archive saved as .csv) would be read as a garbled header or refused
    as mixing two encodings: say what it is, where its first bytes tell. A UTF-16 file without a byte-order mark has NUL
    bytes too, between its letters, and is told to be saved as UTF-8. `unpacked`: whether `data` came out of a gzip.
    What holds the data elsewhere (an image, a PDF, an archive) is no file to correct: its page says to import another,
    the CSV file; a workbook is saved as CSV, which its page calls correcting it."""
    known = next((known for signature, known in SIGNATURES.items() if data.startswith(signature)), None)
    if known:
        what, instead = known
        remedy = Remedy.ANOTHER if instead in (INSTEAD, EXTRACT) else Remedy.CORRECT
        raise ImportRefused(f"this is not a text (CSV) file: it looks like {what}. {instead}", file_name=name, remedy=remedy)
    if data[:2] in UTF16_BOMS:
        return
    head = data[:HEAD_BYTES]
    first_line = head.partition(b"\n")[0]
    if b"\0" in first_line and _utf16_without_bom(head):
        raise ImportRefused(
            "its first line holds NUL bytes between its letters, as UTF-16 without a byte-order mark does: save it as CSV UTF-8",
            file_name=name,
        )
    # A header never holds a NUL byte; nor does text hold control bytes one in a hundred (binary data holds one in ten).
    if b"\0" in first_line or len(head.translate(None, NOT_CONTROL)) > max(8, len(head) // 100):
        held = "NUL bytes" if b"\0" in head else "control characters"
        if not unpacked and name.lower().endswith(".gz"):
            # Named as a gzip, but neither one nor text: a download damaged or cut at its start, most likely.
            raise ImportRefused(
                "its name ends .gz, but it is not a gzip file, nor text: it may be damaged, so download it again",
                file_name=name,
                remedy=Remedy.DOWNLOAD,
            )
        raise ImportRefused(
            f"this is not a text (CSV) file: it holds {held}, which text never does. {INSTEAD}", file_name=name, remedy=Remedy.ANOTHER
        )


def _utf16_without_bom(head: bytes) -> bool:
    """Whether every other byte is NUL, as in UTF-16 text of Latin letters, and hardly any of the rest is."""
    sample = head[:4096]
    evens, odds = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    return max(evens, odds) >= half * 0.75 and min(evens, odds) <= half * 0.05


def _from_utf16(data: bytes, name: str) -> bytes:
    """A file in UTF-16 with its byte-order mark (Excel's "Unicode text", some exports) as UTF-8, which every reader reads."""
    try:
        return data.decode("utf-16").encode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            f"the file starts as UTF-16 does, but is not UTF-16 throughout ({exc.reason}): save it as CSV UTF-8", file_name=name
        )


def _gunzip(raw: bytes, name: str) -> bytes:
    """Unpack every gzip member in turn, never more than MAX_UNPACKED_BYTES and one past it, so an
    oversized file is refused without being unpacked whole."""
    parts, size, rest, limit = [], 0, raw, MAX_UNPACKED_BYTES
    try:
        while rest:
            member = zlib.decompressobj(wbits=31)
            parts.append(member.decompress(rest, limit + 1 - size))
            size += len(parts[-1])
            if size > limit:
                break
            if not member.eof:
                raise EOFError("it ends part-way through")
            rest = member.unused_data.lstrip(b"\0")  # gzip(1) ignores zeros padding the end, and so do we
    except (zlib.error, EOFError) as exc:
        raise ImportRefused(
            f"the file looks gzipped but cannot be unpacked ({exc}): it may be damaged or cut short, so download it again",
            file_name=name,
            remedy=Remedy.DOWNLOAD,
        )
    data = b"".join(parts)
    if size > limit:
        raise ImportRefused(f"the file unpacks to more than {limit // 2**20:,} MB, more than any data set it could be", file_name=name)
    return data


def encoding_of(data: bytes, name: str | None = None) -> str:
    """UTF-8 (plain ASCII is too); otherwise Windows-1252, which GIAS uses for its links files. A file that is
    partly UTF-8 is refused (see _refuse_mixed)."""
    if data.isascii() or _is_utf8(data):
        return "utf-8"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        _refuse_mixed(data, exc, name)
    try:
        data.decode("windows-1252")
        return "windows-1252"
    except UnicodeDecodeError:
        # Five byte values are unassigned in Windows-1252; Latin-1 maps every byte.
        return "latin-1"


def _is_utf8(data: bytes) -> bool:
    """Whether the bytes are UTF-8 throughout, checked by polars without decoding them (several times quicker than
    Python's decoding, which makes a copy of a national file as text). Where they are not, the decoding says where."""
    try:
        pl.Series([data], dtype=pl.Binary).cast(pl.String)
    except pl.exceptions.PolarsError:
        return False
    return True


NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def _refuse_mixed(data: bytes, error: UnicodeDecodeError, name: str | None) -> None:
    """A file that is not UTF-8 throughout but has characters written in UTF-8 (or starts with UTF-8's byte-order
    mark) mixes two encodings: a row pasted from elsewhere, a byte slipped in. Read as Windows-1252, every UTF-8
    character would be garbled ('Café' as 'CafÃ©', recorded as a change of name), so the file is refused at the
    first byte that is not UTF-8."""
    utf8 = NOT_ASCII.search(data.decode("utf-8", "ignore"))  # what is left is ASCII or UTF-8 written as such
    if utf8 is None:
        return
    evidence = "it starts with UTF-8's byte-order mark" if utf8.group() == "\ufeff" else f"it has '{utf8.group()}' written in UTF-8"
    byte = data[error.start]
    as_1252 = bytes([byte]).decode("windows-1252", "replace")
    raise ImportRefused(
        f"the file is UTF-8 ({evidence}) but this row has a byte that is not (0x{byte:02X}, '{as_1252}' in Windows-1252): the file "
        "mixes two encodings, so correct this row and save the file as CSV UTF-8",
        row=data.count(b"\n", 0, error.start) + 1,
        file_name=name,
    )


def _header_as_far_as_readable(data: bytes) -> list[str]:
    """The first line's fields, any byte that is not UTF-8 replaced; none where it cannot be read as CSV."""
    try:
        return read_header(data[:HEAD_BYTES].partition(b"\n")[0].decode("utf-8", "replace"))
    except csv.Error:
        return []


def read_header(text: str, delimiter: str = ",") -> list[str]:
    first = next(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=delimiter), [])
    return [name.strip() for name in first]


NUMBER_OR_DATE = re.compile(r"[-+]?(\d[\d,]*(\.\d*)?|\.\d+)%?|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")


# What else separates the columns of files saved as "CSV" or text: a spreadsheet set to a language whose decimal mark
# is a comma saves semicolons; "Text (Tab delimited)" saves tabs.
SEPARATORS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}
# The line with which a file may tell Excel what separates its columns ("sep=;"), above its header.
SEP_LINE = re.compile(r"sep=(.)", re.IGNORECASE)


def refuse_other_separators(start: str, header: list[str], name: str | None = None) -> None:
    """A file whose columns are separated by semicolons or tabs, not commas, has its header read as one column (or a
    few, where a name holds a comma), and would be refused as a file Common Ground does not recognise, quoting the
    whole header as its first column: say what separates its columns, and how to save it. So is one whose first line is
    Excel's "sep=;" (its header the line below), which says what separates them itself. The header split by that
    separator goes with the refusal, so that the run still says what kind of file it is."""
    if detect(header):
        return
    first, _, rest = start.partition("\n")
    if said := SEP_LINE.fullmatch(first.removesuffix("\r")):  # Excel's "sep=;" line: the header is the next line
        separator, header_line = said[1], rest.partition("\n")[0]
        if separator not in SEPARATORS:
            return
    else:
        counts = {separator: sum(column.count(separator) for column in header) for separator in SEPARATORS}
        separator, header_line = max(counts, key=counts.get), first
        if counts[separator] < max(2, len(header)):
            return
    refusal = ImportRefused(
        f"its columns are separated by {SEPARATORS[separator]}, not commas: open it in a spreadsheet and save it as "
        "CSV UTF-8 (comma delimited), or import the file as downloaded",
        row=1,
        file_name=name,
    )
    refusal.header = read_header(header_line, delimiter=separator)
    raise refusal


def refuse_data_as_header(header: list[str], name: str | None = None) -> None:
    """A file whose header row was lost (cut off, or never saved) has its first row of data where the header should
    be: refuse it as such, rather than as a header naming a column many times or matching no kind of file. No column
    of any file Common Ground reads is named with a number or a date, and a header that fits a kind is one."""
    filled = [cell for cell in header if cell]
    numbers = sum(1 for cell in filled if NUMBER_OR_DATE.fullmatch(cell))
    if not numbers or detect(header):
        return
    start = ", ".join(cell if len(cell) <= 30 else cell[:29] + "…" for cell in filled[:5]) + (" …" if len(filled) > 5 else "")
    if numbers == len(filled):
        counted = "it is a number or a date" if numbers == 1 else f"all {numbers:,} of its values are numbers or dates"
    else:
        counted = f"{numbers:,} of its {len(filled):,} values {'is a number or a date' if numbers == 1 else 'are numbers or dates'}"
    raise ImportRefused(
        f"this row looks like data, not a header: it starts {start}, and {counted}, which no column name is. The file needs "
        "its header row (the names of its columns) as its first row: download the file again, or put its header row back",
        row=1,
        file_name=name,
    )


def refuse_repeated_columns(header: list[str], name: str | None = None) -> None:
    """A column named twice (pasted in again, or a spreadsheet's copy) leaves it unclear which holds the figures, and
    each reader would take a different one (or fail): refuse the file, naming both places. Blank names are left alone.
    The header goes with the refusal, so that the run still says what kind of file it is, not that it was not recognised."""
    places: dict[str, list[int]] = {}
    for position, column in enumerate(header, start=1):
        if column:
            places.setdefault(column, []).append(position)
    repeated = next(((column, at) for column, at in places.items() if len(at) > 1), None)
    if repeated:
        column, at = repeated
        times, extra = ("twice", "one") if len(at) == 2 else (f"{len(at)} times", "all but one")
        refusal = ImportRefused(
            f"the header has this column {times} (columns {listed([str(p) for p in at])}): remove or rename {extra}",
            row=1,
            column=column,
            file_name=name,
        )
        refusal.header = header
        raise refusal


# How many rows above its header a file may have (a title, a note, Excel's "sep=," line) for the import to find it there.
ROWS_ABOVE_HEADER = 10


def header_further_down(source: SourceFile) -> tuple[int, list[str]] | None:
    """Where the file's first row is no header of any kind but one of the next few rows is one kind's (a title or a note
    typed above it, Excel's "sep=," line): that row's number, counted as the loaders count rows, and its fields."""
    start = beginning(source.data, source.encoding)
    try:
        rows = list(itertools.islice(csv.reader(io.StringIO(start)), 1, ROWS_ABOVE_HEADER + 1))
    except csv.Error:  # the beginning cut part-way through a quoted field
        return None
    for row, fields in enumerate(rows, start=2):
        if len(detect(header := [field.strip() for field in fields])) == 1:
            return row, header
    return None


def _has_rows(start: str) -> bool:
    """Whether a row with anything in it follows the header in `start`, the beginning of the file."""
    reader = csv.reader(io.StringIO(start))
    try:
        next(reader, None)
        return any(any(field.strip() for field in fields) for fields in reader)
    except csv.Error:  # the beginning cut part-way through a quoted field: there is a row
        return True


def utf8_bytes(source: SourceFile) -> bytes:
    """The file as UTF-8 bytes without a byte-order mark, which is what the CSV reader wants."""
    if source.encoding == "utf-8":
        return source.data[3:] if source.data.startswith(b"\xef\xbb\xbf") else source.data
    return source.text.encode("utf-8")
