"""The site's URLs and two more: /fault/, that fails as a fault in the service would, and /bad-request/, a
request the service cannot take; so that the pages people then see can be opened in a browser and checked."""

from django.core.exceptions import SuspiciousOperation
from django.urls import path

from commonground.urls import handler400, handler403, handler404, handler500
from commonground.urls import urlpatterns as site_urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def fault(request):
    raise RuntimeError("A fault in the service, raised on purpose to show its error page")


def bad_request(request):
    raise SuspiciousOperation("A request the service cannot take as sent, on purpose to show its error page")


urlpatterns = [*site_urlpatterns, path("fault/", fault), path("bad-request/", bad_request)]
