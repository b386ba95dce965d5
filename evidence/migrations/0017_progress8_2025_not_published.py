"""DfE published no Progress 8 for 2024/25, and its file for that year gives each school's as 'z', not applicable: hold
those figures as not published, as the import now does (evidence.store.not_published), for the files it read before."""

from django.db import migrations

NOT_PUBLISHED = 5
NO_PROGRESS8 = 2025


def not_published(apps, schema_editor):
    Measure = apps.get_model("evidence", "Measure")
    progress8 = Measure.objects.filter(code__startswith="ks4_progress8").values("id")
    for name in ("Observation", "AreaObservation"):
        figures = apps.get_model("evidence", name).objects.filter(measure_id__in=progress8, year=NO_PROGRESS8, value__isnull=True)
        figures.exclude(status=NOT_PUBLISHED).update(status=NOT_PUBLISHED)


class Migration(migrations.Migration):
    dependencies = [("evidence", "0016_figure_change_school")]

    operations = [migrations.RunPython(not_published, migrations.RunPython.noop)]
