"""MFA secrets are encrypted at rest; TOTP codes are single-use and valid for one step only."""

import base64
import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from cryptography.fernet import Fernet
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured

from accounts.crypto import decrypt_text, encrypt_text, fernet
from tests.accounts.helpers import current_code
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

SECRET = base64.b32encode(b"0123456789abcdefghij").decode()


def test_the_replay_cache_is_the_shared_redis_cache():
    # A process-local cache would let a code be replayed against another web process.
    assert caches["default"].__class__.__name__ == "RedisCache"


def test_the_stored_totp_secret_is_encrypted_and_still_validates():
    user = UserFactory.create()
    TOTP.activate(user, SECRET)
    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    assert stored != SECRET
    assert SECRET not in stored
    assert stored.startswith("fernet:")
    assert decrypt_text(stored) == SECRET
    totp = TOTP(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP))
    assert totp.validate_code(current_code(SECRET)) is True


def test_recovery_code_seed_is_encrypted_and_codes_work():
    user = UserFactory.create()
    TOTP.activate(user, SECRET)
    codes = RecoveryCodes.activate(user)
    assert codes.instance.data["seed"].startswith("fernet:")
    first = codes.get_unused_codes()[0]
    assert codes.validate_code(first) is True
    assert codes.validate_code(first) is False


def test_the_same_code_is_refused_the_second_time():
    user = UserFactory.create()
    TOTP.activate(user, SECRET)
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    code = current_code(SECRET)
    assert TOTP(authenticator).validate_code(code) is True
    # A second web process (a fresh object, the same shared cache) must refuse it too.
    assert TOTP(Authenticator.objects.get(pk=authenticator.pk)).validate_code(code) is False


def test_a_code_from_the_previous_step_is_refused():
    user = UserFactory.create()
    TOTP.activate(user, SECRET)
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    start = datetime.datetime(2027, 1, 4, 9, 0, 5, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        code = current_code(SECRET)
    with time_machine.travel(start + datetime.timedelta(seconds=31), tick=False):
        assert TOTP(authenticator).validate_code(code) is False
    with time_machine.travel(start + datetime.timedelta(seconds=10), tick=False):
        assert TOTP(authenticator).validate_code(code) is True


def test_a_value_that_is_not_encrypted_is_never_read_back():
    with pytest.raises(ValueError, match="not an encrypted value"):
        decrypt_text(SECRET)


def test_a_value_encrypted_with_another_key_is_refused(settings):
    token = encrypt_text("secret")
    settings.FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()
    with pytest.raises(ValueError, match="cannot be decrypted"):
        decrypt_text(token)


def test_keys_can_be_rotated(settings):
    old = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = old
    token = encrypt_text("secret")
    settings.FIELD_ENCRYPTION_KEY = f"{Fernet.generate_key().decode()},{old}"
    assert decrypt_text(token) == "secret"


def test_a_malformed_key_is_a_configuration_error(settings):
    settings.FIELD_ENCRYPTION_KEY = "not-a-fernet-key"
    with pytest.raises(ImproperlyConfigured):
        fernet()


def test_production_refuses_to_start_without_the_encryption_key():
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "CELERY_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "x" * 60,
            "DJANGO_ALLOWED_HOSTS": "registry.example.jp",
            "DATABASE_URL": "postgres://portal:portal@127.0.0.1:5432/portal",
            "REDIS_URL": "redis://127.0.0.1:6379/2",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
            "LEDGER_SIGNING_KEY": base64.b64encode(b"k" * 32).decode(),
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_FIELD_ENCRYPTION_KEY" in result.stderr
