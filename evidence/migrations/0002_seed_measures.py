"""Once seeded the catalogue of measures from evidence/catalogue.py. The Measure table is now kept in step with the
catalogue after every migrate (evidence.apps.keep_catalogue_in_step) and at every import, so this migration no longer
reads the catalogue: a later change there could otherwise break, or change what it does to, a new database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_initial")]
    operations = []
