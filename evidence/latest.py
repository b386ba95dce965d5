"""A school's latest Ofsted inspection in a few words, for the register's lists and pages.

GIAS still gives a school's last legacy grade after a report-card inspection, so a list built from the
register alone would show a rating four years old beside a school inspected last month. These come
from the inspection history instead (which holds the register's ratings too), whichever framework the
inspection was under. Report cards have no overall grade, and none is made up. A school not yet inspected in
its current form (a new academy, converter or sponsored) shows the school it replaced (latest_for_schools), said
to be that school's, as Ofsted's statistics count it; so does one whose only inspection is dated before it opened, held
under its own URN (evidence.replaced). A category of concern that inspection placed the predecessor in is not the
school's: it ended when the predecessor closed and the school opened (an academy order takes a school out of its
category; DfE's schools causing concern guidance), so no tag says it, and a note says whose it was.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import F
from django.db.models.fields.json import KeyTextTransform

from register.models import School, SchoolStatus

from .history import direct_predecessors
from .models import Framework, Inspection, InspectionSource
from .ofsted_words import (
    LEGACY_GRADES,
    NOT_EVALUATED,
    category_code,
    category_words,
    describe_outcome,
    describe_type,
    legacy_grade,
    placed_in,
    ungraded_outcome,
)
from .replaced import before_opening, how_opened, inspected_before_opening, predecessors_category

GRADE_COLOURS = {"1": "green", "2": "teal", "3": "yellow", "4": "red"}
FIELDS = (
    "school_id",
    "framework",
    "started_on",
    "overall",
    "category_of_concern",
    "safeguarding",
    "source",
    "inspection_type",
    "urn_at_inspection",
    "id",
    "import_run_id",
)
# Two records of one day: GIAS may give its legacy rating the date of a later inspection (a report card, a
# visit), so Ofsted's own record wins, and of Ofsted's the one that says most (a report card, a grade, a visit).
SAYS_MOST = {Framework.UNGRADED: 0, Framework.GRADED: 1, Framework.REPORT_CARD: 2}
# Graded inspections went on until report cards (10 November 2025), without an overall grade from September
# 2024: Ofsted's "Not judged" alone on a tag would read as an inspection that judged nothing.
NO_OVERALL_GRADE = ("", "not judged")


@dataclass(frozen=True)
class LatestInspection:
    on: date
    framework: str
    outcome: str  # the words on the tag: a legacy grade, "Report card", an ungraded visit's outcome in plain words
    colour: str  # the tag's colour
    grade: str = ""  # a graded inspection's overall grade as a digit ("1" outstanding … "4" inadequate), else ""
    predecessor: int | None = None  # the URN it was inspected as, when not this school's own (not yet inspected in its current form)
    notes: tuple[str, ...] = ()  # what else a reader must not miss: what an outcome means, a predecessor's, safeguarding, a category
    # The outcome as Ofsted's statistics count it, where the tag leaves out a predecessor's category ("Inadequate: special measures").
    counted_as: str = ""
    # Held under this school's URN, but dated before it opened: the inspection of the institution it replaced.
    before_opening: bool = False
    source: str = ""  # where the record came from (InspectionSource), and the import that gave it
    import_run_id: int | None = None

    @property
    def framework_label(self) -> str:
        return Framework(self.framework).label

    @property
    def by_predecessor(self) -> bool:
        """Whether the inspection was of the school this one replaced, not yet inspected in its current form: as Ofsted counts it."""
        return bool(self.predecessor) or self.before_opening


def _latest_rows(school_ids: Iterable[int], framework: str | None = None) -> dict:
    """school id → the row of its latest inspection (of `framework`, if given), with the fields summarise reads."""
    held = Inspection.objects.filter(school_id__in=list(school_ids))
    if framework:
        held = held.filter(framework=framework)
    latest = {}
    # Plain rows, not model instances, and of the evaluations only a visit's outcome, which the tag gives: an
    # authority's list is a few hundred inspections, the country's tens of thousands.
    rows = held.order_by().annotate(
        visit_outcome=KeyTextTransform("Outcome", "judgements"),
        school_opened_on=F("school__opened_on"),  # how the school opened: see _summarised
        school_type_group=F("school__type_group"),
    )
    for inspection in rows.values_list(*FIELDS, "visit_outcome", "school_opened_on", "school_type_group", named=True):
        kept = latest.get(inspection.school_id)
        if kept is None or _order(inspection) > _order(kept):
            latest[inspection.school_id] = inspection
    return latest


def latest_for_schools(schools: Iterable[School], framework: str | None = None) -> dict[int, LatestInspection]:
    """school id → its latest inspection (of `framework`, if given); and for a school with none of its own (an
    academy, converter or sponsored, before Ofsted's first visit), its predecessor's latest, said to be the predecessor's:
    Ofsted's statistics count a school not yet inspected in its current form by its predecessor's outcome (since 2018;
    before, they left sponsored academies out). Only a predecessor GIAS links directly and the register holds as closed
    (or proposed to close) is followed, as the school's history follows it (evidence.history): an open one goes on
    being inspected as itself. A free school, which replaced no school, has none until its own."""
    schools = list(schools)
    latest = {school_id: (row, None) for school_id, row in _latest_rows((school.pk for school in schools), framework).items()}
    without = {school.urn: school.pk for school in schools if school.pk not in latest}
    if not without:
        return _summarised(latest)
    earlier = direct_predecessors(list(without))  # school's URN → its predecessors' URNs
    predecessors = dict(
        School.objects.filter(urn__in={urn for urns in earlier.values() for urn in urns})
        .exclude(status=SchoolStatus.OPEN)
        .values_list("urn", "pk")
    )
    theirs = _latest_rows(predecessors.values(), framework)
    for school_urn, urns in earlier.items():
        found = [(theirs[predecessors[urn]], urn) for urn in urns if predecessors.get(urn) in theirs]
        if found:
            # The latest inspection; of two on one day, the later school's (the higher URN), as evidence.graded's graded_as chooses.
            latest[without[school_urn]] = max(found, key=lambda pair: (pair[0].started_on, pair[1]))
    return _summarised(latest)


def _summarised(latest: dict) -> dict[int, LatestInspection]:
    """school id → (its latest inspection's row, the predecessor's URN where the row is a predecessor's it was followed to)
    summarised, with how the school opened (from the register) where the inspection was of the institution it directly
    replaced, whose category of concern ended then: where the school was inspected as its predecessor (the row's URN at
    inspection), its predecessor was followed, or the row, under the school's own URN, is dated before it opened; not
    where the followed predecessor was itself inspected as an earlier one, whose category ended before."""
    dated_before = {  # held under the school's own URN, but the inspection of the institution it replaced
        school_id
        for school_id, (row, followed) in latest.items()
        if not followed and not row.urn_at_inspection and before_opening(row.started_on, row.school_opened_on)
    }
    opened = {
        school_id: how_opened(row.school_opened_on, row.school_type_group)
        for school_id, (row, followed) in latest.items()
        if not followed and (row.urn_at_inspection or school_id in dated_before)
    }
    # A followed predecessor's row gives the predecessor's opening, not the school's: looked up where a category needs it.
    direct = {
        school_id
        for school_id, (row, followed) in latest.items()
        if followed and not row.urn_at_inspection and placed_in(row.overall, row.category_of_concern)
    }
    if direct:
        for pk, opened_on, type_group in School.objects.filter(pk__in=direct).values_list("pk", "opened_on", "type_group"):
            opened[pk] = how_opened(opened_on, type_group)
    return {
        school_id: summarise(row, followed, opened.get(school_id), dated_before_opening=school_id in dated_before)
        for school_id, (row, followed) in latest.items()
    }


def _order(inspection: Inspection) -> tuple:
    own = inspection.source != InspectionSource.REGISTER
    return inspection.started_on, own, SAYS_MOST.get(inspection.framework, -1), inspection.id


def summarise(
    inspection: Inspection, followed: int | None = None, opened: str | None = None, *, dated_before_opening: bool = False
) -> LatestInspection:
    """The inspection in a few words. `followed`: the URN of the predecessor whose inspection it is, shown for the school
    that replaced it (latest_for_schools); `opened`: how the school opened (how_opened), where the inspection was of the
    institution it directly replaced, whose category of concern ended then: a predecessor's (`followed`, or the URN
    inspected as), or one held under the school's own URN but dated before it opened; `dated_before_opening`: whether it is
    the latter (replaced.before_opening, with neither a URN inspected as nor `followed`), which `opened` must then say."""
    predecessor = inspection.urn_at_inspection or followed
    replaced = bool(predecessor) or dated_before_opening
    category = category_code(inspection.category_of_concern)
    safeguarding = "" if inspection.safeguarding == NOT_EVALUATED else inspection.safeguarding.lower()
    notes = []
    grade = counted_as = ""
    if inspection.framework == Framework.GRADED:
        grade = legacy_grade(inspection.overall) or ""
        outcome = describe_outcome(inspection.overall, inspection.category_of_concern)
        if inspection.overall.strip().lower() in NO_OVERALL_GRADE:
            outcome = "No overall grade"
        colour = GRADE_COLOURS.get(grade, "grey")
        counted_as = outcome
        if outcome.startswith("Inadequate:") and replaced:
            # The category was the predecessor's, not the school's: the tag gives the grade alone, a note whose it was.
            category, outcome = placed_in(inspection.overall, inspection.category_of_concern), LEGACY_GRADES[grade]
        elif outcome.startswith("Inadequate:"):
            category = ""  # already in the words: "Inadequate: special measures"
    elif inspection.framework == Framework.REPORT_CARD:
        outcome, colour = "Report card", "blue"
    else:
        # A row of latest_for_schools brings the outcome alone; an Inspection, all its evaluations.
        outcome = inspection.visit_outcome if hasattr(inspection, "visit_outcome") else inspection.judgements.get("Outcome")
        plain = ungraded_outcome(outcome)
        outcome = plain.words or "Ungraded inspection"
        # Yellow where inspectors found the school might not keep its grade ("Remains good, with concerns", "Some
        # aspects not as strong"): a warning, as yellow is for a school that requires improvement, and the words
        # on the tag say which. Not red, which is kept for a category of concern or safeguarding not met; not a
        # grade's colour otherwise, as an ungraded inspection gives none.
        colour = "yellow" if plain.concerns else "grey"
        if plain.meaning:
            notes.append(plain.meaning)
        # A visit is not always a routine ungraded inspection: one without formal designation is often prompted by concerns.
        if inspection.inspection_type.strip().lower() not in ("", "ungraded inspection"):
            notes.append(describe_type(inspection.inspection_type))
    if inspection.urn_at_inspection:
        # Before a conversion or re-brokering: not this school's own inspection.
        notes.append(f"Inspected as URN {inspection.urn_at_inspection} (a predecessor)")
    if dated_before_opening:
        notes.append(inspected_before_opening(opened))
    if followed and followed != inspection.urn_at_inspection:
        notes.insert(0, f"Inspected as URN {followed} (a predecessor)")
    if safeguarding:
        notes.append(f"Safeguarding standards {safeguarding}")
    if category and replaced:
        notes.append(predecessors_category(category, predecessor, opened))
    elif category:
        notes.append(f"Category of concern: {category_words(category)}")
    # Red, whatever the framework's words, where safeguarding was not met or the school was placed in a category: the
    # school itself, not a predecessor it replaced.
    if (category and not replaced) or safeguarding == "not met":
        colour = "red"
    return LatestInspection(
        on=inspection.started_on,
        framework=inspection.framework,
        outcome=outcome,
        colour=colour,
        grade=grade,
        predecessor=predecessor,
        notes=tuple(notes),
        counted_as=counted_as,
        before_opening=dated_before_opening,
        source=inspection.source,
        import_run_id=inspection.import_run_id,
    )
