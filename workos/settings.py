"""WorkOS settings: one module, configured from environment variables.

Every variable has a safe default. With no DATABASE_URL the project runs on SQLite in a file;
with no REDIS_URL Celery runs tasks in process (after commit) and the cache is local memory.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "1" if default else "0").strip().lower()
    return value in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DEBUG")
HTTPS = env_bool("HTTPS")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "workos.tenancy",
    "workos.activity",
    "boards",
    "timetracking",
    "projects",
    "automations",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Django's and django-csp's, cheaper where a request needs nothing of them (API calls).
    "workos.api.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "workos.api.middleware.CSPMiddleware",
]

ROOT_URLCONF = "workos.urls"
WSGI_APPLICATION = "workos.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "workos.tenancy.context.workspaces",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or None}
# Server-side prepared statements for the per-request reads (workos.tenancy.prepared); off
# behind a pooler in transaction mode.
DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_PREFIX", "workos"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Failed logins allowed per window, per account and per client address.
LOGIN_THROTTLE = {
    "account": int(os.environ.get("LOGIN_THROTTLE_ACCOUNT", "5")),
    "ip": int(os.environ.get("LOGIN_THROTTLE_IP", "20")),
    "window_seconds": 15 * 60,
}

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploads are never served from MEDIA_ROOT by URL, only by permission-checked download views.
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(25 * 1024 * 1024)))
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

# E-mail: console in development, SMTP from the environment otherwise.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if not os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "WorkOS <workos@localhost>")

# Security. HTTPS is separate from DEBUG so production mode can be served on loopback over HTTP.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000"))
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# Subdomains and preload are a deployment's own decision, not the application's.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "workos.tenancy.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["workos.api.renderers.ORJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "workos.api.pagination.CursorPagination",
    "DEFAULT_SCHEMA_CLASS": "workos.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "workos.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "workos.api.throttling.AnonThrottle",
        "workos.api.throttling.TokenThrottle",
        "workos.api.throttling.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("THROTTLE_ANON", "60/min"),
        "token": os.environ.get("THROTTLE_TOKEN", "1200/min"),
        "user": os.environ.get("THROTTLE_USER", "1200/min"),
    },
    "PAGE_SIZE": 50,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
THROTTLE = os.environ.get("THROTTLE", "on").strip().lower()
TOKEN_FAILURES_PER_MINUTE = int(os.environ.get("TOKEN_FAILURES_PER_MINUTE", "30"))

SPECTACULAR_SETTINGS = {
    "TITLE": "WorkOS API",
    "DESCRIPTION": "Boards, projects, time, automations and intake of one workspace.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "workos.tenancy.models.Role",
        "BoardRoleEnum": "boards.models.BoardRole",
        # Two `kind` fields with different choices: each gets a name of its own.
        "ViewKindEnum": "boards.models.ViewKind",
        "KeyResultKindEnum": "projects.models.KeyResultKind",
        # A project's phase appears as phase, from_phase, to_phase and next_phase.
        "PhaseEnum": "projects.models.Phase",
        # Submissions, approval requests and runs each have a `status` of their own.
        "SubmissionStatusEnum": "automations.models.SubmissionStatus",
        "ApprovalStatusEnum": "automations.models.ApprovalStatus",
    },
}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Tasks are idempotent, so a message is acknowledged only once its task finished, and a worker
# that dies mid-task (SIGKILL, out of memory) gives the message back. workos.reliability counts
# such deliveries and parks a message that keeps killing workers in the dead letters.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# No task returns anything anyone reads, and none is rate limited: skip both per-task costs.
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_DISABLE_RATE_LIMITS = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Celery closes the database connections after every task unless told to reuse them; a new
# PostgreSQL session costs more than a small task. workos.celery closes, like Django after a
# request, the connections that failed or outlived CONN_MAX_AGE.
CELERY_DB_REUSE_MAX = 10_000
# Redis hands an unacknowledged message to another worker after this many seconds. Never
# schedule a countdown or ETA longer than this: Redis would deliver it again meanwhile. Long
# waits (webhook retries, recurring work) are rows in the database that a beat task picks up.
_visibility_timeout = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": _visibility_timeout}
CELERY_TASK_DEFAULT_QUEUE = "default"
# One queue per kind of work, so a flood of one kind never starves another: `events` (dispatch
# of activities and the rules they run), `webhooks` (outgoing HTTP, as slow as the receivers),
# `scheduled` (work started by beat). Workers may serve all queues or specialise.
_events_queue = os.environ.get("CELERY_EVENTS_QUEUE", "events")
_webhooks_queue = os.environ.get("CELERY_WEBHOOKS_QUEUE", "webhooks")
_scheduled_queue = os.environ.get("CELERY_SCHEDULED_QUEUE", "scheduled")
CELERY_TASK_ROUTES = {
    "workos.activity.tasks.sweep_undispatched": {"queue": _scheduled_queue},
    "boards.tasks.purge_deleted_boards": {"queue": _scheduled_queue},
    "timetracking.tasks.remind_unsubmitted_timesheets": {"queue": _scheduled_queue},
    "automations.tasks.date_triggers": {"queue": _scheduled_queue},
    "automations.tasks_hooks.send_webhook": {"queue": _webhooks_queue},
    "automations.tasks_hooks.*": {"queue": _scheduled_queue},
    "automations.tasks_intake.sweep_submissions": {"queue": _scheduled_queue},
    "automations.tasks_intake.prune_pending_uploads": {"queue": _scheduled_queue},
    "automations.tasks_intake.*": {"queue": _events_queue},
    "automations.tasks_approvals.*": {"queue": _scheduled_queue},
    "workos.activity.*": {"queue": _events_queue},
    "automations.tasks.*": {"queue": _events_queue},
}
# Imported by every worker, so tasks outside an app's tasks.py are registered too.
CELERY_IMPORTS = ["automations.tasks_hooks", "automations.tasks_approvals",
                  "automations.tasks_intake"]
CELERY_BEAT_SCHEDULE = {
    "purge-deleted-boards": {
        "task": "boards.tasks.purge_deleted_boards",
        "schedule": 6 * 3600.0,
    },
    "sweep-undispatched-events": {
        "task": "workos.activity.tasks.sweep_undispatched",
        "schedule": 60.0,
    },
    # Hourly, so each workspace's members hear at 9:00 their time; a week is reminded once.
    "remind-unsubmitted-timesheets": {
        "task": "timetracking.tasks.remind_unsubmitted_timesheets",
        "schedule": 3600.0,
    },
    # Date-arrived and every-period rule triggers.
    "automations-date-triggers": {
        "task": "automations.tasks.date_triggers",
        "schedule": 60.0,
    },
    # Webhook retries wait in the database (next_attempt_at), not in the broker.
    "retry-due-webhooks": {
        "task": "automations.tasks_hooks.retry_due_webhooks",
        "schedule": 60.0,
    },
    "run-recurring-schedules": {
        "task": "automations.tasks_hooks.run_recurring",
        "schedule": 60.0,
    },
    # Approval reminders and escalation on deadlines.
    "sweep-approvals": {
        "task": "automations.tasks_approvals.sweep_approvals",
        "schedule": 60.0,
    },
    # Submissions whose processing message was lost get queued again.
    "sweep-intake-submissions": {
        "task": "automations.tasks_intake.sweep_submissions",
        "schedule": 60.0,
    },
    # Files kept between the pages of a form that was never sent.
    "prune-pending-intake-uploads": {
        "task": "automations.tasks_intake.prune_pending_uploads",
        "schedule": 24 * 3600.0,
    },
    "prune-automation-records": {
        "task": "automations.tasks_hooks.prune_records",
        "schedule": 24 * 3600.0,
    },
}

# Outgoing HTTP (automations.http) refuses internal addresses; this admits some anyway: CIDR
# networks, addresses, host names, or `.domain` for a domain and its subdomains.
OUTGOING_HTTP_ALLOWLIST = env_list("OUTGOING_HTTP_ALLOWLIST")
# Webhook URLs must be https, except plain http to hosts OUTGOING_HTTP_ALLOWLIST admits, or
# anywhere with this on (development).
WEBHOOKS_ALLOW_HTTP = env_bool("WEBHOOKS_ALLOW_HTTP", default=DEBUG)
# Incoming webhooks (POST /hooks/in/<token>/): calls per client address, and the body size.
INCOMING_WEBHOOK_THROTTLE = os.environ.get("INCOMING_WEBHOOK_THROTTLE", "120/min")
INCOMING_WEBHOOK_MAX_BYTES = int(os.environ.get("INCOMING_WEBHOOK_MAX_BYTES", str(64 * 1024)))
# Anonymous form submissions: seconds a person needs at least between opening a form and
# sending it, and submissions per client address and form per minute (0 turns the limit off).
INTAKE_MIN_SECONDS = int(os.environ.get("INTAKE_MIN_SECONDS", "3"))
INTAKE_THROTTLE_PER_MINUTE = int(os.environ.get("INTAKE_THROTTLE_PER_MINUTE", "10"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "celery.app.trace": {"level": "WARNING"},
    },
}
