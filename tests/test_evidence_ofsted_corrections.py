"""A corrected Ofsted file replaces what an earlier one said, blanks included; a file that contradicts itself, or
gives a grade without saying when, is refused whole; Ofsted's words are stored in Ofsted's own casing."""

import csv
import io
from datetime import date

import pytest

from evidence.models import Framework, Inspection, InspectionChange
from imports.models import ImportOutcome
from imports.services import import_file

from .evidence_helpers import GIAS_2021, OFSTED_ALL, snapshot, without_rows
from .test_evidence_inspections import GRADED, REPORT_CARD, latest_file, latest_row

# Kenyngton Manor Primary School's report card in Ofsted's year-to-date file (row 108): inspection 10429724,
# 25 November 2025, published 15 January 2026, no category of concern, safeguarding met, inclusion strong.
KENYNGTON = "140348"
KENYNGTON_ROW = 108


@pytest.fixture
def surrey(db):
    import_file(GIAS_2021)


def ofsted_all(tmp_path, *, drop=(), extra=(), **cells):
    """The real year-to-date file with Kenyngton Manor's cells changed (column → text), columns dropped, rows added."""
    rows = list(csv.reader(io.StringIO(OFSTED_ALL.read_text(encoding="utf-8"), newline="")))
    header = rows[0]
    kenyngton = next(row for row in rows if row[1] == KENYNGTON)
    for column, text in cells.items():
        kenyngton[header.index(column)] = text
    rows += [list(row) for row in extra]
    keep = [i for i, name in enumerate(header) if name not in drop]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([[row[i] for i in keep] for row in rows])
    path = tmp_path / f"ofsted-{len(list(tmp_path.iterdir()))}.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def kenyngton_row(**cells):
    """Kenyngton Manor's row of the real file, with cells changed."""
    rows = list(csv.reader(io.StringIO(OFSTED_ALL.read_text(encoding="utf-8"), newline="")))
    row = list(next(row for row in rows if row[1] == KENYNGTON))
    for column, text in cells.items():
        row[rows[0].index(column)] = text
    return row


def kenyngton():
    return Inspection.objects.get(school__urn=int(KENYNGTON), framework=Framework.REPORT_CARD)


def changes(run):
    return [(c.field, c.old_value, c.new_value) for c in InspectionChange.objects.filter(import_run=run).order_by("field")]


def held():
    """What is held of each inspection, whichever import wrote it."""
    fields = ["school__urn", "framework", "started_on", "ended_on", "published_on", "inspection_number", "inspection_type"]
    fields += ["overall", "category_of_concern", "safeguarding", "judgements", "urn_at_inspection", "source"]
    return list(Inspection.objects.order_by("school__urn", "framework", "started_on").values(*fields))


# 1. A file that has the column and leaves it blank says it is blank.


@pytest.mark.parametrize(
    ("earlier", "later", "field", "value", "change"),
    [
        # Ofsted's file first put the school in special measures; the corrected one gives no category.
        ({"Category of concern": "SM"}, {}, "category_of_concern", "", ("Category of concern", "SM", "")),
        ({}, {"Safeguarding standards": "NULL"}, "safeguarding", "", ("Safeguarding", "Met", "")),
        ({}, {"Inclusion": "9"}, "Inclusion", "Not evaluated", ("Inclusion", "Strong standard", "Not evaluated")),
    ],
)
def test_a_corrected_file_that_leaves_a_value_blank_clears_it_and_says_what_it_was(surrey, tmp_path, earlier, later, field, value, change):
    first = import_file(ofsted_all(tmp_path, **earlier))
    assert first.outcome == ImportOutcome.SUCCEEDED, first.message
    corrected = ofsted_all(tmp_path, **later)
    run = import_file(corrected)
    assert (run.outcome, run.created, run.changed) == (ImportOutcome.SUCCEEDED, 0, 1), run.message
    card = kenyngton()
    assert (card.judgements[field] if field == "Inclusion" else getattr(card, field)) == value
    assert card.import_run == run
    assert changes(run) == [change]
    assert InspectionChange.objects.get(import_run=run).old_import_run_id == first.pk
    # What is held is what the corrected file alone would give; and importing it again changes nothing.
    now = held()
    Inspection.objects.filter(source__startswith="ofsted").delete()
    import_file(corrected)
    assert held() == now
    assert import_file(corrected).outcome == ImportOutcome.UNCHANGED


def test_a_file_without_the_column_leaves_what_was_held(surrey, tmp_path):
    """A file that lacks a column says nothing about it: the category and safeguarding held stay, and so do the areas."""
    import_file(ofsted_all(tmp_path, **{"Category of concern": "SM", "Safeguarding standards": "Not met"}))
    run = import_file(ofsted_all(tmp_path, drop=("Category of concern", "Safeguarding standards", "Achievement")))
    assert (run.outcome, run.changed) == (ImportOutcome.UNCHANGED, 0), run.message
    card = kenyngton()
    assert (card.category_of_concern, card.safeguarding, card.judgements["Achievement"]) == ("SM", "Not met", "Expected standard")


def test_a_row_that_stops_early_leaves_what_was_held_for_the_fields_it_lacks(surrey, tmp_path):
    """Kenyngton Manor's row ending before its last two columns says nothing of them: their areas stay as they were."""
    import_file(OFSTED_ALL)
    rows = list(csv.reader(io.StringIO(OFSTED_ALL.read_text(encoding="utf-8"), newline="")))
    assert rows[0][-2:] == ["Post-16 provision (where applicable)", "Leadership and governance"]
    short = [row[:-2] if row[1] == KENYNGTON else row for row in rows]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(short)
    run = import_file(out.getvalue().encode(), file_name="ofsted-short.csv")
    assert (run.outcome, run.changed) == (ImportOutcome.UNCHANGED, 0), run.message
    card = kenyngton()
    assert (card.judgements["Post-16 provision"], card.judgements["Leadership and governance"]) == ("Not applicable", "Strong standard")


# 2. An older file imported after a newer one does not undo what the newer one said.


def published_before(path, day: date):
    """The file as Ofsted would have published it on `day`: only the rows whose reports were out by then."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    column = rows[0].index("Publication date")
    kept = [rows[0]] + [row for row in rows[1:] if date(*map(int, reversed(row[column].split("/")))) < day]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(kept)
    older = path.with_name(f"{path.stem}-before-{day}.csv")
    older.write_text(out.getvalue(), encoding="utf-8")
    return older


def test_an_older_file_imported_after_a_newer_one_leaves_what_the_newer_one_gave(surrey, tmp_path):
    """January's file, which still put Kenyngton Manor in special measures with safeguarding not met, imported after
    February's, which Ofsted corrected: what February's file said stands, and the run says why nothing changed."""
    newer = import_file(OFSTED_ALL)
    assert newer.as_at == date(2026, 2, 26)
    before = held()
    january = published_before(ofsted_all(tmp_path, **{"Category of concern": "SM", "Safeguarding standards": "Not met"}), date(2026, 2, 1))
    run = import_file(january)
    assert run.as_at == date(2026, 1, 29)
    assert (run.outcome, run.created, run.changed) == (ImportOutcome.UNCHANGED, 0, 0), run.message
    assert held() == before
    assert (kenyngton().category_of_concern, kenyngton().safeguarding) == ("", "Met")
    assert not InspectionChange.objects.filter(import_run=run).exists()
    assert run.unchanged == 1  # of the file's rows, only Kenyngton Manor's is of a school in the register
    assert "1 inspection is left as a later Ofsted file gave it" in run.message
    assert "(its latest report published on 26 February 2026; this file's on 29 January 2026)" in run.message
    assert "rows read; nothing was changed;" in run.message  # not that nothing had changed: the file gives otherwise


def test_an_older_file_does_not_bring_back_a_start_date_a_newer_one_corrected(surrey, tmp_path):
    """January's file gave Kenyngton Manor's inspection 10429724 a start date a day out, which February's corrected:
    imported afterwards, January's file neither moves the inspection back nor adds it again on the old date."""
    import_file(OFSTED_ALL)
    january = published_before(ofsted_all(tmp_path, **{"Inspection start date": "24/11/2025"}), date(2026, 2, 1))
    run = import_file(january)
    assert (run.outcome, run.created, run.changed) == (ImportOutcome.UNCHANGED, 0, 0), run.message
    [card] = Inspection.objects.filter(school__urn=int(KENYNGTON), framework=Framework.REPORT_CARD)
    assert (card.started_on, card.inspection_number) == (date(2025, 11, 25), "10429724")


def test_a_newer_file_imported_after_an_older_one_corrects_it(surrey, tmp_path):
    """The other way round, February's file is the correction: it clears January's category and records the change."""
    january = import_file(published_before(ofsted_all(tmp_path, **{"Category of concern": "SM"}), date(2026, 2, 1)))
    run = import_file(OFSTED_ALL)
    assert changes(run) == [("Category of concern", "SM", "")]
    assert InspectionChange.objects.get(import_run=run).old_import_run_id == january.pk
    assert "later Ofsted file" not in run.message


def test_a_year_to_date_file_that_leaves_out_an_inspection_an_earlier_one_gave_keeps_it_and_says_which(surrey, tmp_path):
    """Ofsted's year-to-date file lists every report published in its span: one it no longer lists (withdrawn, say)
    stays in the history, and the import names it so that someone can look."""
    import_file(OFSTED_ALL)
    before = held()
    run = import_file(without_rows(OFSTED_ALL, f",{KENYNGTON},", tmp_path / "ofsted-without-kenyngton.csv"))
    assert (run.outcome, run.created, run.changed) == (ImportOutcome.UNCHANGED, 0, 0), run.message
    assert held() == before
    assert (
        "This file leaves out 1 inspection that an earlier year-to-date file gave, published between 11 January 2026 and "
        "26 February 2026: URN 140348 (inspection 10429724, 25 November 2025). It stays in the schools' histories"
    ) in run.message
    assert "leaves out" not in import_file(OFSTED_ALL).message


GUILDFORD_GROVE = 143373  # 'Good' on 27-11-2018 in the register


def guildford_grove(*rows, name="latest.csv"):
    return import_file(latest_file([latest_row(GUILDFORD_GROVE, "Guildford Grove Primary School", **row) for row in rows]), file_name=name)


def test_the_monthly_file_clears_a_graded_inspections_grade_and_areas_an_earlier_one_gave(surrey):
    """A graded inspection the register knows nothing of (made-up date): all it holds came from Ofsted's files."""
    graded = {**GRADED, "Inspection start date of latest OEIF graded inspection": "02/03/2022"}
    first = guildford_grove(graded)
    assert first.outcome == ImportOutcome.SUCCEEDED, first.message
    run = guildford_grove({**graded, "Latest OEIF overall effectiveness": "", "Latest OEIF personal development": "NULL"})
    assert (run.outcome, run.changed) == (ImportOutcome.SUCCEEDED, 1), run.message
    inspection = Inspection.objects.get(school__urn=GUILDFORD_GROVE, started_on=date(2022, 3, 2))
    assert inspection.overall == "" and "Personal development" not in inspection.judgements
    assert changes(run) == [("Overall effectiveness", "2", ""), ("Personal development", "1", "")]


def test_the_monthly_file_does_not_clear_the_registers_rating_or_what_a_row_does_not_give(surrey):
    """Unified Academy: 'Special Measures' on 25-04-2019 in the register (category SM). A row whose latest inspection is
    that one gives its details; a later row whose latest is a visit gives only the grade and the date."""
    graded = {
        **GRADED,
        "Latest OEIF overall effectiveness": "",
        "Inspection start date of latest OEIF graded inspection": "25/04/2019",
        "URN at time of latest OEIF graded inspection": "146527",
    }
    own = {"Inspection type": "S5 Inspection", "Inspection start date": "25/04/2019", "Publication date": "03/06/2019"}
    run = import_file(latest_file([latest_row(146527, "Unified Academy", **graded, **own)]), file_name="latest.csv")
    assert run.outcome == ImportOutcome.SUCCEEDED, run.message
    unified = Inspection.objects.get(school__urn=146527)
    # The register still gives this inspection's rating: a blank grade and category in Ofsted's file do not clear them.
    assert (unified.overall, unified.category_of_concern, unified.inspection_type) == ("Special Measures", "SM", "S5 Inspection")
    visit = {"Inspection type": "S8 Monitoring Visit", "Inspection start date": "12/03/2020", "Most recent category of concern": "SM"}
    later = import_file(latest_file([latest_row(146527, "Unified Academy", **graded, **visit)]), file_name="latest-2.csv")
    assert (later.outcome, later.changed) == (ImportOutcome.UNCHANGED, 0), later.message
    unified = Inspection.objects.get(school__urn=146527)
    assert (unified.inspection_type, unified.published_on) == ("S5 Inspection", date(2019, 6, 3))


# 2. A graded outcome with no date is refused, not dropped.


def test_a_graded_outcome_without_its_date_refuses_the_monthly_file_whole(surrey):
    before = snapshot()
    graded = {**GRADED, "Latest OEIF overall effectiveness": "4", "Most recent category of concern": "SM"}
    rows = [
        latest_row(125037, "Grange", **REPORT_CARD),
        latest_row(125028, "Prior Heath", **graded, **{"Inspection start date of latest OEIF graded inspection": "NULL"}),
    ]
    run = import_file(latest_file(rows), file_name="latest.csv")
    assert run.outcome == ImportOutcome.REFUSED
    assert (
        "latest.csv, row 3 (URN 125028, Prior Heath), column 'Inspection start date of latest OEIF graded inspection': "
        "the row gives its last graded inspection's outcome but not when it was"
    ) in run.message
    assert snapshot() == before


def test_a_monthly_file_without_the_graded_inspections_date_column_is_refused_at_the_first_grade(surrey):
    dated = ("Inspection start date of latest OEIF graded inspection", "URN at time of latest OEIF graded inspection")
    header = [name for name in latest_file([]).decode().strip().split(",") if name not in dated]
    rows = [["125037", *["NULL"] * (len(header) - 1)], ["125028", *["NULL"] * (len(header) - 1)]]
    rows[1][header.index("Latest OEIF overall effectiveness")] = "3"
    data = "\r\n".join(",".join(row) for row in [header, *rows]).encode()
    run = import_file(data, file_name="latest.csv")
    assert run.outcome == ImportOutcome.REFUSED
    assert (
        "row 3 (URN 125028), column 'Latest OEIF overall effectiveness': '3' is a graded outcome, but the file has no column "
        "'Inspection start date of latest OEIF graded inspection' to say when it was"
    ) in run.message


def test_not_judged_without_a_date_is_no_graded_outcome(surrey):
    """A school never graded under the previous framework: 'Not judged' and no date is not a grade to place."""
    run = guildford_grove({"Latest OEIF overall effectiveness": "Not judged"})
    assert run.outcome != ImportOutcome.REFUSED, run.message


# 3. Two rows for one inspection must agree.


def test_two_rows_that_disagree_about_one_inspection_refuse_the_file_naming_both(surrey, tmp_path):
    before = snapshot()
    path = ofsted_all(tmp_path, extra=[kenyngton_row(Inclusion="Urgent improvement")])
    run = import_file(path)
    assert run.outcome == ImportOutcome.REFUSED
    assert (
        f"row 250 (URN 140348, Kenyngton Manor Primary School), column 'Inclusion': 'Urgent improvement', but row {KENYNGTON_ROW} gives 'Strong standard' "
        "for the same inspection (starting 25/11/2025)"
    ) in run.message
    assert run.message.count("URN 140348") == 1  # named once, beside the row
    assert snapshot() == before


def test_two_rows_that_agree_about_one_inspection_give_it_once(surrey, tmp_path):
    # The same words in another case and spacing, and a blank the other row fills, are no disagreement.
    again = kenyngton_row(Inclusion="strong  STANDARD", **{"Safeguarding standards": "NULL"})
    run = import_file(ofsted_all(tmp_path, extra=[kenyngton_row(), again]))
    assert run.outcome == ImportOutcome.SUCCEEDED, run.message
    card = kenyngton()
    assert (card.judgements["Inclusion"], card.safeguarding) == ("Strong standard", "Met")


def test_two_monthly_rows_that_disagree_about_a_graded_inspection_refuse_the_file(surrey):
    graded = {**GRADED, "Inspection start date of latest OEIF graded inspection": "27/11/2018"}
    run = guildford_grove(graded, {**graded, "Latest OEIF overall effectiveness": "4"})
    assert run.outcome == ImportOutcome.REFUSED
    assert (
        "row 3 (URN 143373, Guildford Grove Primary School), column 'Latest OEIF overall effectiveness': '4', but row 2 gives '2' "
        "for the same inspection (starting 27/11/2018)"
    ) in run.message
    assert run.message.count("URN 143373") == 1  # named once, beside the row


# 4. Ofsted's words in Ofsted's casing; a report published before its inspection is a slip.


def test_words_in_another_case_are_stored_in_ofsteds_and_are_no_correction(surrey, tmp_path):
    first = import_file(ofsted_all(tmp_path, Inclusion="strong STANDARD", **{"Safeguarding standards": "MET", "Category of concern": "sm"}))
    assert first.outcome == ImportOutcome.SUCCEEDED, first.message
    card = kenyngton()
    assert (card.judgements["Inclusion"], card.safeguarding, card.category_of_concern) == ("Strong standard", "Met", "SM")
    run = import_file(ofsted_all(tmp_path, **{"Category of concern": "SM"}))
    assert (run.outcome, run.changed) == (ImportOutcome.UNCHANGED, 0), run.message
    assert changes(run) == []


def test_a_graded_judgement_in_another_case_is_stored_in_ofsteds(surrey):
    graded = {**GRADED, "Latest OEIF overall effectiveness": "requires IMPROVEMENT", "Latest OEIF quality of education": "good"}
    guildford_grove({**graded, "Inspection start date of latest OEIF graded inspection": "02/03/2022"})
    inspection = Inspection.objects.get(school__urn=GUILDFORD_GROVE, started_on=date(2022, 3, 2))
    assert (inspection.overall, inspection.judgements["Quality of education"]) == ("Requires improvement", "Good")


def test_a_category_of_concern_in_words_is_stored_as_its_code(surrey, tmp_path):
    import_file(ofsted_all(tmp_path, **{"Category of concern": "requires significant improvement"}))
    assert kenyngton().category_of_concern == "RSI"


def test_a_publication_date_before_the_inspection_refuses_the_file_whole(surrey, tmp_path):
    before = snapshot()
    run = import_file(ofsted_all(tmp_path, **{"Publication date": "01/01/2020"}))
    assert run.outcome == ImportOutcome.REFUSED
    assert (
        f"row {KENYNGTON_ROW} (URN 140348, Kenyngton Manor Primary School), column 'Publication date': '01/01/2020' is before the inspection's start date"
        in run.message
    )
    assert snapshot() == before


def test_an_ungraded_outcome_without_its_date_refuses_the_monthly_file_whole(surrey):
    before = snapshot()
    visit = {**REPORT_CARD, "Ungraded inspection overall outcome": "School remains Good", "Date of latest ungraded inspection": "NULL"}
    run = import_file(latest_file([latest_row(125028, "Prior Heath", **visit)]), file_name="latest.csv")
    assert run.outcome == ImportOutcome.REFUSED
    assert (
        "latest.csv, row 2 (URN 125028, Prior Heath), column 'Date of latest ungraded inspection': "
        "the row gives its latest ungraded inspection's outcome but not when it was"
    ) in run.message
    assert snapshot() == before


def test_an_inspection_that_ends_before_it_starts_refuses_the_file(surrey):
    card = {**REPORT_CARD, "Inspection end date": "01/12/2025"}  # it started on 9 December
    run = import_file(latest_file([latest_row(125037, "Grange", **card)]), file_name="latest.csv")
    assert run.outcome == ImportOutcome.REFUSED
    assert "row 2 (URN 125037, Grange), column 'Inspection end date': '01/12/2025' is before the inspection's start date" in run.message
