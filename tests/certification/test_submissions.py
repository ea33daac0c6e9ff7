"""The registration body's part of a ★3 application: submission, the completeness checks, and
the decisions (register, return, reject) with who may make them and who is told."""

import datetime
import json

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from assessments.models import AdvisorEngagement, Answer, Application, Declaration
from bodies.models import Qualification
from certification.models import Registration, RegistrationDecision
from certification.selectors import registration_checks, submission_queue
from certification.services.submissions import (
    SubmissionIncomplete,
    application_register,
    application_reject,
    application_return,
    application_submit_for_registration,
)
from core.exceptions import DomainError, TransitionNotAllowed
from notifications.models import Kind, Notification
from registry.models import LedgerEntry
from tests.factories.certification import (
    accreditation_staff,
    declared_application,
    registration_staff,
    submitted_application,
)

pytestmark = pytest.mark.django_db


def test_the_applicant_submits_and_the_staff_are_told():
    staff = registration_staff()
    application, people = declared_application()
    application_submit_for_registration(application=application, by=people.member)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.submitted_at is not None
    assert Notification.objects.filter(user=staff, kind=Kind.WORK_ITEM).count() == 1
    assert Notification.objects.filter(user=people.member, kind=Kind.REGISTRATION_DECISION).exists()
    assert list(submission_queue()) == [application]


def test_only_the_applicants_members_submit_and_only_a_declared_application():
    application, people = declared_application()
    for outsider in (people.advisor, people.procurer, people.other_supplier, registration_staff()):
        with pytest.raises(PermissionDenied):
            application_submit_for_registration(application=application, by=outsider)
    application_submit_for_registration(application=application, by=people.admin)
    with pytest.raises(TransitionNotAllowed):
        application_submit_for_registration(application=application, by=people.member)


def test_every_check_passes_for_a_complete_submission():
    application, _ = submitted_application()
    checks = registration_checks(application)
    assert [c.code for c in checks] == ["answers", "advisor", "declaration", "scope"]
    assert all(c.passed for c in checks), [c.detail for c in checks]


def test_registering_creates_the_registration_and_tells_everyone(
    django_capture_on_commit_callbacks,
):
    application, people = submitted_application()
    people.advisor.language = "en"
    people.advisor.save()
    staff = registration_staff()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration = application_register(application=application, by=staff)
    application.refresh_from_db()
    assert application.status == Application.Status.REGISTERED
    assert registration.application == application
    assert registration.scope["entities"] == [
        {
            "name": application.organisation.name,
            "corporate_number": application.organisation.corporate_number,
        }
    ]
    assert registration.scope["sites"] == application.sites
    assert registration.registered_by == staff
    assert not AdvisorEngagement.objects.filter(
        application=application, status=AdvisorEngagement.Status.ACCEPTED
    ).exists()
    decision = RegistrationDecision.objects.get(application=application)
    assert (decision.outcome, decision.registration) == ("registered", registration)
    leaf = json.loads(bytes(LedgerEntry.objects.get(registration_number=registration.number).leaf))
    assert leaf["type"] == "registration.created"
    assert set(leaf) <= {
        "type", "v", "seq", "registration_number", "corporate_number", "organisation_name",
        "star", "scheme_edition", "scope", "sha256", "valid_from", "valid_until", "effective",
        "reason_code",
    }  # fmt: skip
    to = {message.to[0]: message for message in mail.outbox}
    assert people.member.email in to
    assert people.executive.email in to
    assert people.advisor.email in to
    japanese = to[people.member.email]
    assert registration.number in japanese.subject
    assert "登録されました" in japanese.subject
    assert f"/registrations/{registration.number}/" in japanese.body
    assert f"/verify/{registration.number}/" in japanese.body
    assert isinstance(japanese, mail.EmailMultiAlternatives)
    assert "<html" in str(japanese.alternatives[0][0])
    english = to[people.advisor.email]
    assert "is registered" in english.subject
    # The certificate was rendered by the task after commit.
    registration.refresh_from_db()
    assert registration.certificate_is_current
    assert registration.certificate.name == f"certificates/{registration.number}-r1.pdf"


@pytest.mark.parametrize("broken", ["answers", "advisor", "declaration", "scope"])
def test_registration_is_refused_while_a_check_fails(broken):
    application, _ = submitted_application()
    if broken == "answers":
        Answer.objects.filter(application=application).update(status="")
    elif broken == "advisor":
        approval = application.approvals.get()
        Qualification.objects.filter(advisor=approval.advisor).update(
            expires_on=approval.qualified_on - datetime.timedelta(days=1),
            obtained_on=approval.qualified_on - datetime.timedelta(days=400),
        )
    elif broken == "declaration":
        Declaration.objects.filter(application=application).delete()
    else:
        application.covered_entities.clear()
    failed = [c.code for c in registration_checks(application) if not c.passed]
    assert failed == [broken]
    with pytest.raises(SubmissionIncomplete) as error:
        application_register(application=application, by=registration_staff())
    assert [c.code for c in error.value.checks] == [broken]
    assert not Registration.objects.exists()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_an_advisor_qualified_on_the_approval_day_still_counts_after_the_qualification_lapsed():
    application, _ = submitted_application()
    approval = application.approvals.get()
    Qualification.objects.filter(advisor=approval.advisor).update(expires_on=approval.qualified_on)
    assert all(c.passed for c in registration_checks(application))


def test_returning_needs_reasons_and_sends_the_application_back():
    application, people = submitted_application()
    staff = registration_staff()
    with pytest.raises(DomainError) as error:
        application_return(application=application, by=staff, reasons="  ")
    assert error.value.code == "reasons_required"
    decision = application_return(
        application=application, by=staff, reasons="拠点の記載が不足しています。"
    )
    application.refresh_from_db()
    assert application.status == Application.Status.RETURNED
    assert decision.reasons == "拠点の記載が不足しています。"
    notice = Notification.objects.get(user=people.member, subject__contains="差し戻されました")
    assert "拠点の記載が不足しています。" in notice.body


def test_rejecting_is_final_and_ends_the_advisors_access():
    application, _ = submitted_application()
    application_reject(application=application, by=registration_staff(), reasons="虚偽の記載")
    application.refresh_from_db()
    assert application.status == Application.Status.REJECTED
    assert not AdvisorEngagement.objects.filter(
        application=application, status=AdvisorEngagement.Status.ACCEPTED
    ).exists()
    with pytest.raises(TransitionNotAllowed):
        application_register(application=application, by=registration_staff())


@pytest.mark.parametrize("who", ["member", "executive", "advisor", "accreditation_staff"])
@pytest.mark.parametrize("decision", ["register", "return", "reject"])
def test_only_registration_staff_decide(who, decision):
    application, people = submitted_application()
    user = accreditation_staff() if who == "accreditation_staff" else getattr(people, who)
    calls = {
        "register": lambda: application_register(application=application, by=user),
        "return": lambda: application_return(application=application, by=user, reasons="理由"),
        "reject": lambda: application_reject(application=application, by=user, reasons="理由"),
    }
    with pytest.raises(PermissionDenied):
        calls[decision]()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_a_renewal_application_continues_the_previous_registration():
    first, _ = submitted_application()
    staff = registration_staff()
    previous = application_register(application=first, by=staff)
    renewal, _ = submitted_application(organisation=first.organisation, renewal_of=first)
    registration = application_register(application=renewal, by=staff)
    assert registration.supersedes == previous
    assert registration.valid_from == previous.valid_until + datetime.timedelta(days=1)
