"""How long a signed-in session has left, and staying signed in: for the warning a page shows before the session ends.

A session ends after SESSION_COOKIE_AGE without a request (the idle limit), and SESSION_ABSOLUTE_SECONDS after signing
in however busy it was (the absolute limit): staying signed in renews the first, never the second. Each end is recorded
as a sign-out: at the absolute limit by the request that reaches it, by going unused by the first request or
`clearsessions` to find it (accounts.session_store). The session itself
holds when it began, on the server, so that nothing the browser sends can put it back; its cookie stays one that the
browser forgets when it closes.

A page's clock starts at its own request, but the person may have gone on working in another tab since; the warning
asks the server before it shows or signs anyone out, and that asking must not itself keep the session alive."""

import math

from django.conf import settings
from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from audit.models import AuditAction
from audit.services import record

# When the person signed in, in seconds since 1970: set at sign-in (user_logged_in).
SIGNED_IN_AT = "cg_signed_in_at"
# Why the last session ended, left in the signed-out session for the sign-in page to say (accounts.middleware).
SIGNED_OUT_BECAUSE = "cg_signed_out_because"
AT_ABSOLUTE_LIMIT = "at_limit"
ACCOUNT_ENDED = "ended"  # the account can no longer be used (accounts.middleware.ENDED)
# The audit log's reason for the end of a session at its absolute limit.
AT_THE_LIMIT = "signed in for the longest a session lasts"
# The audit log's reason for the end of a demonstration account's session where the service no longer runs as one.
NOT_A_DEMONSTRATION = "a demonstration's account, where the service is not one"


def _now() -> int:
    return int(timezone.now().timestamp())


def note_sign_in(sender, request, user, **kwargs) -> None:
    """The user_logged_in signal's receiver: the new session records when it began, and drops why an earlier one
    ended. Django's login keeps a signed-out session's data, and that reason, kept, would be given for this session's
    own end (an account deactivated meanwhile, say)."""
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = _now()
        request.session.pop(SIGNED_OUT_BECAUSE, None)


def seconds_to_absolute_limit(request) -> int:
    """The seconds until the signed-in session reaches its absolute limit, however busy it is meanwhile. A session from
    before sessions recorded when they began is taken to have begun at its first request since."""
    began = request.session.setdefault(SIGNED_IN_AT, _now())
    return max(0, began + settings.SESSION_ABSOLUTE_SECONDS - _now())


def record_sign_out(request, **detail) -> None:
    """Record the sign-out of the request's session, before signing its person out: once, by the request that deletes
    the session, of any that end it at the same moment (two tabs signing out, two requests at the absolute limit, or a
    request that found it ended unused, accounts.session_store)."""
    from .session_store import claim

    with transaction.atomic():
        if claim(request.session.session_key):
            record(AuditAction.SIGN_OUT, request=request, **detail)


def end_at_absolute_limit(request) -> bool:
    """Sign out a person whose session has reached its absolute limit, as signing out does (recorded), and leave the
    reason for the sign-in page. Whether it did."""
    if not request.user.is_authenticated or seconds_to_absolute_limit(request) > 0:
        return False
    record_sign_out(request, reason=AT_THE_LIMIT)
    logout(request)
    request.session[SIGNED_OUT_BECAUSE] = AT_ABSOLUTE_LIMIT
    return True


def end_demonstration_session(request) -> bool:
    """Sign out, as signing out does (recorded), a demonstration's account (accounts.models.is_demo_account) where the
    service no longer runs as a demonstration: a session begun with the password load_demo printed, while it did, opens
    no more than that password now does. Whether it did."""
    from .models import is_demo_account

    user = request.user
    if settings.DEMO_NOTICE or not user.is_authenticated or not is_demo_account(user.email):
        return False
    record_sign_out(request, reason=NOT_A_DEMONSTRATION)
    logout(request)
    request.session[SIGNED_OUT_BECAUSE] = ACCOUNT_ENDED
    return True


def end_unused(request) -> bool:
    """A request bearing the cookie of a session that has expired, unused for SESSION_COOKIE_AGE: record the sign-out of
    whoever was signed in to it (accounts.session_store), leaving the reason for the sign-in page where the session had
    first reached its absolute limit. Whether it ended a signed-in session."""
    from .session_store import end_expired, is_session_key

    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not is_session_key(key) or request.user.is_authenticated or request.session.session_key:
        return False  # no session, or one still open (Django forgets the key of one it found expired)
    reason = end_expired(key, request)
    if reason == AT_THE_LIMIT:
        request.session[SIGNED_OUT_BECAUSE] = AT_ABSOLUTE_LIMIT
    return bool(reason)


def seconds_left(request) -> int:
    """The seconds until this request's session ends unless another request comes first, or at its absolute limit if
    that is sooner. Sessions are kept in the database, whose row holds the expiry the last request set; the session
    object itself only knows the setting."""
    if not request.user.is_authenticated or not request.session.session_key:
        return 0
    sessions = type(request.session).get_model_class().objects
    expires = sessions.filter(session_key=request.session.session_key).values_list("expire_date", flat=True).first()
    # Rounded up: a session with part of a second left is still open, and is not said to have ended.
    idle = max(0, math.ceil((expires - timezone.now()).total_seconds())) if expires else 0
    return min(idle, seconds_to_absolute_limit(request))


@require_GET
def session_status(request):
    """The seconds the session has left, and those until its absolute limit (beyond which staying signed in cannot
    take it), as JSON. Asking is not the person's activity, so it leaves the session as it was. Signed out, the request
    is sent to sign in (accounts.middleware), like any other."""
    request.leaves_session_alone = True
    return JsonResponse({"seconds_left": seconds_left(request), "seconds_to_limit": seconds_to_absolute_limit(request)})


@require_POST
def stay_signed_in(request):
    """Renew the session without leaving the page: the session middleware saves it, with a new expiry, on every
    request that does not leave it alone. Nothing to show, so no content. It cannot renew it past its absolute limit,
    where accounts.middleware signs the person out."""
    return HttpResponse(status=204)
