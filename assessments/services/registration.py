"""The registration part of an application's life: the applicant submits the declared
application to the registration body, whose staff register it, return it or reject it.

These services make the application's own moves (guarded by the transition table and the
actor's role, audited, engagements ended where the application becomes final). The registration
body's use cases live in certification.services.submissions, which calls them inside its own
transaction and adds what belongs to the registration: the completeness checks, the registration
itself, the public ledger entry, the decision with its reasons and the e-mails. Called alone, a
move changes only the application. The texts (the reasons, the note on ended engagements) come
from the caller, in the words the registration body gives the applicant.
"""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from bodies.permissions import is_registration_staff
from core.services import audit_record

from ..models import Application
from ..permissions import can_edit_application
from ._common import lock_application, move, require
from .engagements import end_open_engagements


@transaction.atomic
def application_submit(*, application: Application, by: User) -> Application:
    """The applicant (a member or administrator) submits the declared application to the
    registration body."""
    application = lock_application(application)
    require(can_edit_application(by, application))
    move(application, Application.Status.SUBMITTED, service="registration.application_submit")
    application.submitted_at = timezone.now()
    application.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(action="assessments.application.submitted", by=by, obj=application)
    return application


@transaction.atomic
def application_register(
    *, application: Application, by: User, registration_number: str, engagement_note: str
) -> Application:
    """Registration staff register the submitted application as `registration_number`; the
    advisor's engagement ends with `engagement_note`. Call inside the transaction that creates
    the registration."""
    application = lock_application(application)
    require(is_registration_staff(by))
    move(application, Application.Status.REGISTERED, service="registration.application_register")
    application.registered_at = timezone.now()
    application.save(update_fields=["status", "registered_at", "updated_at"])
    end_open_engagements(application=application, by=by, reason=engagement_note)
    audit_record(
        action="assessments.application.registered",
        by=by,
        obj=application,
        data={"registration_number": registration_number},
    )
    return application


@transaction.atomic
def application_return(*, application: Application, by: User, reasons: str) -> Application:
    """Registration staff send the submitted application back for revision with `reasons`;
    the applicant revises it and sends it to the advisor again."""
    application = lock_application(application)
    require(is_registration_staff(by))
    move(application, Application.Status.RETURNED, service="registration.application_return")
    application.returned_at = timezone.now()
    application.save(update_fields=["status", "returned_at", "updated_at"])
    audit_record(
        action="assessments.application.returned_by_registration_body",
        by=by,
        obj=application,
        data={"reasons": reasons},
    )
    return application


@transaction.atomic
def application_reject(
    *, application: Application, by: User, reasons: str, engagement_note: str
) -> Application:
    """Registration staff reject the submitted application for good, with `reasons`; the
    advisor's engagement ends with `engagement_note`."""
    application = lock_application(application)
    require(is_registration_staff(by))
    move(application, Application.Status.REJECTED, service="registration.application_reject")
    application.rejected_at = timezone.now()
    application.save(update_fields=["status", "rejected_at", "updated_at"])
    end_open_engagements(application=application, by=by, reason=engagement_note)
    audit_record(
        action="assessments.application.rejected",
        by=by,
        obj=application,
        data={"reasons": reasons},
    )
    return application
