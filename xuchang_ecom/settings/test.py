"""Tests: SQLite in memory unless DATABASE_URL points at a real PostgreSQL."""
from .base import *  # noqa: F403
from .base import OPEN_DATA_LICENCE_DEFAULT, REST_FRAMEWORK, env

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DATABASES = {"default": env.db("DATABASE_URL", default="sqlite://:memory:")}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
# Tests run tasks in-process; the broker connection is tested separately.
CELERY_TASK_ALWAYS_EAGER = True
# Each test process keeps its own cache, so tests never see each other's entries.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Serve static files from the finders (no collectstatic in tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

PERSONAL_DATA_KEYS = ["dGVzdC1vbmx5LXBlcnNvbmFsLWRhdGEta2V5LTAwMDA="]
PERSONAL_DATA_HASH_KEY = "test-only-personal-data-hash-key"
PERSONAL_DATA_MATCH_LIMIT = 2000
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Whatever the shell exports, the tests see the defaults.
PASSWORD_RESET_MAILS_PER_ADDRESS = 3
PASSWORD_RESET_MAILS_PER_ACCOUNT = 3
PASSWORD_RESET_WINDOW_MINUTES = 60
DEMO_MODE = False
OPEN_DATA_LICENCE = OPEN_DATA_LICENCE_DEFAULT
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "120/minute", "user": "1200/minute"}}
