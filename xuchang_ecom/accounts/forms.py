import logging

from django.conf import settings
from django.contrib.auth import forms as auth_forms

from xuchang_ecom.common.crypto import keyed_hash
from xuchang_ecom.common.ratelimit import within_limit

from .mails import reset_mail_context

logger = logging.getLogger(__name__)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's password-reset form, sending an address at most
    ``PASSWORD_RESET_MAILS_PER_ADDRESS`` mails and an account at most
    ``PASSWORD_RESET_MAILS_PER_ACCOUNT`` within ``PASSWORD_RESET_WINDOW_MINUTES``.

    Over a limit nothing is sent and the page answers exactly as for any other address,
    known or not, so it tells nobody which addresses have accounts. The log names the
    account by id and the address only by a keyed hash: no address in the logs.
    """

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        user = context["user"]
        context = {**context, **reset_mail_context()}
        window = settings.PASSWORD_RESET_WINDOW_MINUTES * 60
        # Counted before sending, both always: a refused request uses up its place too.
        address = keyed_hash(f"password-reset:{to_email.casefold()}")
        address_ok = within_limit(f"password-reset:address:{address}",
                                  limit=settings.PASSWORD_RESET_MAILS_PER_ADDRESS, window_seconds=window)
        account_ok = within_limit(f"password-reset:account:{user.pk}",
                                  limit=settings.PASSWORD_RESET_MAILS_PER_ACCOUNT, window_seconds=window)
        if not (address_ok and account_ok):
            logger.warning("Password reset mail not sent: %s limit reached (account %s, address %s…) within %s "
                           "minutes", "address" if not address_ok else "account", user.pk, address[:12],
                           settings.PASSWORD_RESET_WINDOW_MINUTES)
            return
        super().send_mail(subject_template_name, email_template_name, context, from_email, to_email,
                          html_email_template_name)
