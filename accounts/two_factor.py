"""When a signed-in user must still give their second factor."""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django_otp import user_has_device

from .access import scope_for
from .roles import TWO_FACTOR_ROLES

# Set at sign-in for someone who chose to set up two-factor authentication though their roles do not need it.
SECOND_FACTOR_PENDING = "cg_second_factor_pending"


def two_factor_required(user) -> bool:
    if not settings.REQUIRE_TWO_FACTOR or not user.is_authenticated:
        return False
    scope = scope_for(user)
    return user.is_superuser or bool(scope.roles & TWO_FACTOR_ROLES)


def needs_second_factor(request) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    if not (two_factor_required(user) or request.session.get(SECOND_FACTOR_PENDING)):
        return False
    return not user.is_verified()


def second_factor_url(request, next_url: str = "") -> str:
    name = "accounts:two-factor-verify" if user_has_device(request.user, confirmed=True) else "accounts:two-factor-setup"
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url
