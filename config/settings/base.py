"""Settings shared by every environment. Values come from the environment (django-environ).

The defaults are the *embedded* ones for a trial run (SQLite, eager Celery, console e-mail);
production.py requires the real services and secrets and refuses to start without them.
Every variable read here is listed in .env.example.
"""

import base64
import hashlib
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    env.read_env(str(BASE_DIR / ".env"))

# ------------------------------------------------------------------------------------------------
# Core
# ------------------------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The development key is prefixed "django-insecure-" on purpose so that `check --deploy` fails
# (security.W009) whenever it reaches a production-like configuration.
SECRET_KEY = env(
    "DJANGO_SECRET_KEY",
    default="django-insecure-local-development-key-do-not-use-in-production-0123456789",
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("DJANGO_SITE_URL", default="http://127.0.0.1:8000")
SITE_ID = 1

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI assets served by us: /api/docs/ works offline
    "django_htmx",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
]
LOCAL_APPS = [
    "core",
    "accounts",
    "bodies",
    "scheme",
    "assessments",
    "certification",
    "notifications",
    "registry",
]
# accounts comes before allauth so that its templates (account/, mfa/, allauth/layouts/) win.
INSTALLED_APPS = (
    DJANGO_APPS + ["accounts"] + THIRD_PARTY_APPS + [a for a in LOCAL_APPS if a != "accounts"]
)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After authentication: end expired or revoked sessions first, then apply the user's
    # language (after LocaleMiddleware), then require MFA of privileged users.
    "accounts.middleware.SessionSecurityMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "accounts.middleware.MFAEnforcementMiddleware",
    # A view that fails because Redis or the Celery broker is down answers a designed 503.
    "core.middleware.ServiceUnavailableMiddleware",
]

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
                "csp.context_processors.nonce",
                "core.context_processors.site",
            ],
        },
    },
]

# ------------------------------------------------------------------------------------------------
# Databases and cache
# ------------------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False  # services own their transactions
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "scs",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "scs-registry",
        }
    }

# ------------------------------------------------------------------------------------------------
# Authentication (django-allauth; the accounts issue hardens this further)
# ------------------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        # 12 characters for everyone, 15 for privileged users (ASVS 6.2.1).
        "NAME": "accounts.password_validation.RoleAwareMinimumLengthValidator",
        "OPTIONS": {"min_length": 12, "privileged_min_length": 15},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_EMAIL_NOTIFICATIONS = True  # password, e-mail and MFA changes are mailed to the user
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False  # a reset never skips the login (and its MFA stage)
# Lockouts always expire: 5 failed logins per address within 5 minutes lock that address for
# the rest of the window (never permanently, so nobody can lock a user out for good), plus a
# per-IP ceiling. The counters live in the shared cache (Redis), so every web process agrees.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "reauthenticate": "10/m/user",
    "change_password": "5/m/user",
}
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
MFA_FORMS = {"activate_totp": "accounts.forms.ActivateTOTPForm"}
MFA_TOTP_ISSUER = "SCS Registry"
# 0: a code is valid for its own 30-second step only (ASVS 6.5.5); phones keep network time,
# and a user who misses the boundary simply types the next code. Replay inside the step is
# refused through the shared cache.
MFA_TOTP_TOLERANCE = 0
MFA_TRUST_ENABLED = False  # no "trust this browser": privileged sessions always pass MFA
# TOTP seeds and recovery-code seeds are encrypted at rest (Fernet). Comma-separated keys,
# newest first, allow rotation. Development derives a key from SECRET_KEY; production.py
# requires DJANGO_FIELD_ENCRYPTION_KEY.
FIELD_ENCRYPTION_KEY = (
    env("DJANGO_FIELD_ENCRYPTION_KEY", default="")
    or (
        base64.urlsafe_b64encode(hashlib.sha256(f"field-encryption:{SECRET_KEY}".encode()).digest())
    ).decode()
)
# Dotted paths of callables (user) -> list[str] naming the privileged roles a user holds; any
# role makes MFA mandatory and tightens session timeouts and the password length.
ACCOUNTS_PRIVILEGED_ROLE_CHECKS = ["bodies.selectors.user_privileged_roles"]
ACCOUNTS_INVITATION_VALIDITY_DAYS = 7
# Pages open to everybody (regular expressions on the path): privileged users reach them even
# before passing MFA. Apps adding public pages add their paths here.
ACCOUNTS_PUBLIC_PATHS = [
    r"^/$",
    r"^/static/",
    r"^/i18n/",
    r"^/healthz/$",
    r"^/catalogue/",
    r"^/wizard/",
    r"^/design/",
    r"^/api/v1/catalogue/",
    r"^/api/v1/wizard/",
    r"^/api/schema/",
    r"^/api/docs/",
    # bodies: the public directories of scheme bodies and advisors (not /manage/, /me/, /review/)
    r"^/bodies/$",
    r"^/bodies/[1-9][0-9]{12}/$",
    r"^/advisors/$",
    r"^/advisors/[0-9]+/$",
    r"^/api/v1/bodies/",
    r"^/api/v1/advisors/",
    # certification: public organisation pages, verification pages and ★ marks, the ledger API
    r"^/organisations/[1-9][0-9]{12}/$",
    r"^/verify/",
    r"^/api/v1/ledger/",
    # registry: the ledger's publications (latest checkpoint, daily snapshots)
    r"^/ledger/",
]

# ------------------------------------------------------------------------------------------------
# Sessions (ASVS 7.3: idle and absolute limits; privileged users get the short ones)
# ------------------------------------------------------------------------------------------------
SESSION_COOKIE_AGE = 14 * 24 * 3600  # "remember me": two weeks
ACCOUNT_SESSION_REMEMBER = None  # the login form asks
ACCOUNTS_SESSION_IDLE_TIMEOUT = 14 * 24 * 3600
ACCOUNTS_SESSION_ABSOLUTE_TIMEOUT = 30 * 24 * 3600
ACCOUNTS_PRIVILEGED_SESSION_IDLE_TIMEOUT = 30 * 60
ACCOUNTS_PRIVILEGED_SESSION_ABSOLUTE_TIMEOUT = 8 * 3600

# ------------------------------------------------------------------------------------------------
# Internationalisation: Japanese first, English complete
# ------------------------------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
# Project-level strings (config/, templates/); each app keeps its own catalogue in <app>/locale.
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]

# ------------------------------------------------------------------------------------------------
# Static files and media
# ------------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
# static/dist is produced by the front-end build (`make assets`) from the npm lock file.
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# ------------------------------------------------------------------------------------------------
# E-mail
# ------------------------------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="SCS Registry <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# ------------------------------------------------------------------------------------------------
# Security headers (production.py tightens transport security)
# ------------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag; kept default
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # django-csp 4 wants its NONCE sentinel; the string "'nonce'" is an invalid source.
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# ------------------------------------------------------------------------------------------------
# Django REST framework and the OpenAPI schema
# ------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env("API_ANON_RATE", default="120/minute")},
    "EXCEPTION_HANDLER": "core.api.exception_handler.domain_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SCS Registry API",
    "DESCRIPTION": (
        "Public and authenticated API of the SCS評価制度 registry: the requirement catalogue, "
        "the procurer's ★ wizard and (later) the public ledger."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    # The docs UI loads its assets from our static files (no CDN) and its init script from a
    # separate URL (SpectacularSwaggerSplitView), so it runs under script-src 'self'.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No badge image from validator.swagger.io: the page must not call out to the internet.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Several models have a "status" field; name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {"EditionStatusEnum": "scheme.models.Edition.Status"},
}

# ------------------------------------------------------------------------------------------------
# Celery (the beat schedule lives here, in code; see house-style 3.8)
# ------------------------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
# Without a broker (the embedded trial run) tasks run inline in the calling process.
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL == "memory://"
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}
# Each periodic job is idempotent (safe to run twice); the lifecycle work adds its sweeps here.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}
# certification: the nightly lifecycle sweep and the reminders (times in Asia/Tokyo), and the
# notifications outbox (e-mails whose own task was lost, e.g. with a crashed worker).
CELERY_BEAT_SCHEDULE |= {
    "certification.expire-lapsed": {
        "task": "certification.tasks.expire_lapsed_registrations",
        "schedule": crontab(hour=0, minute=5),
    },
    "certification.renewal-reminders": {
        "task": "certification.tasks.send_renewal_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
    "certification.annual-self-assessment-reminders": {
        "task": "certification.tasks.send_annual_self_assessment_reminders",
        "schedule": crontab(hour=9, minute=15),
    },
    "certification.review-nudges": {
        "task": "certification.tasks.send_review_nudges",
        "schedule": crontab(hour=9, minute=30),
    },
    # The public ledger: the day's snapshot of valid registrations and a signed checkpoint, every
    # day even when idle, so that verifiers can insist on a checkpoint at most a day old.
    "certification.ledger-daily-snapshot": {
        "task": "certification.tasks.publish_daily_snapshot",
        "schedule": crontab(hour=0, minute=30),
    },
    "notifications.deliver-pending": {
        "task": "notifications.tasks.deliver_pending_notifications",
        "schedule": crontab(minute="*/5"),
    },
}

# ------------------------------------------------------------------------------------------------
# Logging
# ------------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools log every rendering step at INFO; only their problems matter.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# ------------------------------------------------------------------------------------------------
# Domain settings
# ------------------------------------------------------------------------------------------------
SCHEME_CURRENT_EDITION = env("SCHEME_CURRENT_EDITION", default="scs-2026-03")
DEMO_DATA_ALLOWED = env.bool("DJANGO_DEMO_DATA_ALLOWED", default=True)
# The public ledger (registry.ledger) signs its checkpoints with an Ed25519 key, given as the
# base64 of its 32-byte seed (`manage.py ledger_keygen` prints a new one). The default is PUBLIC
# and INSECURE: base64(SHA-256("INSECURE scs-registry development ledger signing key")), so anyone
# can forge its signatures. It serves the trial run and the tests; production.py refuses it.
LEDGER_INSECURE_DEV_SIGNING_KEY = "+fS781EeJh8Swjg8677GA3mvDyn1VnYCdI0BWc1OOoM="
LEDGER_SIGNING_KEY = env("LEDGER_SIGNING_KEY", default="") or LEDGER_INSECURE_DEV_SIGNING_KEY
# The log's identity: the checkpoint origin line and the signing key's name. A new signing key
# (without an overlap period) or a new ledger needs a new origin.
LEDGER_ORIGIN = env("LEDGER_ORIGIN", default="registry.scs.example.jp/ledger")
# Evidence files of an application (assessments.files): per file, per application, and the most
# an Office document (a zip container) may expand to when opened (stops zip bombs).
EVIDENCE_MAX_FILE_SIZE = 20 * 1024 * 1024
EVIDENCE_MAX_APPLICATION_SIZE = 200 * 1024 * 1024
EVIDENCE_MAX_UNCOMPRESSED_SIZE = 100 * 1024 * 1024
# Registrations (certification): renewal reminders are sent this many days from the end of a
# registration's validity (negative: before it ends; positive: after it lapsed), each once, in
# windows (a missed day catches up with the reminder then due). Reviews waiting longer than the
# nudge period remind the advisor or the registration staff, once per period; the registration
# body's queue highlights submissions older than its SLA.
CERTIFICATION_RENEWAL_REMINDER_OFFSETS = [-90, -60, -30, -7, 7]
CERTIFICATION_REMINDER_LATE_WINDOW_DAYS = 30
CERTIFICATION_REVIEW_NUDGE_AFTER_DAYS = 7
CERTIFICATION_REGISTRATION_SLA_DAYS = 10
CERTIFICATION_SWEEP_BATCH_SIZE = 500
# ★4 annual self-assessments (due on each anniversary of the start of validity): the holder may
# submit from this many days before the due date; the holder is reminded at these offsets from
# the due date (the positive one: overdue), each once, in windows like the renewal reminders; the
# evaluation body's staff are told when it is still not submitted this many days after the due
# date (and later, up to the end of the escalation window, when the sweep missed that day).
CERTIFICATION_ANNUAL_SUBMISSION_OPENS_DAYS = 60
CERTIFICATION_ANNUAL_REMINDER_OFFSETS = [-60, -30, -7, 1]
CERTIFICATION_ANNUAL_ESCALATION_OFFSET = 14
CERTIFICATION_ANNUAL_ESCALATION_WINDOW_DAYS = 90
