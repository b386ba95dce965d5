from django.conf import settings

from imports.services import import_file
from register.models import RegisterEvent, School

DEMO = settings.BASE_DIR / "demo" / "register"


def test_an_older_extract_imported_late_does_not_undo_a_newer_one(db):
    import_file(DEMO / "surrey-2022-04-20-primary-establishments.csv", la_codes=[936])
    events = RegisterEvent.objects.count()
    run = import_file(DEMO / "surrey-2021-05-establishments.csv", la_codes=[936])
    school = School.objects.get(urn=125004)
    # 2022 names the new head; the 2021 extract's older entry must not bring the old one back.
    assert (school.head_first_name, school.head_last_name) == ("Katherine", "Potter")
    assert not RegisterEvent.objects.filter(school=school, import_run=run).exists()
    # Establishments only the 2021 extract holds (other phases) are still added, but they did not
    # "open" since 2022: they were only missing from the narrower extract.
    assert run.created > 0
    assert RegisterEvent.objects.count() == events


def test_a_large_insert_rebuilds_the_indexes_it_set_aside(db):
    from django.db import connection

    from imports.bulk import indexes_rebuilt_after

    def index_names():
        with connection.cursor() as cursor:
            return sorted(c for c, info in connection.introspection.get_constraints(cursor, School._meta.db_table).items() if info["index"])

    before = index_names()
    with indexes_rebuilt_after(School, rows_expected=50_000):
        pass
    assert index_names() == before


def test_parsing_all_columns_at_once_matches_parsing_them_one_by_one():
    from imports.sources import read_source
    from register.importers import establishments, frames

    for name in ("surrey-2021-05-establishments.csv", "surrey-2022-04-20-primary-establishments.csv"):
        raw = frames.read_table(read_source(DEMO / name), overflow_into_last=True)
        at_once = frames.parse_columns(raw, establishments.PARSED)
        one_by_one = establishments._parse_column_by_column(raw)
        assert at_once is not None
        assert at_once.equals(one_by_one.select(at_once.columns)), name
