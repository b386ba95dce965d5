"""Lists shown a page at a time."""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from .numbers import whole_number


def page_of(items, per_page: int, asked) -> Page:
    """The page asked for (`asked`, as the address gives it): the first where it names none (no number, or 0 or less,
    where Django gives the last), the last where it is past the end."""
    number = whole_number(asked) if asked is not None else None
    return Paginator(items, per_page).get_page(number if number is not None and number >= 1 else 1)


def page_of_ids(items: QuerySet, per_page: int, asked, rows: QuerySet) -> Page:
    """As page_of, for a list whose filter is costly to work out, which a page of the queryset works out twice: once to
    count the items, then again to read the page's. Here the items' ids are read once, in the list's order, and the
    page's then read from `rows` (the same model's, unfiltered but for who may see them) by id alone."""
    page = page_of(list(items.values_list("pk", flat=True)), per_page, asked)
    by_id = rows.in_bulk(page.object_list)
    page.object_list = [by_id[pk] for pk in page.object_list if pk in by_id]
    return page


def page_in_title(page) -> str:
    """' (page 2 of 12)' for a page title, where the list takes more than one page; else '' (and where there is none)."""
    if not isinstance(page, Page) or page.paginator.num_pages <= 1:
        return ""
    return f" (page {page.number} of {page.paginator.num_pages:,})"
