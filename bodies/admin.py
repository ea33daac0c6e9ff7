"""Admin of scheme bodies, designations, staff and advisors: read-mostly. Every state change
(designation decisions, staff grants, verification, suspension) goes through the services and
their pages, so that it is guarded and audited; the admin only shows what happened and lets the
platform administrator correct descriptive fields."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    AdvisorArea,
    AdvisorIndustry,
    AdvisorProfile,
    BodyStaff,
    Designation,
    Qualification,
    SchemeBody,
    SchemeBodyRole,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SchemeBodyRoleInline(ReadOnlyInline):
    model = SchemeBodyRole
    fields = ("role", "created_at")
    readonly_fields = fields


@admin.register(SchemeBody)
class SchemeBodyAdmin(admin.ModelAdmin):
    list_display = ("organisation", "website", "contact_email")
    search_fields = ("organisation__name", "organisation__corporate_number")
    readonly_fields = ("organisation",)
    inlines = (SchemeBodyRoleInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # bodies come with their roles (scheme_body_role_grant, designation_grant)


@admin.register(Designation)
class DesignationAdmin(admin.ModelAdmin):
    list_display = ("body", "role", "valid_from", "valid_until", "status")
    list_filter = ("role", "status", "levels")
    search_fields = ("body__organisation__name", "body__organisation__corporate_number")
    readonly_fields = (
        "body",
        "role",
        "levels",
        "valid_from",
        "valid_until",
        "status",
        "status_reason",
        "status_effective_on",
        "status_changed_by",
        "designated_by",
        "granted_by",
        "renewal_of",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(BodyStaff)
class BodyStaffAdmin(admin.ModelAdmin):
    list_display = ("user", "body", "role", "active")
    list_filter = ("role", "active")
    search_fields = ("user__email", "body__organisation__name")
    readonly_fields = (
        "user",
        "body",
        "role",
        "active",
        "granted_by",
        "revoked_at",
        "revoked_by",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AdvisorAreaInline(ReadOnlyInline):
    model = AdvisorArea
    fields = ("prefecture",)
    readonly_fields = fields


class AdvisorIndustryInline(ReadOnlyInline):
    model = AdvisorIndustry
    fields = ("industry",)
    readonly_fields = fields


class QualificationInline(ReadOnlyInline):
    model = Qualification
    fields = ("kind", "other_name", "number", "obtained_on", "expires_on", "status")
    readonly_fields = fields


@admin.register(AdvisorProfile)
class AdvisorProfileAdmin(admin.ModelAdmin):
    list_display = ("display_name", "user", "mode", "is_public", "status")
    list_filter = ("status", "mode", "is_public")
    search_fields = ("display_name", "user__email")
    readonly_fields = (
        "user",
        "status",
        "status_reason",
        "status_changed_at",
        "status_changed_by",
        "coi_statement",
        "coi_declared_at",
    )
    inlines = (AdvisorAreaInline, AdvisorIndustryInline, QualificationInline)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Qualification)
class QualificationAdmin(admin.ModelAdmin):
    list_display = ("advisor", "kind", "number", "status", "reviewed_at")
    list_filter = ("status", "kind")
    search_fields = ("advisor__display_name", "number")
    readonly_fields = (
        "advisor",
        "kind",
        "other_name",
        "number",
        "obtained_on",
        "expires_on",
        "status",
        "reviewed_by",
        "reviewed_at",
        "rejection_reason",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
