"""Read-only admin of applications and their records: every change goes through the services
(and their audit trail), so the admin only lets the operator look."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    AdvisorEngagement,
    Answer,
    Application,
    Approval,
    CriterionReview,
    Declaration,
    EvidenceFile,
    ReviewRound,
)


class ReadOnlyAdminMixin:
    """No adding, changing or deleting through the admin."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AnswerInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Answer
    fields = ("criterion", "status", "description", "na_justification", "version", "updated_by")
    readonly_fields = fields
    extra = 0


class EngagementInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AdvisorEngagement
    fields = ("advisor", "kind", "status", "coi_accepted_at", "ended_at")
    readonly_fields = fields
    extra = 0


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["reference", "organisation", "level", "edition", "status", "updated_at"]
    list_filter = ["status", "level", "edition"]
    search_fields = ["organisation__name", "organisation__corporate_number"]
    list_select_related = ["organisation", "level", "edition"]
    inlines = [EngagementInline, AnswerInline]


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["original_name", "application", "content_type", "size", "sha256", "created_at"]
    search_fields = ["original_name", "sha256"]
    list_select_related = ["application__organisation"]


@admin.register(AdvisorEngagement)
class AdvisorEngagementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["application", "advisor", "kind", "status", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["application__organisation", "advisor"]


class CriterionReviewInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CriterionReview
    fields = ("criterion", "verdict", "comment", "reviewed_by")
    readonly_fields = fields
    extra = 0


@admin.register(ReviewRound)
class ReviewRoundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["application", "number", "started_at", "decision", "decided_at"]
    list_filter = ["decision"]
    inlines = [CriterionReviewInline]


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["application", "advisor_name", "engagement_kind", "approved_at"]


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["application", "signer_name", "signer_title", "signed_on", "pdf_sha256"]
