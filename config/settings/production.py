"""Production: only tightens base.py. Refuses to start without its secrets (no defaults)."""

import base64
import binascii

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import LEDGER_INSECURE_DEV_SIGNING_KEY, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
if SECRET_KEY.startswith("django-insecure-") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a random value of at least 50 characters")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
REDIS_URL = env("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "scs",
    }
}
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
DEMO_DATA_ALLOWED = False
# The ledger's checkpoint signing key: required, and never the public development key, with
# which anyone could sign a forged history.
LEDGER_SIGNING_KEY = env("LEDGER_SIGNING_KEY", default="")
try:
    _ledger_seed = base64.b64decode(LEDGER_SIGNING_KEY, validate=True)
except binascii.Error:
    _ledger_seed = b""
if len(_ledger_seed) != 32 or LEDGER_SIGNING_KEY == LEDGER_INSECURE_DEV_SIGNING_KEY:
    raise ImproperlyConfigured(
        "production settings need LEDGER_SIGNING_KEY: the base64 of a secret 32-byte Ed25519 "
        "seed, not the development default. Generate one with: python manage.py ledger_keygen"
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_NAME = "__Host-csrftoken"

if not SECRET_KEY or not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "production settings need DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS"
    )

# TOTP and recovery-code seeds are encrypted with this key (accounts.crypto); it must not be
# derived from SECRET_KEY in production, so that rotating one does not silently break the other.
FIELD_ENCRYPTION_KEY = env("DJANGO_FIELD_ENCRYPTION_KEY", default="")
if not FIELD_ENCRYPTION_KEY:
    raise ImproperlyConfigured(
        "production settings need DJANGO_FIELD_ENCRYPTION_KEY (the key that encrypts MFA secrets "
        'at rest). Generate one with: python -c "from cryptography.fernet import Fernet; '
        'print(Fernet.generate_key().decode())"'
    )
