"""Telling people that something needs them: a notification on their pages and an e-mail
sent after the transaction commits. A failure to send is logged, never raised to the user
whose action caused it. Reports and applications both tell their people this way."""
import logging

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from xuchang_ecom.accounts.models import Role

from .models import Notification

logger = logging.getLogger(__name__)


def _mail(subject: str, body: str, recipients: list[str]) -> None:
    if not recipients:
        return
    try:
        send_mail(subject, body, None, recipients)
    except Exception:
        # The count, not the addresses: logs are read by more people than the accounts are.
        logger.exception("Could not e-mail %d recipient(s)", len(recipients))


def notify(*, users, message: str, url: str = "") -> list[Notification]:
    """Show ``message`` to each of ``users`` on their pages and e-mail it after commit."""
    users = list(users)
    notifications = Notification.objects.bulk_create([Notification(user=user, message=message, url=url)
                                                      for user in users])
    recipients = [user.email for user in users if user.email]
    transaction.on_commit(lambda: _mail(message, message + (f"\n\n{url}" if url else ""), recipients))
    return notifications


def notifications_mark_read(*, user) -> int:
    """Mark every unread notification of ``user`` read, now; returns how many were."""
    return Notification.objects.filter(user=user).unread().update(read_at=timezone.now())


def reviewers_of(organisation):
    """Who is told something from ``organisation`` arrived: the county staff of its
    county, or city staff when the county has none."""
    users = get_user_model().objects.filter(is_active=True)
    county = organisation.region.county or organisation.region
    county_staff = users.filter(role=Role.COUNTY_STAFF, region=county)
    return county_staff if county_staff.exists() else users.filter(role=Role.CITY_STAFF)


def reporters_of(organisation_id: int):
    return get_user_model().objects.filter(is_active=True, role=Role.REPORTER, organisation_id=organisation_id)
