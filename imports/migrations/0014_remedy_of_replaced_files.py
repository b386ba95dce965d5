"""Runs refused as imported before and replaced since (imports.services.refuse_replaced) have a remedy of their own
(Remedy.REPLACED): their page says how to import the file all the same on the web, whichever way it came. Those refused
before are found by the words that refusal wrote, as it wrote them when this migration was written."""

from django.db import migrations

REPLACED_WORDS = ": imported again, they would put back what that file corrected. If this is the file to keep, import it again with "


def replaced_remedy(apps, schema_editor):
    ImportRun = apps.get_model("imports", "ImportRun")
    ImportRun.objects.filter(outcome="refused", remedy="another", message__contains=REPLACED_WORDS).update(remedy="replaced")


def another_remedy(apps, schema_editor):
    apps.get_model("imports", "ImportRun").objects.filter(remedy="replaced").update(remedy="another")


class Migration(migrations.Migration):
    dependencies = [("imports", "0013_importrun_named_imports")]

    operations = [migrations.RunPython(replaced_remedy, another_remedy)]
