"""The registration body's part of a ★3 application: the applicant submits it, registration
staff check it and register it, return it for revision or reject it.

The application's own moves are assessments.services.registration (guarded by the application's
transition table); these services wrap them with the completeness checks, the registration, the
decision with its reasons and the notices, in one transaction.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from assessments.models import Application
from assessments.services import registration as moves
from assessments.workflows import transitions_of
from core.exceptions import DomainError
from core.workflows import ensure_transition

from ..models import Registration, RegistrationDecision
from ..permissions import can_review_submissions
from ..selectors import (
    Check,
    previous_registration,
    registration_bodies_of,
    registration_checks,
)
from . import notices
from .registrations import registration_create, scope_of_application

REASONS_MAX = 5000


class SubmissionIncomplete(DomainError):  # noqa: N818 (a domain error, named for what happened)
    """The submission fails completeness checks; `checks` lists the ones that failed."""

    code = "submission_incomplete"

    def __init__(self, checks: list[Check]) -> None:
        super().__init__(
            _("The application cannot be registered: %(checks)s.")
            % {"checks": "; ".join(str(check.label) for check in checks)}
        )
        self.checks = checks


def _reasons(reasons: str) -> str:
    text = reasons.strip()
    if not text:
        raise DomainError(
            _("Give the reasons, so that the applicant knows what to do."),
            code="reasons_required",
        )
    if len(text) > REASONS_MAX:
        raise DomainError(
            _("The reasons are too long (at most %(max)d characters).") % {"max": REASONS_MAX},
            code="reasons_too_long",
        )
    return text


def _require_staff(by: User) -> None:
    if not can_review_submissions(by):
        raise PermissionDenied(_("Only the registration body's staff decide on submissions."))


@transaction.atomic
def application_submit_for_registration(*, application: Application, by: User) -> Application:
    """The applicant submits its declared application to the registration body; the staff are
    told that it waits for them."""
    application = moves.application_submit(application=application, by=by)
    notices.application_submitted(application)
    return application


@transaction.atomic
def application_register(*, application: Application, by: User) -> Registration:
    """Register a submitted ★3 application: every completeness check must pass. Creates the
    registration (a renewal continues the holder's previous one without a gap), moves the
    application to registered, publishes it in the ledger and tells the applicant and the
    advisor."""
    _require_staff(by)
    application = Application.objects.select_for_update().get(pk=application.pk)
    ensure_transition(
        application.status,
        Application.Status.REGISTERED,
        transitions_of("registration.application_register"),
    )
    failed = [check for check in registration_checks(application) if not check.passed]
    if failed:
        raise SubmissionIncomplete(failed)
    body = registration_bodies_of(by).order_by("pk").first()
    if body is None:
        raise PermissionDenied
    registration = registration_create(
        organisation=application.organisation,
        level=application.level,
        edition=application.edition,
        scope=scope_of_application(application),
        registering_body=body,
        by=by,
        application=application,
        renews=previous_registration(application),
    )
    submitted_at = application.submitted_at or timezone.now()
    moves.application_register(
        application=application,
        by=by,
        registration_number=registration.number,
        engagement_note=_("The application was registered as %(number)s.")
        % {"number": registration.number},
    )
    decision = RegistrationDecision.objects.create(
        application=application,
        outcome=RegistrationDecision.Outcome.REGISTERED,
        registration=registration,
        submitted_at=submitted_at,
        decided_at=timezone.now(),
        decided_by=by,
    )
    notices.application_decided(application, decision)
    return registration


@transaction.atomic
def application_return(*, application: Application, by: User, reasons: str) -> RegistrationDecision:
    """Send a submitted application back for revision with the reasons to fix; the applicant
    revises it and has the advisor review it again."""
    _require_staff(by)
    text = _reasons(reasons)
    application = moves.application_return(application=application, by=by, reasons=text)
    decision = RegistrationDecision.objects.create(
        application=application,
        outcome=RegistrationDecision.Outcome.RETURNED,
        reasons=text,
        submitted_at=application.submitted_at or timezone.now(),
        decided_at=timezone.now(),
        decided_by=by,
    )
    notices.application_decided(application, decision)
    return decision


@transaction.atomic
def application_reject(*, application: Application, by: User, reasons: str) -> RegistrationDecision:
    """Reject a submitted application for good, with reasons (a new application is needed)."""
    _require_staff(by)
    text = _reasons(reasons)
    application = moves.application_reject(
        application=application,
        by=by,
        reasons=text,
        engagement_note=_("The application was rejected by the registration body."),
    )
    decision = RegistrationDecision.objects.create(
        application=application,
        outcome=RegistrationDecision.Outcome.REJECTED,
        reasons=text,
        submitted_at=application.submitted_at or timezone.now(),
        decided_at=timezone.now(),
        decided_by=by,
    )
    notices.application_decided(application, decision)
    return decision
