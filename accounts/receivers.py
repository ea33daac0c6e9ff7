"""Hooks into authentication events raised by Django and allauth (true decoupling: these events
come from libraries, so signals are the only way in). Each receiver calls one service."""

from typing import Any

from allauth.account.internal.flows.login import record_authentication
from allauth.account.signals import password_changed, password_reset, password_set
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from . import services
from .middleware import FORCED_LOGOUT_ATTR
from .models import User

SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


@receiver(user_logged_in, dispatch_uid="accounts.session_start")
def on_logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        services.user_session_start(user=user, request=request)


@receiver(user_logged_out, dispatch_uid="accounts.session_end")
def on_logged_out(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    # A logout forced by a timeout or an ended session is audited as "session ended" already.
    forced = bool(getattr(request, FORCED_LOGOUT_ATTR, False))
    services.record_logout(user=None if forced else user, request=request)


@receiver(user_login_failed, dispatch_uid="accounts.login_failed")
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already masked the password in `credentials`; only the address is kept.
    email = credentials.get("email") or credentials.get("username") or ""
    services.record_login_failed(email=str(email), request=request)


@receiver(password_changed, dispatch_uid="accounts.password_changed")
@receiver(password_set, dispatch_uid="accounts.password_set")
def on_password_changed(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    services.record_password_changed(user=user, request=request, reset=False)


@receiver(password_reset, dispatch_uid="accounts.password_reset")
def on_password_reset(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    services.record_password_changed(user=user, request=request, reset=True)


@receiver(authenticator_added, dispatch_uid="accounts.mfa_added")
def on_authenticator_added(
    sender: Any, request: HttpRequest, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    first_factor = (
        authenticator.type in SECOND_FACTORS
        and not Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS)
        .exclude(pk=authenticator.pk)
        .exists()
    )
    services.record_mfa_changed(
        user=user, request=request, authenticator_type=authenticator.type, added=True
    )
    if first_factor and request is not None and request.user.pk == user.pk:
        # Enrolling the first factor proved possession of it (a valid TOTP code or a WebAuthn
        # signature) in this very session, which already passed the password (and a fresh
        # reauthentication). Count it as this session's MFA so that a privileged user is not
        # sent straight back to authenticate with the factor they have just shown.
        record_authentication(
            request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True
        )


@receiver(authenticator_removed, dispatch_uid="accounts.mfa_removed")
def on_authenticator_removed(
    sender: Any, request: HttpRequest, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    services.record_mfa_changed(
        user=user, request=request, authenticator_type=authenticator.type, added=False
    )


@receiver(authenticator_reset, dispatch_uid="accounts.mfa_reset")
def on_authenticator_reset(
    sender: Any, request: HttpRequest, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    services.record_recovery_codes_regenerated(user=user, request=request)
