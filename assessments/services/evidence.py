"""Evidence files: upload (checked by content and size), attach to and detach from criteria,
delete. Only while the applicant may edit (draft or returned)."""

from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import DomainError
from core.services import audit_record

from ..files import check_upload
from ..models import Answer, Application, EvidenceFile
from ..permissions import can_edit_application
from ..selectors import evidence_total_size
from ..workflows import EDITABLE_STATES
from ._common import lock_application, require


def _ensure_editable(application: Application) -> None:
    if application.status not in EDITABLE_STATES:
        raise DomainError(
            _("Evidence can only be changed while the application is a draft or returned."),
            code="not_editable",
        )


def _ensure_same_application(application: Application, answers: Iterable[Answer]) -> list[Answer]:
    answers = list(answers)
    if any(answer.application_id != application.pk for answer in answers):
        raise DomainError(
            _("Evidence can only support criteria of its own application."),
            code="other_application",
        )
    return answers


@transaction.atomic
def evidence_upload(
    *,
    application: Application,
    by: User,
    upload: "UploadedFile[bytes]",
    answers: Iterable[Answer] = (),
) -> EvidenceFile:
    """Store an uploaded evidence file after checking its size (per file and for the whole
    application) and its type by content; link it to the given answers. Raises
    files.EvidenceRejected (a DomainError) with a message for the user when refused."""
    application = lock_application(application)
    require(can_edit_application(by, application))
    _ensure_editable(application)
    answers = _ensure_same_application(application, answers)
    checked = check_upload(upload, already_stored=evidence_total_size(application))
    evidence = EvidenceFile(
        application=application,
        original_name=checked.name,
        content_type=checked.file_type.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    evidence.file.save("evidence", upload, save=False)
    evidence.save()
    if answers:
        evidence.answers.add(*answers)
    audit_record(
        action="assessments.evidence.uploaded",
        by=by,
        obj=evidence,
        data={
            "application": application.pk,
            "name": checked.name,
            "sha256": checked.sha256,
            "size": checked.size,
            "criteria": [answer.criterion.code for answer in answers],
        },
    )
    return evidence


@transaction.atomic
def evidence_attach(*, evidence: EvidenceFile, answer: Answer, by: User) -> EvidenceFile:
    """Let an uploaded file support one more criterion."""
    application = lock_application(evidence.application)
    require(can_edit_application(by, application))
    _ensure_editable(application)
    _ensure_same_application(application, [answer])
    if evidence.application_id != application.pk:
        raise DomainError(
            _("Evidence can only support criteria of its own application."),
            code="other_application",
        )
    evidence.answers.add(answer)
    return evidence


@transaction.atomic
def evidence_detach(*, evidence: EvidenceFile, answer: Answer, by: User) -> EvidenceFile:
    """Stop a file from supporting a criterion (the file itself stays)."""
    application = lock_application(evidence.application)
    require(can_edit_application(by, application))
    _ensure_editable(application)
    evidence.answers.remove(answer)
    return evidence


@transaction.atomic
def evidence_delete(*, evidence: EvidenceFile, by: User) -> None:
    """Delete an evidence file and its stored content (unless another application's row, such
    as last year's for a renewal, still points at the same stored file). Review rounds keep
    their record of it (name and SHA-256)."""
    application = lock_application(evidence.application)
    require(can_edit_application(by, application))
    _ensure_editable(application)
    audit_record(
        action="assessments.evidence.deleted",
        by=by,
        obj=evidence,
        data={
            "application": application.pk,
            "name": evidence.original_name,
            "sha256": evidence.sha256,
        },
    )
    storage, name = evidence.file.storage, evidence.file.name
    evidence.delete()
    # A renewal's carried-over row shares its stored file with last year's row: the file goes
    # only with the last row that points at it.
    if name and not EvidenceFile.objects.filter(file=name).exists():
        transaction.on_commit(lambda: storage.delete(name))
