"""Requests no page can take, refused before any view sees them; and sessions left alone by requests that are not a
person's activity."""

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.core.exceptions import SuspiciousOperation

# Browser features no page of the service uses, switched off for every page and anything it might embed: a script that
# got in could not turn on the camera or microphone, ask where the person is, or take payments in the service's name.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class PermissionsPolicyMiddleware:
    """Sends PERMISSIONS_POLICY with every response (Django's SecurityMiddleware has no setting for it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class MethodNotAllowedPageMiddleware:
    """A page asked for with a method it does not take (a form's POST to a page that only shows) gets the service's
    own error page, as other errors do, rather than Django's empty response; with the methods it takes (Allow)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.streaming and not response.content:
            from .views import error_405

            page = error_405(request)
            if "Allow" in response.headers:
                page["Allow"] = response["Allow"]
            return page
        return response


class RefuseNullCharactersMiddleware:
    """A NUL character in a query's values (`?q=%00`) is never something a person typed, and PostgreSQL
    refuses to compare text holding one: every page that filters by its query would fail. It gets the
    service's 400 page instead. (Forms already refuse it field by field.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
            raise SuspiciousOperation("A NUL character in the query string")
        return self.get_response(request)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that a view may set `request.leaves_session_alone` (a panel polled every few seconds): the
    session is then saved only if the view changed it. Polling is not someone using the site, so it does not keep an
    idle session alive; and on SQLite it does not wait, to save the session, for the write lock an import holds."""

    def process_response(self, request, response):
        if getattr(request, "leaves_session_alone", False) and not request.session.modified:
            return response
        return super().process_response(request, response)
