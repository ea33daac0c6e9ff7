"""Public directories (/bodies/, /advisors/) and the management pages of the scheme bodies."""

from django.urls import path

from .views import advisors, manage, public

app_name = "bodies"

urlpatterns = [
    # Management (scheme-body staff): 404 for anyone outside their scope.
    path("bodies/manage/", manage.ManageIndexView.as_view(), name="manage"),
    path(
        "bodies/manage/designations/",
        manage.DesignationListView.as_view(),
        name="designation-list",
    ),
    path(
        "bodies/manage/designations/new/",
        manage.DesignationGrantView.as_view(),
        name="designation-grant",
    ),
    path(
        "bodies/manage/designations/<int:pk>/",
        manage.DesignationDetailView.as_view(),
        name="designation-detail",
    ),
    path(
        "bodies/manage/designations/<int:pk>/renew/",
        manage.DesignationRenewView.as_view(),
        name="designation-renew",
    ),
    path(
        "bodies/manage/designations/<int:pk>/<slug:action>/",
        manage.DesignationDecisionView.as_view(),
        name="designation-decision",
    ),
    path("bodies/manage/staff/", manage.StaffBodiesView.as_view(), name="staff-bodies"),
    path(
        "bodies/manage/staff/<str:corporate_number>/",
        manage.StaffManageView.as_view(),
        name="staff-manage",
    ),
    path(
        "bodies/manage/staff/<str:corporate_number>/<int:pk>/revoke/",
        manage.StaffRevokeView.as_view(),
        name="staff-revoke",
    ),
    # Public directory of scheme bodies.
    path("bodies/", public.BodyDirectoryView.as_view(), name="directory"),
    path("bodies/<str:corporate_number>/", public.BodyDetailView.as_view(), name="detail"),
    # Advisors: their own pages, then the registration staff's review, then the public directory.
    path("advisors/me/", advisors.AdvisorMeView.as_view(), name="advisor-me"),
    path("advisors/me/edit/", advisors.AdvisorProfileEditView.as_view(), name="advisor-edit"),
    path(
        "advisors/me/qualifications/new/",
        advisors.QualificationAddView.as_view(),
        name="qualification-add",
    ),
    path(
        "advisors/me/qualifications/<int:pk>/edit/",
        advisors.QualificationEditView.as_view(),
        name="qualification-edit",
    ),
    path(
        "advisors/me/qualifications/<int:pk>/remove/",
        advisors.QualificationRemoveView.as_view(),
        name="qualification-remove",
    ),
    path("advisors/review/", advisors.ReviewQueueView.as_view(), name="review-queue"),
    path(
        "advisors/review/qualifications/<int:pk>/",
        advisors.QualificationReviewView.as_view(),
        name="qualification-review",
    ),
    path(
        "advisors/review/advisors/",
        advisors.AdvisorReviewListView.as_view(),
        name="advisor-review-list",
    ),
    path(
        "advisors/review/advisors/<int:pk>/",
        advisors.AdvisorReviewView.as_view(),
        name="advisor-review",
    ),
    path("advisors/", public.AdvisorDirectoryView.as_view(), name="advisor-directory"),
    path("advisors/<int:pk>/", public.AdvisorDetailView.as_view(), name="advisor-detail"),
]
