"""Signing users in for the view tests of the assessments app."""

import time

from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from accounts.models import User
from accounts.selectors import user_is_privileged


def sign_in(client: Client, user: User) -> Client:
    """Log `user` in. A privileged user (an advisor) gets an authenticator app and a session
    that has passed the second factor, as accounts' MFA enforcement requires."""
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
