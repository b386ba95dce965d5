"""Queries whose plans PostgreSQL chooses badly once all of England is loaded (measured on the ~22,000 state schools):
each is written so that its cost follows the authority's schools, not the country's."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evidence.models import Framework, Inspection, InspectionSource, Measure, Observation, Source
from evidence.outcomes import authority_outcomes
from evidence.presenters import without_authority_figure
from imports.models import ImportRun
from register.models import School

from .factories import LocalAuthorityFactory, SchoolFactory


@pytest.mark.django_db
def test_the_authority_overview_probes_its_schools_figures_by_their_ids_not_through_a_subquery():
    """Whether an authority's schools have absence figures (which the authority has none of) is probed through the
    figures' unique index by the schools' ids: given a subquery instead, PostgreSQL walked every school in England and
    every figure of the measure, 25 to 50 ms a probe, on each overview, statistics page and download."""
    school = SchoolFactory(la=LocalAuthorityFactory(code=888, name="Lancashire"))
    SchoolFactory(la=LocalAuthorityFactory(code=886, name="Kent"))
    run = ImportRun.objects.create(file_name="2018-2019-england_abs.csv", checksum="0", la_codes="")
    absence = Measure.objects.get(code="absence_overall_pct")
    Observation.objects.create(school=school, measure=absence, year=2019, value=4.9, source=Source.ABSENCE, import_run=run)

    with CaptureQueriesContext(connection) as queries:
        held = without_authority_figure(888, [])

    assert [measure.code for measure, _ in held] == ["absence_overall_pct"]
    probes = [query["sql"] for query in queries.captured_queries if '"evidence_observation"' in query["sql"]]
    assert probes and not [sql for sql in probes if "register_school" in sql]
    assert without_authority_figure(886, []) == []


@pytest.mark.django_db
def test_an_authoritys_report_cards_are_found_by_its_schools_ids_not_through_a_subquery():
    """The authority's report cards (its overview, statistics page and downloads count them) are found through the
    inspections' unique index by the ids of the schools counted: given a subquery instead, PostgreSQL read every
    inspection in England (11 to 32 ms with all England loaded, where the ids take about one)."""
    lancashire = LocalAuthorityFactory(code=888, name="Lancashire")
    school = SchoolFactory(la=lancashire)
    run = ImportRun.objects.create(file_name="ofsted.csv", checksum="0", la_codes="")
    Inspection.objects.create(
        school=school,
        framework=Framework.REPORT_CARD,
        started_on="2025-11-18",
        judgements={"Inclusion": "Secure fit"},
        safeguarding="Met",
        source=InspectionSource.OFSTED_ALL,
        import_run=run,
    )

    with CaptureQueriesContext(connection) as queries:
        outcomes = authority_outcomes(School.objects.filter(la=lancashire).open())

    assert outcomes.report_cards.safeguarding == {"Met": 1, "Not met": 0}
    found = [
        query["sql"] for query in queries.captured_queries if '"evidence_inspection"' in query["sql"] and "report_card" in query["sql"]
    ]
    assert found and not [sql for sql in found if "register_school" in sql]


@pytest.mark.django_db
def test_the_years_an_authoritys_download_gives_are_found_by_its_schools_ids_not_through_a_subquery():
    """The years of each measure its schools have figures for (the download's notes on breaks between years) are found
    through the figures' unique index by the schools' ids: given a subquery instead, PostgreSQL read every figure in
    England (some 200 ms for Kent's 687 schools with all England loaded, where the ids take about 30)."""
    from evidence.download_context import download_years

    kent = LocalAuthorityFactory(code=886, name="Kent")
    school = SchoolFactory(la=kent)
    run = ImportRun.objects.create(file_name="2018-2019-england_ks4provisional.csv", checksum="0", la_codes="")
    attainment = Measure.objects.get(code="ks4_attainment8")
    Observation.objects.create(school=school, measure=attainment, year=2019, value=47.2, source=Source.KS4_PROVISIONAL, import_run=run)

    with CaptureQueriesContext(connection) as queries:
        years = download_years([], School.objects.filter(la=kent))

    assert years == {"ks4_attainment8": {2019}}
    probes = [query["sql"] for query in queries.captured_queries if '"evidence_observation"' in query["sql"]]
    assert probes and not [sql for sql in probes if "register_school" in sql]


@pytest.mark.django_db
def test_the_school_list_sorted_by_the_most_recently_inspected_reads_each_schools_latest_from_an_index():
    """Sorted by the most recent inspection, the list looks up each school's latest: through the unique index (school,
    framework, date), each school's inspections were read and sorted, 0.55 to 0.93 s for the country's 24,442 open schools
    (and a plan costly enough for PostgreSQL to compile it). An index of each school's by date gives the latest at once."""
    from register.presenters import SchoolFilters

    school = SchoolFactory()
    run = ImportRun.objects.create(file_name="ofsted.csv", checksum="0", la_codes="")
    for started_on, framework in (("2019-05-01", Framework.GRADED), ("2025-11-18", Framework.REPORT_CARD)):
        Inspection.objects.create(
            school=school, framework=framework, started_on=started_on, source=InspectionSource.OFSTED_ALL, import_run=run
        )
    listed = SchoolFilters.from_query({"sort": "-inspected"}).apply(School.objects.all())
    sql, params = listed.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # as with the country's rows, not this test's few
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = "\n".join(str(row) for row in cursor.fetchall())
    assert "inspection_school_started" in plan, plan
    assert list(listed) == [school]


@pytest.mark.django_db
def test_an_authoritys_list_by_ofsted_outcome_reads_only_its_own_schools_inspections():
    """Filtered by the latest graded inspection, an authority's list reads only its own schools' inspections, by their ids:
    beside the predecessors' in one condition, the database worked out the latest of every school in England first (15 to
    110 ms a query of an authority's list of 240 schools, which now takes 1)."""
    from register.presenters import SchoolFilters

    surrey, hampshire = LocalAuthorityFactory(code=936, name="Surrey"), LocalAuthorityFactory(code=850, name="Hampshire")
    run = ImportRun.objects.create(file_name="ofsted.csv", checksum="0", la_codes="")

    def inspected(school, *grades):
        for year, overall in zip((2016, 2021), grades, strict=True):
            Inspection.objects.create(
                school=school, framework=Framework.GRADED, started_on=f"{year}-05-01", overall=overall,
                source=InspectionSource.OFSTED_ALL, import_run=run,
            )  # fmt: skip
        return school

    good = inspected(SchoolFactory(la=surrey), "3", "2")
    inspected(SchoolFactory(la=surrey), "2", "3")
    for _ in range(30):
        inspected(SchoolFactory(la=hampshire), "3", "2")
    listed = SchoolFilters.from_query({"ofsted": "2"}).apply(School.objects.filter(la_id__in=[surrey.id]))
    sql, params = listed.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE register_school, evidence_inspection, register_schoollink")
            cursor.execute("SET LOCAL enable_seqscan = off")  # as with the country's rows, not this test's few
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = [row[0].strip() for row in cursor.fetchall()]
            # Each read of the inspections looks a school's up in an index, none reads the whole index or table: an index
            # scan by school, or a bitmap heap scan whose bitmap an index scan by school made (the planner chooses).
            conditions = [following for line, following in zip(plan, plan[1:], strict=False) if " on evidence_inspection " in line]
            by_school = tuple(f"{how} Cond: {brackets}school_id = " for how in ("Index", "Recheck") for brackets in ("(", "(("))
            assert conditions and all(condition.startswith(by_school) for condition in conditions), "\n".join(plan)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = [row[3] for row in cursor.fetchall()]
            # Every table read through an index by a key: none read whole.
            assert not [line for line in plan if line.startswith("SCAN")], "\n".join(plan)
    assert list(listed) == [good]


@pytest.mark.django_db
def test_an_authoritys_superseded_schools_are_found_by_their_urns_and_each_successor_looked_up_by_its_own():
    """How many of an authority's schools have a successor the register lacks (its overview, results, statistics page and
    downloads say so) is found through the links' indexes by the schools' URNs, each successor looked up in the register
    by its URN: given the schools as a subquery, and the successors as not among every URN the register holds,
    PostgreSQL read every link in England and every school's URN (11 ms for Kent or Surrey with all England loaded, where
    the URNs take 3 to 4)."""
    from register.models import SchoolLink
    from register.presenters import superseded_count

    lancashire = LocalAuthorityFactory(code=888, name="Lancashire")
    superseded, converted, kept = (SchoolFactory(la=lancashire) for _ in range(3))
    academy = SchoolFactory(la=lancashire)
    SchoolLink.objects.create(urn=superseded.urn, linked_urn=149001, link_type="Successor")  # not in the register
    SchoolLink.objects.create(urn=149002, linked_urn=converted.urn, link_type="Predecessor")  # named from its end only
    SchoolLink.objects.create(urn=kept.urn, linked_urn=academy.urn, link_type="Successor")  # held
    SchoolLink.objects.create(urn=SchoolFactory().urn, linked_urn=149003, link_type="Successor")  # another authority's

    with CaptureQueriesContext(connection) as queries:
        count = superseded_count(School.objects.filter(la=lancashire))

    assert count == 2
    probes = [query["sql"] for query in queries.captured_queries if '"register_schoollink"' in query["sql"]]
    assert probes and not [sql for sql in probes if '"la_id"' in sql], probes
    assert all("NOT EXISTS" in sql for sql in probes), probes
    # The schools an authority's outcomes read already give their URNs: the count is then one query.
    schools = list(School.objects.filter(la=lancashire))
    with CaptureQueriesContext(connection) as queries:
        assert superseded_count(schools) == 2
    assert len(queries) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index of graded inspections is PostgreSQL's (evidence 0021)")
@pytest.mark.django_db
@pytest.mark.parametrize("choice", ["2", "3"])
def test_the_ofsted_filter_reads_the_graded_inspections_from_their_own_index_not_every_inspections_row(choice):
    """The country's list filtered by outcome works out every school's latest graded inspection from the index of graded
    inspections and their outcomes (evidence 0021), where it read every inspection's row, report cards and their
    judgements included (15 to 20 per cent longer with all England loaded). An outcome, that is: the schools never
    inspected ('none') need no outcome, and the unique index, which begins with the school and the framework, serves
    them as well, as the planner may judge."""
    from register.presenters import SchoolFilters

    run = ImportRun.objects.create(file_name="ofsted.csv", checksum="0", la_codes="")
    good = SchoolFactory()
    SchoolFactory()  # never inspected
    for started_on, framework, overall in (("2016-05-01", Framework.GRADED, "3"), ("2021-05-01", Framework.GRADED, "2"),
                                           ("2025-11-18", Framework.REPORT_CARD, "")):  # fmt: skip
        Inspection.objects.create(
            school=good, framework=framework, started_on=started_on, overall=overall, source=InspectionSource.OFSTED_ALL, import_run=run
        )
    # As in the country, most inspections are not graded ones (report cards, with their judgements), so that the planner
    # weighs the index of graded inspections against the others as it does there, whatever statistics other tests left.
    Inspection.objects.bulk_create(
        Inspection(school=good, framework=Framework.REPORT_CARD, started_on=date(2000, 1, 1) + timedelta(days=day),
                   judgements={"Leadership and governance": "Expected standard"}, source=InspectionSource.OFSTED_ALL, import_run=run)
        for day in range(3000)
    )  # fmt: skip
    listed = SchoolFilters.from_query({"ofsted": choice}).apply(School.objects.all())
    sql, params = listed.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE evidence_inspection")
        cursor.execute("ANALYZE register_school")
        cursor.execute("SET LOCAL enable_seqscan = off")  # as with the country's rows, not this test's few
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # The graded inspections are read from their own index (where a school's are looked up by the school, the unique
    # index, which begins with the school and the framework, serves as well); no inspection's row is read for its outcome.
    assert "using inspection_graded_outcomes on evidence_inspection" in plan, plan
    assert "Seq Scan on evidence_inspection" not in plan, plan
    assert list(listed) == ([good] if choice == "2" else [])  # 3 is only its earlier outcome
