"""Filters for the Django admin's own templates (core/admin_templates), which are Django templates, not Jinja2.

Django's tables of a change list's results and of a record's history have no caption, so a screen reader's list of
tables named them by nothing (WCAG 1.3.1). Each filter adds only the caption to what Django's template made, where
copying the whole template would keep Django's version of it from then on."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

register = template.Library()

RESULT_LIST = '<table id="result_list">'
HISTORY_TABLE = "<table>"  # the one table of admin/object_history.html's content


def _with_caption(html: str, table: str, name: str) -> str:
    caption = format_html('<caption class="visually-hidden">{}</caption>', name)
    return mark_safe(html.replace(table, table + caption, 1))


@register.filter
def captioned(results: str, changelist) -> str:
    """Django's table of a change list's results (admin/change_list_results.html) with a caption naming what it lists,
    "Users"."""
    return _with_caption(results, RESULT_LIST, capfirst(changelist.opts.verbose_name_plural))


@register.filter
def history_captioned(content: str, title: str) -> str:
    """A record's history page (admin/object_history.html) with its table captioned as the page is titled, "Change
    history: Invitation for someone@example.org". A record with no history has no table, and the page is unchanged."""
    return _with_caption(content, HISTORY_TABLE, title)
