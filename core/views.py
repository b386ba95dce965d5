from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import Lower
from django.shortcuts import redirect, render

from accounts.access import scope_for
from accounts.models import RoleAssignment
from core.refusals import Refused
from evidence.permissions import intelligence_schools
from register.models import LocalAuthority, School
from register.presenters import state_funded


def start(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    return render(request, "core/start.html")


# The most authorities whose results a service administrator's home page links to, one by one: where their schools are
# in more (a region's or England's installation), the page leads to the list of authorities, each page of which does.
RESULTS_LINKED = 3


def intelligence_authorities(user, candidates) -> list[LocalAuthority]:
    """Those of `candidates` (the authorities the home page names) whose local intelligence page the user may open: where
    they read any school's (evidence.views.authority_intelligence), by name."""
    return sorted((a for a in candidates if intelligence_schools(user, a)), key=lambda authority: authority.name)


def results_authorities(scope) -> list[LocalAuthority]:
    """The authorities whose results and data the home page links to: an LA role's own; for a service administrator,
    who holds none, those with open schools, where they are few."""
    if scope.everything:
        with_schools = LocalAuthority.objects.filter(Exists(School.objects.open().filter(la=OuterRef("pk")))).order_by("name")
        found = list(with_schools[: RESULTS_LINKED + 1])
        return found if len(found) <= RESULTS_LINKED else []
    if scope.is_la:
        return list(LocalAuthority.objects.filter(pk__in=scope.authority_ids).order_by("name"))
    return []


@dataclass(frozen=True)
class HeldRole:
    """A line of the home page's roles: a role and what it is held for; or, for a role held at several schools (an
    adviser's caseload), the role and those schools, said in one line rather than a line for each."""

    label: str
    assignment: RoleAssignment | None = None
    schools: tuple[School, ...] = ()


def held_roles(assignments: list[RoleAssignment]) -> list[HeldRole]:
    """The user's roles, in the assignments' order, each role held at several schools once."""
    schools_of = defaultdict(list)
    for assignment in assignments:
        if assignment.school_id:
            schools_of[assignment.role].append(assignment.school)
    lines, grouped = [], set()
    for assignment in assignments:
        schools = schools_of[assignment.role] if assignment.school_id else []
        if len(schools) < 2:
            lines.append(HeldRole(assignment.get_role_display(), assignment=assignment))
        elif assignment.role not in grouped:
            grouped.add(assignment.role)
            lines.append(HeldRole(assignment.get_role_display(), schools=tuple(sorted(schools, key=lambda s: (s.name.lower(), s.urn)))))
    return lines


def home(request):
    """The signed-in landing page: what this user's roles give them, most useful first."""
    scope = scope_for(request.user)
    assignments = list(request.user.roles.current().select_related("authority", "school", "group", "body"))
    # In name order whatever the case, as the list of schools sorts them ("de Stafford School" among the D's).
    own_schools = School.objects.confidential_to(request.user).open().select_related("la").order_by(Lower("name"), "urn")
    listed = list(own_schools[:50]) if not scope.is_la and not scope.everything else None
    authorities = results_authorities(scope)
    context = {
        "assignments": assignments,
        "held_roles": held_roles(assignments),
        "scope": scope,
        "own_schools": listed,
        # A school of a role held at several that "Your schools" does not list (one that has closed since, or past its
        # first 50) is named under the role instead.
        "listed_school_ids": {school.pk for school in listed or ()},
        "own_school_counts": own_schools.aggregate(n=Count("id"), state_funded=Count("id", filter=state_funded())),
        # The authorities whose results an LA role reads as a whole (evidence.views.authority_results).
        "authorities": authorities,
        # Those whose local intelligence an LA role or a link adviser reads: not a service administrator's, who may open it
        # from an authority's page but whose work is not the schools'.
        "intelligence_authorities": []
        if scope.everything
        else intelligence_authorities(request.user, authorities or {s.la for s in listed or ()}),
    }
    return render(request, "core/home.html", context)


def administration(request):
    """An LA administrator's pages, reached from one item of the service navigation: imports, users, the audit log."""
    scope = scope_for(request.user)
    if not scope.is_la_admin:
        raise PermissionDenied
    return render(request, "core/administration.html", {"scope": scope})


@dataclass(frozen=True)
class Operator:
    """How to reach the organisation that runs this installation, as its settings give it (any may be blank)."""

    email: str
    phone: str
    data_protection_email: str

    @classmethod
    def from_settings(cls) -> "Operator":
        return cls(settings.ORGANISATION_EMAIL, settings.ORGANISATION_PHONE, settings.DATA_PROTECTION_OFFICER_EMAIL)


def accessibility(request):
    operator = Operator.from_settings()
    context = {"operator": operator, "support_email": settings.SUPPORT_EMAIL or operator.email}
    return render(request, "core/accessibility.html", context)


def cookies(request):
    return render(request, "core/cookies.html")


def privacy(request):
    return render(request, "core/privacy.html", {"operator": Operator.from_settings()})


def error_400(request, exception=None):
    """A request the service cannot take as sent (a form with far too many fields, a web address it will not serve)."""
    return render(request, "core/error.html", {"title": "Sorry, the service could not read what was sent", "status": 400}, status=400)


def error_403(request, exception=None):
    """Refused: why, where the refusal says (core.refusals.Refused), as well as that the person's roles do not allow it."""
    why = str(exception) if isinstance(exception, Refused) else ""
    return render(request, "core/error.html", {"title": "You do not have access to this page", "status": 403, "why": why}, status=403)


def csrf_failure(request, reason=""):
    """A form sent without the cookie that proves it came from this site: most often a session that expired while
    the page was open, or a browser that blocks cookies. Not a refusal of what the person's roles open: not audited as one."""
    request.refusal_recorded = True  # audit.services.record_refusal then records nothing for this request
    return render(request, "core/error.html", {"title": "Your form could not be sent", "status": 403, "csrf": True}, status=403)


def error_405(request, exception=None):
    """A page asked for with a method it does not take (core.middleware.MethodNotAllowedPageMiddleware)."""
    return render(request, "core/error.html", {"title": "Sorry, the service could not do what was asked", "status": 405}, status=405)


def error_404(request, exception=None):
    return render(request, "core/error.html", {"title": "Page not found", "status": 404}, status=404)


def error_500(request):
    return render(request, "core/error.html", {"title": "Sorry, there is a problem with the service", "status": 500}, status=500)
