"""The words of each event that the log is searched for (who did it, the record's name or URN) in an index of trigrams,
so that a search reads the events that hold them rather than every event; and the record's number in an index of its
own, so that a search for a number is an index lookup on either side of its OR.

PostgreSQL: pg_trgm's GIN indexes on UPPER() of each field, the expression the search (`icontains`) tests, which
PostgreSQL then reads with the same test. SQLite: a contentless FTS5 table of trigrams (which refuses UPDATE and DELETE,
as the log does), filled from the events already recorded and then by a trigger as each event is written; the events
it names are held to the search's own test (`icontains`), so it finds what the search always found. A rebuild of
audit_auditevent on SQLite drops the trigger, as it drops the append-only ones (see 0006): it must be made again."""

from django.db import migrations, models

POSTGRES = [
    # A trusted extension: the database's owner may create it.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX audit_event_who_words ON audit_auditevent USING gin (UPPER(user_email) gin_trgm_ops)",
    "CREATE INDEX audit_event_record_words ON audit_auditevent USING gin (UPPER(object_repr) gin_trgm_ops)",
]
POSTGRES_REVERSE = ["DROP INDEX audit_event_who_words", "DROP INDEX audit_event_record_words"]

# Its trigram tokenizer folds case, as the search does (and, beyond ASCII, more than SQLite's LIKE does).
SQLITE = [
    """CREATE VIRTUAL TABLE audit_auditevent_words USING fts5(who, record, content='', tokenize='trigram')""",
    """INSERT INTO audit_auditevent_words (rowid, who, record) SELECT id, user_email, object_repr FROM audit_auditevent""",
    """CREATE TRIGGER audit_auditevent_words AFTER INSERT ON audit_auditevent
       BEGIN INSERT INTO audit_auditevent_words (rowid, who, record) VALUES (new.id, new.user_email, new.object_repr); END;""",
]
SQLITE_REVERSE = ["DROP TRIGGER audit_auditevent_words;", "DROP TABLE audit_auditevent_words;"]


def index_words(apps, schema_editor):
    for sql in POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE:
        schema_editor.execute(sql)


def drop_words(apps, schema_editor):
    for sql in POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0006_auditplace")]

    operations = [
        migrations.AddIndex(model_name="auditevent", index=models.Index(fields=["object_id"], name="audit_event_by_record")),
        migrations.RunPython(index_words, drop_words),
    ]
