"""How long a signed-in session has left, and staying signed in: for the warning a page shows before the session ends.

A page's clock starts at its own request, but the person may have gone on working in another tab since; the warning
asks the server before it shows or signs anyone out, and that asking must not itself keep the session alive."""

import math

from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST


def seconds_left(request) -> int:
    """The seconds until this request's session ends unless another request comes first. Sessions are kept in the
    database, whose row holds the expiry the last request set; the session object itself only knows the setting."""
    if not request.user.is_authenticated or not request.session.session_key:
        return 0
    sessions = type(request.session).get_model_class().objects
    expires = sessions.filter(session_key=request.session.session_key).values_list("expire_date", flat=True).first()
    # Rounded up: a session with part of a second left is still open, and is not said to have ended.
    return max(0, math.ceil((expires - timezone.now()).total_seconds())) if expires else 0


@require_GET
def session_status(request):
    """The seconds the session has left, as JSON. Asking is not the person's activity, so it leaves the session as it
    was. Signed out, the request is sent to sign in (accounts.middleware), like any other."""
    request.leaves_session_alone = True
    return JsonResponse({"seconds_left": seconds_left(request)})


@require_POST
def stay_signed_in(request):
    """Renew the session without leaving the page: the session middleware saves it, with a new expiry, on every
    request that does not leave it alone. Nothing to show, so no content."""
    return HttpResponse(status=204)
