"""Settings for the test suite: real PostgreSQL and Redis are required, never SQLite.

pytest-django forces DEBUG off, so the production-ish defaults of base.py apply; this file only
relaxes what a test client over plain HTTP cannot satisfy.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, env

if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "The test suite runs against PostgreSQL only: set DATABASE_URL=postgres://… "
        "(`make test` does this and starts the server when needed)."
    )

SECRET_KEY = "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
# Rate limits and TOTP replay protection live in the shared cache; a per-process memory cache
# would hide the bugs they guard against, so the suite needs Redis (`make test` sets REDIS_URL).
if not REDIS_URL:  # noqa: F405
    raise ImproperlyConfigured(
        "The test suite needs Redis for the shared cache: set REDIS_URL=redis://127.0.0.1:6379/2."
    )
