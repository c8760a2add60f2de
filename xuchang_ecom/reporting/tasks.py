"""Celery tasks of the monthly reports."""
from celery import shared_task
from django.db import DatabaseError

from . import notify


@shared_task(name="reporting.send_reminders", autoretry_for=(DatabaseError,), retry_backoff=10, max_retries=3,
             soft_time_limit=240, time_limit=300, acks_late=True)
def send_reminders() -> int:
    """E-mail the day's reminders (each at most once; see ``notify.reminders_send``)."""
    return notify.reminders_send()
