from datetime import date

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.shortcuts import render

from accounts.access import scope_for
from accounts.models import RoleAssignment
from register.models import School

from .models import AuditAction, AuditEvent
from .services import audited_view


def events_visible_to(user):
    """Superusers see every event; an LA administrator sees events by people holding roles in
    their authorities (now or before) and events about those authorities' schools."""
    scope = scope_for(user)
    if scope.everything:
        return AuditEvent.objects.all()
    if not scope.is_la_admin:
        return AuditEvent.objects.none()
    las = scope.admin_authority_ids
    people = RoleAssignment.objects.filter(
        Q(authority_id__in=las) | Q(school__la_id__in=las) | Q(body__authority_id__in=las) | Q(group__memberships__school__la_id__in=las)
    ).values("user_id")
    # A subquery, not a list: an authority (or a region) can hold thousands of schools.
    schools = School.objects.filter(la_id__in=las).annotate(key=Cast("id", CharField())).values("key")
    return AuditEvent.objects.filter(Q(user_id__in=people) | Q(object_type="register.school", object_id__in=schools))


def _parse_date(value):
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@audited_view("audit.auditevent")
def audit_list(request):
    if not scope_for(request.user).is_la_admin:
        raise PermissionDenied
    events = events_visible_to(request.user).select_related("user")
    params = {k: request.GET.get(k, "").strip()[:200] for k in ("who", "action", "object_type", "object_id", "from", "to")}
    errors = {}
    if params["who"]:
        events = events.filter(user_email__icontains=params["who"])
    if params["action"] in AuditAction.values:
        events = events.filter(action=params["action"])
    if params["object_type"]:
        events = events.filter(object_type=params["object_type"])
    if params["object_id"]:
        events = events.filter(object_id=params["object_id"])
    for key in ("from", "to"):
        if params[key] and _parse_date(params[key]) is None:
            errors[key] = "Enter a date in the format 2026-11-25"
    if (start := _parse_date(params["from"])) is not None:
        events = events.filter(at__date__gte=start)
    if (end := _parse_date(params["to"])) is not None:
        events = events.filter(at__date__lte=end)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    object_types = sorted(t for t in AuditEvent.objects.values_list("object_type", flat=True).distinct() if t)
    return render(
        request,
        "audit/list.html",
        {"page": page, "filters": params, "errors": errors, "actions": AuditAction.choices, "object_types": object_types},
    )
