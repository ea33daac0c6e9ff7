"""Pages of the ★3 application, mounted under /applications/ (config/urls.py)."""

from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.ApplicationListView.as_view(), name="list"),
    path("start/", views.ApplicationStartView.as_view(), name="start"),
    path(
        "start/<int:organisation>/",
        views.ApplicationStartScopeView.as_view(),
        name="start-scope",
    ),
    path("advisor/", views.AdvisorInboxView.as_view(), name="inbox"),
    path("engagements/<int:pk>/", views.EngagementView.as_view(), name="engagement"),
    path("engagements/<int:pk>/end/", views.EngagementEndView.as_view(), name="engagement-end"),
    path("<int:pk>/", views.ApplicationDetailView.as_view(), name="detail"),
    path("<int:pk>/scope/", views.ScopeUpdateView.as_view(), name="scope"),
    path(
        "<int:pk>/assessment/<str:category>/",
        views.AssessmentView.as_view(),
        name="assessment",
    ),
    path(
        "<int:pk>/assessment/<str:category>/item/",
        views.ItemSaveView.as_view(),
        name="item-save",
    ),
    path(
        "<int:pk>/assessment/<str:category>/confirm/",
        views.ConfirmCategoryView.as_view(),
        name="confirm-category",
    ),
    path("<int:pk>/answers/<str:criterion>/", views.AnswerSaveView.as_view(), name="answer-save"),
    path("<int:pk>/submit/", views.SubmitForReviewView.as_view(), name="submit"),
    path("<int:pk>/renew/", views.RenewView.as_view(), name="renew"),
    path("<int:pk>/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
    path("<int:pk>/effort/", views.EffortView.as_view(), name="effort"),
    path("<int:pk>/evidence/", views.EvidenceView.as_view(), name="evidence"),
    path(
        "<int:pk>/evidence/<int:evidence>/download/",
        views.EvidenceDownloadView.as_view(),
        name="evidence-download",
    ),
    path(
        "<int:pk>/evidence/<int:evidence>/delete/",
        views.EvidenceDeleteView.as_view(),
        name="evidence-delete",
    ),
    path(
        "<int:pk>/evidence/<int:evidence>/reconfirm/",
        views.EvidenceReconfirmView.as_view(),
        name="evidence-reconfirm",
    ),
    path(
        "<int:pk>/checklist/download/",
        views.ChecklistDownloadView.as_view(),
        name="checklist-download",
    ),
    path(
        "<int:pk>/checklist/upload/",
        views.ChecklistUploadView.as_view(),
        name="checklist-upload",
    ),
    path("<int:pk>/checklist/apply/", views.ChecklistApplyView.as_view(), name="checklist-apply"),
    path("<int:pk>/advisor/", views.AdvisorInviteView.as_view(), name="advisor-invite"),
    path("<int:pk>/review/", views.ReviewView.as_view(), name="review"),
    path(
        "<int:pk>/review/decision/",
        views.ReviewDecisionView.as_view(),
        name="review-decision",
    ),
    path(
        "<int:pk>/review/<str:criterion>/",
        views.CriterionReviewSaveView.as_view(),
        name="review-save",
    ),
    path("<int:pk>/declaration/", views.DeclarationView.as_view(), name="declaration"),
    path("<int:pk>/declaration/pdf/", views.DeclarationPdfView.as_view(), name="declaration-pdf"),
]
