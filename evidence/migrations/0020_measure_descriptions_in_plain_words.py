"""The results page's descriptions of the disadvantaged gaps name no DfE column, and those of SEN support and EHC plans
say what the words stand for. The catalogue (evidence/catalogue.py) is synced at each import; this gives them to a
database imported into before. The words are those the catalogue gave when this was written, held here, so that the
migration does the same whatever the catalogue says later."""

from django.db import migrations

DESCRIPTIONS = {
    "ks2_rwm_expected_gap": (
        "The percentage of the school's disadvantaged pupils reaching the expected standard minus that of "
        "other pupils nationally, in percentage points: below zero, its disadvantaged pupils are behind."
    ),
    "ks4_attainment8_gap": (
        "The Attainment 8 score of the school's disadvantaged pupils minus that of other pupils nationally: "
        "below zero, its disadvantaged pupils are behind."
    ),
    "ks4_progress8_gap": (
        "The Progress 8 score of the school's disadvantaged pupils minus that of other pupils nationally: "
        "below zero, its disadvantaged pupils made less progress."
    ),
    "sen_support_pct": (
        "The pupils with special educational needs (SEN) whom the school supports without an education, "
        "health and care (EHC) plan, as a percentage of its pupils."
    ),
    "ehcp_pct": (
        "The pupils with an education, health and care (EHC) plan, which sets out the support a pupil with "
        "special educational needs must have, or a statement of special educational needs (which EHC plans "
        "replaced from 2014), as a percentage of the school's pupils."
    ),
}


def describe(apps, schema_editor):
    Measure = apps.get_model("evidence", "Measure")
    for code, description in DESCRIPTIONS.items():
        Measure.objects.filter(code=code).update(description=description)


class Migration(migrations.Migration):
    dependencies = [("evidence", "0019_inspection_school_started")]

    operations = [migrations.RunPython(describe, migrations.RunPython.noop)]
