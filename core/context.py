from django.conf import settings

from accounts.access import scope_for
from accounts.navigation import navigation_for


def site(request):
    scope = scope_for(getattr(request, "user", None))
    return {
        "serviceName": "Common Ground",
        "organisation_name": settings.ORGANISATION_NAME,
        "scope": scope,
        "navigation": navigation_for(request, scope),
        "cspNonce": getattr(request, "csp_nonce", ""),
        "demo_notice": settings.DEMO_NOTICE,
        "two_factor_off": not settings.REQUIRE_TWO_FACTOR,
    }
