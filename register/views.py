from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Sum
from django.db.models.functions import Lower
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from accounts.access import scope_for
from accounts.models import RoleAssignment
from audit.services import audited_view
from core.paging import page_of, page_of_ids
from core.school_pages import confidential_school, visible_school
from evidence.graded import GRADED_CHOICES
from evidence.latest import latest_for_schools
from evidence.models import Framework, Observation
from evidence.outcomes import COUNTED_BY_PREDECESSOR, authority_outcomes, graded_notes
from evidence.permissions import intelligence_schools
from imports.naming import import_names

from . import maps
from .filter_notes import trust_match, unlisted_authority, unlisted_school_value
from .models import (
    ACADEMY_TRUST_KINDS,
    OPEN_STATUSES,
    TRUST_KINDS,
    Group,
    GroupKind,
    GroupMembership,
    LocalAuthority,
    RegisterEvent,
    School,
    SchoolStatus,
)
from .presenters import SORTS, STATUSES, SchoolFilters, group_search, links_of, openable, own_schools_hint, state_funded, successor_notice

PAGE_SIZE = 50
# The most trusts the school list's filter lists: where its schools are in more (a national administrator's, in some
# 2,700), the form asks for the trust's name, since a list of them all made the page some 330 KB to read through.
TRUSTS_LISTED = 200


def school_list(request):
    visible = School.objects.visible_to(request.user)
    scope = scope_for(request.user)
    own_schools = School.objects.particular_to(request.user) if scope.has_particular_schools else None
    filters = SchoolFilters.from_query(request.GET, own_schools)
    options = _filter_options(visible, filters.la)
    # A link's phase or type in another case ("?phase=primary") takes the option it is: the schools' words as GIAS
    # writes them, which the list filters by and the drop-down shows chosen.
    filters.phase = as_listed(filters.phase, options["phases"])
    filters.type_name = as_listed(filters.type_name, options["types"])
    schools = filters.apply(visible)
    if filters.ofsted:
        # Each school's latest graded inspection is worked out once, reading the ids of the schools the filter keeps, which
        # give the count and the page: counted in one query and read in another, the list worked it out twice (the country's
        # list took some 1.6 times as long).
        page = page_of_ids(schools, PAGE_SIZE, request.GET.get("page"), visible.select_related("la"))
    else:
        page = page_of(schools.select_related("la"), PAGE_SIZE, request.GET.get("page"))
    options["own_schools_hint"] = own_schools_hint(scope) if own_schools is not None else ""
    hidden = filters.hidden_by_status(visible)
    context = {"page": page, "filters": filters, "hidden": hidden, "options": options, "sorts": SORTS, "statuses": STATUSES}
    context |= _unlisted_choices(filters, options, visible)
    context["inspections"] = latest_for_schools(page.object_list)
    return render(request, "register/school_list.html", context)


def as_listed(value: str, listed: list[str]) -> str:
    """The drop-down's option that `value` is, whatever the case of its letters; `value` itself where none is."""
    folded = value.casefold()
    return next((option for option in listed if option.casefold() == folded), value)


def _unlisted_choices(filters, options, visible) -> dict:
    """The trust, the authority, the phase and the type the form shows chosen where a link's (or the text box's) value
    is none of the drop-down's options, and what the results summary says of the trusts a value matched
    (register.filter_notes). None is shown as written, as if it were a trust's, an authority's, a phase's or a type's name."""
    found = {"trust_chosen": filters.trust, "trust_unlisted": None, "trust_match": "", "la_unlisted": None}
    for field, chosen, values in (("phase", filters.phase, options["phases"]), ("type_name", filters.type_name, options["types"])):
        found[f"{field}_unlisted"] = (chosen, unlisted_school_value(field, chosen)) if chosen and chosen not in values else None
    trusts = options["trusts"]
    if filters.trust and (trusts is None or filters.trust not in {str(uid) for uid, _ in trusts}):
        match = trust_match(filters, visible)
        if trusts is not None and match.here == 1 and match.uids[0] in {uid for uid, _ in trusts}:
            # A name that finds one trust listed takes that trust's schools: shown as that trust chosen. (A group's UID
            # finds it whatever its kind, and the drop-down lists trusts only: a federation's is not among them.)
            found["trust_chosen"] = str(match.uids[0])
        else:
            found |= {"trust_unlisted": (filters.trust, match.option), "trust_match": match.words}
    if filters.la and filters.la not in {str(code) for code, _ in options["las"]}:
        found["la_unlisted"] = (filters.la, unlisted_authority(filters.la))
    return found


def _filter_options(visible, chosen_la: str = ""):
    values = lambda field: [v for v in visible.order_by(field).values_list(field, flat=True).distinct() if v]  # noqa: E731
    # The groups are found from the visible schools' memberships: filtering groups through the
    # memberships join instead makes the database check every group of the country in turn.
    current = GroupMembership.objects.current().filter(school__in=visible).values("group_id")
    trusts = Group.objects.filter(kind__in=TRUST_KINDS, id__in=current).order_by(Lower("name"), "uid").values_list("uid", "name")
    trusts = list(trusts[: TRUSTS_LISTED + 1])
    # Whether each authority has a visible school, not every visible school's authority: the country's are many.
    has_visible = Exists(visible.filter(la=OuterRef("pk")))
    las = list(LocalAuthority.objects.filter(has_visible).order_by("name").values_list("code", "name"))
    return {
        "phases": values("phase"),
        "types": values("type_name"),
        "ofsted": list(GRADED_CHOICES.items()),
        "trusts": trusts if len(trusts) <= TRUSTS_LISTED else None,
        # Where the reader's schools are in one authority, no choice; unless a link chose one (another, perhaps).
        "las": las if len(las) > 1 or chosen_la else [],
    }


def school_detail(request, urn):
    school = visible_school(request, urn)
    links = links_of(school)
    memberships = GroupMembership.objects.filter(school=school).select_related("group").order_by("left_on", "-joined_on")
    latest = latest_for_schools([school]).get(school.pk)
    context = {
        "school": school,
        "links": openable(request.user, links),
        "successor_notice": successor_notice(school, links),
        "memberships": memberships,
        "events": school.events.select_related("import_run")[:20],
        "latest": latest,
        # The last graded inspection, beside a later one of another kind (a report card, an ungraded visit).
        "graded": None
        if latest is None or latest.framework == Framework.GRADED
        else latest_for_schools([school], Framework.GRADED).get(school.pk),
        "map_svg": maps.locator_svg(school),
        # Where the register's extract gives no pupils or free school meals figure (a school that opened after its
        # census), which of the two a census imported since gives on the results page.
        "census_in_results": set(
            Observation.objects.filter(school=school, measure__code__in=["pupils", "fsm_pct"], value__isnull=False)
            .values_list("measure__code", flat=True)
            .distinct()
        )
        if school.pupils is None or school.fsm_percent is None
        else set(),
    }
    return render(request, "register/school_detail.html", context)


@audited_view("register.school")
def school_people(request, urn):
    """Who holds a role for this school: confidential to the school, its trust and the LA."""
    school = confidential_school(request, urn)
    trust_ids = GroupMembership.objects.current().filter(school=school).values("group_id")
    current = RoleAssignment.objects.current()
    for_school = Q(school=school) | Q(group_id__in=trust_ids)
    # The school's own people: a role for the school, its trust or its authority.
    insiders = current.filter(for_school | Q(authority_id=school.la_id))
    assignments = (
        current.filter(for_school | Q(body__schools=school))
        .select_related("user", "group", "body")
        .annotate(insider=Exists(insiders.filter(user_id=OuterRef("user_id"))))
        .order_by("role", "user__full_name")
        .distinct()
    )
    scope = scope_for(request.user)
    # Partnership bodies draw members from outside (other schools, unions, parents): their email addresses
    # are for the LA to see, not for the school's staff and governors.
    la_sees = scope.everything or school.la_id in scope.authority_ids
    own, bodies = [], {}
    for a in assignments:
        a.email_shown = la_sees or a.insider or a.user_id == request.user.id
        if a.body_id is None:
            own.append(a)
        else:
            bodies.setdefault(a.body, []).append(a)
    request.audit_object = school
    context = {
        "school": school,
        "assignments": own,
        "bodies": sorted(bodies.items(), key=lambda item: item[0].name.lower()),
        "outsider_emails_hidden": not la_sees,
    }
    return render(request, "register/school_people.html", context)


def trust_list(request):
    visible = School.objects.visible_to(request.user)
    q = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "trusts")
    current = GroupMembership.objects.current().filter(school__in=visible)
    every_kind = Group.objects.filter(Exists(current.filter(group=OuterRef("pk"))))
    if q:
        every_kind = every_kind.filter(group_search(q))
    groups = every_kind
    if kind == "trusts":
        groups = groups.filter(kind__in=TRUST_KINDS)
    elif kind in GroupKind.values:
        groups = groups.filter(kind=kind)
    page = page_of(groups.order_by(Lower("name"), "uid"), PAGE_SIZE, request.GET.get("page"))
    # The schools of the page's groups only: counted with the list, every group in England was counted to show 50.
    counts = dict(
        current.filter(group__in=[g.pk for g in page]).values("group").annotate(n=Count("school", distinct=True)).values_list("group", "n")
    )
    for g in page:
        g.school_count = counts.get(g.pk, 0)
    kinds = [("trusts", "Trusts (academy, foundation and umbrella)")] + [
        (k.value, k.label) for k in GroupKind if k.value not in TRUST_KINDS
    ]
    # A search that finds no group of the kind chosen says which other kinds it finds ("federation" among trusts).
    elsewhere = _kinds_found(every_kind, kinds) if q and not page.paginator.count else []
    context = {"page": page, "q": q, "kind": kind, "kinds": kinds, "elsewhere": elsewhere}
    return render(request, "register/trust_list.html", context)


def _kinds_found(found, kinds) -> list[tuple[str, str, int]]:
    """(kind, its label, how many) for each kind of group among `found` (a search's, of every kind), in `kinds`' order."""
    found = dict(found.order_by().values("kind").annotate(n=Count("pk", distinct=True)).values_list("kind", "n"))
    trusts = sum(n for k, n in found.items() if k in TRUST_KINDS)
    counts = {"trusts": trusts, **{k: n for k, n in found.items() if k not in TRUST_KINDS}}
    return [(value, label, counts[value]) for value, label in kinds if counts.get(value)]


def trust_detail(request, uid):
    group = get_object_or_404(Group, uid=uid)
    visible = School.objects.visible_to(request.user)
    members = GroupMembership.objects.filter(group=group).select_related("school", "school__la")
    shown = members.filter(school__in=visible).order_by("left_on", Lower("school__name"), "school__urn")
    if not shown.exists() and not scope_for(request.user).everything:
        raise Http404("No such trust is visible to you.")
    hidden = members.current().exclude(school__in=visible).count()
    current = [m for m in shown if m.left_on is None]
    former = [m for m in shown if m.left_on is not None]
    pupils = sum(m.school.pupils or 0 for m in current)
    return render(
        request,
        "register/trust_detail.html",
        {
            "group": group,
            "current": current,
            "former": former,
            "hidden": hidden,
            "pupils": pupils,
            "inspections": latest_for_schools(m.school for m in [*current, *former]),
        },
    )


def authority_list(request):
    authorities = LocalAuthority.objects.visible_to(request.user)
    is_open = Q(schools__status__in=OPEN_STATUSES)
    authorities = authorities.annotate(
        open_schools=Count("schools", filter=is_open), state_funded=Count("schools", filter=is_open & state_funded("schools__"))
    )
    return render(request, "register/authority_list.html", {"authorities": authorities})


def authority_detail(request, code):
    scope = scope_for(request.user)
    authority = get_object_or_404(LocalAuthority.objects.visible_to(request.user), code=code)
    # Not through authority.schools: each school read from a related manager is given the authority, which reads
    # its la_id, and the outcome counts read its schools with only their id and URN: a query per school.
    open_schools = School.objects.filter(la=authority).open()
    by = lambda field: open_schools.values(field).annotate(n=Count("id"), pupils=Sum("pupils")).order_by("-n", field)  # noqa: E731
    # Counted from the memberships alone, then the groups fetched by id: joining the two makes the
    # database go through every group of the country.
    counts = dict(
        GroupMembership.objects.current().filter(school__in=open_schools).values_list("group_id").annotate(n=Count("id")).order_by()
    )
    trusts = sorted(
        (
            {"uid": g.uid, "name": g.name, "kind": g.kind, "n": counts[g.id]}
            for g in Group.objects.filter(id__in=counts, kind__in=TRUST_KINDS)
        ),
        key=lambda t: (-t["n"], t["name"].lower()),
    )
    outcomes = authority_outcomes(open_schools, import_names(request))
    context = {
        "authority": authority,
        # The pupils and places are GIAS's, summed over the establishments it gives them for: how many it gives none
        # for, and the censuses its counts are from, are said beside them.
        "totals": open_schools.aggregate(
            n=Count("id"),
            state_funded=Count("id", filter=state_funded()),
            no_pupils=Count("id", filter=Q(pupils__isnull=True)),
            no_capacity=Count("id", filter=Q(capacity__isnull=True)),
            first_census=Min("census_date", filter=Q(pupils__isnull=False)),
            last_census=Max("census_date", filter=Q(pupils__isnull=False)),
            # Named after the filters above, which would otherwise read these sums for the fields.
            total_pupils=Sum("pupils"),
            total_capacity=Sum("capacity"),
        ),
        **authority.schools.aggregate(
            closed=Count("id", filter=Q(status=SchoolStatus.CLOSED)), proposed=Count("id", filter=Q(status=SchoolStatus.PROPOSED_TO_OPEN))
        ),
        "by_phase": by("phase"),
        "by_type_group": by("type_group"),
        "graded": outcomes.graded,
        "graded_notes": graded_notes(outcomes, scope.is_la_admin),
        "counted_by_predecessor": COUNTED_BY_PREDECESSOR,
        "trusts": trusts[:20],
        "academy_trust_count": sum(1 for trust in trusts if trust["kind"] in ACADEMY_TRUST_KINDS),
        "map_svg": maps.authority_svg(authority),
        # Whether the reader reads any of its schools' local intelligence, which the page then links to.
        "reads_intelligence": bool(intelligence_schools(request.user, authority)),
        **recent_changes(authority, scope),
    }
    return render(request, "register/authority_detail.html", context)


RECENT_CHANGES = 20


def recent_changes(authority, scope) -> dict:
    """The latest register changes to the authority's schools, newest first and then by school name; how many
    there are in all; and, for those who may open an import's page (which lists every change it recorded to
    their authorities' schools), the imports that recorded them, latest first."""
    changes = RegisterEvent.objects.filter(school__la=authority)
    events = list(changes.select_related("school").order_by("-occurred_on", Lower("school__name"), "id")[:RECENT_CHANGES])
    runs = list(
        changes.values("import_run", "import_run__file_name", "import_run__started_at")
        .annotate(n=Count("id"))
        .order_by("-import_run__started_at", "-import_run")
    )
    may_open_imports = scope.everything or authority.id in scope.admin_authority_ids
    return {"events": events, "event_count": sum(run["n"] for run in runs), "event_runs": runs if may_open_imports else []}
