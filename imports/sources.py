"""Turning a file as given (a path or bytes, maybe gzipped, in whichever encoding) into a SourceFile."""

import csv
import hashlib
import io
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .registry import ImportRefused, SourceFile

GZIP_MAGIC = b"\x1f\x8b"
# The most a gzipped file may unpack to: several times the largest national file (the census is under
# 100 MB), and a bound on what a small, highly compressed upload can make the import hold in memory.
MAX_UNPACKED_BYTES = 1024**3
HEAD_BYTES = 65536  # how much of the file is read for its header (and whether rows follow it)
_hasher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="checksum")


def read_source(path_or_bytes, *, file_name: str | None = None) -> SourceFile:
    """Read, gunzip, checksum, decode and take the header of one file."""
    if isinstance(path_or_bytes, bytes | bytearray | memoryview):
        raw = bytes(path_or_bytes)
        name = file_name or "uploaded file"
    else:
        path = Path(path_or_bytes)
        raw = path.read_bytes()
        name = file_name or path.name
    # Hashing lets go of Python's lock, so the checksum is worked out while the file is parsed.
    checksum = _hasher.submit(lambda: hashlib.sha256(raw).hexdigest())
    data = _gunzip(raw, name) if raw[:2] == GZIP_MAGIC else raw
    if b"\r" in data[:HEAD_BYTES] and b"\n" not in data[:HEAD_BYTES]:
        data = data.replace(b"\r", b"\n")  # lines ended by a carriage return alone (as old Mac programs save them)
    encoding = encoding_of(data)
    start = data[:HEAD_BYTES].decode(encoding, "ignore").removeprefix("\ufeff")
    if not start.strip() and len(data) <= HEAD_BYTES:
        raise ImportRefused("the file is empty", file_name=name)
    header, has_rows = read_header(start), _has_rows(start) or len(data) > HEAD_BYTES
    if not any(header):
        raise ImportRefused("its first line is blank, where the header should be", file_name=name)
    return SourceFile(name=name, data=data, encoding=encoding, header=header, has_rows=has_rows, checksum_job=checksum)


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
        raise ImportRefused(f"the file looks gzipped but cannot be unpacked ({exc})", file_name=name)
    data = b"".join(parts)
    if size > limit:
        raise ImportRefused(f"the file unpacks to more than {limit // 2**20:,} MB, more than any data set it could be", file_name=name)
    return data


def encoding_of(data: bytes) -> str:
    """UTF-8 (plain ASCII is too); otherwise Windows-1252, which GIAS uses for its links files."""
    if data.isascii():
        return "utf-8"
    for encoding in ("utf-8", "windows-1252"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    # Five byte values are unassigned in Windows-1252; Latin-1 maps every byte.
    return "latin-1"


def read_header(text: str) -> list[str]:
    first = next(csv.reader(io.StringIO(text.removeprefix("\ufeff"))), [])
    return [name.strip() for name in first]


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
