"""Wuxing settings. The environment is read only through config.settings.env.

Production is simply DEBUG off: the security settings below follow from it, and
`manage.py check --deploy` must pass (see README, "Configuration").
"""

from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF

from config.settings.celery import (  # noqa: F401  (settings are read by name)
    CELERY_BEAT_SCHEDULE,
    CELERY_BEAT_SCHEDULER,
    CELERY_BROKER_CONNECTION_TIMEOUT,
    CELERY_BROKER_TRANSPORT_OPTIONS,
    CELERY_BROKER_URL,
    CELERY_RESULT_BACKEND,
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS,
    CELERY_RESULT_EXPIRES,
    CELERY_TASK_ACKS_LATE,
    CELERY_TASK_ALWAYS_EAGER,
    CELERY_TASK_DEFAULT_QUEUE,
    CELERY_TASK_EAGER_PROPAGATES,
    CELERY_TASK_IGNORE_RESULT,
    CELERY_TASK_PUBLISH_RETRY_POLICY,
    CELERY_TASK_REJECT_ON_WORKER_LOST,
    CELERY_TASK_SOFT_TIME_LIMIT,
    CELERY_TASK_TIME_LIMIT,
    CELERY_TIMEZONE,
    CELERY_WORKER_PREFETCH_MULTIPLIER,
)
from config.settings.env import env_bool, env_database, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DEBUG", False)
# The development key is refused by `check --deploy` (check wuxing.E001), never silently used.
DEV_SECRET_KEY = "django-insecure-wuxing-development-only"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "django_celery_beat",
    "axes",
    "csp",
    "config",
    "villages",
    "accounts",
    "audit",
    "uploads",
    "notifications",
    "branches",
    "catalogues",
    "scoring",
    "tallies",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Pages and JSON go over village mobile lines: the checklist page is a seventh of its size
    # gzipped. BREACH: Django pads each compressed body with random bytes and masks the CSRF
    # token anew on every response; static files come precompressed from WhiteNoise.
    "django.middleware.gzip.GZipMiddleware",
    "config.middleware.NulRefusedMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged during login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "accounts.context_processors.user_place",
                "notifications.context_processors.inbox",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out username + address first
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "accounts.passwords.MinimumLength",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
# A language is offered only with its catalogue complete (tests/test_demo.py checks): the
# English one covers a fifth of the strings, so it is kept for translators, not offered.
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Upload caps: Django only decides when to spill to disk; the hard limit is ours (and the proxy's).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
WUXING_UPLOAD_MAX_BYTES = env_int("WUXING_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# Answer sheets with more cells than this are checked and written by a worker.
WUXING_IMPORT_SYNC_CELLS = env_int("WUXING_IMPORT_SYNC_CELLS", 5000)
# No register or answer sheet comes near these (a province's villages are some 52,000 rows; a
# county's answer sheet some 1,000 × 110 cells); they bound what one upload can cost to read.
WUXING_SHEET_MAX_ROWS = env_int("WUXING_SHEET_MAX_ROWS", 100_000)
WUXING_SHEET_MAX_CELLS = env_int("WUXING_SHEET_MAX_CELLS", 2_000_000)
WUXING_EVIDENCE_MAX_BYTES = env_int("WUXING_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# A tally task takes townships until it holds this many branches (each township stays its own
# part): task overhead is several times a small township's query.
WUXING_TALLY_BATCH_BRANCHES = env_int("WUXING_TALLY_BATCH_BRANCHES", 150)
# A city's or province's run has thousands of townships: bigger batches, fewer messages.
WUXING_TALLY_REGION_BATCH_BRANCHES = env_int("WUXING_TALLY_REGION_BATCH_BRANCHES", 1500)
# A live tally beats at every part; one silent for longer than this lost its worker, and the
# next 立即统计 starts afresh instead of joining it (the beat's reconciler fails it after 2 min).
WUXING_TALLY_ALIVE_SECONDS = env_int("WUXING_TALLY_ALIVE_SECONDS", 60)
# Fault tests only: each township's tally part sleeps this long, so a worker can be killed midway.
WUXING_TALLY_PART_PAUSE_MS = env_int("WUXING_TALLY_PART_PAUSE_MS", 0)
# Public objection form: filings per client address per hour.
WUXING_OBJECTIONS_PER_HOUR = env_int("WUXING_OBJECTIONS_PER_HOUR", 5)

# Reaching people. Links in e-mails and webhooks start with the site's address.
WUXING_SITE_URL = env_str("WUXING_SITE_URL", "http://127.0.0.1:8000")
# E-mail by SMTP (Django's backend); without EMAIL_HOST the demo prints e-mails to the console.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "五星支部创建管理平台 <noreply@localhost>")
# The outbound webhook for an SMS gateway or a WeChat Work group robot ("json" or "wecom"),
# signed with the secret; empty: no webhook.
WUXING_WEBHOOK_URL = env_str("WUXING_WEBHOOK_URL", "")
WUXING_WEBHOOK_SECRET = env_str("WUXING_WEBHOOK_SECRET", "")
WUXING_WEBHOOK_FORMAT = env_str("WUXING_WEBHOOK_FORMAT", "json")
# A delivery is tried this many times, waiting BACKOFF seconds, then twice as long each time.
WUXING_DELIVERY_ATTEMPTS = env_int("WUXING_DELIVERY_ATTEMPTS", 5)
# A pending delivery older than this is handed back to the workers by the sweep (every minute).
WUXING_DELIVERY_SWEEP_AFTER = env_int("WUXING_DELIVERY_SWEEP_AFTER", 120)
WUXING_DELIVERY_BACKOFF = env_int("WUXING_DELIVERY_BACKOFF", 30)
# Activation codes handed to secretaries are good for this many days.
WUXING_ACTIVATION_DAYS = env_int("WUXING_ACTIVATION_DAYS", 14)
# A township reminds its branches that have not submitted at most once in this many hours.
WUXING_REMIND_HOURS = env_int("WUXING_REMIND_HOURS", 24)

# Security: on by default whenever DEBUG is off. Behind a TLS-terminating proxy set
# SECURE_PROXY_SSL_HEADER=1 so that Django trusts X-Forwarded-Proto.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # no page script reads the token from the cookie (forms carry it)
# A shared office PC: a session ends after a working day, and with the browser.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 10 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Every script, style, font and image comes from our own static files (ECharts included); the
# only inline allowance is style attributes, which ECharts writes into its tooltips' markup.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Login throttling: five failures for one username from one address lock that pair out for
# fifteen minutes (a clerk mistyping does not lock the whole township office's address).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind a reverse proxy, the number of proxies in front of Django (nginx: 1): the client
# address is then read from X-Forwarded-For, counting from the right (core/client.py).
WUXING_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)
# API tokens last a working day, like a session (SESSION_COOKIE_AGE).
WUXING_TOKEN_HOURS = env_int("WUXING_TOKEN_HOURS", 10)
AXES_CLIENT_IP_CALLABLE = "core.client.client_address"

# HSTS preload is a commitment for the whole domain that a county's IT office makes, not us.
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS", ["security.W021"])

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.tokens.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "access.api.GateRole",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Wuxing API",
    "DESCRIPTION": "五星支部创建管理平台 API. Places are addressed by 12-digit division codes.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api_schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "VillageKindEnum": "villages.choices.VillageKind",
        "CriterionKindEnum": "catalogues.choices.CriterionKind",
        "DirectionEnum": "catalogues.choices.Direction",
        "ChecklistStateEnum": "scoring.choices.ChecklistState",
        "RectificationStatusEnum": "branches.choices.RectificationStatus",
        "ObjectionStatusEnum": "scoring.choices.ObjectionStatus",
    },
}

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
# The admin's confirm step keeps the upload between two requests: on disk under MEDIA_ROOT,
# which every gunicorn worker shares (the default temp folder is per-container in compose).
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint reports each step of every PDF at INFO; its warnings are what matter.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
