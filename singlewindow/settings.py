"""Settings for the National Single Window portal.

Everything that differs between a laptop and production comes from the environment:

- ``DATABASE_URL`` (dj-database-url syntax). Unset: an embedded SQLite file.
- ``REDIS_URL``. Unset: Celery runs tasks eagerly in the web process (no broker server);
  set: tasks go through Redis to a real worker, and beat re-drives the routing outbox.
- ``DJANGO_SECRET_KEY``, ``DJANGO_DEBUG``, ``DJANGO_ALLOWED_HOSTS``.
- Sign-in, two-factor, sessions, tokens, throttling and HTTPS: see "Accounts and security"
  at the end (each setting named there, documented in the README).
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "datamodel",
    "declarations",
    "agencies",
    "agencies.inspections",
    "declarations.notifications",
    "declarations.documents",
    "declarations.brokers",
    "agencies.risk",
    "agencies.rates",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before the CSRF check, which would read an oversize form and answer a bare 400.
    "singlewindow.middleware.FormTooLargeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "singlewindow.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "declarations.notifications.context_processors.notifications",
            ],
        },
    },
]

WSGI_APPLICATION = "singlewindow.wsgi.application"

DATABASES = {
    # An empty DATABASE_URL counts as unset (dj-database-url would give a config without an
    # engine), so ``DATABASE_URL= ./scripts/run`` is the embedded default, not a crash.
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent requests of a dev server must wait for the write lock, not fail at once.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Supporting documents (declarations.documents) go to the default storage: files under
# MEDIA_ROOT (never served by URL: only the download view, which checks access, reads them),
# or an S3-compatible bucket through django-storages when DOCUMENTS_S3_BUCKET is set.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media-not-served/"
if os.environ.get("DOCUMENTS_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["DOCUMENTS_S3_BUCKET"],
            "endpoint_url": os.environ.get("DOCUMENTS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("DOCUMENTS_S3_REGION") or None,
            "access_key": os.environ.get("DOCUMENTS_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("DOCUMENTS_S3_SECRET_ACCESS_KEY") or None,
            # Private objects, never overwritten; the portal streams them itself.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
FILE_UPLOAD_PERMISSIONS = 0o640
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# Django 6's built-in Content Security Policy: everything is served from the project itself.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Upload limits: declarations are at most 999 goods items (WCO DM 68A cardinality).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 40_000

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "singlewindow.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "declarations.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "National Single Window API",
    "DESCRIPTION": "Lodge one WCO Data Model declaration for every border agency.",
    "VERSION": "1.0.0",
}

# --- Celery -------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# Without a broker server the tasks run in the web process, after the submitting
# transaction commits (the outbox row is written either way).
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
# Every Redis client has bounded connect and socket timeouts (seconds), so a broker that
# accepts connections but never answers cannot hold a request: the send fails, the outbox
# row keeps the work and beat re-drives it.
REDIS_CONNECT_TIMEOUT = float(os.environ.get("REDIS_CONNECT_TIMEOUT", "2"))
REDIS_SOCKET_TIMEOUT = float(os.environ.get("REDIS_SOCKET_TIMEOUT", "2"))
# Visibility timeout well above the time limits, so Redis does not redeliver a running task.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
}
# If Redis is down at submit time, give up quickly: the outbox row is re-driven by beat.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "redrive-routing-outbox": {
        "task": "agencies.tasks.redrive_routing",
        "schedule": float(os.environ.get("ROUTING_REDRIVE_SECONDS", "15")),
    },
    "redrive-notification-deliveries": {
        "task": "notifications.redrive_deliveries",
        "schedule": float(os.environ.get("NOTIFICATION_REDRIVE_SECONDS", "30")),
    },
    # Overdue review tasks are escalated once each (agencies.services.reviews_escalate).
    "escalate-overdue-reviews": {
        "task": "agencies.tasks.escalate_overdue_reviews",
        "schedule": float(os.environ.get("ESCALATION_SECONDS", "300")),
    },
}
# Outbox rows older than this and still not routed are re-sent by the periodic task.
ROUTING_REDRIVE_AFTER_SECONDS = int(os.environ.get("ROUTING_REDRIVE_AFTER_SECONDS", "10"))
# After this many re-drives a row still not routed is marked failed (admin: "Routing
# outbox", action "Retry routing") instead of being re-sent blindly for ever.
ROUTING_MAX_ATTEMPTS = int(os.environ.get("ROUTING_MAX_ATTEMPTS", "5"))

# --- Notifications (declarations/notifications) ------------------------------------------
# E-mail: SMTP when EMAIL_HOST is set (EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
# EMAIL_USE_TLS), the console otherwise (the embedded default prints mails to the log).
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": os.environ.get("EMAIL_USE_TLS", "1") == "1",
                "timeout": 10,
            },
        }
    }
elif DEBUG:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:  # production without EMAIL_HOST: the local mail transfer agent
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@singlewindow.example")
NOTIFICATION_EMAIL_SUBJECT_PREFIX = os.environ.get("NOTIFICATION_EMAIL_SUBJECT_PREFIX", "NSW")
# Webhooks: seconds a receiver has to answer; http:// endpoints only when allowed (https
# otherwise); retries: base x 2^(n-1) seconds, capped, at most NOTIFICATION_MAX_ATTEMPTS.
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "5"))
WEBHOOK_ALLOW_HTTP = os.environ.get("WEBHOOK_ALLOW_HTTP", "1" if DEBUG else "0") == "1"
NOTIFICATION_RETRY_BASE_SECONDS = float(os.environ.get("NOTIFICATION_RETRY_BASE_SECONDS", "30"))
NOTIFICATION_RETRY_MAX_SECONDS = float(os.environ.get("NOTIFICATION_RETRY_MAX_SECONDS", "21600"))
NOTIFICATION_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATION_MAX_ATTEMPTS", "10"))
# A retry due within this many seconds is sent as a Celery countdown; later ones by beat.
NOTIFICATION_COUNTDOWN_MAX = 120
# How often the portal's pages ask for news (unread count, the declaration's status).
PORTAL_POLL_SECONDS = int(os.environ.get("PORTAL_POLL_SECONDS", "15"))

# Country code used in MRNs issued by this single window (ISO 3166-1 alpha-2).
SINGLE_WINDOW_COUNTRY = os.environ.get("SINGLE_WINDOW_COUNTRY", "GB")
# The national currency (ISO 4217): customs exchange rates (agencies.rates) are quoted
# against it, as the customs administration publishes them (currency units per 1 unit).
NATIONAL_CURRENCY = os.environ.get("NATIONAL_CURRENCY", "GBP").strip().upper()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes logs every sign-in at INFO; the access audit keeps them instead.
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- REST API documentation (added with the API; see singlewindow/api_urls.py) ------------
# Swagger UI and ReDoc are served from the project's own static files
# (drf-spectacular-sidecar), never from a CDN, so the strict CSP above holds.
INSTALLED_APPS += ["drf_spectacular_sidecar"]
SPECTACULAR_SETTINGS |= {
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The schema describes the API, not the schema view itself.
    "SERVE_INCLUDE_SCHEMA": False,
    # Separate request and response components, so read-only fields stay out of requests.
    "COMPONENT_SPLIT_REQUEST": True,
    # Tag operations by the segment after /api/v1/ (declarations, reviews, auth).
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # Every operation documents the shared error answers (400 query, 401, 404, 406, 409, 413,
    # 415, 429).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "declarations.api.schema.general_answers_hook",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ClearanceStatusEnum": "declarations.models.ClearanceStatus",
        "ReviewStatusEnum": "agencies.models.ReviewStatus",
        "ItemOutcomeEnum": "agencies.models.ItemOutcomeKind",
        "InspectionKindEnum": "agencies.inspections.models.InspectionKind",
        "InspectionResultEnum": "agencies.inspections.models.InspectionResult",
        "LaboratoryResultEnum": "agencies.inspections.models.LaboratoryResult",
        "DeclarationTypeEnum": "declarations.models.DeclarationType",
        "RiskLaneEnum": "agencies.risk.models.RiskLane",
    },
}

# --- Accounts and security (singlewindow/accounts; README "Security settings") -----------
from datetime import timedelta  # noqa: E402


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def _env_flag(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in ("1", "true", "yes")


INSTALLED_APPS += [
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "singlewindow.accounts",
]
# OTP after authentication (it wraps request.user); the session guard after messages (it
# tells why a session ended); axes last
# (it turns a lock flagged during the view into the lockout answer).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "singlewindow.accounts.middleware.SessionGuardMiddleware",
)
MIDDLEWARE += [
    "singlewindow.accounts.middleware.AccessDeniedAuditMiddleware",
    "axes.middleware.AxesMiddleware",
]
AUTHENTICATION_BACKENDS = [
    "singlewindow.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Reverse proxies in front of the portal that append to X-Forwarded-For (0: none). The
# client address of the audit, of axes and of DRF's throttles is the one they saw.
TRUSTED_PROXY_COUNT = _env_int("TRUSTED_PROXY_COUNT", 0)

# Lockout (django-axes): per account and, separately, per client address.
AXES_FAILURE_LIMIT = _env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=_env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "singlewindow.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "singlewindow.accounts.selectors.client_ip"
AXES_VERBOSE = False

# Two-factor (django-otp TOTP, RFC 6238) for officers, supervisors and administrators:
# required when DJANGO_DEBUG=0, optional on the embedded demo.
TWO_FACTOR_REQUIRED = _env_flag("TWO_FACTOR_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = "National Single Window"

# Sessions of privileged accounts end after this much inactivity (OWASP ASVS 4.0 V3.3.2).
SESSION_IDLE_TIMEOUT_MINUTES = _env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30)

# API tokens: default and longest life of a token made in the portal, life of one issued
# by auth/token/, and how often a token's use is written to the access audit.
API_TOKEN_DEFAULT_DAYS = _env_int("API_TOKEN_DEFAULT_DAYS", 30)
API_TOKEN_MAX_DAYS = _env_int("API_TOKEN_MAX_DAYS", 365)
API_TOKEN_ISSUE_HOURS = _env_int("API_TOKEN_ISSUE_HOURS", 24)
API_TOKEN_USE_AUDIT_SECONDS = _env_int("API_TOKEN_USE_AUDIT_SECONDS", 300)

# API rate limits (DRF throttling: 429 with Retry-After), per user and per client address.
REST_FRAMEWORK |= {
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "60/min"),
        "user": os.environ.get("API_THROTTLE_USER", "600/min"),
        "auth": os.environ.get("API_THROTTLE_AUTH", "20/min"),
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT or None,
}
# Throttle counters shared by every web process: Redis when there is one. The cache fails
# open (singlewindow.cache): a down or frozen Redis lets requests through, never a 500.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "singlewindow.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "sw-cache",
            "FAIL_OPEN_SECONDS": _env_int("CACHE_FAIL_OPEN_SECONDS", 30),
            "OPTIONS": {
                "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
    }

# HTTPS (production): behind a TLS-terminating proxy that sets X-Forwarded-Proto (the
# docker-compose set-up's Caddy does). Only set DJANGO_SECURE_PROXY_SSL_HEADER=1 when the
# proxy overwrites that header: a client could otherwise claim HTTPS.
SECURE_HSTS_SECONDS = _env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_flag("DJANGO_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = _env_flag("DJANGO_HSTS_PRELOAD", not DEBUG)
SECURE_SSL_REDIRECT = _env_flag("DJANGO_SSL_REDIRECT", not DEBUG)
if _env_flag("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Risk lanes (agencies.risk): the minimum share, in percent, of each lane's tasks sent one
# lane up at random (WCO Risk Management Compendium: random selection validates the
# profiles), and the seed of the reproducible draw (sha256 of seed:MRN:agency). Yellow has
# none by default: an officer reviews every yellow task already; a yellow profile may set
# a rate of its own to send some of its tasks to a physical check.
RISK_MINIMUM_RANDOM_RATES = {
    "green": os.environ.get("RISK_GREEN_RANDOM_RATE", "2"),
    "yellow": os.environ.get("RISK_YELLOW_RANDOM_RATE", "0"),
}
RISK_DRAW_SEED = os.environ.get("RISK_DRAW_SEED", "singlewindow")
