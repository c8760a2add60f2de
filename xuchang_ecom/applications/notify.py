"""Telling people about applications: what the bureau and the applicant are told when an
application moves (through ``xuchang_ecom.workflow.notifications``), in the site's
language whoever made the move, with a link to the application."""
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from xuchang_ecom.workflow.notifications import notify, reporters_of, reviewers_of

from .models import Application


def _tell(users, application: Application, message: str) -> None:
    """Notify ``users`` of ``message`` (a translated text naming ``organisation`` and
    ``call``), in-page and by e-mail after commit."""
    text = message % {"organisation": application.organisation.name, "call": application.call.title}
    notify(users=users, message=text, url=reverse("applications:detail", args=[application.pk]))


def application_arrived(application: Application) -> None:
    """Tell the reviewers of the applicant's county that ``application`` awaits them."""
    with override(settings.LANGUAGE_CODE):
        message = _("%(organisation)s submitted its application to “%(call)s”.")
    _tell(reviewers_of(application.organisation), application, message)


def application_returned(application: Application) -> None:
    """Tell the applicant that ``application`` came back for more material."""
    with override(settings.LANGUAGE_CODE):
        message = _("Your application to “%(call)s” was returned for more material.")
    _tell(reporters_of(application.organisation_id), application, message)


def application_decided(application: Application, *, approved: bool) -> None:
    """Tell the applicant whether ``application`` was approved."""
    with override(settings.LANGUAGE_CODE):
        message = (_("Your application to “%(call)s” was approved.") if approved
                   else _("Your application to “%(call)s” was not approved."))
    _tell(reporters_of(application.organisation_id), application, message)
