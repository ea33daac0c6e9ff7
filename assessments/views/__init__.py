"""HTML views of the ★3 application. Thin: they fetch through the scoped selectors, validate with
a form, call one service and render."""

from .advisors import AdvisorInboxView, AdvisorInviteView, EngagementEndView, EngagementView
from .answers import AnswerSaveView, AssessmentView, ItemSaveView
from .applications import (
    ApplicationDetailView,
    ApplicationListView,
    ApplicationStartScopeView,
    ApplicationStartView,
    EffortView,
    ScopeUpdateView,
    SubmitForReviewView,
    WithdrawView,
)
from .declarations import DeclarationPdfView, DeclarationView
from .evidence import (
    ChecklistApplyView,
    ChecklistDownloadView,
    ChecklistUploadView,
    EvidenceDeleteView,
    EvidenceDownloadView,
    EvidenceView,
)
from .renewals import ConfirmCategoryView, EvidenceReconfirmView, RenewView
from .reviews import CriterionReviewSaveView, ReviewDecisionView, ReviewView

__all__ = [
    "AdvisorInboxView",
    "AdvisorInviteView",
    "AnswerSaveView",
    "ApplicationDetailView",
    "ApplicationListView",
    "ApplicationStartScopeView",
    "ApplicationStartView",
    "AssessmentView",
    "ChecklistApplyView",
    "ChecklistDownloadView",
    "ChecklistUploadView",
    "ConfirmCategoryView",
    "CriterionReviewSaveView",
    "DeclarationPdfView",
    "DeclarationView",
    "EffortView",
    "EngagementEndView",
    "EngagementView",
    "EvidenceDeleteView",
    "EvidenceDownloadView",
    "EvidenceReconfirmView",
    "EvidenceView",
    "ItemSaveView",
    "RenewView",
    "ReviewDecisionView",
    "ReviewView",
    "ScopeUpdateView",
    "SubmitForReviewView",
    "WithdrawView",
]
