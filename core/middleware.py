"""Requests no page can take, refused before any view sees them."""

from django.core.exceptions import SuspiciousOperation


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
