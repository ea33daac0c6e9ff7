"""Organisations, members, invitations, the user's profile and sessions, the audit trail."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path("organisations/new/", views.OrganisationCreateView.as_view(), name="organisation_create"),
    path(
        "organisations/<int:pk>/",
        views.OrganisationDetailView.as_view(),
        name="organisation_detail",
    ),
    path("organisations/<int:pk>/members/", views.MemberListView.as_view(), name="member_list"),
    path(
        "organisations/<int:pk>/members/<int:membership_pk>/roles/",
        views.MembershipRolesView.as_view(),
        name="membership_roles",
    ),
    path(
        "organisations/<int:pk>/members/<int:membership_pk>/remove/",
        views.MembershipRemoveView.as_view(),
        name="membership_remove",
    ),
    path(
        "organisations/<int:pk>/invitations/new/",
        views.InvitationCreateView.as_view(),
        name="invitation_create",
    ),
    path(
        "organisations/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        views.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", views.InvitationRespondView.as_view(), name="invitation"),
    path("accounts/profile/", views.ProfileView.as_view(), name="profile"),
    path("accounts/sessions/", views.SessionListView.as_view(), name="session_list"),
    path(
        "accounts/sessions/end-others/",
        views.SessionEndOthersView.as_view(),
        name="session_end_others",
    ),
    path("accounts/sessions/<int:pk>/end/", views.SessionEndView.as_view(), name="session_end"),
    path("audit/", views.AuditEventListView.as_view(), name="audit_list"),
]
