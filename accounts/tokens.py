"""Invitation links: like password-reset links, but they last days, not hours."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    # A different salt: a password-reset token is not an invitation, and the other way round.
    key_salt = "commonground.accounts.tokens.InvitationTokenGenerator"

    def check_token(self, user, token):
        if not (user and token) or not user.is_active:
            return False  # a deactivated account's invitation is void: its password could be set, but never used
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


invitation_token_generator = InvitationTokenGenerator()
