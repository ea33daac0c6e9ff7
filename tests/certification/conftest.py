"""Fixtures of the certification tests: signing in (with MFA passed for privileged users) and
running the callbacks that services leave for after the commit."""

import time
from collections.abc import Callable

import pytest
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from accounts.models import User
from accounts.selectors import forget_privileged_roles, user_is_privileged


def sign_in(client: Client, user: User) -> Client:
    """Log `user` in; a privileged user (scheme-body staff, an advisor) gets an authenticator
    app and a session that has passed the second factor, as accounts' MFA enforcement wants."""
    forget_privileged_roles(user)
    client.force_login(user)
    if user_is_privileged(user):
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, f"JBSWY3DPEHPK3PXP{user.pk:04d}"[:32])
        session = client.session
        records = list(session.get(AUTHENTICATION_METHODS_SESSION_KEY) or [])
        records.append({"method": "mfa", "at": time.time(), "type": "totp"})
        session[AUTHENTICATION_METHODS_SESSION_KEY] = records
        session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
        session.save()
    return client


@pytest.fixture
def signed_in(client: Client) -> Callable[[User], Client]:
    def _sign_in(user: User) -> Client:
        return sign_in(client, user)

    return _sign_in
