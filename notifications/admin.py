"""Admin of notifications: viewing only (notices are recorded by notifications.services)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Notification, NotificationPreference


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewing only: notices and preferences change through the services and their pages."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "kind", "subject", "email_status", "read_at"]
    list_filter = ["kind", "email_status"]
    search_fields = ["=user__email", "subject", "=key"]
    list_select_related = ["user"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "enabled", "updated_at"]
    list_filter = ["kind", "enabled"]
    list_select_related = ["user"]
