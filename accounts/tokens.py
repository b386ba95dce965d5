"""Links that set a password: password-reset links, and invitations, which last days, not hours. Neither works for a
deactivated account."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class ActiveAccountsOnly:
    """A link that sets a password is void for a deactivated account: the password could be set, but never used."""

    def check_token(self, user, token):
        return bool(user) and user.is_active and super().check_token(user, token)


class PasswordResetTokens(ActiveAccountsOnly, PasswordResetTokenGenerator):
    """Django's own reset links (the same salt, so links already sent still work), for active accounts only."""


class _LongLived(PasswordResetTokenGenerator):
    """Links that last INVITATION_TIMEOUT rather than PASSWORD_RESET_TIMEOUT."""

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            ts = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if self._num_seconds(self._now()) - ts > settings.INVITATION_TIMEOUT:
            return False
        # The token still holds the user's password hash and last sign-in, so it works once only.
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


class InvitationTokenGenerator(ActiveAccountsOnly, _LongLived):
    # A different salt: a password-reset token is not an invitation, and the other way round.
    key_salt = "commonground.accounts.tokens.InvitationTokenGenerator"


invitation_token_generator = InvitationTokenGenerator()
password_reset_tokens = PasswordResetTokens()
