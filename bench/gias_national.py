"""A national-size GIAS extract, built by scaling the real Surrey 2021 extract.

GIAS's full national extract (~50,000 rows) is not among the open files we hold, so this copies the
Surrey rows again and again, each copy with new URNs and spread over the real LA codes, keeping the
real 110 columns, quoting, blanks, dates and CRLF line ends.
"""

import csv
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SURREY = ROOT / "demo" / "register" / "surrey-2021-05-establishments.csv"
LA_CODES = ROOT / "bench" / "la_codes.csv"
# URN, "LA (code)", "LA (name)", "EstablishmentNumber", then the rest of the row untouched.
ROW = re.compile(r'^(\d+),"(\d+)","([^"]*)","(\d*)",(.*)$', re.DOTALL)


def authorities() -> list[tuple[str, str]]:
    with LA_CODES.open(encoding="utf-8") as f:
        return [(row["LEA"], row["LA Name"]) for row in csv.DictReader(f)]


def build(path: Path, rows: int = 50_000) -> Path:
    """Write a national-size extract of `rows` rows to `path` (once; reused if it is already there)."""
    if path.exists() and path.stat().st_size > 0 and path.name.endswith(f"-{rows}.csv"):
        return path
    header, *lines = SURREY.read_bytes().decode("utf-8").split("\r\n")
    lines = [line for line in lines if line]
    las = authorities()
    numbers: dict[str, int] = {}
    out = [header]
    for i in range(rows):
        match = ROW.match(lines[i % len(lines)])
        code, name = las[i % len(las)]
        numbers[code] = numbers.get(code, 1999) + 1
        out.append(f'{100000 + i},"{code}","{name}","{numbers[code]}",{match.group(5)}')
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join(out) + "\r\n").encode("utf-8"))
    return path
