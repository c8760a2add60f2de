"""Development: safe defaults so ``make run`` needs nothing set."""
from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me-in-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
DEMO_MODE = env.bool("DEMO_MODE", default=True)
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Development keys: fixed so the demo database stays readable across restarts; never use
# them for real data (production has no default).
PERSONAL_DATA_KEYS = env.list("PERSONAL_DATA_KEYS", default=["ZGV2LW9ubHktcGVyc29uYWwtZGF0YS1rZXktMDAwMDA="])
PERSONAL_DATA_HASH_KEY = env("PERSONAL_DATA_HASH_KEY", default="dev-only-personal-data-hash-key")
