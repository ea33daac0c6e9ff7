"""Admin of people, organisations, invitations and sessions (the operator's back office)."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Invitation, Membership, Organisation, User, UserSession

# The admin's own password form would bypass allauth's rate limits and the MFA stage: signing in
# to the admin goes through the portal's login page instead.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "name", "language", "is_staff", "is_active")
    search_fields = ("email", "name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("name", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "corporate_number", "prefecture", "industry", "size_band")
    search_fields = ("name", "name_kana", "name_en", "corporate_number")
    list_filter = ("prefecture", "industry", "size_band")
    autocomplete_fields = ("parent",)
    inlines = (MembershipInline,)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "organisation", "status", "expires_at", "invited_by")
    list_filter = ("status",)
    search_fields = ("email", "organisation__name")
    readonly_fields = ("token_hash",)
    raw_id_fields = ("organisation", "invited_by", "accepted_by")


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "last_seen_at", "ip_address", "ended_at", "end_reason")
    list_filter = ("end_reason",)
    search_fields = ("user__email",)
    readonly_fields = (
        "user",
        "session_key_hash",
        "created_at",
        "last_seen_at",
        "user_agent",
        "ip_address",
        "ended_at",
        "end_reason",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
