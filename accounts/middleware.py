"""Every page needs a signed-in user, except the few public ones listed here."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

PUBLIC_PREFIXES = ("/static/", "/assets/", "/accounts/sign-in/", "/accounts/password-reset/", "/accounts/reset/", "/accounts/invitation/")
PUBLIC_PATHS = ("/", "/accessibility/", "/cookies/", "/privacy/", "/favicon.ico")


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


class RequireSignInMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if not is_public(path):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
            from .two_factor import needs_second_factor, second_factor_url

            if needs_second_factor(request) and not path.startswith(("/accounts/two-factor/", "/accounts/sign-out/")):
                return redirect(second_factor_url(request))
        return self.get_response(request)
