"""Writing inspections: one history per school across frameworks, merged by (school, framework, start date).

A newer file fills in what an older record left blank or changes what it said. Which blanks it may clear
depends on what it gives (evidence.ofsted: each record's `given`):

- A field or area the file gives for the inspection (it has the column, and the words are the row's own for
  that inspection) is the file's word on it, blank included: a corrected file that leaves the category of
  concern blank, safeguarding NULL or an area 9 clears what was held (an area becomes "Not evaluated"; a
  graded area, left out when blank, goes), and the change is recorded (InspectionChange, old → new).
- A field it does not give it never blanks, and what it only assumes (the monthly file's 'Graded inspection'
  for a type the row does not give, or an inadequate grade's category taken from the school's most recent
  one) fills a blank but replaces nothing. So a source without the column at all never clears what an
  Ofsted file said (the register's rating knows only the overall words).
- A blank in Ofsted's file does not clear a graded inspection's overall words, or the category of concern
  they name, while the register still gives that rating for that inspection (GIAS `OfstedRating` of its
  `OfstedLastInsp`): the register is a witness of its own, and would only fill the grade in again.
- A file older than the one an inspection was last taken from (by their latest publication dates) leaves that
  inspection alone: corrections are made by newer files, not undone by older ones imported later.
"""

import json

import polars as pl
from django.db import connection
from django.db.models import F

from core.jinja import gov_date
from imports.bulk import as_written, bulk_load, insert_frame
from imports.registry import Counts
from register.models import School

from .models import Framework, Inspection, InspectionChange, InspectionSource
from .ofsted_merge import given_names
from .ofsted_words import CATEGORY_OF_RATING, legacy_grade
from .store import CHUNK, note_linked_schools_not_held

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


def store_inspections(ctx, records: pl.DataFrame, source: str, *, rows_read: int) -> Counts:
    """Write the records of evidence.ofsted.read_inspections: new ones in bulk, known ones merged field by field."""
    wanted = School.objects.of_authorities(ctx.la_codes)
    schools = pl.DataFrame(list(wanted.order_by().values_list("urn", "id")), schema={"urn": pl.Int64, "school_id": pl.Int64}, orient="row")
    known = records.join(schools, on="urn", how="inner", maintain_order="left")
    skipped = records["line"].n_unique() - known["line"].n_unique()
    note_linked_schools_not_held(ctx, records.join(schools, on="urn", how="anti")["urn"].unique())
    ctx.run.as_at = records["published_on"].max()
    if source == InspectionSource.OFSTED_ALL:
        _note_inspections_left_out(ctx, known, records["published_on"].min(), wanted)
    stored = _stored(known["school_id"].unique().to_list())
    known, kept = _leave_later_files_word(ctx, known, stored)
    stored = stored.drop("as_at")
    stored, redated = _redate(known, stored, source, ctx.run)
    created = known.join(stored, on=KEY, how="anti", maintain_order="left")
    fields = ["school_id", "source", "import_run_id", *INSERTED]
    rows = created.with_columns(source=pl.lit(source), import_run_id=pl.lit(ctx.run.id)).select(fields)
    # Progress counts the records: the new ones as they are written, then the known ones merged.
    ctx.progress(0, known.height)
    with bulk_load(Inspection, rows.height):
        # In the order of the unique index, which SQLite then fills page by page.
        insert_frame(
            Inspection, as_written(rows.sort("school_id", "framework", "started_on")), done=lambda n: ctx.progress(n, known.height)
        )
    changed = len(_merge_known(known.join(stored, on=KEY, how="inner"), source, ctx.run) | redated)
    ctx.progress(known.height, known.height)
    unchanged = known.height - created.height - changed + kept
    return Counts(rows_read=rows_read, created=created.height, changed=changed, unchanged=unchanged, skipped=skipped)


KEY = ["school_id", "framework", "started_on"]
NUMBERED = ["school_id", "framework", "inspection_number"]


def _note_inspections_left_out(ctx, known: pl.DataFrame, first_published, schools) -> None:
    """A year-to-date file lists every inspection whose report was published in its span: one that an earlier such
    file gave, published in that span, and that this one leaves out, Ofsted has withdrawn or the file lacks. It is
    kept (the file says nothing of it), and the import says how many and which, so that someone can look."""
    if first_published is None:
        return
    held = Inspection.objects.filter(
        source=InspectionSource.OFSTED_ALL, school__in=schools, published_on__range=(first_published, ctx.run.as_at)
    )
    schema = {"school_id": pl.Int64, "framework": pl.String, "started_on": pl.Date, "school__urn": pl.Int64, "inspection_number": pl.String}
    held = pl.DataFrame(list(held.order_by("school__urn", "started_on").values_list(*schema)), schema=schema, orient="row")
    missing = held.join(known, on=KEY, how="anti").join(known.filter(pl.col("inspection_number") != ""), on=NUMBERED, how="anti")
    if missing.is_empty():
        return
    examples = ", ".join(
        f"URN {urn} ({f'inspection {number}, ' if number else ''}{gov_date(started)})"
        for urn, number, started in missing.select("school__urn", "inspection_number", "started_on").head(3).iter_rows()
    )
    are, stay = ("1 inspection", "It stays") if missing.height == 1 else (f"{missing.height:,} inspections", "They stay")
    ctx.notes.append(
        f"This file leaves out {are} that an earlier year-to-date file gave, published between {gov_date(first_published)} and "
        f"{gov_date(ctx.run.as_at)}: {examples}. {stay} in the schools' histories; where Ofsted has withdrawn a report, say so "
        "in the school's local intelligence."
    )


def _leave_later_files_word(ctx, known: pl.DataFrame, stored: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """An Ofsted file published before the one an inspection held was last taken from (its latest report is older)
    leaves that inspection as the later file gave it: imported after a newer one, an older monthly file would
    otherwise undo the newer one's corrections, or bring back a start date it corrected. Each file's date is its
    latest publication date (ImportRun.as_at); a file that gives none, or an inspection held from such a file or
    from the register, is not compared. Returns the records still to merge, and how many were left alone."""
    as_at = ctx.run.as_at
    later = stored.filter(pl.col("as_at") > as_at) if as_at is not None else stored.clear()
    if later.is_empty():
        return known, 0
    known = known.with_row_index("_record")
    numbered = pl.col("inspection_number") != ""
    matched = pl.concat(
        [
            known.join(later, on=KEY, how="inner").select("_record", "as_at"),
            known.filter(numbered).join(later.filter(numbered), on=NUMBERED, how="inner").select("_record", "as_at"),
        ]
    )
    if matched.is_empty():
        return known.drop("_record"), 0
    kept = matched["_record"].n_unique()
    are, them = ("inspection is", "it") if kept == 1 else ("inspections are", "them")
    ctx.notes.append(
        f"{kept:,} {are} left as a later Ofsted file gave {them} (its latest report published on {gov_date(matched['as_at'].max())}; "
        f"this file's on {gov_date(as_at)}): to correct {them}, import a file at least as recent."
    )
    ctx.kept_newer = True
    return known.filter(~pl.col("_record").is_in(matched["_record"].implode())).drop("_record"), kept


def _redate(known: pl.DataFrame, stored: pl.DataFrame, source: str, run) -> tuple[pl.DataFrame, set[int]]:
    """A later file that gives an inspection held (the same school, framework and inspection number) another
    start date corrects the date, keeping the old one (InspectionChange), rather than adding the inspection
    again. Returns the stored keys as they now are, and the ids of the inspections re-dated."""
    moved = (
        known.filter(pl.col("inspection_number") != "")
        .select(*NUMBERED, "started_on")
        .join(stored.filter(pl.col("inspection_number") != ""), on=NUMBERED, how="inner", suffix="_held")
        .filter(pl.col("started_on") != pl.col("started_on_held"))
        .join(stored, on=KEY, how="anti")  # not onto a date the school already has an inspection of that framework on
        .unique("id", keep="first", maintain_order=True)
    )
    if moved.is_empty():
        return stored, set()
    dates = dict(zip(moved["id"], moved["started_on"], strict=True))
    inspections = list(Inspection.objects.filter(id__in=list(dates)))
    changes = []
    for inspection in inspections:
        old, inspection.started_on = inspection.started_on, dates[inspection.id]
        changes.append(
            InspectionChange(
                import_run=run, inspection=inspection, field="Start date", old_value=gov_date(old),
                new_value=gov_date(inspection.started_on), old_import_run_id=inspection.import_run_id,
            )
        )  # fmt: skip
        inspection.source, inspection.import_run = source, run
    Inspection.objects.bulk_update(inspections, ["started_on", "source", "import_run"])
    InspectionChange.objects.bulk_create(changes)
    redated = stored.join(moved.select("id", pl.col("started_on").alias("_new")), on="id", how="left")
    return redated.with_columns(pl.coalesce("_new", "started_on").alias("started_on")).drop("_new"), set(dates)


def _stored(school_ids: list[int]) -> pl.DataFrame:
    """The keys, numbers and ids of the inspections already stored for these schools, and how recent the file each
    was last taken from is (as_at; null for the register, and for files that do not tell)."""
    stored = Inspection.objects.order_by()
    if len(school_ids) <= CHUNK:
        stored = stored.filter(school_id__in=school_ids)
    schema = {"id": pl.Int64, "school_id": pl.Int64, "framework": pl.String, "started_on": pl.Date, "inspection_number": pl.String}
    schema["import_run__as_at"] = pl.Date
    frame = pl.DataFrame(list(stored.values_list(*schema)), schema=schema, orient="row").rename({"import_run__as_at": "as_at"})
    return frame.join(pl.DataFrame({"school_id": school_ids}, schema={"school_id": pl.Int64}), on="school_id", how="semi")


def _merge_known(matched: pl.DataFrame, source: str, run) -> set[int]:
    """Merge each record into the inspection stored under its key; save those that changed, keeping what
    each correction replaced (InspectionChange). Returns the ids of the inspections that changed."""
    if matched.is_empty():
        return set()
    by_id = {row["id"]: row for row in matched.iter_rows(named=True)}
    changed, corrections = [], []
    ids = list(by_id)
    for start in range(0, len(ids), CHUNK):
        for inspection in Inspection.objects.filter(id__in=ids[start : start + CHUNK]):
            record = by_id[inspection.id]
            before = inspection.import_run_id
            corrected = _merge_into(inspection, {**record, "judgements": json.loads(record["judgements"])})
            if corrected is not None:
                inspection.source, inspection.import_run = source, run
                changed.append(inspection)
                corrections += [
                    InspectionChange(
                        import_run=run, inspection=inspection, field=field, old_value=old, new_value=new, old_import_run_id=before
                    )
                    for field, old, new in corrected
                ]
    Inspection.objects.bulk_update(changed, [*FIELDS, "source", "import_run"], batch_size=2000)
    InspectionChange.objects.bulk_create(corrections, batch_size=2000)
    return {inspection.id for inspection in changed}


FIELD_NAMES = {
    "ended_on": "End date",
    "published_on": "Publication date",
    "inspection_number": "Inspection number",
    "inspection_type": "Inspection type",
    "overall": "Overall effectiveness",
    "category_of_concern": "Category of concern",
    "safeguarding": "Safeguarding",
    "urn_at_inspection": "URN at the inspection",
}


def _merge_into(inspection: Inspection, record: dict) -> list[tuple[str, str, str]] | None:
    """Copy what the record says onto the inspection, by the rules of the module's docstring. Returns None if
    nothing changed, else the corrections: (field or evaluation area, old words, new words) for each value it
    replaced or cleared (not for blanks it filled)."""
    given = given_names(record["given"])
    changed, corrections = False, []
    for field in FIELDS:
        new = record.get(field)
        old = getattr(inspection, field)
        if field == "judgements":
            new, found = _judgements_after(old, new, given)
            corrections += found
        elif new in (None, "") and (field not in given or _register_gives(inspection, field, old)):
            continue  # a field the file does not give is never blanked, nor what the register still gives
        elif field not in given and old not in (None, ""):
            continue  # what the record only assumes fills a blank, never replaces
        if old == new:
            continue
        if field == "overall" and legacy_grade(new) is not None and legacy_grade(new) == legacy_grade(old):
            continue  # '4' in Ofsted's file is the register's 'Special Measures': keep the words
        if field != "judgements" and old not in (None, ""):
            corrections.append((FIELD_NAMES[field], gov_date(old), gov_date(new)))
        setattr(inspection, field, new)
        changed = True
    return corrections if changed else None


def _judgements_after(held: dict, new: dict, given: set[str]) -> tuple[dict, list[tuple[str, str, str]]]:
    """The evaluation areas once the record is merged, and the corrections. An area the file gives takes its
    words, 'Not evaluated' included (a graded area it leaves blank is left out); one it does not give keeps
    what is held, a blank filled."""
    after, corrections = dict(held), []
    for area in [*new, *sorted(given.difference(FIELDS, new))]:
        words, was = new.get(area, ""), held.get(area, "")
        if area not in given:
            if words and not was:
                after[area] = words
        elif words != was:
            if words:
                after[area] = words
            else:
                after.pop(area, None)
            if was:
                corrections.append((area, was, words))
    return after, corrections


def _register_gives(inspection: Inspection, field: str, held) -> bool:
    """Whether the register's rating still gives what a graded inspection holds in `field`: its overall words, or
    the category of concern they name ('Special Measures'). Looked up only when a blank would clear one: rarely."""
    if inspection.framework != Framework.GRADED or field not in ("overall", "category_of_concern") or held in (None, ""):
        return False
    ratings = School.objects.filter(pk=inspection.school_id, ofsted_last_inspection=inspection.started_on)
    rating = (ratings.values_list("ofsted_rating", flat=True).first() or "").strip().lower()
    return bool(rating) and (field == "overall" or rating in CATEGORY_OF_RATING)


# Both statements work on SQLite and PostgreSQL; table names come from the models, values are parameters.
# An inspection already held is left alone by the unique index (ON CONFLICT), not by a NOT EXISTS test: on a
# register PostgreSQL has not yet analysed, the planner may run that test as a scan per row (minutes, nationally).
ADD_REGISTER_INSPECTIONS = """
    INSERT INTO {inspection} (school_id, framework, started_on, inspection_type, overall, inspection_number,
                              category_of_concern, safeguarding, judgements, source, import_run_id)
    SELECT s.id, %(graded)s, s.ofsted_last_inspection, 'Graded inspection', s.ofsted_rating, '',
           CASE lower(s.ofsted_rating) WHEN 'special measures' THEN 'SM' WHEN 'serious weaknesses' THEN 'SWK' ELSE '' END,
           '', '{{}}', %(source)s, s.import_run_id
    FROM {school} s
    WHERE s.import_run_id = %(run)s AND s.ofsted_last_inspection IS NOT NULL AND s.ofsted_rating <> ''
    ON CONFLICT (school_id, framework, started_on) DO NOTHING
"""  # noqa: S608
FILL_BLANK_GRADES = """
    UPDATE {inspection} SET overall = (SELECT s.ofsted_rating FROM {school} s WHERE s.id = {inspection}.school_id)
    WHERE framework = %(graded)s AND overall = ''
      AND EXISTS (SELECT 1 FROM {school} s
                  WHERE s.import_run_id = %(run)s AND s.ofsted_rating <> ''
                    AND s.id = {inspection}.school_id AND s.ofsted_last_inspection = {inspection}.started_on)
"""  # noqa: S608


def sync_register_inspections(run, schools: int = 0) -> int:
    """Turn the register's legacy rating (GIAS `OfstedRating`, `OfstedLastInsp`) into graded inspections.

    Only schools the register import `run` created or changed can carry a new rating. A national extract
    holds tens of thousands, so the database does the work in two statements. A later extract with a
    newer rating adds a record; the older one stays in the history. `schools` (how many the run wrote)
    says whether this is a bulk load. A later extract re-rating the same inspection corrects the register's record
    of it (correct_register_ratings). Returns how many were added, filled or corrected.
    """
    tables = {"inspection": Inspection._meta.db_table, "school": School._meta.db_table}
    params = {"run": run.pk, "graded": Framework.GRADED, "source": InspectionSource.REGISTER}
    with bulk_load(Inspection, schools), connection.cursor() as cursor:
        cursor.execute(ADD_REGISTER_INSPECTIONS.format(**tables), params)
        added = cursor.rowcount
        cursor.execute(FILL_BLANK_GRADES.format(**tables), params)
        filled = cursor.rowcount
    return added + filled + correct_register_ratings(run)


def correct_register_ratings(run) -> int:
    """A later extract that gives the same last inspection another rating (GIAS corrected it) corrects the graded
    inspection the register's rating made, keeping what it said (InspectionChange): otherwise the history, which the
    pages show, would go on saying what the register no longer does. An inspection an Ofsted file has given is
    Ofsted's word, and stays. Returns how many were corrected (rare: GIAS seldom re-rates an inspection)."""
    held = Inspection.objects.filter(
        framework=Framework.GRADED,
        source=InspectionSource.REGISTER,
        school__import_run=run,
        started_on=F("school__ofsted_last_inspection"),
    ).exclude(school__ofsted_rating="")
    corrected, changes = [], []
    for inspection in held.exclude(overall=F("school__ofsted_rating")).select_related("school"):
        rating = inspection.school.ofsted_rating
        category = CATEGORY_OF_RATING.get(rating.strip().lower(), "")
        for field, old, new in (("overall", inspection.overall, rating), ("category_of_concern", inspection.category_of_concern, category)):
            if old and old != new:
                changes.append(
                    InspectionChange(
                        import_run=run, inspection=inspection, field=FIELD_NAMES[field], old_value=old, new_value=new,
                        old_import_run_id=inspection.import_run_id,
                    )
                )  # fmt: skip
        inspection.overall, inspection.category_of_concern, inspection.import_run = rating, category, run
        corrected.append(inspection)
    Inspection.objects.bulk_update(corrected, ["overall", "category_of_concern", "import_run"])
    InspectionChange.objects.bulk_create(changes)
    return len(corrected)
