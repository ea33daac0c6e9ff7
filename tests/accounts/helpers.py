"""Signing in through the real allauth forms in Django's test client, with or without MFA."""

import base64
import itertools
import random
import secrets
import time
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse

from accounts.crypto import decrypt_text
from accounts.models import User
from tests.factories.accounts import PASSWORD

# Random per run: the rate-limit counters of an earlier run stay in Redis for a while.
_addresses = itertools.count(random.randrange(1, 2**24 - 2**20))


def client_with_own_ip() -> Client:
    """A test client with its own REMOTE_ADDR, so that allauth's per-IP rate limits (kept in the
    shared Redis cache) do not carry over between clients and test runs."""
    n = next(_addresses)
    return Client(REMOTE_ADDR=f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}")


def totp_secret(user: User) -> str:
    """The (decrypted) TOTP secret of `user`'s authenticator app."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return decrypt_text(authenticator.data["secret"])


def current_code(secret: str, *, offset_steps: int = 0) -> str:
    """The TOTP code of `secret` for the current 30-second step (or one `offset_steps` away)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset_steps))


def enrol_totp(user: User) -> str:
    """Give `user` an authenticator app (as allauth's activation does) and return its secret."""
    # Random, not derived from the user: ids repeat between runs, and the replay cache in Redis
    # would refuse the same code again.
    secret = base64.b32encode(secrets.token_bytes(20)).decode()
    TOTP.activate(user, secret)
    return secret


def verify_email(user: User) -> User:
    """Mark `user`'s address verified and primary (users built by other apps' factories)."""
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def login(client: Client, user: User, *, password: str = PASSWORD, **extra: Any) -> Any:
    """POST the login form (with the address verified); returns the response (a redirect on
    success)."""
    if not EmailAddress.objects.filter(user=user, verified=True).exists():
        verify_email(user)
    return client.post(
        reverse("account_login"), {"login": user.email, "password": password, **extra}
    )


def login_with_mfa(client: Client, user: User) -> None:
    """Sign `user` in through the login form and then the TOTP stage, enrolling an authenticator
    app first when the user has none. Afterwards the session has passed MFA."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        enrol_totp(user)
    response = login(client, user)
    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == reverse("mfa_authenticate"), response["Location"]
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(totp_secret(user))})
    assert response.status_code == 302, response.content[:500]
    assert "_auth_user_id" in client.session


def reauthenticate(client: Client, *, password: str = PASSWORD) -> None:
    """Confirm the password again, as allauth asks before changing authenticators."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content[:500]


def activate_totp(client: Client) -> str:
    """Enrol an authenticator app through allauth's pages (reauthenticating first); returns the
    secret. The caller runs on-commit callbacks (django_capture_on_commit_callbacks)."""
    reauthenticate(client)
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200, response.get("Location")
    secret: str = response.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302, response.content[:800]
    return secret


def force_login_with_mfa(client: Client, user: User) -> None:
    """For view tests of other apps: sign `user` in and mark the session as having passed a
    second factor, the state allauth leaves after a real MFA step (method "mfa" in
    account_authentication_methods), enrolling an authenticator app first when the user has
    no second factor. The MFA flow itself is tested in tests/accounts."""
    if not Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists():
        enrol_totp(user)
    client.force_login(user)
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "mfa", "at": time.time(), "type": "totp"}
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


def add_security_key(user: User, *, name: str = "Security key") -> Authenticator:
    """Store a WebAuthn authenticator for `user` as allauth does after a registration: a
    well-formed "none" attestation of a fresh P-256 key (pages that list or challenge keys parse
    it). Signing in with it is tested with Chromium's virtual authenticator (tests/browser)."""
    import hashlib

    from cryptography.hazmat.primitives.asymmetric import ec
    from fido2.cose import ES256
    from fido2.utils import websafe_encode
    from fido2.webauthn import (
        AttestationObject,
        AttestedCredentialData,
        AuthenticatorData,
        CollectedClientData,
    )

    public_key = ES256.from_cryptography_key(ec.generate_private_key(ec.SECP256R1()).public_key())
    credential_id = secrets.token_bytes(16)
    auth_data = AuthenticatorData.create(
        hashlib.sha256(b"localhost").digest(),
        AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.AT,
        0,
        AttestedCredentialData.create(b"\0" * 16, credential_id, public_key),
    )
    client_data = CollectedClientData.create(
        type="webauthn.create", challenge=secrets.token_bytes(32), origin="http://localhost"
    )
    credential = {
        "id": websafe_encode(credential_id),
        "rawId": websafe_encode(credential_id),
        "type": "public-key",
        "response": {
            "clientDataJSON": websafe_encode(bytes(client_data)),
            "attestationObject": websafe_encode(
                bytes(AttestationObject.create("none", auth_data, {}))
            ),
        },
        "clientExtensionResults": {},
    }
    return Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.WEBAUTHN,
        data={"name": name, "credential": credential},
    )
