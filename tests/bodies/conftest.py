"""Fixtures of the bodies tests: signing in with a session that has passed MFA."""

from collections.abc import Callable

import pytest
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.http import HttpRequest
from django.test import Client

from accounts.models import User


def sign_in(client: Client, user: User, *, mfa: bool = True) -> Client:
    """Sign `user` in. With `mfa`, the user has an authenticator app and the session records a
    passed second factor, as after allauth's TOTP stage (the accounts tests drive that stage
    through the real forms; these tests are about the bodies pages behind it)."""
    if mfa and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    if mfa:
        request = HttpRequest()
        request.session = client.session
        record_authentication(request, user, "password", email=user.email)
        record_authentication(request, user, "mfa", type="totp")
        request.session.save()
    return client


@pytest.fixture
def signed_in(client: Client) -> Callable[..., Client]:
    def _sign_in(user: User, *, mfa: bool = True) -> Client:
        return sign_in(client, user, mfa=mfa)

    return _sign_in
