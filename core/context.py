from django.conf import settings

from accounts.access import scope_for
from accounts.navigation import navigation_for
from accounts.sessions import seconds_to_absolute_limit
from accounts.two_factor import needs_second_factor
from core.words import duration
from imports.naming import import_names

# Named where no ORGANISATION_NAME is set (a demo, a trial): a deployment's checks warn of it (core.checks).
UNNAMED_ORGANISATION = "School improvement partnership"


def organisation_name() -> str:
    """The organisation that runs this installation, as the pages name it."""
    return settings.ORGANISATION_NAME or UNNAMED_ORGANISATION


def site(request):
    scope = scope_for(getattr(request, "user", None))
    signed_in = bool(getattr(getattr(request, "user", None), "is_authenticated", False))
    # The warning before the session ends; not while the second factor is still to be given.
    warned = signed_in and not needs_second_factor(request)
    return {
        "serviceName": "Common Ground",
        "organisation_name": organisation_name(),
        "scope": scope,
        "import_names": import_names(request),  # how an import is named to the reader
        "navigation": navigation_for(request, scope),
        # django-csp's nonce is lazy: make it now, so the template's {% if cspNonce %} sees it.
        "cspNonce": str(request.csp_nonce) if hasattr(request, "csp_nonce") else "",
        "signed_in": signed_in,
        # For the warning: the session's length, and how long it has to its absolute limit, past which it is not renewed.
        "session_seconds": settings.SESSION_COOKIE_AGE if warned else None,
        "session_limit_seconds": seconds_to_absolute_limit(request) if warned else None,
        "session_longest": duration(settings.SESSION_ABSOLUTE_SECONDS),
        "session_unused": duration(settings.SESSION_COOKIE_AGE),  # how long unused ends a session
        "demo_notice": settings.DEMO_NOTICE,
        "two_factor_off": not settings.REQUIRE_TWO_FACTOR,
    }
