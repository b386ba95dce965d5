"""What a new process would otherwise do at its first requests, done as it starts (commonground/wsgi.py).

A web server's worker imports each page's code and compiles each template the first time a request needs them: the
first person to open a page after a start or a restart waited one or two seconds for it. Starting, the worker now
imports every page's code (through the URLs) and loads every template, from the compiled cache (settings:
TEMPLATE_CACHE_DIR) where it holds them; each stays loaded (Jinja keeps up to 400, and there are about 110).
"""

from django.template import engines
from django.urls import get_resolver

TEMPLATE_ENDINGS = ("html", "txt")


def warm_up() -> int:
    """Import every view and load every template of the Jinja engines; return how many templates were loaded."""
    get_resolver().url_patterns  # noqa: B018 - reading them imports every URL module and the views they name
    loaded = 0
    for engine in engines.all():
        environment = getattr(engine, "env", None)  # the Jinja engines (Django's admin keeps its own templates)
        if environment is None:
            continue
        for name in environment.list_templates(extensions=TEMPLATE_ENDINGS):
            environment.get_template(name)
            loaded += 1
    return loaded
