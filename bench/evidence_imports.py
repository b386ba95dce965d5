"""Importing the national evidence files against a register of every school in England.

The register is made from the January 2023 census itself (URN, LA and name of all 24,442 schools),
since no national GIAS extract is among the open files; like every bench module, this one has a
database of its own. Ofsted's monthly "latest inspections" file is not among the open files either:
a national-size file in its layout is built from the real report-card rows, one per school. Each
case prints its peak memory (resident set growth) from one untimed extra run.
"""

import csv
import io
import os
import threading
import time
from pathlib import Path

import polars as pl
from django.conf import settings

from bench import Case
from bench.database import empty_tables
from evidence.models import AreaObservation, Inspection, Observation
from imports.models import ImportOutcome
from imports.services import import_file
from register.models import LocalAuthority, School

DEMO = Path(__file__).resolve().parent.parent / "demo" / "evidence"
CENSUS = DEMO / "2022-2023-school-census-spc-school-level.csv.gz"
KS4_PROVISIONAL = DEMO / "2018-2019-england_ks4provisional.csv"
KS4_INFO = DEMO / "2023-2024-england-ks4-school-information.csv.gz"
OFSTED_ALL = DEMO / "2025-2026-ofsted-mi-all-inspections-ytd-published-by-2026-02-28.csv"


def rss_bytes() -> int:
    with open(f"/proc/{os.getpid()}/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_growth(function) -> int:
    """Run `function` once, sampling resident memory; return the peak growth in bytes."""
    start, peak, done = rss_bytes(), [0], threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_bytes())
            time.sleep(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        function()
    finally:
        done.set()
        sampler.join()
    return max(peak[0], rss_bytes()) - start


def national_register() -> list[int]:
    """Every school in the census as a register entry; returns their URNs."""
    frame = pl.read_csv(CENSUS, infer_schema=False, columns=["urn", "old_la_code", "la_name", "school_name", "laestab"])
    for code, name in frame.select("old_la_code", "la_name").unique().iter_rows():
        LocalAuthority.objects.get_or_create(code=int(code), defaults={"name": name})
    la_ids = dict(LocalAuthority.objects.values_list("code", "id"))
    School.objects.bulk_create(
        [School(urn=int(urn), la_id=la_ids[int(la)], name=name, laestab=int(laestab)) for urn, la, _, name, laestab in frame.iter_rows()],
        batch_size=5000,
    )
    return frame["urn"].cast(pl.Int64).to_list()


def latest_inspections_file(path: Path, urns: list[int]) -> Path:
    """A national-size monthly file: the real report-card rows, re-keyed to every school, with graded columns."""
    real = list(csv.DictReader(io.StringIO(OFSTED_ALL.read_text(encoding="utf-8"))))
    header = [*real[0].keys(), "Inspection end date", "Latest OEIF overall effectiveness", "Latest OEIF quality of education",
              "Inspection start date of latest OEIF graded inspection", "URN at time of latest OEIF graded inspection",
              "Ungraded inspection overall outcome", "Date of latest ungraded inspection"]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n")
        writer.writeheader()
        for i, urn in enumerate(urns):
            row = dict(real[i % len(real)])
            grade = str(1 + i % 4)
            row.update(
                {
                    "URN": str(urn),
                    "Inspection end date": row["Inspection start date"],
                    "Latest OEIF overall effectiveness": grade,
                    "Latest OEIF quality of education": grade,
                    "Inspection start date of latest OEIF graded inspection": f"{1 + i % 28:02d}/{1 + i % 12:02d}/{2015 + i % 9}",
                    "URN at time of latest OEIF graded inspection": str(urn),
                    "Ungraded inspection overall outcome": "NULL",
                    "Date of latest ungraded inspection": "NULL",
                }
            )
            writer.writerow(row)
    return path


def import_case(name: str, path: Path, *, reset=(), expect=ImportOutcome.SUCCEEDED) -> Case:
    measured = []

    def run():
        result = import_file(path)
        assert result.outcome == expect, result.message

    def setup():
        empty_tables(*reset)
        if not measured:
            measured.append(max(0, peak_growth(run)))  # resident memory can also shrink while it runs
            print(f"    {name}: peak memory +{measured[0] / 2**20:.0f} MB", flush=True)
            empty_tables(*reset)

    def read_with_polars():
        pl.read_csv(path, infer_schema=False)

    return Case(name, run, read_with_polars, setup=setup)


def cases():
    urns = national_register()
    latest = latest_inspections_file(Path(settings.VAR_DIR) / "bench" / "ofsted-latest-national.csv", urns[:22_000])
    figures = (Observation, AreaObservation)
    yield import_case(f"Import the school census, January 2023 ({len(urns):,} schools × 268 columns)", CENSUS, reset=figures)
    yield import_case("Import the same census again (nothing changed)", CENSUS, expect=ImportOutcome.UNCHANGED)
    yield import_case("Import KS4 provisional 2018/19, England (5,652 rows)", KS4_PROVISIONAL, reset=figures)
    yield import_case("Import KS4 school information 2023/24, England (5,709 rows)", KS4_INFO, reset=figures)
    yield import_case("Import Ofsted latest inspections, national-size (22,000 schools)", latest, reset=(Inspection,))
