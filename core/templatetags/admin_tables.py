"""Filters for the Django admin's own templates (core/admin_templates), which are Django templates, not Jinja2."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

register = template.Library()

RESULT_LIST = '<table id="result_list">'


@register.filter
def captioned(results: str, changelist) -> str:
    """Django's table of a change list's results (admin/change_list_results.html) with a caption naming what it lists,
    "Users": it has none, so a screen reader's list of tables named it by nothing (WCAG 1.3.1). Only the caption is
    added, where copying the whole template would keep Django's version of it from then on."""
    caption = format_html('<caption class="visually-hidden">{}</caption>', capfirst(changelist.opts.verbose_name_plural))
    return mark_safe(results.replace(RESULT_LIST, RESULT_LIST + caption, 1))
