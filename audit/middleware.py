"""Refusals are audited like reads: an administrator can see who tried to open what their roles do not."""

from .services import record_refusal


class RecordRefusalsMiddleware:
    """Records each 403 answered to a signed-in person (a view that refused about an object sets `request.refused_object`,
    so the event lies where that object does)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            record_refusal(request, getattr(request, "refused_object", None))
        return response
