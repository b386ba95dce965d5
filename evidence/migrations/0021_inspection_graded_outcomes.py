"""On PostgreSQL, an index of each school's graded inspections with their outcomes, and of nothing else, from which the
Ofsted filter (evidence.graded.graded_as) works out every listed school's latest graded inspection without reading the
inspections' rows: the country's list filtered by outcome read every inspection in England (report cards, with their
judgements, included) to find the graded ones.

PostgreSQL only (a covering index), and not in the models' state, as register 0009's indexes: on SQLite, which holds an
authority's inspections or a few, the unique index (school, framework, date) serves, and this one would only add to
what every import writes."""

from django.db import migrations

CREATE = (
    "CREATE INDEX inspection_graded_outcomes ON evidence_inspection (school_id, started_on) INCLUDE (overall) WHERE framework = 'graded'"
)
DROP = "DROP INDEX inspection_graded_outcomes"


def index_graded(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_graded(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("evidence", "0020_measure_descriptions_in_plain_words")]

    operations = [migrations.RunPython(index_graded, drop_graded)]
