"""Migrations that stay what they were when written, and the catalogue of measures kept in step after each migrate."""

import ast
from pathlib import Path

from django.apps.registry import Apps
from django.core.management.sql import emit_post_migrate_signal

from evidence.apps import keep_catalogue_in_step
from evidence.catalogue import MEASURES
from evidence.models import Measure

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "audit", "core", "evidence", "imports", "partnership", "register", "commonground")
# Django itself writes a field's validators and a model's manager as imports of the module that defines them.
AS_DJANGO_WRITES_THEM = {"accounts.models"}


def product_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return {name for name in names if name.split(".")[0] in APPS}


def test_no_migration_reads_the_products_code():
    """A migration that imports a catalogue or a class of choices does what today's code says, not what it did when it
    was written: a later change there would change, or break, what a new database is made of."""
    found = {
        str(path.relative_to(ROOT)): imported
        for path in sorted(ROOT.glob("*/migrations/0*.py"))
        if (imported := product_imports(path) - AS_DJANGO_WRITES_THEM)
    }
    assert found == {}


def stored():
    return list(Measure.objects.order_by("order").values_list("code", "label", "unit", "better", "key", "gap", "places", "description"))


def in_the_catalogue():
    return [(m.code, m.label, m.unit, m.better, m.key, m.gap, m.places, m.description) for m in MEASURES]


def test_a_new_database_holds_the_catalogue_of_measures(db):
    assert stored() == in_the_catalogue()


def test_after_a_migrate_the_measures_are_the_catalogues_again(db):
    Measure.objects.filter(code=MEASURES[0].code).update(label="An earlier label", order=99)
    Measure.objects.filter(code=MEASURES[1].code).delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert stored() == in_the_catalogue()


def test_migrated_back_to_before_the_table_the_catalogue_is_left_alone(db):
    Measure.objects.all().delete()
    keep_catalogue_in_step(sender=None, apps=Apps())  # a state without the evidence app's models
    assert not Measure.objects.exists()
