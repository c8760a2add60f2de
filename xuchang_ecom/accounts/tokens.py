"""The token in an invitation link: Django's password-reset token with a salt and a
lifetime of its own, so an invitation link is never a reset link and the other way round."""
from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "xuchang_ecom.accounts.tokens.InvitationTokenGenerator"

    @property
    def timeout_seconds(self) -> int:
        return settings.ACCOUNT_INVITATION_DAYS * 24 * 60 * 60

    def _make_hash_value(self, user, timestamp):
        # Besides what a reset token depends on (password, last log-in, e-mail): a newer
        # invitation replaces the older one, and deactivating the account voids it.
        invited = "" if user.invited_at is None else user.invited_at.replace(microsecond=0, tzinfo=None)
        return f"{super()._make_hash_value(user, timestamp)}{invited}{user.is_active}"

    def check_token(self, user, token):
        """Whether ``token`` is this user's current invitation and younger than
        ``ACCOUNT_INVITATION_DAYS`` (Django's check uses PASSWORD_RESET_TIMEOUT instead)."""
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            timestamp = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
                   for secret in [self.secret, *self.secret_fallbacks]):
            return False
        return self._num_seconds(self._now()) - timestamp <= self.timeout_seconds


invitation_token_generator = InvitationTokenGenerator()
