from django.db import migrations, models


def keep_uploaders_names(apps, schema_editor):
    """Each run with a user keeps their name as it is now. Runs with none were imported from the command line."""
    ImportRun = apps.get_model("imports", "ImportRun")
    runs = list(ImportRun.objects.filter(user__isnull=False, user_name="").select_related("user"))
    for run in runs:
        run.user_name = run.user.full_name or run.user.email
    ImportRun.objects.bulk_update(runs, ["user_name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0003_la_codes_any_number"),
    ]

    operations = [
        migrations.AddField(
            model_name="importrun",
            name="user_name",
            field=models.CharField(
                blank=True, help_text="Kept as it was, should the account go. Blank for an import from the command line.", max_length=254
            ),
        ),
        migrations.RunPython(keep_uploaders_names, migrations.RunPython.noop),
    ]
