"""When a signed-in user must still give their second factor."""

from django.conf import settings
from django.urls import reverse
from django_otp import user_has_device

from .access import scope_for
from .roles import TWO_FACTOR_ROLES


def two_factor_required(user) -> bool:
    if not settings.REQUIRE_TWO_FACTOR or not user.is_authenticated:
        return False
    scope = scope_for(user)
    return user.is_superuser or bool(scope.roles & TWO_FACTOR_ROLES)


def needs_second_factor(request) -> bool:
    user = request.user
    if not two_factor_required(user):
        return False
    return not user.is_verified()


def second_factor_url(request) -> str:
    if user_has_device(request.user, confirmed=True):
        return reverse("accounts:two-factor-verify")
    return reverse("accounts:two-factor-setup")
