"""Writing the audit log. Every confidential read and every change calls `record`."""

import hashlib
import ipaddress
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from .models import AuditAction, AuditEvent, AuditPlace
from .scopes import place_of, place_rows, stamp

logger = logging.getLogger(__name__)


def client_ip(request) -> str | None:
    """The address a request came from, for the audit log and the sign-in lockout.

    Behind PROXY_COUNT reverse proxies of our own, REMOTE_ADDR is the nearest proxy's, and each proxy has added the
    address it was reached from to the end of X-Forwarded-For: the client's is PROXY_COUNT entries from the end.
    Entries further left came from the client itself and are not believed.
    """
    count = settings.PROXY_COUNT
    if count:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= count and (address := _address(hops[-count])):
            return address
        logger.warning("X-Forwarded-For %r gives no client address %s entries from its end: is PROXY_COUNT right?", hops, count)
    return request.META.get("REMOTE_ADDR") or None


def _address(hop: str) -> str | None:
    """The IP address of an X-Forwarded-For entry, which some proxies write with the port ("203.0.113.9:51234",
    "[2001:db8::1]:443")."""
    if hop.startswith("[") and "]" in hop:
        hop = hop[1 : hop.index("]")]
    elif hop.count(":") == 1:
        hop = hop.partition(":")[0]
    try:
        return str(ipaddress.ip_address(hop))
    except ValueError:
        return None


# record's `lies_in` when the caller does not say where the event lies: it lies where place_of says.
WHERE_IT_IS_ABOUT = object()


def record(
    action: AuditAction | str, *, request=None, user=None, obj=None, object_type="", object_id="", object_repr="",
    lies_in=WHERE_IT_IS_ABOUT, **detail,
):  # fmt: skip
    """Append one audit event. `obj` fills the object fields from a model instance. `lies_in`: the authorities the event
    lies in where the page it records is about theirs, not about one object (an administrator's list of their users,
    or their log); else where the object lies, or the person holds roles (audit.scopes.place_of)."""
    about = Recorded(obj, object_type, object_id, object_repr, lies_in, detail)
    return record_all(action, [about], request=request, user=user)[0]


@dataclass
class Recorded:
    """What one of the events `record_all` appends is about, as `record`'s arguments of the same names say it."""

    obj: object = None
    object_type: str = ""
    object_id: str = ""
    object_repr: str = ""
    lies_in: object = WHERE_IT_IS_ABOUT
    detail: dict = field(default_factory=dict)


def record_all(action: AuditAction | str, events: list[Recorded], *, request=None, user=None) -> list[AuditEvent]:
    """Append the events of one request, each as `record` would, all of them in one insert and their places in another,
    however many there are: a page that shows the records of many schools records a read of each, in as many queries as
    a page that shows one. Each event's `lies_in` is best given where there are many: working out where each lies
    (audit.scopes.place_of) may ask the database once for each."""
    if request is not None and user is None and getattr(request, "user", None) is not None and request.user.is_authenticated:
        user = request.user
    user = user if user is not None and getattr(user, "pk", None) else None
    path = request.get_full_path()[:500] if request is not None else ""
    ip_address = client_ip(request) if request is not None else None
    rows, places = [], []
    for about in events:
        object_type, object_id, object_repr, detail = about.object_type, about.object_id, about.object_repr, dict(about.detail)
        if about.obj is not None:
            object_type = object_type or about.obj._meta.label_lower
            object_id = object_id or str(about.obj.pk)
            object_repr = object_repr or str(about.obj)[:255]
        lies_in = about.lies_in
        place = place_of(object_type, str(object_id), user.pk if user else None) if lies_in is WHERE_IT_IS_ABOUT else set(lies_in)
        places.append(place)
        rows.append(
            AuditEvent(
                action=action,
                user=user,
                user_email=getattr(user, "email", "") or detail.pop("email", ""),
                object_type=object_type,
                object_id=str(object_id),
                object_repr=object_repr[:255],
                path=path,
                ip_address=ip_address,
                detail=detail,
                authorities=stamp(place),
            )
        )
    # One transaction, not a savepoint within the request's: the events and their places are written together or not
    # at all.
    with transaction.atomic(savepoint=False):
        rows = AuditEvent.objects.bulk_create(rows)
        AuditPlace.objects.bulk_create(
            AuditPlace(event=event, authority_id=authority, at=event.at, action=event.action, object_type=event.object_type)
            for event, place in zip(rows, places, strict=True)
            for authority in place_rows(place)
        )
    return rows


def administered(scope):
    """Where a page of an administrator's that is about their authorities as a whole (their users, their log) lies: in
    those authorities, not in every one where they hold a role, which would show what they looked for in one authority
    to the administrators of another that gave them any role. A service administrator's are about every authority's
    people: they lie in none, so only the service's administrators read them, not those of an authority that gave them
    a role."""
    return set() if scope.everything else scope.admin_authority_ids


def record_refusal(request, obj=None) -> None:
    """Record that a signed-in person was refused: a page their roles do not open (403), or a school's confidential
    records that are not theirs to see (answered 404, so as not to say whether the school is there). Once per request.

    An event about an object lies where the object does, so its authority's administrators see who tried it. The same
    person refused the same page again within REFUSALS_APART (a page left open that asks every few seconds, after their
    role was taken away) is recorded once; and of one person's refusals within it, the first REFUSALS_AT_MOST (someone
    trying page after page), with a warning in the server's log after them.
    """
    if getattr(request, "refusal_recorded", False) or not getattr(request, "user", None) or not request.user.is_authenticated:
        return
    request.refusal_recorded = True
    if not _first_refusal_for_a_while(request):
        return
    record(AuditAction.REFUSED, request=request, obj=obj, object_repr="" if obj is not None else request.path, method=request.method)


REFUSALS_APART = 60  # seconds
REFUSALS_AT_MOST = 30  # of one person's, in REFUSALS_APART


def _first_refusal_for_a_while(request) -> bool:
    """Whether this person has not been refused this page (and method) in the last REFUSALS_APART seconds, nor more
    than REFUSALS_AT_MOST times. With the cache out of reach, every refusal is recorded."""
    page = "refused:" + hashlib.sha256(f"{request.user.pk} {request.method} {request.path}".encode()).hexdigest()
    person = f"refusals:{request.user.pk}"
    try:
        if not cache.add(page, True, REFUSALS_APART):
            return False
        cache.add(person, 0, REFUSALS_APART)
        count = cache.incr(person)
    except Exception:  # the cache is down: recording matters more than not repeating
        return True
    if count <= REFUSALS_AT_MOST:
        return True
    if count == REFUSALS_AT_MOST + 1:
        logger.warning(
            "User %s was refused more than %s pages within %s seconds: the rest are not audited",
            request.user.pk, REFUSALS_AT_MOST, REFUSALS_APART,
        )  # fmt: skip
    return False


def audited_view(object_type: str):
    """Decorator for views of confidential pages: records who read which object, after the view ran.

    The view sets `request.audit_object` to the instance it showed (or the decorator records the page, where
    `request.audit_lies_in` says, if the view set it: record's `lies_in`).
    Only successful responses are recorded as reads.
    """
    from functools import wraps

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if 200 <= response.status_code < 300 and request.user.is_authenticated:
                obj = getattr(request, "audit_object", None)
                if obj is not None:
                    record(AuditAction.VIEW, request=request, obj=obj)
                else:
                    lies_in = getattr(request, "audit_lies_in", WHERE_IT_IS_ABOUT)
                    record(AuditAction.VIEW, request=request, object_type=object_type, object_repr=request.path, lies_in=lies_in)
            return response

        return wrapper

    return decorator
