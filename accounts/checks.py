"""System checks: the security configuration of the accounts app must load."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .crypto import fernet


@register()
def check_privileged_role_checks(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every ACCOUNTS_PRIVILEGED_ROLE_CHECKS entry must import (otherwise MFA enforcement would
    fail at the first request of a signed-in user)."""
    errors: list[CheckMessage] = []
    for path in getattr(settings, "ACCOUNTS_PRIVILEGED_ROLE_CHECKS", []):
        try:
            check = import_string(path)
        except ImportError:
            errors.append(
                Error(
                    f"ACCOUNTS_PRIVILEGED_ROLE_CHECKS names {path!r}, which cannot be imported.",
                    hint="Install the app that provides it or remove the entry.",
                    id="accounts.E001",
                )
            )
            continue
        if not callable(check):
            errors.append(Error(f"{path!r} is not callable.", id="accounts.E002"))
    return errors


@register(deploy=True)
def check_field_encryption_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """FIELD_ENCRYPTION_KEY must hold valid Fernet keys."""
    try:
        fernet()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="accounts.E003")]
    return []
