"""A school's timeline: inspections (both frameworks, across its URNs), register changes and, for
those allowed (evidence/permissions.py), local intelligence. Newest first."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils.html import format_html

from core.jinja import gov_date
from core.words import as_sentence
from register.models import RegisterEvent, RegisterEventKind

from .history import direct_predecessors
from .models import Framework, Inspection, InspectionSource, IntelligenceEntry, Severity
from .ofsted_words import CATEGORIES, category_code, describe_grade, describe_type, in_published_order, ungraded_outcome
from .replaced import before_opening, how_opened, inspected_before_opening, predecessors_category

SEVERITY_COLOURS = {Severity.HIGH: "red", Severity.MEDIUM: "orange", Severity.LOW: "grey"}


@dataclass
class Event:
    on: date
    kind: str  # inspection, register, intelligence
    title: str
    lines: list[str] = field(default_factory=list)
    tag: str = ""
    tag_colour: str = "grey"
    source: str = ""
    confidential: bool = False
    when: str = ""  # the heading's date where `on` is not exact: "Between 6 November 2023 and 1 September 2024"
    earlier: list["Version"] = field(default_factory=list)  # a corrected intelligence entry's earlier versions, oldest first
    # The intelligence entry the event shows, recorded against the school or one of its earlier URNs (its school_id).
    entry: IntelligenceEntry | None = None


@dataclass
class Version:
    """One earlier version of a corrected intelligence entry: what it said, who wrote it and what replaced it."""

    written: str  # "Recorded by A on 1 March 2025", or "Corrected by B on 2 March 2025"
    lines: list[str]
    replaced: str  # "Corrected on 3 March 2025 by C: the date was wrong"


def corrected_line(revision) -> str:
    """'Corrected on D by N: why.', ending with one full stop whether or not the reason as typed ends with one. The name
    and the reason are isolated (<bdi>), as every name and words typed or given by a file on the timeline are: written
    right to left, they would reorder the words around them."""
    reason = revision.reason.rstrip()
    stop = as_sentence(reason)[len(reason) :]
    return format_html(
        "Corrected on {} by <bdi>{}</bdi>: <bdi>{}</bdi>{}", gov_date(revision.changed_at), revision.changed_by_name, reason, stop
    )


def correction_of(entry) -> str:
    """'Corrected on D by N: why.' for an entry's latest correction, or "" if it has none (its revisions prefetched)."""
    revisions = list(entry.revisions.all())
    return corrected_line(revisions[-1]) if revisions else ""


def versions_of(entry) -> list[Version]:
    """The entry's earlier versions, oldest first. Each was written by whoever recorded the entry or made the correction
    before, and replaced by its revision's correction (the entry's revisions prefetched, oldest first)."""
    versions = []
    written = format_html("Recorded by <bdi>{}</bdi> on {}", entry.recorded_by_name, gov_date(entry.recorded_at))
    for revision in entry.revisions.all():
        lines = [
            f"{revision.get_kind_display()}, {revision.get_severity_display().lower()} severity, on {gov_date(revision.occurred_on)}",
            *revision.summary.splitlines(),
        ]
        versions.append(Version(written, lines, corrected_line(revision)))
        written = format_html("Corrected by <bdi>{}</bdi> on {}", revision.changed_by_name, gov_date(revision.changed_at))
    return versions


def inspections_for(urns: list[int]) -> list[Inspection]:
    """The history's inspections, one per (framework, start date), the current school's record first."""
    rank = {urn: i for i, urn in enumerate(urns)}
    held = Inspection.objects.filter(school__urn__in=urns).select_related("school", "import_run")
    found = sorted(held.prefetch_related("changes__import_run"), key=lambda i: rank[i.school.urn])
    kept = {}
    for inspection in found:
        kept.setdefault((inspection.framework, inspection.started_on), inspection)
    return sorted(kept.values(), key=lambda i: i.started_on, reverse=True)


# Beside an inspection's title, which often names its type already ("Graded inspection").
FRAMEWORK_TAGS = {Framework.GRADED: "Graded, before report cards", Framework.UNGRADED: "Ungraded", Framework.REPORT_CARD: "Report card"}


def judgement_lines(inspection: Inspection) -> list[str]:
    """What the inspection judged, area by area: a grade with its words, an ungraded inspection's outcome in
    plain words and what it means, a report card's words as published."""
    lines = []
    for area, words in in_published_order(inspection.judgements):
        if inspection.framework == Framework.UNGRADED and area == "Outcome":
            plain = ungraded_outcome(words)
            lines.append(f"Outcome: {plain.words}")
            if plain.meaning:
                lines.append(plain.meaning)
        else:
            lines.append(f"{area}: {describe_grade(words) if inspection.framework == Framework.GRADED else words}")
    return lines


def inspection_events(school, inspections: list[Inspection]) -> list[Event]:
    """The events of the school's inspections (inspections_for), a predecessor's category of concern said to be the predecessor's."""
    ended = categories_ended_on_opening(school, inspections)
    return [inspection_event(inspection, school, inspection.pk in ended) for inspection in inspections]


def urn_inspected_as(inspection: Inspection) -> int:
    return inspection.urn_at_inspection or inspection.school.urn


def is_predecessors(inspection: Inspection, school) -> bool:
    """Whether the inspection was of an institution the school replaced: inspected as another URN, or held under the
    school's own but dated before it opened (evidence.replaced)."""
    return urn_inspected_as(inspection) != school.urn or before_opening(inspection.started_on, school.opened_on)


def categories_ended_on_opening(school, inspections: list[Inspection]) -> set[int]:
    """The ids of the inspections of a direct predecessor (GIAS's link, Ofsted's URN at inspection, or the school's own
    URN before it opened) that placed it in a category of concern no later judgement of it (graded, or a report card)
    replaced: the category lasted until the predecessor closed, and ended as the school opened in its place. Newest
    first, as inspections_for gives them."""
    theirs = [inspection for inspection in inspections if is_predecessors(inspection, school)]
    if not any(inspection.category_of_concern for inspection in theirs):
        return set()
    direct = set(direct_predecessors([school.urn]).get(school.urn, {}))
    ended, judged = set(), set()
    for inspection in theirs:
        urn = urn_inspected_as(inspection)
        if inspection.category_of_concern and urn not in judged and (urn in direct or inspection.school_id == school.pk):
            ended.add(inspection.pk)
        if inspection.framework != Framework.UNGRADED:
            judged.add(urn)
    return ended


def inspection_event(inspection: Inspection, school, category_ended: bool = False) -> Event:
    """The inspection on the school's timeline. `category_ended`: a category of concern this inspection placed a predecessor
    in lasted until the school opened (categories_ended_on_opening)."""
    lines = []
    if inspection.framework == Framework.GRADED and inspection.overall:
        lines.append(f"Overall effectiveness: {describe_grade(inspection.overall)}")
    lines.extend(judgement_lines(inspection))
    if inspection.safeguarding:
        lines.append(f"Safeguarding standards: {inspection.safeguarding}")
    urn = urn_inspected_as(inspection)
    category = category_code(inspection.category_of_concern)
    opened = how_opened(school.opened_on, school.type_group)
    if urn != school.urn:
        lines.append(f"Inspected as URN {urn} (a predecessor)")
    elif before_opening(inspection.started_on, school.opened_on):
        lines.append(inspected_before_opening(opened))
    elif category:
        named = f"{CATEGORIES[category]} ({category})" if category in CATEGORIES else category
        lines.append(f"Category of concern: {named}")
    if category and is_predecessors(inspection, school):
        # The predecessor's, not the school's: no category passes to the school that replaced it.
        lines.append(predecessors_category(category, urn if urn != school.urn else None, opened if category_ended else None))
    # What a later Ofsted file corrected in this record, oldest correction first. The file's name and the value are
    # isolated (<bdi>): written right to left, they would reorder the words around them.
    lines.extend(
        format_html(
            "Corrected by <bdi>{}</bdi> ({}): {} was “<bdi>{}</bdi>”",
            change.import_run.file_name,
            gov_date(change.import_run.started_at),
            change.field,
            change.old_value,
        )
        for change in sorted(inspection.changes.all(), key=lambda c: c.pk)
    )
    judged = inspection.framework != Framework.UNGRADED  # graded, or a report card: not a visit that evaluated nothing
    if inspection.source == InspectionSource.REGISTER:
        # GIAS gives a school's rating with the date of its latest inspection, which may have been an ungraded one
        # (a good school's short inspection) that left the rating as it was. (An Ofsted file that says otherwise of
        # the inspection makes it that file's.)
        title = "Ofsted rating in the register"
        whose = "the institution this school replaced" if is_predecessors(inspection, school) else "the school"
        lines.append(f"Dated by the latest inspection of {whose}, which may have been an ungraded one that left the rating as it was.")
    elif inspection.inspection_type:
        title = f"Ofsted: {describe_type(inspection.inspection_type, judged=judged)}"
    else:
        title = "Ofsted inspection"
    return Event(
        on=inspection.started_on,
        kind="inspection",
        title=title,
        lines=lines,
        tag=FRAMEWORK_TAGS[inspection.framework],
        tag_colour="blue" if inspection.framework == Framework.REPORT_CARD else "grey",
        source=format_html("{}: <bdi>{}</bdi>", inspection.get_source_display(), inspection.import_run.file_name),
    )


def school_timeline(school, urns: list[int], *, intelligence_of: Iterable = ()) -> list[Event]:
    """The school's inspections and register changes across its URNs (`urns`), and the local intelligence
    recorded against the schools of `intelligence_of` (those among the school and its earlier URNs whose
    intelligence the viewer may read), as last corrected, with the versions it replaced; a withdrawn entry is not
    among them."""
    inspections = inspections_for(urns)
    events = inspection_events(school, inspections)
    events += _register_events(school, urns, inspections, {event.on: event for event in events})
    events += _intelligence_events(school, intelligence_of)
    # Of a day's events, those that happened on it come before those placed on it for want of a date, which happened
    # between the register's two extracts, so not later.
    return sorted(events, key=lambda e: (e.on, not e.when), reverse=True)


def _register_events(school, urns: list[int], inspections: list[Inspection], inspected: dict) -> list[Event]:
    """The register's changes to the school across its URNs, as events; a change of its Ofsted rating on the day of an
    inspection on the timeline (`inspected`: day → that inspection's event) is told there instead."""
    events = []
    # The imports that corrected each day's inspections: a register extract re-rating an inspection says so there.
    corrected_by = {}
    for inspection in inspections:
        corrected_by.setdefault(inspection.started_on, set()).update(c.import_run_id for c in inspection.changes.all())
    for change in RegisterEvent.objects.filter(school__urn__in=urns).select_related("import_run", "school"):
        if change.kind == RegisterEventKind.OFSTED_CHANGED and change.occurred_on in inspected:
            # The inspection that changed the register's rating is on the timeline already, with its outcome:
            # it says what the rating was before (unless its correction by the same extract says so), rather than
            # the change being told twice.
            if change.old_value and change.import_run_id not in corrected_by[change.occurred_on]:
                inspected[change.occurred_on].lines.append(format_html("The register's rating before: <bdi>{}</bdi>", change.old_value))
            continue
        # Where the register does not date a change, it is placed when the register recorded it, and headed with what
        # is known: between the two entries, or on or before the later. An earlier URN's change says whose it was.
        lines = [change.change_html, "The register does not say exactly when."] if change.on_or_before else [change.change_html]
        if change.school_id != school.id:
            lines.insert(0, format_html("<bdi>{}</bdi> (URN {}), a predecessor of this school", change.school.name, change.school.urn))
        events.append(
            Event(
                change.occurred_on,
                "register",
                change.get_kind_display(),
                lines,
                "Register",
                "grey",
                format_html("<bdi>{}</bdi>", change.import_run.file_name),
                when=change.when if change.on_or_before else "",
            )
        )
    return events


def _intelligence_events(school, intelligence_of: Iterable) -> list[Event]:
    """The local intelligence recorded against the schools of `intelligence_of`, as last corrected, with the versions it
    replaced; not a withdrawn entry."""
    if not intelligence_of:
        return []
    events = []
    entries = IntelligenceEntry.objects.filter(school__in=intelligence_of, withdrawn_at__isnull=True)
    for entry in entries.select_related("school").prefetch_related("revisions"):
        recorded = format_html("Recorded by <bdi>{}</bdi> on {}", entry.recorded_by_name, gov_date(entry.recorded_at))
        if entry.school_id != school.id:
            about = format_html(", about <bdi>{}</bdi> (URN {}), this school's earlier URN", entry.school.name, entry.school.urn)
            recorded = format_html("{}{}", recorded, about)
        corrected = correction_of(entry)
        events.append(
            Event(
                entry.occurred_on,
                "intelligence",
                entry.get_kind_display(),
                [*entry.summary.splitlines(), recorded, *([corrected] if corrected else [])],
                f"{entry.get_severity_display()} severity",
                SEVERITY_COLOURS[entry.severity],
                "Local intelligence",
                confidential=True,
                earlier=versions_of(entry),
                entry=entry,
            )
        )
    return events
