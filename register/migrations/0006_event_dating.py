from django.db import migrations, models

# The kinds of change the register never dates: each was dated when it was recorded.
UNDATED = ["status", "head", "renamed", "type", "joined_trust", "left_trust", "federation", "phase"]


def mark_undated(apps, schema_editor):
    apps.get_model("register", "RegisterEvent").objects.filter(kind__in=UNDATED).update(on_or_before=True)


class Migration(migrations.Migration):
    dependencies = [
        ("register", "0005_link_changed_event"),
    ]

    operations = [
        migrations.AddField(
            model_name="registerevent",
            name="after",
            field=models.DateField(
                blank=True,
                help_text="For a change the register does not date: when it last changed the entry before, so not before.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="registerevent",
            name="on_or_before",
            field=models.BooleanField(
                default=False, help_text="The register does not say when it happened: occurred_on is when it recorded the change."
            ),
        ),
        migrations.AlterField(
            model_name="registerevent",
            name="occurred_on",
            field=models.DateField(help_text="When it happened, if the register says; otherwise when it recorded the change."),
        ),
        migrations.RunPython(mark_undated, migrations.RunPython.noop),
    ]
