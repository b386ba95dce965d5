"""Every page needs a signed-in user, except the few public ones listed here; none of the others is kept in a cache."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from .sessions import ACCOUNT_ENDED, AT_ABSOLUTE_LIMIT, SIGNED_OUT_BECAUSE, end_at_absolute_limit, end_demonstration_session, end_unused

PUBLIC_PREFIXES = (
    "/static/",
    "/assets/",
    "/statistics/",  # published aggregate statistics (evidence.views.authority_statistics)
    "/accounts/sign-in/",
    "/accounts/password-reset/",
    "/accounts/reset/",
    "/accounts/invitation/",
    "/accounts/two-factor/link/",  # a link emailed to set up an authenticator app, opened before signing in or after
    "/accounts/sign-out/",  # signed out already (Back after signing out), the person is sent to the start page, not to sign in
)
PUBLIC_PATHS = ("/", "/accessibility/", "/cookies/", "/privacy/", "/favicon.ico")

# A browser-session cookie set at sign-in and cleared at sign-out: if it comes back without a live
# session, the session ran out, and the sign-in page says so.
SIGNED_IN_COOKIE = "cg_signed_in"
# Why the sign-in page is shown to someone who was signed in: the session ran out, or it is still
# there but no longer lets the person in (an administrator deactivated the account meanwhile); or it reached its
# absolute limit (accounts.sessions.AT_ABSOLUTE_LIMIT); or the account's password was changed since it began.
TIMED_OUT, ENDED, PASSWORD_CHANGED = "timed_out", ACCOUNT_ENDED, "password_changed"
# What a page asks in the background (accounts.sessions, for the warning before the session ends): signed out, it is
# sent to sign in like any request, but leaves the reason for the page itself, asked for next, to give (in the session,
# where the request itself ended it, as Django ends one begun before the password was changed).
ASKED_IN_THE_BACKGROUND = "/accounts/session/"


def _page_asked_for(request) -> str:
    """Where to come back to after signing in: the page itself, for a part of it that asks in the background (htmx
    names the page in HX-Current-URL, taken for its path only), else what was asked for."""
    if request.headers.get("HX-Request") and (current := request.headers.get("HX-Current-URL")):
        page = urlsplit(current)
        if page.path.startswith("/") and not page.path.startswith("//"):  # never another site's (//host/…)
            return page.path + (f"?{page.query}" if page.query else "")
    return request.get_full_path()


def _why_signed_out(request) -> str:
    """Why someone who was signed in is not: their session reached its absolute limit, it is still there but no longer
    lets them in, their password was changed since it began, or it ran out."""
    if (because := request.session.get(SIGNED_OUT_BECAUSE)) in (AT_ABSOLUTE_LIMIT, PASSWORD_CHANGED, ENDED):
        return because
    if SESSION_KEY in request.session:
        return ENDED
    # Django empties, as it reads it, a session begun before the account's password was changed (and deletes it); one
    # it found had run out it leaves as it was, unchanged.
    return PASSWORD_CHANGED if request.session.modified and not request.session.session_key else TIMED_OUT


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


class RequireSignInMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        # On every page, public ones too: signed out there, the person is not shown as signed in. A session that ended
        # unused is recorded by the first request to find it.
        end_at_absolute_limit(request) or end_demonstration_session(request) or end_unused(request)
        if not is_public(path):
            user = request.user
            if not user.is_authenticated:
                response = redirect_to_login(_page_asked_for(request), reverse(settings.LOGIN_URL))
                if request.COOKIES.get(SIGNED_IN_COOKIE) and not path.startswith(ASKED_IN_THE_BACKGROUND):
                    response["Location"] += f"&signed_out={_why_signed_out(request)}"
                    response.delete_cookie(SIGNED_IN_COOKIE)
                    request.session.flush()
                elif request.COOKIES.get(SIGNED_IN_COOKIE) and _why_signed_out(request) == PASSWORD_CHANGED:
                    # Asked in the background, the session begun before a change of password is ended here, which
                    # leaves nothing of it for the page asked for next to tell: the reason is kept for it.
                    request.session[SIGNED_OUT_BECAUSE] = PASSWORD_CHANGED
                if request.headers.get("HX-Request"):
                    # A part of a page refreshing itself (an import's progress): the whole page goes to sign in, and back
                    # to itself after, rather than the sign-in page taking the part's place.
                    response["HX-Redirect"], response.status_code = response["Location"], 204
                    del response["Location"]
                return response
            from .two_factor import needs_second_factor, second_factor_url

            if needs_second_factor(request) and not path.startswith(("/accounts/two-factor/", "/accounts/sign-out/")):
                return redirect(second_factor_url(request, request.get_full_path() if request.method == "GET" else ""))
            # What a signed-in person reads is theirs alone: no browser or proxy keeps a copy to show after sign-out.
            response = self.get_response(request)
            add_never_cache_headers(response)
            return response
        return self.get_response(request)
