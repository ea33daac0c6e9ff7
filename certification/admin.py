"""Admin of registrations: viewing only. Every change (registration, suspension, revocation,
withdrawal, expiry) goes through certification.services, which guard it, audit it and publish it
in the ledger; the admin shows what happened."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    AnnualSelfAssessment,
    Registration,
    RegistrationDecision,
    RegistrationEvent,
    Reminder,
    ReviewNudge,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewing only: the services write these rows."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


EVENT_FIELDS = [
    "kind",
    "from_status",
    "to_status",
    "reason_code",
    "effective_on",
    "actor",
    "ledger_seq",
]


class RegistrationEventInline(admin.TabularInline):
    model = RegistrationEvent
    extra = 0
    can_delete = False
    fields = tuple(EVENT_FIELDS)
    readonly_fields = EVENT_FIELDS

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "holder_name",
        "corporate_number",
        "level",
        "status",
        "valid_from",
        "valid_until",
    ]
    list_filter = ["level", "status"]
    search_fields = ["=number", "=corporate_number", "holder_name"]
    list_select_related = ["level"]
    inlines = [RegistrationEventInline]


@admin.register(RegistrationDecision)
class RegistrationDecisionAdmin(ReadOnlyAdmin):
    list_display = ["application", "outcome", "decided_at", "decided_by"]
    list_filter = ["outcome"]
    list_select_related = ["application", "decided_by"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["registration", "kind", "anniversary", "offset_days", "due_on", "created_at"]
    list_filter = ["kind", "anniversary", "offset_days"]
    list_select_related = ["registration"]


@admin.register(ReviewNudge)
class ReviewNudgeAdmin(ReadOnlyAdmin):
    list_display = ["application", "kind", "sequence", "waiting_since", "created_at"]
    list_filter = ["kind"]


@admin.register(AnnualSelfAssessment)
class AnnualSelfAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["registration", "anniversary", "due_on", "status", "submitted_at"]
    list_filter = ["status", "anniversary"]
    search_fields = ["=registration__number"]
    list_select_related = ["registration"]
    # The attachment is confidential: it is served by the permission-checked view only.
    exclude = ["attachment"]
