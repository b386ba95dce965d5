from importlib import import_module

from django.db import migrations, models

# Altering the column makes SQLite rebuild the table, without the old one's triggers: make the log append-only again.
triggers_again = import_module("audit.migrations.0003_audit_stamp").triggers_again


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_refused_action")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="authorities",
            field=models.TextField(
                blank=True, help_text="Where the event lies when recorded: ',1,5,' (authority ids), '*' for every authority."
            ),
        ),
        migrations.RunPython(triggers_again, migrations.RunPython.noop),
    ]
