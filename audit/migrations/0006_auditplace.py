"""Where each event lies, one row for each authority, so that an authority's log is read from an index rather than by
searching every event's stamp. Filled from the stamps of the events already recorded, in one statement, before the
indexes other than the unique one are built (millions of events: building an index once is quicker than keeping it up
row by row)."""

import django.db.models.deletion
from django.db import migrations, models

SQLITE = [
    """CREATE TRIGGER audit_auditplace_no_update BEFORE UPDATE ON audit_auditplace
       BEGIN SELECT RAISE(ABORT, 'The audit log is append-only.'); END;""",
    """CREATE TRIGGER audit_auditplace_no_delete BEFORE DELETE ON audit_auditplace
       BEGIN SELECT RAISE(ABORT, 'The audit log is append-only.'); END;""",
]
SQLITE_REVERSE = ["DROP TRIGGER audit_auditplace_no_update;", "DROP TRIGGER audit_auditplace_no_delete;"]
# The function 0002_append_only made for the events serves their places too.
POSTGRES = [
    """CREATE TRIGGER audit_auditplace_no_change BEFORE UPDATE OR DELETE ON audit_auditplace
       FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();""",
]
POSTGRES_REVERSE = ["DROP TRIGGER audit_auditplace_no_change ON audit_auditplace;"]

# The actions as they stood when this table was made (audit.models.AuditAction then), held here so that a later
# change to that class cannot change what this migration does.
ACTIONS = [
    ("view", "Viewed"),
    ("create", "Created"),
    ("update", "Changed"),
    ("delete", "Deleted"),
    ("import", "Imported"),
    ("export", "Exported"),
    ("sign_in", "Signed in"),
    ("sign_in_failed", "Failed to sign in"),
    ("sign_out", "Signed out"),
    ("locked_out", "Locked out"),
    ("grant", "Granted role"),
    ("revoke", "Revoked role"),
    ("refused", "Refused access"),
]

# A stamp is ',1,5,' (the ids between commas), '*' for every authority, '' for none.
FILL = {
    "postgresql": """INSERT INTO audit_auditplace (event_id, authority_id, at, action, object_type)
        SELECT e.id, NULL, e.at, e.action, e.object_type FROM audit_auditevent e WHERE e.authorities = '*'
        UNION ALL
        SELECT e.id, authority::integer, e.at, e.action, e.object_type
        FROM audit_auditevent e CROSS JOIN LATERAL unnest(string_to_array(btrim(e.authorities, ','), ',')) AS authority
        WHERE e.authorities NOT IN ('', '*')""",
    "sqlite": """INSERT INTO audit_auditplace (event_id, authority_id, at, action, object_type)
        SELECT e.id, NULL, e.at, e.action, e.object_type FROM audit_auditevent e WHERE e.authorities = '*'
        UNION ALL
        SELECT e.id, authority.value, e.at, e.action, e.object_type
        FROM audit_auditevent e, json_each('[' || trim(e.authorities, ',') || ']') AS authority
        WHERE e.authorities NOT IN ('', '*')""",
}


def fill(apps, schema_editor):
    schema_editor.execute(FILL[schema_editor.connection.vendor])


def make_append_only(apps, schema_editor):
    for sql in POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE:
        schema_editor.execute(sql)


def lift_append_only(apps, schema_editor):
    for sql in POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_authorities_any_number")]

    operations = [
        migrations.CreateModel(
            name="AuditPlace",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("authority_id", models.PositiveIntegerField(blank=True, help_text="None: every authority.", null=True)),
                ("at", models.DateTimeField()),
                ("action", models.CharField(choices=ACTIONS, max_length=20)),
                ("object_type", models.CharField(blank=True, max_length=60)),
                (
                    "event",
                    models.ForeignKey(
                        db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="places", to="audit.auditevent"
                    ),
                ),
            ],
            options={"constraints": [models.UniqueConstraint(fields=("event", "authority_id"), name="audit_place_once_per_authority")]},
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(model_name="auditplace", index=models.Index(fields=["authority_id", "at", "event"], name="audit_place_latest")),
        migrations.AddIndex(
            model_name="auditplace",
            index=models.Index(fields=["authority_id", "action", "at", "event"], name="audit_place_by_action"),
        ),
        migrations.AddIndex(
            model_name="auditplace",
            index=models.Index(fields=["authority_id", "object_type", "at", "event"], name="audit_place_by_kind"),
        ),
        migrations.AddIndex(
            model_name="auditplace",
            index=models.Index(condition=models.Q(("authority_id__isnull", True)), fields=["at", "event"], name="audit_place_everywhere"),
        ),
        migrations.AddIndex(model_name="auditevent", index=models.Index(fields=["action", "at"], name="audit_event_by_action")),
        migrations.AddIndex(model_name="auditevent", index=models.Index(fields=["object_type", "at"], name="audit_event_by_kind")),
        # Last: SQLite loses a table's triggers whenever it rebuilds the table.
        migrations.RunPython(make_append_only, lift_append_only),
    ]
