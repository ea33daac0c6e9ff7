"""Public pages (organisation, verification, ★ mark), the holders' pages, the registration
body's queue and the scheme bodies' lifecycle pages."""

from django.urls import path, re_path, register_converter

from . import views


class RegistrationNumberConverter:
    """A registration number such as SCS3-2027-000123."""

    regex = r"SCS[345]-[0-9]{4}-[0-9]{6}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RegistrationNumberConverter, "regnumber")

app_name = "certification"

urlpatterns = [
    re_path(
        r"^organisations/(?P<corporate_number>[1-9][0-9]{12})/$",
        views.OrganisationPublicView.as_view(),
        name="organisation",
    ),
    path("verify/", views.VerifySearchView.as_view(), name="verify-search"),
    path("verify/<str:number>/badge.svg", views.BadgeView.as_view(), name="badge"),
    path("verify/<str:number>/", views.VerifyView.as_view(), name="verify"),
    # Holders
    path("registrations/", views.HolderListView.as_view(), name="holder-list"),
    path(
        "registrations/submit/<int:pk>/",
        views.ApplicationSubmitView.as_view(),
        name="application-submit",
    ),
    # The registration body's queue of ★3 submissions
    path("registrations/submissions/", views.QueueView.as_view(), name="queue"),
    path(
        "registrations/submissions/<int:pk>/",
        views.SubmissionView.as_view(),
        name="submission",
    ),
    path(
        "registrations/submissions/<int:pk>/<slug:decision>/",
        views.SubmissionDecideView.as_view(),
        name="submission-decide",
    ),
    # Evaluation bodies: the ★4 annual self-assessments they receive
    path("registrations/manage/annual/", views.AnnualListView.as_view(), name="annual-list"),
    path(
        "registrations/manage/annual/<int:pk>/",
        views.AnnualReviewView.as_view(),
        name="annual-review",
    ),
    path(
        "registrations/annual/<int:pk>/attachment/",
        views.AnnualAttachmentView.as_view(),
        name="annual-attachment",
    ),
    # Scheme bodies: the registrations they look after
    path("registrations/manage/", views.StaffListView.as_view(), name="staff-list"),
    path(
        "registrations/manage/<regnumber:number>/",
        views.StaffDetailView.as_view(),
        name="staff-detail",
    ),
    path(
        "registrations/manage/<regnumber:number>/<slug:action>/",
        views.StaffActionView.as_view(),
        name="staff-action",
    ),
    path(
        "registrations/<regnumber:number>/",
        views.HolderDetailView.as_view(),
        name="holder-detail",
    ),
    path(
        "registrations/<regnumber:number>/certificate.pdf",
        views.CertificateView.as_view(),
        name="certificate",
    ),
    path(
        "registrations/<regnumber:number>/annual/<int:anniversary>/",
        views.AnnualSubmitView.as_view(),
        name="annual-submit",
    ),
    path(
        "registrations/<regnumber:number>/withdraw/",
        views.WithdrawView.as_view(),
        name="withdraw",
    ),
]
