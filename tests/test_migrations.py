"""The catalogue of measures kept in step after each migrate."""

from django.apps.registry import Apps
from django.core.management.sql import emit_post_migrate_signal

from evidence.apps import keep_catalogue_in_step
from evidence.catalogue import MEASURES
from evidence.models import Measure


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
