"""Shared by the evidence tests: the real files in demo/evidence, a snapshot, and figure lookups."""

import re
from pathlib import Path

from evidence.graded import graded_counts
from evidence.latest import latest_for_schools
from evidence.models import AreaObservation, Framework, Inspection, Measure, Observation, StatisticalNeighbour

DATA = Path(__file__).resolve().parent.parent / "demo" / "evidence"
REGISTER = DATA.parent / "register"
GIAS_2021 = REGISTER / "surrey-2021-05-establishments.csv"
GIAS_2022 = REGISTER / "surrey-2022-04-20-primary-establishments.csv"
LINKS_2021 = REGISTER / "links-2021-05-national.csv.gz"
LINKS_2025 = REGISTER / "links-2025-national.csv.gz"
KS2 = {year: DATA / f"{year - 1}-{year}-936-ks2final.csv" for year in (2017, 2018, 2019)}
KS4 = {year: DATA / f"{year - 1}-{year}-936-ks4final.csv" for year in (2017, 2018, 2019)}
KS4_PROVISIONAL = DATA / "2018-2019-england_ks4provisional.csv"
KS4_INFO_2024 = DATA / "2023-2024-england-ks4-school-information.csv.gz"
KS4_INFO_2025 = DATA / "2024-2025-england-ks4-information-about-schools-provisional.csv.gz"
CENSUS_2023 = DATA / "2022-2023-school-census-spc-school-level.csv.gz"
CENSUS_2019 = DATA / "2018-2019-england_census.csv.gz"
ABSENCE = DATA / "2018-2019-england_abs.csv"
OFSTED_ALL = DATA / "2025-2026-ofsted-mi-all-inspections-ytd-published-by-2026-02-28.csv"

EVIDENCE_MODELS = (Observation, AreaObservation, Inspection, StatisticalNeighbour, Measure)


def snapshot():
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in EVIDENCE_MODELS}


def graded_counts_of(schools) -> list[tuple[str, int, int | None]]:
    """The schools counted by their latest graded inspections, as the authority's outcomes count them (graded_counts)."""
    schools = list(schools)
    return graded_counts(schools, latest_for_schools(schools, Framework.GRADED))


def without_rows(path: Path, marker: str, out: Path) -> Path:
    """A copy of the file at `out` with the rows that hold `marker` left out (a school's, by its URN between commas)."""
    rows = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    kept = [row for row in rows if marker not in row]
    assert len(kept) == len(rows) - 1, f"{marker!r} is in {len(rows) - len(kept)} rows of {path.name}, not one"
    out.write_text("".join(kept), encoding="utf-8")
    return out


def figure(urn, code, year, **filters):
    """The one stored figure for a school, measure and year (as (value, status label))."""
    obs = Observation.objects.get(school__urn=urn, measure__code=code, year=year, **filters)
    return obs.value, obs.get_status_display()


def area_figure(code, year, la_code=0, area=None, **filters):
    from evidence.models import Area

    area = area or (Area.LA if la_code else Area.ENGLAND)
    obs = AreaObservation.objects.get(area=area, la_code=la_code, measure__code=code, year=year, **filters)
    return obs.value, obs.get_status_display()


def ks2_2019_with_guildford_grove(path, cell: str):
    """The real 2018/19 Surrey KS2 file written to `path` with one figure altered: Guildford Grove Primary's
    (URN 143373) reading, writing and maths at the expected standard, 56% in the file, becomes `cell`."""
    text = KS2[2019].read_text(encoding="utf-8-sig")
    line = next(row for row in text.splitlines() if ",143373," in row)
    assert ",56%," in line
    path.write_text(text.replace(line, line.replace(",56%,", f",{cell},", 1)), encoding="utf-8")
    return path


def chart_wood_ks2_2019(path, cell: str = ""):
    """A small file written to `path`: the real 2018/19 Surrey KS2 file's header and Chart Wood School's row alone (URN
    146527), whose every figure is blank, with `cell` as its reading, writing and maths at the expected standard."""
    header, *rows = KS2[2019].read_text(encoding="utf-8-sig").splitlines()
    row = next(row for row in rows if ",146527," in row).split(",")
    row[header.split(",").index("PTRWM_EXP")] = cell
    path.write_text(f"{header}\r\n{','.join(row)}\r\n", encoding="utf-8")
    return path


def text(response) -> str:
    """A page's words without its markup, each run of spaces one space; words isolated in a sentence (<bdi>) run on
    into the words around them, as they are read."""
    page = re.sub(r"</?bdi>", "", response.content.decode())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
