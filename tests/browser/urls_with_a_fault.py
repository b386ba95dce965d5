"""The site's URLs and one more, /fault/, that fails as a fault in the service would: so that the page people
then see ("Sorry, there is a problem with the service") can be opened in a browser and checked."""

from django.urls import path

from commonground.urls import handler403, handler404, handler500
from commonground.urls import urlpatterns as site_urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def fault(request):
    raise RuntimeError("A fault in the service, raised on purpose to show its error page")


urlpatterns = [*site_urlpatterns, path("fault/", fault)]
