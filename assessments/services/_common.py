"""Helpers shared by the services of this app."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from core.workflows import ensure_transition

from ..models import Application
from ..workflows import transitions_of


def lock_application(application: Application) -> Application:
    """Re-read the application with a row lock held until the transaction ends."""
    return Application.objects.select_for_update().get(pk=application.pk)


def require(allowed: bool) -> None:
    """Raise PermissionDenied unless the actor is allowed (a predicate from permissions.py)."""
    if not allowed:
        raise PermissionDenied(_("You are not allowed to do this for this application."))


def move(application: Application, target: str, *, service: str) -> None:
    """Guard the edge `application.status → target` against the part of the transition table
    that `service` makes, then set the new status (the caller saves)."""
    ensure_transition(application.status, target, transitions_of(service))
    application.status = target
