"""The platform's own e-mails about accounts, in the bureau's words and signed by it:
the invitation to a new reporter account (and the reset mail's extra context)."""
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .roles import Role
from .tokens import invitation_token_generator


def bureau_name(user) -> str:
    """The bureau ``user`` works for: their county's, or the city's."""
    if user.role == Role.COUNTY_STAFF and user.region_id:
        return _("%(division)s Bureau of Commerce") % {"division": user.region.name}
    return _("Xuchang Municipal Bureau of Commerce")


def reset_mail_context() -> dict:
    """What the password-reset mail says besides Django's context: how long the link lasts."""
    return {"valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60))}


def invitation_mail(*, reporter, inviter, site_url: str) -> EmailMessage:
    """The invitation to ``reporter``'s new account from ``inviter``, with a link (on
    ``site_url``, e.g. ``https://ecom.example.org``) to set a password; in the site's
    language (the reporter's, whatever the inviter's page showed)."""
    token = invitation_token_generator.make_token(reporter)
    uid = urlsafe_base64_encode(force_bytes(reporter.pk))
    with translation.override(settings.LANGUAGE_CODE):
        expires = timezone.localtime(timezone.now() + timedelta(days=settings.ACCOUNT_INVITATION_DAYS))
        context = {
            "reporter": reporter,
            "inviter_name": inviter.get_full_name() or inviter.get_username(),
            "inviter_bureau": bureau_name(inviter),
            "organisation": reporter.organisation,
            "link": site_url.rstrip("/") + reverse("invitation_confirm", kwargs={"uidb64": uid, "token": token}),
            "valid_days": settings.ACCOUNT_INVITATION_DAYS,
            "expires": formats.date_format(expires, "DATETIME_FORMAT"),
        }
        subject = "".join(render_to_string("registration/invitation_subject.txt", context).splitlines())
        body = render_to_string("registration/invitation_email.txt", context)
    return EmailMessage(subject, body, None, [reporter.email])


