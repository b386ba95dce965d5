"""The Jinja2 environment: GOV.UK Frontend macros plus Django's url, static and formatting helpers."""

from datetime import date, datetime

from django.contrib.humanize.templatetags.humanize import intcomma
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from jinja2 import Environment
from markupsafe import Markup

from .words import isolated


def url(name, *args, **kwargs):
    return reverse(name, args=args or None, kwargs=kwargs or None)


def link(href, text, classes="govuk-link"):
    """An escaped link for a macro's "html" parameter (string concatenation would escape the tag itself)."""
    return Markup('<a class="{}" href="{}">{}</a>').format(classes, href, text)


def line_breaks(text):
    """Text typed on several lines, escaped, with its line breaks kept, in a block whose direction is its own (dir="auto"):
    typed in Arabic or Hebrew, it reads right to left, its full stop at its end (on the left), where a left-to-right
    block put that stop at its start."""
    return Markup('<div dir="auto">{}</div>').format(Markup("<br>").join(text.splitlines()))


def code(text, classes="cg-break"):
    return Markup('<code class="{}">{}</code>').format(classes, text)


def gov_date(value, with_time=False):
    """Dates as GOV.UK writes them: 5 January 2024, 2:15pm."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        text = f"{value.day} {value:%B %Y}"
        if with_time:
            text += ", " + value.strftime("%-I:%M%p").lower()
        return text
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    return str(value)


def number(value, places=None):
    if value is None or value == "":
        return ""
    if places is not None:
        value = round(float(value), places)
        return intcomma(f"{value:.{places}f}")
    return intcomma(value)


def query(request, **changes):
    """The current query string with some parameters changed (None removes one)."""
    params = request.GET.copy()
    for key, val in changes.items():
        if val is None:
            params.pop(key, None)
        else:
            params[key] = val
    return "?" + urlencode(list(params.lists()), doseq=True) if params else "?"


def environment(**options):
    env = Environment(**options, extensions=["jinja2.ext.do"])  # noqa: S701 - settings pass autoescape=True
    from evidence.years import academic_year

    from .paging import page_in_title
    from .school_pages import school_pages

    env.globals.update(url=url, static=static, query=query, link=link, code=code, school_pages=school_pages, page_in_title=page_in_title)
    env.filters.update(gov_date=gov_date, number=number, line_breaks=line_breaks, academic_year=academic_year, isolated=isolated)
    return env
