"""The Attainment 8 disadvantaged gap is a key measure (evidence/catalogue.py): the pages and downloads show it, as
they show the Progress 8 gap, which DfE did not publish for 2024/25. The catalogue is synced at each import; this
marks it in a database imported into before."""

from django.db import migrations


def mark(key):
    def run(apps, schema_editor):
        apps.get_model("evidence", "Measure").objects.filter(code="ks4_attainment8_gap").update(key=key)

    return run


class Migration(migrations.Migration):
    dependencies = [("evidence", "0017_progress8_2025_not_published")]

    operations = [migrations.RunPython(mark(True), mark(False))]
