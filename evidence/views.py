"""Pages: a school's results and data, its timeline and local intelligence; an authority's results."""

from collections import defaultdict
from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify

from accounts.access import scope_for
from audit.models import AuditAction
from audit.services import WHERE_IT_IS_ABOUT, Recorded, record, record_all, record_refusal
from core.jinja import gov_date
from core.next_page import safe_next, with_next
from core.paging import page_of
from core.refusals import Refused
from core.school_pages import confidential_school, may_open, visible_school
from core.words import isolated, listed
from imports.naming import ImportNames, import_names
from register.models import LocalAuthority, School
from register.presenters import links_of, openable

from . import exports
from .authority_intelligence import PAGE_SIZE as INTELLIGENCE_PAGE_SIZE
from .authority_intelligence import IntelligenceFilters, current_entries, excerpt
from .catalogue import GROUPS, PUPILS
from .charts import ENGLAND_COLOUR, LA_COLOUR, SCHOOL_COLOUR, Line
from .download_context import NOTES_HEADER, OUTCOMES_HEADER, download_notes, notes_sheet, outcome_rows, outcomes_sheet
from .forms import CorrectionForm, IntelligenceForm, WithdrawalForm, changed_fields, entry_answers
from .history import history, history_urns
from .models import Area, IntelligenceEntry, IntelligenceKind, Severity
from .outcomes import COUNTED_BY_PREDECESSOR, REPORT_CARD_COLUMNS, authority_outcomes, graded_notes
from .permissions import (
    changeable_among,
    changeable_entries,
    intelligence_readable,
    intelligence_schools,
    may_change_intelligence,
    may_read_withdrawn,
)
from .presenters import (
    SIXTEEN_PLUS,
    authority_series,
    ethnic_groups,
    gap_context,
    school_series,
    section_note,
    without_authority_figure,
)
from .series import display, missing_words
from .services import AlreadyWithdrawn, correct_intelligence, record_intelligence, withdraw_intelligence
from .timeline import correction_of, inspection_events, inspections_for, versions_of
from .timeline import school_timeline as timeline_events
from .trends import trends_of
from .years import years_text


def _confidential_school(request, urn) -> School:
    """404 unless the school's confidential records are the user's to see; 403 unless their role may use intelligence."""
    school = confidential_school(request, urn)
    if not may_open(request, school, "intelligence"):
        request.refused_object = school
        raise Refused("Local intelligence is for the authority's officers and administrators and the school's link adviser.")
    return school


def _school_context(request, school):
    return {"school": school, "may_use_intelligence": may_open(request, school, "intelligence")}


def _came_from(request, school) -> dict:
    """Where a form's Back and Cancel links go, and where it leads once saved: the page of this site the person came
    from (`next`, which the timeline's links give), else the school's local intelligence. `came_from`: that `next`, for
    the form to keep, or ""."""
    came_from = safe_next(request)
    return {"came_from": came_from, "back": came_from or reverse("evidence:school-intelligence", args=[school.urn])}


def _successors(request, school) -> dict:
    """The successors GIAS's links give the school, each with whether the viewer may open it, for the pages to say that
    what came after is under another URN; and whether the viewer may import the files that would add one not held."""
    successors = [link for link in links_of(school) if link.is_successor]
    return {"successors": openable(request.user, successors), "may_import": scope_for(request.user).is_la_admin}


# How the authority's and England's figures are drawn on every chart, set apart by their dashes and markers as well as colour.
AUTHORITY_STYLE = {"colour": LA_COLOUR, "dash": "8 4", "marker": "square"}
ENGLAND_STYLE = {"colour": ENGLAND_COLOUR, "dash": "3 3", "marker": "diamond"}


def _line(label: str, series, points, style: dict) -> Line:
    """A chart's line of `points` (one area's figures in `series`), drawn in `style`."""
    return Line(label, **style, **_figures(series, points))


def _figures(series, points) -> dict:
    """A line's figures (Line.points), and for each year it has none what the table says instead (Line.missing)."""
    return {"points": {y: p.value for y, p in points.items()}, "missing": {y: series.text(p) for y, p in points.items() if p.value is None}}


def _school_lines(series, la_name):
    lines = [_line("This school", series, series.school, {"colour": SCHOOL_COLOUR})]
    if _any_value(series.la):
        lines.append(_line(series.la_label(la_name), series, series.la, AUTHORITY_STYLE))
    if _any_value(series.england):
        lines.append(_line(series.england_label, series, series.england, ENGLAND_STYLE))
    return lines + _phase_points(series, la_name)


def _phase_points(series, la_name) -> list[Line]:
    """For a year England's figure is published only for each phase (EAL in 2018/19), the figures the school's table
    sets beside its own: England's for its phase and the authority's for the same phase. Each is drawn as outlined
    points of its own, named with their years in the key, never joined to the lines of all schools."""
    return [
        Line(f"{name}, {years_text(points)}", points, colour, marker=marker, hollow=True, joined=False)
        for name, points, colour, marker in _phase_figures(series, la_name)
    ]


def _phase_figures(series, la_name) -> list[tuple[str, dict[int, float | None], str, str]]:
    """(name, year → figure, colour, marker) for each of _phase_points: the authority's, then England's."""
    la: dict[str, dict[int, float | None]] = {}
    for year, point in series.la_phases.items():
        if note := series.la_phase_note(year):
            la.setdefault(f"{la_name} ({note})", {})[year] = point.value
    england: dict[str, dict[int, float | None]] = {}
    for year, phases in series.england_phases.items():
        for area, point in phases.items():
            england.setdefault(Area(area).label, {})[year] = point.value
    return [
        (name, points, style["colour"], style["marker"])
        for found, style in ((la, AUTHORITY_STYLE), (england, ENGLAND_STYLE))
        for name, points in found.items()
        if any(value is not None for value in points.values())
    ]


def _chart_title(series, first: str, la_name: str | None = None) -> str:
    """The chart's title names the lines it draws (an authority or England with no figure for any year has none):
    `first`, then the authority (`la_name`, if it is not `first`), then England; then any phase's points (_phase_points)."""
    authority = f", {series.la_label(la_name)}" if la_name and _any_value(series.la) else ""
    england = f" and {series.england_label}" if _any_value(series.england) else ""
    title = f"{series.measure.label}, by year: {first}{authority}{england}"
    phases = _phase_figures(series, la_name) if la_name else []
    if phases:
        title += f"; for {years_text(series.england_phases)}, " + listed([name for name, *_ in phases])
    return title


def _any_value(points) -> bool:
    return any(point.value is not None for point in points.values())


def school_results(request, urn):
    school = visible_school(request, urn)
    found = history(school)
    urns = found.urns
    la_name = school.la.name
    trends = trends_of(school_series(school, urns), lambda s: _school_lines(s, la_name), lambda s: _chart_title(s, "the school", la_name))
    groups = [(group, [t for t in trends if t.series.measure.group == group]) for group in GROUPS]
    context = {
        **_school_context(request, school),
        **_successors(request, school),
        "urns": urns,
        "predecessors": sorted(School.objects.filter(urn__in=urns[1:]), key=lambda earlier: urns.index(earlier.urn)),  # nearest first
        "still_open": School.objects.filter(urn__in=found.still_open).order_by("name"),
        "not_held": found.not_held,
        "groups": [(g, rows, section_note([t.series for t in rows])) for g, rows in groups if rows],
        "gaps": gap_context([t.series for t in trends], urns),
        "ethnicity": ethnic_groups(school.la.code, urns),
        "pupils_group": PUPILS,
        "inspections": inspection_events(school, inspections_for(urns)),
        "missing_words": missing_words([t.series for t in trends]),
        "display": display,
        "sixteen_to_nineteen": school.phase == SIXTEEN_PLUS,
        "not_a_school": NOT_SCHOOLS.get(school.type_group, ""),
    }
    return render(request, "evidence/school_results.html", context)


# The establishments GIAS lists that are not schools, for which no data set imported here gives figures or inspections
# (GIAS's type group → the establishment in words), so that their results page does not say none have come "yet".
NOT_SCHOOLS = {"Children's Centres": "a children’s centre", "Universities": "a university"}


def school_timeline(request, urn):
    school = visible_school(request, urn)
    context = _school_context(request, school)
    urns = history_urns(school)
    # The school's own intelligence, and what was recorded against its earlier URNs, each as far as the viewer may
    # read that school's (the permission is the earlier school's: its authority, or an adviser allocated to it).
    earlier = School.objects.filter(urn__in=urns[1:]).select_related("la")
    readable = [school] if context["may_use_intelligence"] else []
    readable += intelligence_readable(request.user, list(earlier))
    events = timeline_events(school, urns, intelligence_of=readable)
    shown_entries = [e.entry for e in events if e.confidential]
    shown = {entry.school_id for entry in shown_entries}
    if reads := [_intelligence_read(about, "timeline", on_timeline_of=school.urn) for about in readable if about.id in shown]:
        record_all(AuditAction.VIEW, reads, request=request)
    # Each entry the viewer may correct or withdraw, with its own school's URN (an earlier URN's, perhaps) for the links.
    urns_of = {s.id: s.urn for s in readable}
    ids = changeable_among(request.user, readable, shown_entries)
    changeable = {entry.pk: urns_of[entry.school_id] for entry in shown_entries if entry.pk in ids}
    context |= {
        "events": events,
        "changeable": changeable,
        # The timeline's links to add, correct or withdraw an entry lead back here (their forms' Back and Cancel).
        "back_here": urlencode({"next": request.get_full_path()}),
        "withdrawn_count": _withdrawn_count(request, school),
        **_successors(request, school),
    }
    return render(request, "evidence/school_timeline.html", context)


def _withdrawn_count(request, school) -> int:
    """How many of the school's entries are withdrawn, for those who may read them (0 for anyone else)."""
    if not may_read_withdrawn(request.user, school):
        return 0
    return IntelligenceEntry.objects.filter(school=school, withdrawn_at__isnull=False).count()


def _audit_read(request, school, page, **detail):
    """Record a read of the school's intelligence, as the list and the forms do."""
    record_all(AuditAction.VIEW, [_intelligence_read(school, page, **detail)], request=request)


def _intelligence_read(school, page: str, lies_in=WHERE_IT_IS_ABOUT, **detail) -> Recorded:
    """A read of the school's intelligence on `page` (one of INTELLIGENCE_PAGES, as the audit log words it), for
    record_all: one page's reads of several schools' (the timeline's earlier URNs, the authority's page) in one insert."""
    return Recorded(obj=school, object_type="evidence.intelligence", lies_in=lies_in, detail={"page": page, **detail})


def school_intelligence(request, urn):
    school = _confidential_school(request, urn)
    entries = list(IntelligenceEntry.objects.filter(school=school, withdrawn_at__isnull=True).prefetch_related("revisions"))
    _audit_read(request, school, "intelligence", entries=len(entries))
    context = {
        **_school_context(request, school),
        "entries": [(entry, versions_of(entry)) for entry in entries],
        "changeable": changeable_entries(request.user, school, entries),
        "withdrawn_count": _withdrawn_count(request, school),
    }
    return render(request, "evidence/intelligence_list.html", context)


def intelligence_withdrawn(request, urn):
    """The school's withdrawn entries: off the timeline, still the authority's record, so readable to its officers."""
    school = _confidential_school(request, urn)
    if not may_read_withdrawn(request.user, school):
        request.refused_object = school
        raise Refused("Withdrawn entries are for the authority's officers and administrators.")
    entries = list(IntelligenceEntry.objects.filter(school=school, withdrawn_at__isnull=False).prefetch_related("revisions"))
    _audit_read(request, school, "withdrawn", entries=len(entries))
    context = {**_school_context(request, school), "entries": [(entry, versions_of(entry)) for entry in entries]}
    return render(request, "evidence/intelligence_withdrawn.html", context)


def intelligence_new(request, urn):
    school = _confidential_school(request, urn)
    form = IntelligenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        record_intelligence(
            school,
            user=request.user,
            kind=data["kind"],
            severity=data["severity"],
            occurred_on=data["occurred_on"],
            summary=data["summary"],
            request=request,
        )
        messages.success(request, "Entry recorded")
        return redirect(_came_from(request, school)["back"])
    return _render_form(request, school, form)


def _render_form(request, school, form, **context):
    context = {
        **_school_context(request, school),
        **_came_from(request, school),
        "form": form,
        "kinds": IntelligenceKind.choices,
        "severities": Severity.choices,
        **context,
    }
    return render(request, "evidence/intelligence_form.html", context)


def _changeable_entry(request, urn, pk) -> IntelligenceEntry:
    """The school's entry that the user may correct or withdraw: 404 where the school or the entry is not theirs to see
    (as _confidential_school), 403 where they may read it but not change it, AlreadyWithdrawn where it is withdrawn."""
    school = _confidential_school(request, urn)
    entry = IntelligenceEntry.objects.filter(school=school, pk=pk).prefetch_related("revisions").first()
    if entry is None:
        # Another school's entry asked for through this one's address: as with a school, audited as refused where it lies.
        if elsewhere := IntelligenceEntry.objects.filter(pk=pk).select_related("school").first():
            record_refusal(request, elsewhere.school)
        raise Http404("No such entry.")
    entry.school = school
    if not may_change_intelligence(request.user, entry):
        request.refused_object = school
        raise Refused("An entry is corrected or withdrawn by whoever recorded it, or by the authority's officers.")
    if entry.withdrawn_at is not None:
        raise AlreadyWithdrawn(entry)
    return entry


def changes_an_entry(change: str):
    """A page that corrects or withdraws an entry: where the entry is withdrawn (by a colleague while the page was open,
    perhaps), back to the school's entries, saying so and, for a change sent, that it was not saved."""

    def decorate(view):
        @wraps(view)
        def changing(request, urn, pk):
            try:
                return view(request, urn, pk)
            except AlreadyWithdrawn as refused:
                entry, on = refused.entry, timezone.localtime(refused.entry.withdrawn_at)
                unsaved = f"Your {change} was not saved. " if request.method == "POST" else ""
                when = f"at {on:%H:%M} on {gov_date(on.date())}"
                # The name isolated: the banner's words are text, in which a name written right to left would reorder them.
                withdrawn = f"{isolated(entry.withdrawn_by_name)} withdrew this entry {when}: it can no longer be changed."
                messages.error(request, f"{unsaved}{withdrawn}")
                return redirect("evidence:school-intelligence", entry.school.urn)

        return changing

    return decorate


def _pending(entry) -> str:
    """The session's key for a correction of `entry` that is waiting to be checked."""
    return f"intelligence-correction-{entry.pk}"


CORRECTION_ANSWERS = ("kind", "severity", "day", "month", "year", "summary", "reason")


@changes_an_entry("correction")
def intelligence_correct(request, urn, pk):
    """The entry's answers, as recorded (or as last typed, coming back from the check page), to correct, and why."""
    entry = _changeable_entry(request, urn, pk)
    if request.method == "POST":
        form = CorrectionForm(request.POST, entry=entry)
        if form.is_valid():
            request.session[_pending(entry)] = {name: request.POST.get(name, "") for name in CORRECTION_ANSWERS}
            check = reverse("evidence:intelligence-correct-check", args=[entry.school.urn, entry.pk])
            return redirect(with_next(check, _came_from(request, entry.school)["came_from"]))
    else:
        typed = request.session.get(_pending(entry)) if "change" in request.GET else None
        # Answers coming back from the check page are checked again: the entry may have changed since they were typed.
        form = CorrectionForm(typed, entry=entry) if typed else CorrectionForm(initial=entry_answers(entry), entry=entry)
    _audit_read(request, entry.school, "correct", entry=entry.pk)  # the page shows the entry, sent back with errors too
    return _render_form(request, entry.school, form, entry=entry, correction=correction_of(entry))


@changes_an_entry("correction")
def intelligence_correct_check(request, urn, pk):
    """Check the correction, each changed answer before and after, then save it. The answers wait in the session."""
    entry = _changeable_entry(request, urn, pk)
    answers = request.session.get(_pending(entry))
    form = CorrectionForm(answers, entry=entry) if answers else None
    if form is None:  # nothing typed yet
        return redirect("evidence:intelligence-correct", entry.school.urn, entry.pk)
    came_from = _came_from(request, entry.school)
    change = with_next(reverse("evidence:intelligence-correct", args=[entry.school.urn, entry.pk]), came_from["came_from"], "change")
    if not form.is_valid():  # the entry has changed since: back to the answers as typed, saying why they will not do
        return redirect(change)
    data = form.cleaned_data
    if request.method == "POST":
        correct_intelligence(
            entry,
            user=request.user,
            kind=data["kind"],
            severity=data["severity"],
            occurred_on=data["occurred_on"],
            summary=data["summary"],
            reason=data["reason"],
            request=request,
        )
        del request.session[_pending(entry)]
        messages.success(request, "Entry corrected")
        return redirect(came_from["back"])
    _audit_read(request, entry.school, "correct-check", entry=entry.pk)
    changes = [_change_row(name, entry, data) for name in changed_fields(entry, data)]
    context = {
        **_school_context(request, entry.school),
        **came_from,
        "change": change,
        "entry": entry,
        "changes": changes,
        "reason": data["reason"].strip(),
    }
    return render(request, "evidence/intelligence_check.html", context)


CHANGED_NAMES = {"kind": "Kind", "severity": "Severity", "occurred_on": "Date it happened", "summary": "Summary"}
# Where each answer's "Change" link lands on the form: its first field, as the form's error summary links to it.
FIELD_IDS = {"kind": "kind", "severity": "severity", "occurred_on": "occurred-day", "summary": "summary"}


def _change_row(name, entry, data) -> tuple[str, str, str, str]:
    """(what, before, after, the form field's id) for one corrected answer, each as the pages write it."""
    words = {
        "kind": lambda value: IntelligenceKind(value).label,
        "severity": lambda value: Severity(value).label,
        "occurred_on": gov_date,
        "summary": lambda value: value.strip(),
    }[name]
    return CHANGED_NAMES[name], words(getattr(entry, name)), words(data[name]), FIELD_IDS[name]


@changes_an_entry("withdrawal")
def intelligence_withdraw(request, urn, pk):
    """Confirm the withdrawal of an entry, and why: it leaves the timeline, and stays in the authority's record."""
    entry = _changeable_entry(request, urn, pk)
    form = WithdrawalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        withdraw_intelligence(entry, user=request.user, reason=form.cleaned_data["reason"], request=request)
        messages.success(request, "Entry withdrawn")
        return redirect(_came_from(request, entry.school)["back"])
    _audit_read(request, entry.school, "withdraw", entry=entry.pk)  # the page shows the entry, sent back with errors too
    context = {
        **_school_context(request, entry.school),
        **_came_from(request, entry.school),
        "entry": entry,
        "form": form,
        "versions": versions_of(entry),
    }
    return render(request, "evidence/intelligence_withdraw.html", context)


def _visible_authority(request, code) -> LocalAuthority:
    return get_object_or_404(LocalAuthority.objects.visible_to(request.user), code=code)


def authority_results(request, code):
    authority = _visible_authority(request, code)
    schools = School.objects.visible_to(request.user).filter(la=authority).open()
    context = _authority_figures(authority, schools, import_names(request), may_import=scope_for(request.user).is_la_admin)
    return render(request, "evidence/authority_results.html", context)


def authority_intelligence(request, code):
    """The current local intelligence of every school of the authority whose intelligence the reader may read (an
    officer's or administrator's, all its schools; a link adviser's, their own), newest first: what a review meeting
    starts from. 404 for an authority whose register is not theirs to browse, as its other pages; 403 for one where
    they read no school's intelligence."""
    authority = _visible_authority(request, code)
    school_ids = intelligence_schools(request.user, authority)
    if not school_ids:
        request.refused_object = authority
        raise Refused("Local intelligence is for the authority's officers and administrators and each school's link adviser.")
    filters = IntelligenceFilters.from_query(request.GET)
    entries = [] if filters.errors else filters.apply(current_entries(school_ids))
    page = page_of(entries, INTELLIGENCE_PAGE_SIZE, request.GET.get("page"))
    _audit_authority_read(request, authority, page, filters)
    context = {
        "authority": authority,
        "page": page,
        "excerpts": {entry.pk: excerpt(entry.summary) for entry in page.object_list},
        "filters": filters,
        "errors": filters.errors,
        "kinds": IntelligenceKind.choices,
        "severities": Severity.choices,
        "whole_authority": _reads_as_authority(request, authority),
    }
    return render(request, "evidence/authority_intelligence.html", context)


def _audit_authority_read(request, authority, page, filters) -> None:
    """Record a reading of the authority's intelligence page: one event about the page (the authority), with the page,
    the count, the filters asked for and whose entries it showed, and one about each school whose entries it showed,
    as a read of the school's own page is recorded, with those entries, so that the audit log finds who read a school's
    intelligence by the school (its URN or name) whichever page they read it on, from the indexes it reads any record
    by. Each lies where the school does, its authority (register.apps.school_place), known here without asking again.
    All in one insert, however many schools the page shows (at most a page of entries)."""
    shown = defaultdict(list)
    for entry in page.object_list:
        shown[entry.school].append(entry.pk)
    about_the_page = Recorded(
        obj=authority,
        object_type="evidence.authorityintelligence",
        detail={
            "page": page.number,
            "entries": page.paginator.count,
            "schools": sorted(school.urn for school in shown),
            "shown": [entry.pk for entry in page.object_list],
            **filters.asked(),
        },
    )
    about_each_school = [
        _intelligence_read(school, "authority-intelligence", lies_in={school.la_id}, shown=entries)
        for school, entries in sorted(shown.items(), key=lambda item: item[0].urn)
    ]
    record_all(AuditAction.VIEW, [about_the_page, *about_each_school], request=request)


def _reads_as_authority(request, authority) -> bool:
    """Whether the reader reads the authority's intelligence as one of its officers or administrators (or the service's),
    rather than as a link adviser to some of its schools: the page says whose entries it lists."""
    scope = scope_for(request.user)
    return scope.everything or authority.pk in scope.authority_ids


def statistics_index(request):
    """Published aggregate statistics, open to anyone: the authorities whose schools the register holds."""
    authorities = LocalAuthority.objects.filter(schools__isnull=False).distinct().order_by("name")
    return render(request, "evidence/statistics_index.html", {"authorities": authorities})


def authority_statistics(request, code):
    """An authority's published aggregate statistics, open to anyone: its own and England's figures, and its open
    schools counted by inspection outcome; no school's figures, which a signed-in user's pages and downloads give."""
    authority = _published_authority(code)
    schools = School.objects.filter(la=authority).open()
    context = _authority_figures(authority, schools, import_names(request))
    # A signed-in reader whose roles open the authority's results page is led to it, where each school's figures are.
    context["results_open"] = LocalAuthority.objects.visible_to(request.user).filter(pk=authority.pk).exists()
    return render(request, "evidence/authority_statistics.html", context)


def _published_authority(code) -> LocalAuthority:
    """An authority whose statistics are published: one the register holds schools of."""
    return get_object_or_404(LocalAuthority.objects.filter(schools__isnull=False).distinct(), code=code)


def _authority_figures(authority, schools, names: ImportNames, *, may_import: bool = False) -> dict:
    """What an authority's results page and its public statistics show: its own and England's figures over time, and
    `schools` (its open schools) by inspection outcome, with the imports named for the reader (`names`); `may_import`:
    whether the reader may import files, to be told which would count schools the register lacks."""
    series_list = authority_series(authority.code)

    def lines_for(series):
        lines = [_line(authority.name, series, series.la, AUTHORITY_STYLE)]
        if _any_value(series.england):
            lines.append(_line("England", series, series.england, ENGLAND_STYLE))
        return lines

    def notes_for(series):
        """England's figures for a year it gives only phase by phase are in the table, not on the chart: none is like for like
        with the authority's for all its schools, and a special schools' figure (98% with EHC plans) would flatten the rest."""
        if not series.england_phases:
            return []
        years = years_text(series.england_phases)
        return [
            f"The chart draws no figure for England for {years}: England's is published for each phase of school only,"
            f" and none of those is like for like with {authority.name}'s for all its schools. The table below gives each phase's."
        ]

    trends = trends_of(series_list, lines_for, lambda s: _chart_title(s, authority.name), notes_for)
    outcomes = authority_outcomes(schools, names)
    return {
        "authority": authority,
        "school_count": schools.count(),
        "state_funded_count": outcomes.state_funded_count,
        "graded": outcomes.graded,
        "counted_by_predecessor": COUNTED_BY_PREDECESSOR,
        "graded_notes": graded_notes(outcomes, may_import),
        "report_cards": outcomes.report_cards,
        "report_card_scale": REPORT_CARD_COLUMNS,
        "trends": trends,
        "without_figure": without_authority_figure(authority.code, series_list),
        "missing_words": missing_words(series_list, school_column=False),
        "ethnicity": ethnic_groups(authority.code),
        "display": display,
    }


def authority_results_download(request, code, fmt):
    authority = _visible_authority(request, code)
    schools = School.objects.visible_to(request.user).filter(la=authority)
    series_list = authority_series(authority.code)
    areas = exports.area_figures(authority, series_list)
    rows = exports.authority_rows(areas, schools)
    record(AuditAction.EXPORT, request=request, obj=authority, format=fmt)
    name = f"{slugify(authority.name)}-results"  # "Bristol, City of": bristol-city-of-results
    if fmt == "xlsx":
        # Beside the figures, what the page says beside them: the notes on them, and the schools' inspection outcomes.
        outcomes = authority_outcomes(schools.open(), import_names(request))
        notes = notes_sheet(download_notes(authority, schools, series_list, areas, outcomes))
        sheets = [notes, outcomes_sheet(outcomes)]
        return _attachment(exports.as_xlsx(rows, f"{authority.name} results", sheets), XLSX, f"{name}.xlsx")
    return _attachment(exports.as_csv(rows), CSV, f"{name}.csv")


def authority_table_csv(request, code, table):
    """As CSV, a table of the results page that the figures' CSV, one table, leaves out: the notes on its figures ("notes":
    how the inspection outcomes are counted, breaks between years, measures without an authority figure), or the open
    state-funded schools by inspection outcome."""
    authority = _visible_authority(request, code)
    schools = School.objects.visible_to(request.user).filter(la=authority)
    record(AuditAction.EXPORT, request=request, obj=authority, format="csv", table=table)
    return _table_csv(authority, table, schools, schools.open(), "results-notes", import_names(request))


def authority_statistics_download(request, code, fmt):
    """An authority's published statistics as a file, open to anyone, as its statistics page gives them: its own and
    England's figures, year by year, with their sources, and no school's; the XLSX with the notes on them and its open
    schools counted by inspection outcome, each on a sheet of its own."""
    authority = _published_authority(code)
    series_list = authority_series(authority.code)
    areas = exports.area_figures(authority, series_list)
    rows, name = exports.public_rows(areas), f"{slugify(authority.name)}-statistics"
    if fmt == "xlsx":
        outcomes = authority_outcomes(School.objects.filter(la=authority).open(), import_names(request))
        sheets = [notes_sheet(download_notes(authority, None, series_list, areas, outcomes)), outcomes_sheet(outcomes)]
        book = exports.as_xlsx(rows, f"{authority.name} statistics", sheets, exports.PUBLIC_HEADER, exports.PUBLIC_WIDTHS)
        return _attachment(book, XLSX, f"{name}.xlsx")
    return _attachment(exports.as_csv(rows, exports.PUBLIC_HEADER), CSV, f"{name}.csv")


def statistics_table_csv(request, code, table):
    """As CSV, the notes on an authority's published statistics or its open schools counted by inspection outcome, open to
    anyone, as authority_table_csv gives them from the results page but with no word of any school's figures."""
    authority = _published_authority(code)
    return _table_csv(authority, table, None, School.objects.filter(la=authority).open(), "statistics-notes", import_names(request))


def _table_csv(authority, table: str, schools, open_schools, notes_name: str, names: ImportNames) -> HttpResponse:
    """The notes ("notes") on the figures of the authority's and England's and of `schools` (None: of no school), or
    `open_schools` counted by inspection outcome, as a CSV file; the imports they came from named for the reader (`names`),
    as the page names them."""
    if table == "notes":
        series_list = authority_series(authority.code)
        areas, outcomes = exports.area_figures(authority, series_list), authority_outcomes(open_schools, names)
        body = exports.as_csv(download_notes(authority, schools, series_list, areas, outcomes), NOTES_HEADER)
        name = notes_name
    else:
        body = exports.as_csv(outcome_rows(authority_outcomes(open_schools, names)), OUTCOMES_HEADER)
        name = "inspection-outcomes"
    return _attachment(body, CSV, f"{slugify(authority.name)}-{name}.csv")


CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(body: bytes, content_type: str, file_name: str) -> HttpResponse:
    """`file_name` with the day it is downloaded (surrey-results-2026-12-07.csv): files downloaded on different days,
    whose figures may differ, do not overwrite each other."""
    stem, extension = file_name.rsplit(".", 1)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}-{timezone.localdate().isoformat()}.{extension}"'
    return response
