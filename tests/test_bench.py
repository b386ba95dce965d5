import polars as pl

from bench import Case
from bench.gias_national import build
from imports.models import ImportOutcome
from imports.services import import_file
from register.models import LocalAuthority


def test_bench_modules_are_discovered_with_their_cases():
    from bench.__main__ import discover

    modules = {module.__name__: module for module in discover()}
    assert "bench.register_import" in modules
    assert all(hasattr(m, "cases") for m in modules.values())


def test_scaled_extract_keeps_the_real_columns_with_new_urns_across_authorities(db, tmp_path):
    path = build(tmp_path / "gias-national-1200.csv", 1200)
    frame = pl.read_csv(path, infer_schema=False)
    assert frame.width == 110 and frame.height == 1200
    assert frame["URN"].n_unique() == 1200
    assert frame["LA (code)"].n_unique() == 151
    run = import_file(path)
    assert (run.outcome, run.created) == (ImportOutcome.SUCCEEDED, 1200)
    assert LocalAuthority.objects.count() == 151


def test_case_defaults_to_best_of_three():
    assert Case("x", print, print).repeat == 3


def test_a_case_and_its_baseline_are_timed_in_turns_after_each_setup():
    from bench.__main__ import measure

    calls = []
    case = Case("x", lambda: calls.append("run"), lambda: calls.append("baseline"), setup=lambda: calls.append("setup"), repeat=2)
    seconds, baseline = measure(case)
    assert calls == ["setup", "run", "baseline"] * 2
    assert seconds >= 0 and baseline >= 0


def test_the_first_import_case_starts_each_time_from_an_empty_register(db, tmp_path):
    from bench.register_import import empty_register
    from register.models import School

    path = build(tmp_path / "gias-national-300.csv", 300)
    assert import_file(path).created == 300
    empty_register()
    assert not School.objects.exists() and not LocalAuthority.objects.exists()
    run = import_file(path)
    assert (run.outcome, run.created) == (ImportOutcome.SUCCEEDED, 300)


def test_emptying_no_tables_does_nothing_and_emptying_figures_leaves_the_register(db, tmp_path):
    from bench.database import empty_tables
    from evidence.models import Observation

    path = build(tmp_path / "gias-national-30.csv", 30)
    import_file(path)
    empty_tables()  # the case that keeps what the last one stored ("the same census again")
    assert LocalAuthority.objects.exists()
    empty_tables(Observation)
    assert not Observation.objects.exists() and LocalAuthority.objects.exists()
