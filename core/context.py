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
        # django-csp's nonce is lazy: make it now, so the template's {% if cspNonce %} sees it.
        "cspNonce": str(request.csp_nonce) if hasattr(request, "csp_nonce") else "",
        "signed_in": bool(getattr(getattr(request, "user", None), "is_authenticated", False)),
        "demo_notice": settings.DEMO_NOTICE,
        "two_factor_off": not settings.REQUIRE_TWO_FACTOR,
    }
