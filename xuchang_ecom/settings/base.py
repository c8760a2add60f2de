"""Settings shared by every environment.

Values come from the environment (django-environ). Development defaults live in
``local.py``; ``production.py`` removes every default for a secret so a missing one fails
at start-up instead of running insecurely.
"""
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

INSTALLED_APPS = [
    "xuchang_ecom.common.adminsite.AdminConfig",  # django.contrib.admin; its site: common/adminsite.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "axes",
    "auditlog",
    "xuchang_ecom.common",
    "xuchang_ecom.regions",
    "xuchang_ecom.accounts",
    "xuchang_ecom.records",
    "xuchang_ecom.reporting",
    "xuchang_ecom.applications",
    "programs",
    "villages",
    "livestream",
    "poverty",
    # After the registries: it registers their models with auditlog, and after auditlog,
    # whose admin it replaces.
    "xuchang_ecom.audit",
    # The demo data, the data generator and the benchmarks (management commands only).
    "xuchang_ecom.tools",
]

MIDDLEWARE = [
    # The headers every response carries (nosniff, Referrer-Policy, CSP, X-Frame-Options)
    # come first, so the answers that middleware below gives early (413, a NUL's 400, a
    # bad host's 400, a CSRF 403) carry them too.
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A body larger than MAX_REQUEST_BYTES is refused (413) before anything reads it.
    "xuchang_ecom.common.middleware.RequestSizeLimitMiddleware",
    "xuchang_ecom.common.middleware.NulCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Trail entries written while a request is served name its user and channel.
    "xuchang_ecom.audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A service's NotFound or Conflict that the view lets through answers 404 or 409. It
    # only handles a view's exceptions, which Django hands it inside every middleware
    # above (so in the request's language), wherever it stands in this list.
    "xuchang_ecom.common.middleware.DomainErrorMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Only the site's own scripts, styles, images and fonts; no frames, plugins or other hosts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SECURE_REFERRER_POLICY = "same-origin"
#: The largest request body accepted (every upload form's files together).
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=25 * 1024 * 1024)

ROOT_URLCONF = "xuchang_ecom.urls"
WSGI_APPLICATION = "xuchang_ecom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xuchang_ecom.common.context_processors.site",
                "xuchang_ecom.reporting.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Re-check pooled connections before use so a restarted PostgreSQL costs one failed
# request at most instead of a worker full of dead connections.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "home"
# Password reset (accounts.forms.PasswordResetForm): at most this many mails to one address
# and to one account within the window, counted in the shared cache; more requests are
# answered as usual, without a mail.
PASSWORD_RESET_MAILS_PER_ADDRESS = env.int("PASSWORD_RESET_MAILS_PER_ADDRESS", default=3)
PASSWORD_RESET_MAILS_PER_ACCOUNT = env.int("PASSWORD_RESET_MAILS_PER_ACCOUNT", default=3)
PASSWORD_RESET_WINDOW_MINUTES = env.int("PASSWORD_RESET_WINDOW_MINUTES", default=60)
# A link to set a password: from a reset request valid three days (Django's default),
# from an invitation to a new reporter account this many days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60
ACCOUNT_INVITATION_DAYS = env.int("ACCOUNT_INVITATION_DAYS", default=7)

# Login throttling (django-axes): five failures for one username from one address lock
# that pair out for AXES_COOLOFF_MINUTES (axes' default lockout never expires).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The client's address is the connection's unless a trusted proxy is configured
# (e.g. AXES_IP_HEADERS=HTTP_X_FORWARDED_FOR,REMOTE_ADDR behind the load balancer):
# a header the client sets itself would let it dodge the lockout.
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list("AXES_IP_HEADERS", default=["REMOTE_ADDR"])

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English is the source language; the bureau's users read Simplified Chinese, so it is
# the default and English is one click away on every page.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Applicants' documents: outside the web root, served only through a view that checks who
# may see them (``applications.views.document_view``).
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None}},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
#: The largest document an applicant may upload.
APPLICATION_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024

# Celery. Without a broker URL tasks run eagerly in-process, so a newcomer needs no Redis.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 600
CELERY_TASK_SOFT_TIME_LIMIT = 540
# A request must never hang on a dead broker: fail fast and let the caller log it.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Publishing tries the broker twice, 0.2 s apart, then gives up (kombu retries for
# seconds by default).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 2, "socket_connect_timeout": 2,
    "max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2,
    # A task whose worker died before acknowledging it (tasks ack late) is delivered again
    # after this long; longer than any task's time limit and countdown.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # Kombu looks for such tasks every 10 s but scans Redis only on every 10th look, so
    # redelivery came up to 100 s after the timeout; scan on each (one ZRANGE per 10 s).
    "unacked_restore_throttle": 1,
}
CELERY_BEAT_SCHEDULE = {
    # The nightly roll-up: today's snapshots, every stored date refreshed (programs.tasks).
    "programs-rollup-daily": {"task": "programs.rollup_daily", "schedule": crontab(hour=1, minute=30)},
    # A roll-up that could not be enqueued while the broker was down, once it is back.
    "programs-rollup-catch-up": {"task": "programs.rollup_catch_up", "schedule": 60.0},
    # The files of imports older than IMPORT_KEEP_FILES_DAYS (records.tasks).
    "records-imports-sweep": {"task": "records.import_jobs_sweep", "schedule": crontab(hour=2, minute=15)},
    # Report reminders (reporting.tasks), in the morning of the working day.
    "reporting-reminders-daily": {"task": "reporting.send_reminders", "schedule": crontab(hour=8, minute=30)},
}
# A burst of registry writes within this many seconds causes one roll-up (programs.triggers).
ROLLUP_DEBOUNCE_SECONDS = env.int("ROLLUP_DEBOUNCE_SECONDS", default=30)

# The cache is shared by every process when Redis is there (the roll-up's debounce marker,
# the dashboard's aggregates); without it each process keeps its own.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "xuchang",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "xuchang_ecom.common.authentication.StrictBasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "xuchang_ecom.common.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Per client; the open data's anonymous rate is an operator's choice (OPEN_DATA_RATE).
    "DEFAULT_THROTTLE_RATES": {"anon": env("OPEN_DATA_RATE", default="120/minute"), "user": "1200/minute"},
    # A service's NotFound and Conflict answer 404 and 409, as on the pages.
    "EXCEPTION_HANDLER": "xuchang_ecom.common.apierrors.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "许昌市电子商务项目平台 API",
    "DESCRIPTION": "Staff API of the Xuchang e-commerce program platform.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "xuchang_ecom.common.openapi.document_errors"],
    # Several registries have a "kind" choice; name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "DesignationKindEnum": "villages.models.DesignationKind",
        "SessionKindEnum": "livestream.models.SessionKind",
        "BaseKindEnum": "livestream.models.BaseKind",
    },
}

# Import/export: every registry imports and exports .xlsx and .csv the same way.
# Our formats check uploads before parsing and neutralise formulas on export; the
# resources always import all or nothing (xuchang_ecom.records.importexport).
IMPORT_EXPORT_FORMATS = [
    "xuchang_ecom.records.importexport.formats.XLSX",
    "xuchang_ecom.records.importexport.formats.CSV",
]
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
# Uploads larger than this are refused before parsing.
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
# A file with more data rows than this (blank rows aside), or with more blank rows than
# this, is refused as soon as the reader meets the one too many: files are read row by
# row, and this bounds how many rows one import reads.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=1_000_000)
# An .xlsx whose members unpack to more than this is refused (zip bombs).
IMPORT_MAX_XLSX_UNPACKED_BYTES = env.int("IMPORT_MAX_XLSX_UNPACKED_BYTES", default=200 * 1024 * 1024)
# An .xlsx sheet whose used area (from A1 to its last cell) spans more cells than this is
# refused before it is read: python-calamine allocates every cell of it, blank ones too,
# about 32 bytes each, so this bounds the memory an .xlsx import takes (~320 MB).
IMPORT_MAX_XLSX_CELLS = env.int("IMPORT_MAX_XLSX_CELLS", default=10_000_000)
# Imports run in a Celery worker (xuchang_ecom.records.importexport.jobs). A job whose worker
# has not reported for this many seconds is marked stopped and may be retried.
IMPORT_STALL_SECONDS = env.int("IMPORT_STALL_SECONDS", default=120)
# The longest one step of an import (the check, or the import) may run.
IMPORT_TASK_TIME_LIMIT = env.int("IMPORT_TASK_TIME_LIMIT", default=3600)
# Uploaded files and error workbooks hold personal data: removed after this many days.
IMPORT_KEEP_FILES_DAYS = env.int("IMPORT_KEEP_FILES_DAYS", default=3)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Personal data (resident ID numbers) is encrypted with these Fernet keys (first one
# encrypts, all decrypt) and looked up by an HMAC with a key of its own; neither is
# derived from SECRET_KEY. See xuchang_ecom.common.crypto for rotation.
PERSONAL_DATA_KEYS = env.list("PERSONAL_DATA_KEYS", default=[])
PERSONAL_DATA_HASH_KEY = env("PERSONAL_DATA_HASH_KEY", default="")
#: How many resident ID numbers one user without the permission to read them may look up
#: (importing households or their links, typing a number) in 24 hours: each look-up tells
#: whether a number is registered, so it is a reveal, logged and limited.
PERSONAL_DATA_MATCH_LIMIT = env.int("PERSONAL_DATA_MATCH_LIMIT", default=2000)

# E-mail (reminders, notifications, password reset): an EMAIL_URL such as
# smtp+tls://user:password@smtp.example.org:587; development prints mail to the console.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="许昌市电子商务项目平台 <noreply@localhost>")
# Reporters are reminded this many days before a report is due, and once when it is overdue.
REPORT_REMINDER_DAYS = env.int("REPORT_REMINDER_DAYS", default=3)
# Sessions end after eight hours (a working day) and when the browser closes.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# The terms the open data (/open-data/, /api/v1/) are published under; by default, free
# reuse with attribution.
OPEN_DATA_LICENCE_DEFAULT = _(
    "Published by the Xuchang Municipal Bureau of Commerce for anyone to reuse free of charge, "
    "on condition that the source is named: “Source: Xuchang Municipal Bureau of Commerce”.")
OPEN_DATA_LICENCE = env("OPEN_DATA_LICENCE", default="") or OPEN_DATA_LICENCE_DEFAULT

# Shown as a banner on every page when the data is the demo set.
DEMO_MODE = env.bool("DEMO_MODE", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

ADMIN_SITE_HEADER = _("Xuchang E-commerce Program Platform")
ADMIN_INDEX_TITLE = _("Registries and reports")

# The audit trail (xuchang_ecom.audit, on django-auditlog): entries are our model (fewer
# indexes, protected, Chinese labels), and changes are kept as JSON values (numbers stay
# numbers, an empty value is null) rather than as text.
AUDITLOG_LOGENTRY_MODEL = "audit.LogEntry"
# auditlog's migrations only create the table of its own entry model, swapped out above.
MIGRATION_MODULES = {"auditlog": None}
AUDITLOG_STORE_JSON_CHANGES = True
