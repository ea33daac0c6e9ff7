"""The ★3 application: scope, self-assessment answers, evidence, advisor review rounds,
approval and the management declaration. See docs/application-states.md for the workflow."""

from .applications import Answer, Application, EvidenceFile, evidence_upload_path
from .declarations import Declaration, declaration_pdf_path
from .reviews import (
    AdvisorEngagement,
    AnswerSnapshot,
    Approval,
    CriterionReview,
    ReviewRound,
)

__all__ = [
    "AdvisorEngagement",
    "Answer",
    "AnswerSnapshot",
    "Application",
    "Approval",
    "CriterionReview",
    "Declaration",
    "EvidenceFile",
    "ReviewRound",
    "declaration_pdf_path",
    "evidence_upload_path",
]
