"""The results page's descriptions of the disadvantaged gaps name no DfE column, and those of SEN support and EHC plans
say what the words stand for (evidence/catalogue.py). The catalogue is synced at each import; this gives them to a
database imported into before."""

from django.db import migrations

CODES = ("ks2_rwm_expected_gap", "ks4_attainment8_gap", "ks4_progress8_gap", "sen_support_pct", "ehcp_pct")


def describe(apps, schema_editor):
    from evidence.catalogue import BY_CODE

    Measure = apps.get_model("evidence", "Measure")
    for code in CODES:
        Measure.objects.filter(code=code).update(description=BY_CODE[code].description)


class Migration(migrations.Migration):
    dependencies = [("evidence", "0019_inspection_school_started")]

    operations = [migrations.RunPython(describe, migrations.RunPython.noop)]
