from importlib import import_module

from django.db import migrations, models

SQLITE = import_module("audit.migrations.0002_append_only").SQLITE


def triggers_again(apps, schema_editor):
    """Adding a column makes SQLite rebuild the table, and the rebuilt table has none of the old one's
    triggers: make the log append-only again. (PostgreSQL adds the column in place.)"""
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE:
            schema_editor.execute(sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1))


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="authorities",
            field=models.CharField(
                blank=True,
                help_text="Where the event lies when recorded: ',1,5,' (authority ids), '*' for every authority.",
                max_length=500,
            ),
        ),
        migrations.RunPython(triggers_again, migrations.RunPython.noop),
    ]
