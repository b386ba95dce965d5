"""When a signed-in user must still give their second factor, and whether they may set up an authenticator app."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_otp import user_has_device

from core.next_page import with_next

from .access import scope_for
from .roles import TWO_FACTOR_ROLES

# Set at sign-in for someone who chose to set up two-factor authentication though their roles do not need it.
SECOND_FACTOR_PENDING = "cg_second_factor_pending"
# Whose mailbox this browser's session has shown is theirs, and when: {"user": pk, "at": seconds since 1970}. Set by
# an emailed link (an invitation, a password reset, a link to set up an authenticator app) before or after signing in,
# which keeps it (django.contrib.auth.login keeps a signed-out session's data).
MAILBOX_SHOWN = "cg_mailbox_shown"


def two_factor_required(user) -> bool:
    return settings.REQUIRE_TWO_FACTOR and roles_need_two_factor(user)


def roles_need_two_factor(user) -> bool:
    """Whether the person's roles (or being a site administrator) need a second factor where it is required (the
    default, REQUIRE_TWO_FACTOR)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or bool(scope_for(user).roles & TWO_FACTOR_ROLES)


def needs_second_factor(request) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    if not (two_factor_required(user) or request.session.get(SECOND_FACTOR_PENDING)):
        return False
    return not user.is_verified()


def second_factor_url(request, next_url: str = "") -> str:
    name = "accounts:two-factor-verify" if user_has_device(request.user, confirmed=True) else "accounts:two-factor-setup"
    return with_next(reverse(name), next_url)


def show_mailbox(request, user) -> None:
    """Record that this session came through a link emailed to `user`: their mailbox is theirs."""
    request.session[MAILBOX_SHOWN] = {"user": user.pk, "at": int(timezone.now().timestamp())}


def mailbox_shown(request) -> bool:
    """Whether this session came through a link emailed to the signed-in user within PASSWORD_RESET_TIMEOUT, as setting
    up an authenticator app needs: their password alone is not enough to make an app of their own the account's second
    factor (a new account's, or one whose app an administrator reset)."""
    shown = request.session.get(MAILBOX_SHOWN) or {}
    if shown.get("user") != request.user.pk:
        return False
    return timezone.now().timestamp() - shown.get("at", 0) <= settings.PASSWORD_RESET_TIMEOUT
