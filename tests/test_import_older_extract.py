import pytest
from django.conf import settings

from imports.models import ImportOutcome
from imports.services import import_file
from register.models import RegisterEvent, School

from .test_import_demo_files import without_columns

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
    # Its primary schools the 2022 extract gives otherwise: the message says why they were not changed.
    assert run.message.endswith(
        "The register's entries for 300 schools are dated after this extract's, so those schools were left as they are."
    )


def test_an_older_extract_imported_again_says_it_is_older_than_the_register(db):
    import_file(DEMO / "surrey-2021-05-establishments.csv")
    newer = import_file(DEMO / "surrey-2022-04-20-primary-establishments.csv")
    before = list(School.objects.order_by("pk").values())
    run = import_file(DEMO / "surrey-2021-05-establishments.csv")
    assert (run.outcome, run.created, run.changed) == (ImportOutcome.UNCHANGED, 0, 0)
    assert run.message.endswith(
        "rows read; nothing was changed. "
        "This extract is older than the register's data: its latest change is dated 22 April 2021, and the register has changes "
        f"up to 20 April 2022. The {newer.changed:,} schools whose entries differ from the register's were left as they are."
    )
    assert list(School.objects.order_by("pk").values()) == before


def test_an_older_extract_without_its_dates_is_refused_rather_than_undo_a_newer_one(db, tmp_path):
    """Without LastChangedDate an older extract imported late put back 300 schools' earlier heads, trusts and statuses,
    and recorded each as a change dated as the newer extract's entry was (a closed school "reopened")."""
    import_file(DEMO / "surrey-2021-05-establishments.csv")
    import_file(DEMO / "surrey-2022-04-20-primary-establishments.csv")
    before, events = list(School.objects.order_by("pk").values()), RegisterEvent.objects.count()
    run = import_file(without_columns(DEMO / "surrey-2021-05-establishments.csv", tmp_path, "LastChangedDate"), la_codes=[936])
    assert run.outcome == ImportOutcome.REFUSED
    assert run.message == (
        "surrey-2021-05-establishments.csv, row 78: the file has no column 'LastChangedDate', which dates each entry, and it "
        "would change 300 schools whose entries the register holds from a dated extract, such as URN 124937, Kingswood Primary "
        "School: without those dates, an older extract would undo newer changes. Download the extract with its "
        "LastChangedDate column, and import that. Nothing was imported from this file."
    )
    assert list(School.objects.order_by("pk").values()) == before
    assert RegisterEvent.objects.count() == events


def test_an_extract_without_its_dates_still_adds_schools_and_changes_undated_ones(db, tmp_path):
    """Nothing dated is at stake in a first import, or over entries no extract has dated."""
    first = import_file(without_columns(DEMO / "surrey-2021-05-establishments.csv", tmp_path, "LastChangedDate"))
    assert (first.outcome, first.created) == (ImportOutcome.SUCCEEDED, 590)
    run = import_file(without_columns(DEMO / "surrey-2022-04-20-primary-establishments.csv", tmp_path, "LastChangedDate"))
    assert (run.outcome, run.changed) == (ImportOutcome.SUCCEEDED, 300), run.message
    assert School.objects.get(urn=125004).head_last_name == "Potter"


def _constraints(model):
    from django.db import connection

    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {name: (info["columns"], info["unique"], info["foreign_key"], info["index"]) for name, info in found.items()}


def test_a_large_load_restores_the_indexes_and_keys_it_set_aside(db):
    from django.db import connection

    from imports.bulk import bulk_load
    from register.models import LocalAuthority

    before = _constraints(School)
    assert any(info[2] for info in before.values()), "the register's foreign keys are visible"
    authorities = LocalAuthority._meta.db_table
    if connection.vendor == "postgresql":
        assert _estimated_rows(authorities) < 0, "a table not yet analysed"
    with bulk_load(School, rows_expected=50_000):
        inside = _constraints(School)
        # Unique indexes stay, so a duplicate URN is still refused during the load.
        assert {name for name, info in before.items() if info[1]} <= set(inside)
        assert len(inside) < len(before)
        School.objects.create(urn=999_001, la=LocalAuthority.objects.create(code=999, name="Test"), name="Loaded")
    assert _constraints(School) == before
    if connection.vendor == "postgresql":
        # The keys are back in force, and were checked over the rows loaded meanwhile.
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_constraint WHERE conrelid = %s::regclass AND NOT convalidated", [School._meta.db_table])
            assert cursor.fetchone()[0] == 0
        # The tables the keys point to were analysed before the keys were checked, so that the check is planned
        # for the rows they hold (not for the single row PostgreSQL assumes of a table never analysed).
        assert _estimated_rows(authorities) == LocalAuthority.objects.count()


def _estimated_rows(table: str) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        return cursor.fetchone()[0]


def test_a_large_load_into_a_full_table_changes_nothing_in_its_schema(db, monkeypatch):
    from imports import bulk

    monkeypatch.setattr(bulk, "_set_aside_sqlite", lambda *a: pytest.fail("set aside"))
    monkeypatch.setattr(bulk, "_set_aside_postgresql", lambda *a: pytest.fail("set aside"))
    import_file(DEMO / "surrey-2021-05-establishments.csv", la_codes=[936])
    held = School.objects.count()
    with bulk.bulk_load(School, rows_expected=held, threshold=10):
        pass
    with bulk.bulk_load(School, rows_expected=9, threshold=10):
        pass


@pytest.mark.django_db(transaction=True)
def test_a_row_pointing_nowhere_is_refused_even_in_a_large_load():
    from django.db import IntegrityError, transaction

    from imports.bulk import bulk_load
    from register.models import LocalAuthority

    before = _constraints(School)
    la = LocalAuthority.objects.create(code=998, name="Test")
    with pytest.raises(IntegrityError), transaction.atomic(), bulk_load(School, rows_expected=50_000):
        School.objects.create(urn=999_002, la=la, name="Fine")
        School.objects.create(urn=999_003, la_id=la.pk + 1000, name="Nowhere")
    assert not School.objects.filter(urn__in=[999_002, 999_003]).exists()
    assert _constraints(School) == before


@pytest.mark.django_db(transaction=True)
def test_a_load_whose_caller_checked_for_duplicates_still_cannot_leave_one():
    from django.db import IntegrityError, connection, transaction

    from imports.bulk import bulk_load
    from register.models import LocalAuthority

    before = _constraints(School)
    la = LocalAuthority.objects.create(code=997, name="Test")
    with pytest.raises(IntegrityError), transaction.atomic(), bulk_load(School, rows_expected=50_000, unique_checked=True):
        if connection.vendor == "postgresql":  # PostgreSQL builds the unique index again when the load ends
            assert not any(info[0] == ["urn"] and info[1] for info in _constraints(School).values())
        School.objects.create(urn=999_004, la=la, name="Once")
        School.objects.create(urn=999_004, la=la, name="Twice")
    assert not School.objects.filter(urn=999_004).exists()
    assert _constraints(School) == before


def test_parsing_all_columns_at_once_matches_parsing_them_one_by_one():
    from imports.sources import read_source
    from register.importers import establishments, frames

    for name in ("surrey-2021-05-establishments.csv", "surrey-2022-04-20-primary-establishments.csv"):
        raw = frames.read_table(read_source(DEMO / name), overflow_into_last=True)
        at_once = frames.parse_columns(raw, establishments.PARSED)
        one_by_one = establishments._parse_column_by_column(raw)
        assert at_once is not None
        assert at_once.equals(one_by_one.select(at_once.columns)), name
