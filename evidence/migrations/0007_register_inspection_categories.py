"""The register's inadequate ratings name their category of concern: record it as the inspection's category,
as the register import now does, for the inspections it made before."""

from django.db import migrations
from django.db.models.functions import Lower

CATEGORY_OF_RATING = {"special measures": "SM", "serious weaknesses": "SWK"}


def name_categories(apps, schema_editor):
    Inspection = apps.get_model("evidence", "Inspection")
    inspections = Inspection.objects.annotate(rating=Lower("overall")).filter(framework="graded", category_of_concern="")
    for rating, category in CATEGORY_OF_RATING.items():
        inspections.filter(rating=rating).update(category_of_concern=category)


class Migration(migrations.Migration):
    dependencies = [("evidence", "0006_area_england_by_phase")]

    operations = [migrations.RunPython(name_categories, migrations.RunPython.noop)]
