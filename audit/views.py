from datetime import date

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import render

from accounts.access import scope_for
from accounts.models import RoleAssignment

from .models import AuditAction, AuditEvent
from .scopes import about_objects_in, as_keys, located_types
from .services import audited_view

USER_TYPE = "accounts.user"


def events_visible_to(user):
    """Superusers see every event. An LA administrator sees the events about what lies in their
    authorities (audit.scopes), and the other events of people while they held a role there."""
    scope = scope_for(user)
    if scope.everything:
        return AuditEvent.objects.all()
    if not scope.is_la_admin:
        return AuditEvent.objects.none()
    las = list(scope.admin_authority_ids)
    held_then = (
        RoleAssignment.objects.in_authorities(las)
        .filter(granted_at__lte=OuterRef("at"))
        .filter(Q(revoked_at__isnull=True) | Q(revoked_at__gte=OuterRef("at")))
    )
    by_their_people = Exists(held_then.filter(user_id=OuterRef("user_id")))
    about_their_people = Exists(as_keys(held_then, "user_id").filter(key=OuterRef("object_id")))
    located = Q(object_type__in=located_types()) & ~Q(object_id="")
    about_an_account = Q(object_type=USER_TYPE) & ~Q(object_id="")
    return AuditEvent.objects.filter(
        about_objects_in(las) | (about_an_account & about_their_people) | (~located & ~about_an_account & by_their_people)
    )


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
