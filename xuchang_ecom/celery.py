"""The Celery application.

Workers start with ``celery -A xuchang_ecom worker``; configuration comes from Django
settings under the ``CELERY_`` prefix, so the same environment variables drive web and
worker processes.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuchang_ecom.settings.local")

app = Celery("xuchang_ecom")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
