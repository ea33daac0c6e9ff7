"""Encryption of small secrets at rest (TOTP seeds, recovery-code seeds).

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) keyed by settings.FIELD_ENCRYPTION_KEY:
one or more comma-separated Fernet keys, newest first. Encrypting always uses the first key;
decrypting tries each, so a key can be rotated by prepending a new one and re-encrypting.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "fernet:"


@lru_cache(maxsize=4)
def _fernet_for(keys: str) -> MultiFernet:
    parts = [part.strip() for part in keys.split(",") if part.strip()]
    if not parts:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY is empty")
    try:
        return MultiFernet([Fernet(part.encode("ascii")) for part in parts])
    except (ValueError, UnicodeEncodeError) as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY must hold Fernet keys (32 url-safe base64-encoded bytes)"
        ) from exc


def fernet() -> MultiFernet:
    """The cipher for the configured keys (raises ImproperlyConfigured for a malformed key)."""
    return _fernet_for(settings.FIELD_ENCRYPTION_KEY)


def encrypt_text(text: str) -> str:
    """Encrypt `text`; the result is ASCII and marked with a prefix naming the scheme."""
    return PREFIX + fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    """Reverse encrypt_text. A value without the prefix or with a bad MAC raises ValueError:
    secrets are never read back in the clear."""
    if not token.startswith(PREFIX):
        raise ValueError("not an encrypted value")
    try:
        return fernet().decrypt(token[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ValueError("the value cannot be decrypted with the configured keys") from exc
