"""★4 annual self-assessments: the holder submits one per anniversary to the evaluation body the
registration rests on, which accepts it or returns it for completion.

Each service locks the registration (so that two submissions of the same anniversary cannot
race), checks who acts (certification.permissions) and the state (workflows.ANNUAL_TRANSITIONS),
writes an audit record and tells the other side, all in one transaction; the e-mails leave after
commit.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import User
from assessments.files import check_upload
from core.exceptions import DomainError
from core.services import audit_record
from core.workflows import ensure_transition

from ..models import AnnualSelfAssessment, Registration
from ..permissions import can_submit_annual, receives_annual_for
from ..selectors import (
    annual_anniversaries,
    annual_window_days,
    effective_status_of,
    scheme_today,
)
from ..workflows import ANNUAL_TRANSITIONS
from . import notices

A = AnnualSelfAssessment.Status
S = Registration.Status
TEXT_MAX = 5000


def _text(value: str, label: str) -> str:
    text = (value or "").strip()
    if len(text) > TEXT_MAX:
        raise DomainError(
            _("%(field)s is too long (at most %(max)d characters).")
            % {"field": label, "max": TEXT_MAX},
            code="text_too_long",
        )
    return text


def _check_submittable(
    registration: Registration, anniversary: int, today: datetime.date
) -> datetime.date:
    due_on = dict(annual_anniversaries(registration)).get(anniversary)
    if due_on is None:
        raise DomainError(
            _("This registration owes no annual self-assessment for this anniversary."),
            code="no_such_anniversary",
        )
    if effective_status_of(registration, today=today) not in (S.ACTIVE, S.SUSPENDED):
        raise DomainError(
            _("An annual self-assessment can only be submitted while the registration is valid."),
            code="registration_not_running",
        )
    opens_on = due_on - datetime.timedelta(days=annual_window_days())
    if today < opens_on:
        raise DomainError(
            _("The annual self-assessment due on %(due)s can be submitted from %(opens)s.")
            % {
                "due": formats.date_format(due_on, "DATE_FORMAT"),
                "opens": formats.date_format(opens_on, "DATE_FORMAT"),
            },
            code="not_open_yet",
        )
    return due_on


@transaction.atomic
def annual_self_assessment_submit(
    *,
    registration: Registration,
    anniversary: int,
    by: User,
    measures_maintained: bool,
    changes: str = "",
    incidents: str = "",
    statement: str = "",
    attachment: "UploadedFile[bytes] | None" = None,
    today: datetime.date | None = None,
) -> AnnualSelfAssessment:
    """Submit (or, after it was returned, submit again) the holder's annual self-assessment for
    one anniversary of an active or suspended ★4 registration, from
    CERTIFICATION_ANNUAL_SUBMISSION_OPENS_DAYS days before its due date on. Holder
    administrators and executives only. An attachment (optional) is checked by its content
    like evidence files; on a second submission without one, the first attachment stays."""
    today = today or scheme_today()
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("level", "organisation", "evaluation_body")
        .get(pk=registration.pk)
    )
    if not can_submit_annual(by, registration):
        raise PermissionDenied(
            _("Only the holder's administrators and executives submit the annual self-assessment.")
        )
    due_on = _check_submittable(registration, anniversary, today)
    record = (
        AnnualSelfAssessment.objects.select_for_update()
        .filter(registration=registration, anniversary=anniversary)
        .first()
    )
    current = record.status if record is not None else ""
    if current == A.SUBMITTED:
        raise DomainError(
            _(
                "This annual self-assessment was already submitted and waits for the "
                "evaluation body."
            ),
            code="already_submitted",
        )
    if current == A.ACCEPTED:
        raise DomainError(
            _("This annual self-assessment was already accepted."), code="already_accepted"
        )
    ensure_transition(current, A.SUBMITTED, ANNUAL_TRANSITIONS)
    changes = _text(changes, _("Changes since the evaluation"))
    incidents = _text(incidents, _("Security incidents"))
    statement = _text(statement, _("Further remarks"))
    if not measures_maintained and not changes:
        raise DomainError(
            _("Describe which measures are no longer in place, and why, under the changes."),
            code="changes_required",
        )
    checked = check_upload(attachment, already_stored=0) if attachment is not None else None
    if record is None:
        record = AnnualSelfAssessment(registration=registration, anniversary=anniversary)
    record.due_on = due_on
    record.status = A.SUBMITTED
    record.measures_maintained = measures_maintained
    record.changes = changes
    record.incidents = incidents
    record.statement = statement
    record.submitted_by = by
    record.submitted_at = timezone.now()
    if checked is not None and attachment is not None:
        record.attachment_name = checked.name
        record.attachment_type = checked.file_type.content_type
        record.attachment_size = checked.size
        record.attachment_sha256 = checked.sha256
        record.attachment.save("attachment", attachment, save=False)
    record.save()
    audit_record(
        action="certification.annual.submitted",
        by=by,
        obj=record,
        data={
            "number": registration.number,
            "anniversary": anniversary,
            "due_on": due_on.isoformat(),
            "resubmission": current == A.RETURNED,
            "measures_maintained": measures_maintained,
            "attachment_sha256": record.attachment_sha256,
        },
    )
    notices.annual_submitted(record)
    return record


@transaction.atomic
def _review(
    *, assessment: AnnualSelfAssessment, by: User, target: str, comment: str
) -> AnnualSelfAssessment:
    assessment = (
        AnnualSelfAssessment.objects.select_for_update(of=("self",))
        .select_related("registration__level", "registration__organisation")
        .get(pk=assessment.pk)
    )
    if not receives_annual_for(by, assessment.registration):
        raise PermissionDenied(
            _("Only the evaluation body the registration rests on reviews its self-assessments.")
        )
    ensure_transition(assessment.status, target, ANNUAL_TRANSITIONS)
    text = _text(comment, _("Comment"))
    if target == A.RETURNED and not text:
        raise DomainError(
            _("Say what the holder must complete or correct."), code="comment_required"
        )
    previous = assessment.status
    assessment.status = target
    assessment.reviewed_by = by
    assessment.reviewed_at = timezone.now()
    assessment.reviewer_comment = text
    assessment.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "reviewer_comment", "updated_at"]
    )
    audit_record(
        action=f"certification.annual.{target}",
        by=by,
        obj=assessment,
        data={
            "number": assessment.registration.number,
            "anniversary": assessment.anniversary,
            "from": previous,
            "to": target,
        },
    )
    notices.annual_reviewed(assessment)
    return assessment


def annual_self_assessment_accept(
    *, assessment: AnnualSelfAssessment, by: User, comment: str = ""
) -> AnnualSelfAssessment:
    """The evaluation body accepts a submitted annual self-assessment (final)."""
    return _review(assessment=assessment, by=by, target=A.ACCEPTED, comment=comment)


def annual_self_assessment_return(
    *, assessment: AnnualSelfAssessment, by: User, comment: str
) -> AnnualSelfAssessment:
    """The evaluation body returns a submitted annual self-assessment for completion, saying
    what is missing; the holder submits it again."""
    return _review(assessment=assessment, by=by, target=A.RETURNED, comment=comment)
