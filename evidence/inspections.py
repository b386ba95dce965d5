"""Writing inspections: one history per school across frameworks, merged by (school, framework, start date).

A newer file fills in what an older record left blank or changes what it said; it never blanks a
field it does not give (the register's rating knows only the overall words; Ofsted's files know more).
"""

import json

from django.db import connection

from imports.bulk import insert_rows
from imports.registry import Counts
from register.models import School

from .models import Framework, Inspection, InspectionSource
from .ofsted import LEGACY_GRADES, merge_records

INSERTED = ("framework", "started_on", "ended_on", "published_on", "inspection_number", "inspection_type", "overall")
INSERTED += ("category_of_concern", "safeguarding", "judgements", "urn_at_inspection")
FIELDS = (
    "ended_on",
    "published_on",
    "inspection_number",
    "inspection_type",
    "overall",
    "category_of_concern",
    "safeguarding",
    "judgements",
    "urn_at_inspection",
)


def store_inspections(ctx, records: list[dict], source: str, *, rows_read: int) -> Counts:
    records = merge_records(records)
    wanted = School.objects.filter(la__code__in=ctx.la_codes) if ctx.la_codes else School.objects.all()
    school_ids = dict(wanted.values_list("urn", "id"))
    known = [r for r in records if r["urn"] in school_ids]
    skipped = len({r["line"] for r in records} - {r["line"] for r in known})
    existing = {
        (i.school_id, i.framework, i.started_on): i for i in Inspection.objects.filter(school_id__in={school_ids[r["urn"]] for r in known})
    }
    created, changed = [], []
    day = connection.ops.adapt_datefield_value
    for record in known:
        school_id = school_ids[record["urn"]]
        inspection = existing.get((school_id, record["framework"], record["started_on"]))
        if inspection is None:
            values = {**record, "started_on": day(record["started_on"]), "ended_on": day(record["ended_on"])}
            values.update(published_on=day(record["published_on"]), judgements=json.dumps(record["judgements"]))
            created.append((school_id, source, ctx.run.id, *(values[f] for f in INSERTED)))
        elif _merge_into(inspection, record):
            inspection.source, inspection.import_run = source, ctx.run
            changed.append(inspection)
    insert_rows(Inspection, ["school_id", "source", "import_run_id", *INSERTED], created)
    Inspection.objects.bulk_update(changed, [*FIELDS, "source", "import_run"], batch_size=2000)
    ctx.progress(1, 1)
    unchanged = len(known) - len(created) - len(changed)
    return Counts(rows_read=rows_read, created=len(created), changed=len(changed), unchanged=unchanged, skipped=skipped)


def _merge_into(inspection: Inspection, record: dict) -> bool:
    """Copy what the record says onto the inspection; True if anything changed."""
    changed = False
    for field in FIELDS:
        new = record.get(field)
        if field == "judgements":
            new = {**inspection.judgements, **new}
        if new in (None, "", {}) or getattr(inspection, field) == new:
            continue
        if field == "overall" and LEGACY_GRADES.get(new) == inspection.overall:
            continue  # '2' in Ofsted's file is the register's 'Good': keep the words
        setattr(inspection, field, new)
        changed = True
    return changed


# Both statements work on SQLite and PostgreSQL; table names come from the models, values are parameters.
ADD_REGISTER_INSPECTIONS = """
    INSERT INTO {inspection} (school_id, framework, started_on, inspection_type, overall, inspection_number,
                              category_of_concern, safeguarding, judgements, source, import_run_id)
    SELECT s.id, %(graded)s, s.ofsted_last_inspection, 'Graded inspection', s.ofsted_rating, '', '', '', '{{}}',
           %(source)s, s.import_run_id
    FROM {school} s
    WHERE s.import_run_id = %(run)s AND s.ofsted_last_inspection IS NOT NULL AND s.ofsted_rating <> ''
      AND NOT EXISTS (SELECT 1 FROM {inspection} i
                      WHERE i.school_id = s.id AND i.framework = %(graded)s AND i.started_on = s.ofsted_last_inspection)
"""  # noqa: S608
FILL_BLANK_GRADES = """
    UPDATE {inspection} SET overall = (SELECT s.ofsted_rating FROM {school} s WHERE s.id = {inspection}.school_id)
    WHERE framework = %(graded)s AND overall = ''
      AND EXISTS (SELECT 1 FROM {school} s
                  WHERE s.import_run_id = %(run)s AND s.ofsted_rating <> ''
                    AND s.id = {inspection}.school_id AND s.ofsted_last_inspection = {inspection}.started_on)
"""  # noqa: S608


def sync_register_inspections(run) -> int:
    """Turn the register's legacy rating (GIAS `OfstedRating`, `OfstedLastInsp`) into graded inspections.

    Only schools the register import `run` created or changed can carry a new rating. A national extract
    holds tens of thousands, so the database does the work in two statements. A later extract with a
    newer rating adds a record; the older one stays in the history. Returns how many were added or filled.
    """
    tables = {"inspection": Inspection._meta.db_table, "school": School._meta.db_table}
    params = {"run": run.pk, "graded": Framework.GRADED, "source": InspectionSource.REGISTER}
    with connection.cursor() as cursor:
        cursor.execute(ADD_REGISTER_INSPECTIONS.format(**tables), params)
        added = cursor.rowcount
        cursor.execute(FILL_BLANK_GRADES.format(**tables), params)
        return added + cursor.rowcount
