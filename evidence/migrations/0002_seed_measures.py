"""Seed the catalogue of measures from evidence/catalogue.py (loaders keep it in step afterwards)."""

from django.db import migrations


def seed(apps, schema_editor):
    from evidence.catalogue import MEASURES

    Measure = apps.get_model("evidence", "Measure")
    for order, spec in enumerate(MEASURES):
        Measure.objects.update_or_create(
            code=spec.code,
            defaults={
                "label": spec.label,
                "unit": spec.unit,
                "better": spec.better,
                "group": spec.group,
                "key": spec.key,
                "gap": spec.gap,
                "places": spec.places,
                "description": spec.description,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
