"""Applying the rows of an uploaded Excel checklist that the user confirmed."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import DomainError
from core.services import audit_record

from ..checklist import validate_row
from ..models import Answer, Application
from ..permissions import can_edit_application
from ._common import require
from .applications import AnswerConflict, answer_save


@dataclass(frozen=True)
class ConfirmedRow:
    """A row the user ticked on the diff page: the uploaded values and the version of the
    answer the diff was computed against."""

    code: str
    status: str
    description: str
    na_justification: str
    version: int


@dataclass(frozen=True)
class ChecklistApplyResult:
    applied: list[str]
    conflicts: list[str]
    unchanged: list[str]


@transaction.atomic
def checklist_apply(
    *, application: Application, by: User, rows: list[ConfirmedRow]
) -> ChecklistApplyResult:
    """Save each confirmed row through answer_save with the version it was compared against:
    an answer somebody changed since the diff was shown is left alone and reported as a
    conflict. Rows are validated again (the values came back through the browser)."""
    require(can_edit_application(by, application))
    answers = {
        answer.criterion.code: answer
        for answer in Answer.objects.filter(application=application).select_related("criterion")
    }
    applied: list[str] = []
    conflicts: list[str] = []
    unchanged: list[str] = []
    for row in rows:
        answer = answers.get(row.code)
        if answer is None:
            raise DomainError(
                _("Criterion %(code)s is not part of this application.") % {"code": row.code},
                code="unknown_criterion",
            )
        status, errors = validate_row(
            row=0,
            code=row.code,
            status_text=row.status,
            description=row.description,
            na_justification=row.na_justification,
        )
        if errors or status is None:
            raise DomainError(
                _("The values for criterion %(code)s are not valid; upload the checklist again.")
                % {"code": row.code},
                code="invalid_row",
            )
        before = answer.version
        try:
            saved = answer_save(
                answer=answer,
                by=by,
                status=status,
                description=row.description,
                na_justification=row.na_justification,
                expected_version=row.version,
            )
        except AnswerConflict:
            conflicts.append(row.code)
            continue
        (applied if saved.version != before else unchanged).append(row.code)
    audit_record(
        action="assessments.checklist.applied",
        by=by,
        obj=application,
        data={"applied": applied, "conflicts": conflicts},
    )
    return ChecklistApplyResult(applied=applied, conflicts=conflicts, unchanged=unchanged)
