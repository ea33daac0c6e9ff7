"""Reads of the notifications app, always scoped to the signed-in user."""

from typing import Any

from django.db.models import QuerySet

from .models import OPTIONAL_KINDS, Kind, Notification, NotificationPreference


def notification_list_for(user: Any) -> QuerySet[Notification]:
    """The user's own notifications, newest first (nobody sees anyone else's)."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user_id=user.pk).order_by("-created_at", "-pk")


def unread_count(user: Any) -> int:
    """How many of the user's notifications are unread (0 for anonymous visitors)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


def preferences_for(user: Any) -> dict[str, bool]:
    """Whether the user receives each optional kind (True unless switched off)."""
    stored = dict(
        NotificationPreference.objects.filter(user_id=user.pk).values_list("kind", "enabled")
    )
    return {kind: stored.get(kind, True) for kind in Kind.values if kind in OPTIONAL_KINDS}


def wants(user: Any, kind: str) -> bool:
    """Whether `user` receives notices of `kind`: always for legal and status notices."""
    if kind not in OPTIONAL_KINDS:
        return True
    return not NotificationPreference.objects.filter(
        user_id=user.pk, kind=kind, enabled=False
    ).exists()
