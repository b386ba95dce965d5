"""Run every benchmark case in the bench package; print a table and write var/bench.json."""

import importlib
import json
import os
import pkgutil
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonground.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

import bench  # noqa: E402
from bench.database import throwaway_database  # noqa: E402
from imports.statistics import wait_for_analyses  # noqa: E402
from imports.wal import wait_for_checkpoints  # noqa: E402


def discover():
    for info in pkgutil.iter_modules(bench.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        if hasattr(module, "cases"):
            yield module


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def measure(case) -> tuple[float, float]:
    """The best time of the case and of its baseline, taken in turns, so that both meet the machine
    in the same state (a busy moment slows one run of each, not every run of one). Work a run leaves
    to a background thread (SQLite's checkpoint) is waited for, untimed, before the baseline."""
    seconds, baseline = [], []
    for _ in range(case.repeat):
        if case.setup:
            case.setup()
        seconds.append(timed(case.run))
        # What an import leaves to threads of its own once it has committed (SQLite's checkpoint, PostgreSQL's
        # statistics), as the database's own background workers would do it, is done before the baseline is timed.
        wait_for_checkpoints()
        wait_for_analyses()
        baseline.append(timed(case.baseline))
    return min(seconds), min(baseline)


def main() -> int:
    results = []
    for module in discover():
        # Each module starts from a new, empty database, so no benchmark inherits another's rows.
        with throwaway_database(settings.VAR_DIR / "bench"):
            print(f"{module.__name__} on {connection.vendor} (database {connection.settings_dict['NAME']})", file=sys.stderr)
            for case in module.cases():
                seconds, baseline = measure(case)
                results.append(
                    {
                        "name": case.name,
                        "seconds": round(seconds, 4),
                        "baseline_seconds": round(baseline, 4),
                        "ratio": round(seconds / baseline, 2),
                    }
                )
                print(f"  {case.name}: {seconds:.3f}s", file=sys.stderr)
    out = Path(settings.VAR_DIR) / "bench.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    width = max([len(r["name"]) for r in results] + [4])
    print(f"{'case':<{width}}  {'seconds':>8}  {'baseline':>8}  {'ratio':>6}")
    for r in results:
        print(f"{r['name']:<{width}}  {r['seconds']:>8.3f}  {r['baseline_seconds']:>8.3f}  {r['ratio']:>5.1f}×")
    print(f"Written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
