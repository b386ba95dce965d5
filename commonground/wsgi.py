import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonground.settings")
application = get_wsgi_application()

# Before the first request, not during it: every page's code imported and every template loaded.
from core.warm import warm_up  # noqa: E402 - needs the settings get_wsgi_application has set up

warm_up()
