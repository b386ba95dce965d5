"""The rows of a CSV file that hold nothing, which every import skips and counts. Plain Python, no Django."""

import csv
import re

# A line that may hold nothing: after a line end, only commas, spaces and quotes (empty_rows checks it: a quote may open
# or close a value holding line ends, and '","' is a comma).
_MAYBE_EMPTY = re.compile(rb'\n([ \t,"]*)(?=\r?\n|$)')
_QUOTED = re.compile(rb'"[^"]*"')


def empty_rows(data: bytes) -> list[tuple[int, int, int]]:
    """The rows after the header that hold nothing: a blank line, or only commas and spaces, as a spreadsheet saves a row
    whose cells were cleared. Each one's number, as the readers count rows (the header is row 1, and a line end inside a
    quoted value is inside its row), and where its line starts and ends in `data`, its line end included. Only such
    lines are looked at: a file with none is not parsed. A last row with fewer fields than the header and no line end
    after it is not one: it may be a row cut short, which its loader refuses as such."""
    found = []
    at, row = data.find(b"\n"), 1  # where the header ends, outside quotes, and its row
    if at < 0:
        return found
    width = len(next(csv.reader([data[:at].decode("latin-1")]), []))
    for match in _MAYBE_EMPTY.finditer(data, at):
        start, line = match.start() + 1, match.group(1)
        if start == len(data):
            continue  # the last row's line end, with no row after it
        between = data[at:start]
        if between.count(b'"') % 2:
            continue  # inside a quoted value
        row += between.count(b"\n") - sum(value.count(b"\n") for value in _QUOTED.findall(between))
        at = start
        if line.count(b'"') % 2 or any(field.strip() for field in next(csv.reader([line.decode("latin-1")]), [])):
            continue
        end = data.find(b"\n", start)
        if end < 0 and line.count(b",") < width - 1:
            break  # the last row, with fewer fields than the header and no line end: maybe a row cut short, for its loader
        found.append((row, start, len(data) if end < 0 else end + 1))
    return found
