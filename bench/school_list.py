"""The school list of all England, as the service's administrator reads it: searched and filtered by Ofsted outcome.

    .venv/bin/python -m bench.school_list fill    # into the configured database (DATABASE_URL, else SQLite)
    .venv/bin/python -m bench.school_list time    # each page, best of 5; and the search's or filter's queries alone

The register is the national-size GIAS extract (bench.gias_national: 50,000 open schools, Surrey's rows again and
again), its schools named as the January 2023 census names England's (24,442 names, so that a search finds what it
would in the country, not one name in every copy of Surrey), and the Ofsted file bench.evidence_imports builds from the
real report-card rows, one a school. As in the country, one school in ten has no graded inspection of its own, and half
of those replaced a closed school that had one (GIAS links at both ends). Not a benchmark case of `python -m bench`:
it fills the configured database and is run by hand.
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonground.settings")

import django  # noqa: E402

django.setup()

import polars as pl  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from bench import best_of  # noqa: E402
from bench.evidence_imports import CENSUS, latest_inspections_file  # noqa: E402
from bench.gias_national import build  # noqa: E402
from evidence.models import Framework, Inspection, InspectionSource  # noqa: E402
from imports.models import ImportOutcome  # noqa: E402
from imports.services import import_file  # noqa: E402
from register.models import School, SchoolLink, SchoolStatus  # noqa: E402

PAGES = [
    "/schools/",
    "/schools/?q=ash+grange",  # a name
    "/schools/?q=st+marys",  # a name written otherwise (St Mary's, Saint Mary’s)
    "/schools/?q=zzqx",  # nothing
    "/schools/?q=100123",  # a URN
    "/schools/?q=GU1",  # a postcode district
    "/schools/?q=gu12+6",  # a postcode's beginning
    "/schools/?q=ab",  # two letters: no trigram
    "/schools/?q=primary",  # a word of half the names
    "/schools/?ofsted=2",
    "/schools/?ofsted=4",
    "/schools/?ofsted=none",
    "/schools/?sort=-inspected",
]


def fill() -> None:
    directory = Path(settings.VAR_DIR) / "bench"
    for path in (build(directory / "gias-national-50000.csv"),):
        result = import_file(path)
        assert result.outcome in (ImportOutcome.SUCCEEDED, ImportOutcome.UNCHANGED), result.message
    names = pl.read_csv(CENSUS, infer_schema=False, columns=["school_name"])["school_name"].to_list()
    schools = list(School.objects.filter(urn__lt=900_000).order_by("urn").only("id", "urn", "name"))
    for i, school in enumerate(schools):
        school.name = names[i % len(names)]
    School.objects.bulk_update(schools, ["name"], batch_size=2000)
    latest = latest_inspections_file(directory / "ofsted-latest-national.csv", [school.urn for school in schools])
    result = import_file(latest)
    assert result.outcome in (ImportOutcome.SUCCEEDED, ImportOutcome.UNCHANGED), result.message
    with transaction.atomic():
        unseen = [school for school in schools if school.urn % 10 == 3]
        Inspection.objects.filter(school__in=unseen, framework=Framework.GRADED).delete()
        replaced = [school for school in unseen if school.urn % 20 == 3]
        predecessors = School.objects.bulk_create(
            [School(urn=800_000 + school.urn, la_id=school.la_id, name=school.name, status=SchoolStatus.CLOSED) for school in replaced],
            ignore_conflicts=True,
        )
        run = Inspection.objects.order_by("pk").values_list("import_run_id", flat=True).first()
        held = School.objects.filter(urn__gte=900_000)
        Inspection.objects.bulk_create(
            [Inspection(school=school, framework=Framework.GRADED, started_on=f"{2014 + school.urn % 6}-05-0{1 + school.urn % 9}",
                        overall=str(1 + school.urn % 4), source=InspectionSource.OFSTED_ALL, import_run_id=run)
             for school in held],
            ignore_conflicts=True,
        )  # fmt: skip
        links = [SchoolLink(urn=school.urn, linked_urn=800_000 + school.urn, link_type="Predecessor") for school in replaced]
        links += [SchoolLink(urn=800_000 + school.urn, linked_urn=school.urn, link_type="Successor") for school in replaced]
        SchoolLink.objects.bulk_create(links, ignore_conflicts=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "postgresql" else "PRAGMA optimize")
    print(f"{School.objects.count():,} schools ({len(predecessors):,} closed predecessors), {Inspection.objects.count():,} inspections")


@override_settings(ALLOWED_HOSTS=["testserver"], REQUIRE_TWO_FACTOR=False)
def measure(repeat: int = 5) -> None:
    """Each page's time, and the time of the queries its search or filter makes, each run alone, best of `repeat`."""
    administrator, _ = User.objects.get_or_create(email="bench.administrator@example.org", defaults={"is_superuser": True})
    client = Client()
    client.force_login(administrator)
    print(f"{connection.vendor}: {School.objects.count():,} schools, {Inspection.objects.count():,} inspections")
    for page in PAGES:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page, secure=True).status_code == 200, page
        marks = ("LIKE", '"register_school"."postcode"') if "q=" in page else ('"evidence_inspection"',)
        own = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT") and any(m in q["sql"] for m in marks)]
        if "q=" not in page:  # the page's inspections, read by its schools' ids, are not the filter's
            own = [sql for sql in own if '"evidence_inspection"."school_id" IN (' not in sql]

        def run(sqls=own):
            with connection.cursor() as cursor:
                for sql in sqls:
                    cursor.execute(sql)
                    cursor.fetchall()

        whole = best_of(repeat, lambda page=page: client.get(page, secure=True))
        print(f"  {page:<30} page {whole * 1000:6.0f} ms   its {len(own)} search or filter queries {best_of(repeat, run) * 1000:6.1f} ms")


if __name__ == "__main__":
    if sys.argv[1:2] == ["fill"]:
        fill()
    else:
        measure()
