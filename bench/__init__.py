"""Benchmarks at national scale: `python -m bench` (or `make bench`) runs every case and compares it with a baseline.

A benchmark module is any module in this package with a `cases()` function returning `Case`s.
Each case is timed against a baseline measured in the same run (e.g. our import of a file against
a bare polars read of the same file), so the ratio means something on any machine.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Case:
    name: str
    run: Callable[[], object]  # what we time
    baseline: Callable[[], object]  # what we compare it with
    setup: Callable[[], object] | None = None  # before each timed run, untimed
    repeat: int = 3  # the best of this many runs counts
