"""Emailed links: those that set a password (password-reset links, and invitations, which last days, not hours), and
those that let a person set up their authenticator app. None works for a deactivated account."""

import copy
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator


class ActiveAccountsOnly:
    """A link that sets a password is void for a deactivated account: the password could be set, but never used."""

    def check_token(self, user, token):
        return bool(user) and user.is_active and super().check_token(user, token)


class PasswordResetTokens(ActiveAccountsOnly, PasswordResetTokenGenerator):
    """Django's own reset links (the same salt, so links already sent still work), for active accounts only."""


class _LongLived(PasswordResetTokenGenerator):
    """Links that last INVITATION_TIMEOUT rather than PASSWORD_RESET_TIMEOUT (and, holding the account's password
    hash and last sign-in, work once only)."""

    def check_token(self, user, token):
        # Django's own check (the link's signature under the key or a fallback, then its age), on a clock put back by
        # the difference of the two timeouts: a link at most PASSWORD_RESET_TIMEOUT old by that clock is at most
        # INVITATION_TIMEOUT old. The clock is a copy's, as one generator serves every request at once.
        put_back = copy.copy(self)
        put_back._now = lambda: self._now() - timedelta(seconds=settings.INVITATION_TIMEOUT - settings.PASSWORD_RESET_TIMEOUT)
        return super(_LongLived, put_back).check_token(user, token)


class InvitationTokenGenerator(ActiveAccountsOnly, _LongLived):
    # A different salt: a password-reset token is not an invitation, and the other way round.
    key_salt = "commonground.accounts.tokens.InvitationTokenGenerator"


class AuthenticatorSetupTokens(ActiveAccountsOnly, PasswordResetTokenGenerator):
    """Links that let a person set up their authenticator app, emailed to show that the mailbox is theirs: a password
    alone does not let anyone make their own app the account's second factor. A link lasts PASSWORD_RESET_TIMEOUT and
    works once: it holds the account's authenticator apps, set up or not, which using it replaces (the app not yet set
    up gets a new key) and setting one up changes; and the password, as a reset link does. Not the last sign-in, which
    changes when the person signs in to use the link."""

    key_salt = "commonground.accounts.tokens.AuthenticatorSetupTokens"

    def _make_hash_value(self, user, timestamp):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        apps = TOTPDevice.objects.filter(user=user).order_by("pk").values_list("pk", "key", "confirmed")
        return f"{user.pk}{user.password}{timestamp}{user.email}{list(apps)}"


invitation_token_generator = InvitationTokenGenerator()
password_reset_tokens = PasswordResetTokens()
authenticator_setup_tokens = AuthenticatorSetupTokens()
