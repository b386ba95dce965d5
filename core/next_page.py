"""Where to go after a page: the `next` address a link or a form carries (after signing in, setting up an authenticator
app, or leaving a form by its Back link), followed only where it is a page of this site."""

from django.utils.http import url_has_allowed_host_and_scheme, urlencode


def safe_next(request) -> str:
    """The `next` address the request carries (posted, else in its query) if it is a page of this site, by its path:
    not another site's, not a scheme such as javascript:, not a path relative to the page; otherwise nothing."""
    asked = request.POST.get("next") or request.GET.get("next") or ""
    on_this_site = url_has_allowed_host_and_scheme(asked, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return asked if asked.startswith("/") and on_this_site else ""


def with_next(path: str, next_url: str = "", *flags: str) -> str:
    """`path` with `flags` (words alone in its query, as "change") and where to go after it (`next_url`, safe_next's),
    if any, as its query."""
    parts = [*flags, urlencode({"next": next_url})] if next_url else list(flags)
    return f"{path}?{'&'.join(parts)}" if parts else path
