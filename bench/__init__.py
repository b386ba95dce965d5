"""Benchmarks at national scale: `python -m bench` (or `make bench`) runs every case and compares it with a baseline.

A benchmark module is any module in this package with a `cases()` function returning `Case`s.
Each case is timed against a baseline measured in the same run (e.g. our import of a file against
a bare polars read of the same file), so the ratio means something on any machine.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Case:
    name: str
    run: Callable[[], object]  # what we time
    baseline: Callable[[], object]  # what we compare it with
    setup: Callable[[], object] | None = None  # before each timed run, untimed
    repeat: int = 3  # the best of this many runs counts


def best_of(repeat: int, function) -> float:
    """The shortest of `repeat` runs of `function`, in seconds: for the scripts that time pages and queries by hand."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        function()
        times.append(time.perf_counter() - began)
    return min(times)
