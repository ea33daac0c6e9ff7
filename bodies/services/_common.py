"""Helpers shared by the app's services."""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import User

Actor = User | AnonymousUser


def acting_user(by: Actor) -> User:
    """The signed-in, active user behind `by`; anyone else may not write anything here."""
    if not isinstance(by, User) or not by.is_active:
        raise PermissionDenied(_("Sign in first."))
    return by
