"""Lists shown a page at a time."""

from django.core.paginator import Page, Paginator

from .numbers import whole_number


def page_of(items, per_page: int, asked) -> Page:
    """The page asked for (`asked`, as the address gives it): the first where it names none (no number, or 0 or less,
    where Django gives the last), the last where it is past the end."""
    number = whole_number(asked) if asked is not None else None
    return Paginator(items, per_page).get_page(number if number is not None and number >= 1 else 1)


def page_in_title(page) -> str:
    """' (page 2 of 12)' for a page title, where the list takes more than one page; else '' (and where there is none)."""
    if not isinstance(page, Page) or page.paginator.num_pages <= 1:
        return ""
    return f" (page {page.number} of {page.paginator.num_pages:,})"
