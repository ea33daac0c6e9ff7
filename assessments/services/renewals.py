"""The yearly renewal of a ★3 registration: a new application pre-filled from the registered one.

Before the year ends the organisation starts the renewal. The new application is pinned to the
current edition and copies the scope; each answer whose criterion (by code) exists in the new
edition is pre-filled and marked carried over, to be confirmed as still true or changed; last
year's evidence files are carried over (new rows pointing at the same stored file) and must be
re-confirmed as current, since dated evidence goes stale. The advisor's review and the
management declaration then run as for a first application; a renewal registered before the old
registration ends continues it without a gap (certification.services.submissions).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import DomainError
from core.services import audit_record
from scheme.models import Category

from ..models import Answer, Application, EvidenceFile
from ..permissions import can_edit_application, can_renew_application
from ..selectors import renewal_refusal, scope_entities_for
from ..workflows import EDITABLE_STATES
from ._common import lock_application, require
from .applications import application_start


@transaction.atomic
def application_renew(*, previous: Application, by: User) -> Application:
    """Start the renewal of the registered application `previous` (see the module docstring).
    Refused unless `by` may start applications for the organisation, `previous` is registered,
    its registration is still held or ran out recently (selectors.renewal_refusal), and no other
    renewal of it is under way or registered."""
    previous = lock_application(previous)
    require(can_renew_application(by, previous))
    refusal = renewal_refusal(previous)
    if refusal is not None:
        raise DomainError(refusal.message, code=refusal.code)
    # Subsidiaries that have left the group since last year drop out of the scope.
    in_group = {entity.pk for entity in scope_entities_for(previous.organisation)}
    entities = [e for e in previous.covered_entities.all() if e.pk in in_group]
    application = application_start(
        organisation=previous.organisation,
        by=by,
        covered_entities=entities,
        sites=list(previous.sites),
        infrastructure=previous.infrastructure,
        cloud_services=previous.cloud_services,
        all_it_outsourced=previous.all_it_outsourced,
        level=previous.level,
        renewal_of=previous,
    )

    old_answers = {
        answer.criterion.code: answer
        for answer in Answer.objects.filter(application=previous).select_related("criterion")
    }
    new_answers = {
        answer.criterion.code: answer
        for answer in Answer.objects.filter(application=application).select_related("criterion")
    }
    carried: list[Answer] = []
    for code, answer in new_answers.items():
        old = old_answers.get(code)
        if old is None or not old.status:
            continue
        answer.status = old.status
        answer.description = old.description
        answer.na_justification = old.na_justification
        answer.carried_over = True
        answer.confirmed_at = None
        carried.append(answer)
    Answer.objects.bulk_update(
        carried, ["status", "description", "na_justification", "carried_over", "confirmed_at"]
    )
    new_by_old_pk = {
        old.pk: new_answers[code] for code, old in old_answers.items() if code in new_answers
    }

    files = 0
    for old_file in EvidenceFile.objects.filter(application=previous).prefetch_related("answers"):
        copy = EvidenceFile(
            application=application,
            original_name=old_file.original_name,
            content_type=old_file.content_type,
            size=old_file.size,
            sha256=old_file.sha256,
            uploaded_by=old_file.uploaded_by,
            carried_over_from=old_file,
            reconfirmed_at=None,
        )
        # The same stored file, not a copy of its bytes (evidence_delete keeps a file that
        # another row still points at).
        copy.file.name = old_file.file.name
        copy.save()
        supported = [new_by_old_pk[a.pk] for a in old_file.answers.all() if a.pk in new_by_old_pk]
        if supported:
            copy.answers.add(*supported)
        files += 1

    new_codes = sorted(set(new_answers) - set(old_answers))
    audit_record(
        action="assessments.application.renewal_started",
        by=by,
        obj=application,
        data={
            "renews": previous.pk,
            "edition": application.edition.code,
            "previous_edition": previous.edition.code,
            "carried_over": len(carried),
            "new_criteria": new_codes,
            "evidence_files": files,
        },
    )
    return application


def _ensure_editable(application: Application) -> None:
    if application.status not in EDITABLE_STATES:
        raise DomainError(
            _("The self-assessment can only be changed while it is a draft or returned."),
            code="not_editable",
        )


@transaction.atomic
def answer_confirm(*, answer: Answer, by: User) -> Answer:
    """Confirm that a carried-over answer is still true this year (a no-op when it already
    is)."""
    answer = (
        Answer.objects.select_for_update(of=("self",))
        .select_related("application", "criterion")
        .get(pk=answer.pk)
    )
    require(can_edit_application(by, answer.application))
    _ensure_editable(answer.application)
    if not answer.carried_over:
        raise DomainError(
            _("Only an answer carried over from last year needs confirming."),
            code="not_carried_over",
        )
    if answer.confirmed_at is not None:
        return answer
    answer.confirmed_at = timezone.now()
    answer.confirmed_by = by
    answer.save(update_fields=["confirmed_at", "confirmed_by", "updated_at"])
    audit_record(
        action="assessments.answer.confirmed",
        by=by,
        obj=answer.application,
        data={"criterion": answer.criterion.code},
    )
    return answer


@transaction.atomic
def answers_confirm_unchanged(
    *, application: Application, by: User, category: Category | None = None
) -> int:
    """Confirm every carried-over answer not yet confirmed (of one category, or all); returns
    how many were confirmed."""
    application = lock_application(application)
    require(can_edit_application(by, application))
    _ensure_editable(application)
    answers = Answer.objects.filter(
        application=application, carried_over=True, confirmed_at__isnull=True
    )
    if category is not None:
        answers = answers.filter(criterion__item__subcategory__category=category)
    codes = sorted(answers.values_list("criterion__code", flat=True))
    if not codes:
        return 0
    answers.update(confirmed_at=timezone.now(), confirmed_by=by, updated_at=timezone.now())
    audit_record(
        action="assessments.answer.confirmed",
        by=by,
        obj=application,
        data={"criteria": codes, "category": category.code if category else None},
    )
    return len(codes)


@transaction.atomic
def evidence_reconfirm(*, evidence: EvidenceFile, by: User) -> EvidenceFile:
    """Confirm that a carried-over evidence file is still current (a policy still in force, a
    recent enough scan report or training record); a no-op when it already is."""
    application = lock_application(evidence.application)
    require(can_edit_application(by, application))
    if application.status not in EDITABLE_STATES:
        raise DomainError(
            _("Evidence can only be changed while the application is a draft or returned."),
            code="not_editable",
        )
    evidence = EvidenceFile.objects.select_for_update().get(pk=evidence.pk)
    if evidence.application_id != application.pk or evidence.carried_over_from_id is None:
        raise DomainError(
            _("Only evidence carried over from last year needs re-confirming."),
            code="not_carried_over",
        )
    if evidence.reconfirmed_at is not None:
        return evidence
    evidence.reconfirmed_at = timezone.now()
    evidence.reconfirmed_by = by
    evidence.save(update_fields=["reconfirmed_at", "reconfirmed_by", "updated_at"])
    audit_record(
        action="assessments.evidence.reconfirmed",
        by=by,
        obj=evidence,
        data={
            "application": application.pk,
            "name": evidence.original_name,
            "sha256": evidence.sha256,
        },
    )
    return evidence
