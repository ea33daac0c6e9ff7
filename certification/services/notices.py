"""Who is told what about submissions and registrations, through notifications.notify.

Each function records the notices in the caller's transaction (the e-mails leave after commit),
in each recipient's language, with a link to the page concerned. Templates are
certification/email/<name>.txt (plain), .html and <name>_subject.txt.
"""

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.urls import reverse

from accounts.models import User
from assessments.models import Application
from assessments.selectors import latest_approval
from notifications.models import Kind
from notifications.services import Notice, notify_batch, notify_many

from ..models import AnnualSelfAssessment, Registration, RegistrationDecision
from ..selectors import (
    applicant_people,
    evaluation_staff_of,
    holder_people_of,
    registration_staff,
)


def _send(
    users: Iterable[User],
    *,
    name: str,
    kind: str,
    url: str,
    context: dict[str, Any],
    key: str | None = None,
) -> int:
    return len(
        notify_many(
            users=users,
            kind=kind,
            subject_template=f"certification/email/{name}_subject.txt",
            body_template=f"certification/email/{name}.txt",
            context=context,
            url=url,
            key=key,
        )
    )


def _applicant_and_advisor(application: Application) -> list[User]:
    users = list(applicant_people(application))
    approval = latest_approval(application)
    if approval is not None and approval.advisor.user.is_active:
        users.append(approval.advisor.user)
    return users


def application_submitted(application: Application) -> None:
    """Tell the registration staff that a submission waits, and the applicant that it arrived."""
    review = reverse("certification:submission", kwargs={"pk": application.pk})
    context = {"application": application, "organisation": application.organisation}
    _send(
        registration_staff(),
        name="application_submitted_staff",
        kind=Kind.WORK_ITEM,
        url=review,
        context=context,
    )
    _send(
        applicant_people(application),
        name="application_submitted",
        kind=Kind.REGISTRATION_DECISION,
        url=application.get_absolute_url(),
        context=context,
    )


def application_decided(application: Application, decision: RegistrationDecision) -> None:
    """Tell the applicant (and the advisor who approved) what the registration body decided."""
    registration = decision.registration
    url = (
        reverse("certification:holder-detail", kwargs={"number": registration.number})
        if registration is not None
        else application.get_absolute_url()
    )
    _send(
        _applicant_and_advisor(application),
        name=f"application_{decision.outcome}",
        kind=Kind.REGISTRATION_DECISION,
        url=url,
        context={
            "application": application,
            "organisation": application.organisation,
            "decision": decision,
            "registration": registration,
            "verify_url": (
                reverse("certification:verify", kwargs={"number": registration.number})
                if registration is not None
                else ""
            ),
        },
    )


def _holder_url(registration: Registration) -> str:
    return reverse("certification:holder-detail", kwargs={"number": registration.number})


def registration_status_changed(registration: Registration, *, kind: str) -> int:
    """Tell the holder's people that their registration was suspended, reinstated, revoked,
    withdrawn or has expired (a legal notice: it cannot be switched off)."""
    return registration_status_changes([registration], kind=kind)


def registration_status_changes(registrations: Sequence[Registration], *, kind: str) -> int:
    """`registration_status_changed` for many registrations at once (the nightly sweep); each
    notice is keyed by the registration's revision, so it is recorded once."""
    people = holder_people_of(r.organisation_id for r in registrations)
    notices = [
        Notice(
            user=user,
            context={"registration": registration, "event_kind": kind},
            url=_holder_url(registration),
            key=f"registration:{registration.number}:r{registration.revision}:user{user.pk}",
        )
        for registration in registrations
        for user in people.get(registration.organisation_id, [])
    ]
    return len(
        notify_batch(
            kind=Kind.REGISTRATION_STATUS,
            subject_template="certification/email/registration_status_subject.txt",
            body_template="certification/email/registration_status.txt",
            notices=notices,
        )
    )


def renewal_reminders(items: Sequence[tuple[Registration, int]]) -> int:
    """Remind the holders' people that their registrations end (or ended) and how to renew:
    one notice per person for each (registration, offset), keyed so it is recorded once."""
    people = holder_people_of(registration.organisation_id for registration, _ in items)
    notices = [
        Notice(
            user=user,
            context={
                "registration": registration,
                "offset": offset,
                "days_left": -offset,
                "days_since": offset,
            },
            url=_holder_url(registration),
            key=f"reminder:renewal:{registration.number}:{offset:+d}:user{user.pk}",
        )
        for registration, offset in items
        for user in people.get(registration.organisation_id, [])
    ]
    return len(
        notify_batch(
            kind=Kind.RENEWAL_REMINDER,
            subject_template="certification/email/renewal_reminder_subject.txt",
            body_template="certification/email/renewal_reminder.txt",
            notices=notices,
        )
    )


def review_nudge(
    application: Application,
    users: Iterable[User],
    *,
    name: str,
    url: str,
    days: int,
    key: str,
) -> int:
    """Remind an advisor or the registration staff that a review has waited `days` days."""
    return _send(
        users,
        name=name,
        kind=Kind.REVIEW_NUDGE,
        url=url,
        context={
            "application": application,
            "organisation": application.organisation,
            "days": days,
        },
        key=key,
    )


# ------------------------------------------------------------------------------------------------
# ★4 annual self-assessments
# ------------------------------------------------------------------------------------------------


def _annual_review_url(assessment: AnnualSelfAssessment) -> str:
    return reverse("certification:annual-review", kwargs={"pk": assessment.pk})


def annual_submitted(assessment: AnnualSelfAssessment) -> int:
    """Tell the evaluation body's staff that a holder submitted its annual self-assessment."""
    registration = assessment.registration
    staff = evaluation_staff_of([registration.evaluation_body_id or 0]).get(
        registration.evaluation_body_id or 0, []
    )
    return _send(
        staff,
        name="annual_submitted",
        kind=Kind.WORK_ITEM,
        url=_annual_review_url(assessment),
        context={"registration": registration, "assessment": assessment},
        key=f"annual:{assessment.pk}:submitted:{int(assessment.submitted_at.timestamp())}",
    )


def annual_reviewed(assessment: AnnualSelfAssessment) -> int:
    """Tell the holder's people that the evaluation body accepted or returned the statement."""
    registration = assessment.registration
    people = holder_people_of([registration.organisation_id]).get(registration.organisation_id, [])
    reviewed = assessment.reviewed_at
    return _send(
        people,
        name=f"annual_{assessment.status}",
        kind=Kind.REGISTRATION_DECISION,
        url=_holder_url(registration),
        context={"registration": registration, "assessment": assessment},
        key=(
            f"annual:{assessment.pk}:{assessment.status}:"
            f"{int(reviewed.timestamp()) if reviewed else 0}"
        ),
    )


def annual_reminders(items: Sequence[tuple[Registration, int, datetime.date, int]]) -> int:
    """Remind the holders' people of annual self-assessments due (negative offset: before the
    due date, an optional reminder) or overdue (positive: work waiting, always sent). Items are
    (registration, anniversary, due date, offset); one notice per person, keyed."""
    people = holder_people_of(registration.organisation_id for registration, *_ in items)
    sent = 0
    for before in (True, False):
        notices = [
            Notice(
                user=user,
                context={
                    "registration": registration,
                    "anniversary": anniversary,
                    "due_on": due_on,
                    "offset": offset,
                    "days_left": -offset,
                    "days_since": offset,
                },
                url=_holder_url(registration),
                key=f"annual:{registration.number}:a{anniversary}:{offset}:user{user.pk}",
            )
            for registration, anniversary, due_on, offset in items
            if (offset < 0) == before
            for user in people.get(registration.organisation_id, [])
        ]
        sent += len(
            notify_batch(
                kind=Kind.RENEWAL_REMINDER if before else Kind.WORK_ITEM,
                subject_template="certification/email/annual_reminder_subject.txt",
                body_template="certification/email/annual_reminder.txt",
                notices=notices,
            )
        )
    return sent


def annual_escalations(items: Sequence[tuple[Registration, int, datetime.date, int]]) -> int:
    """Tell the evaluation body's staff that a holder's annual self-assessment is overdue
    (items as for `annual_reminders`)."""
    staff = evaluation_staff_of(registration.evaluation_body_id or 0 for registration, *_ in items)
    notices = [
        Notice(
            user=user,
            context={
                "registration": registration,
                "anniversary": anniversary,
                "due_on": due_on,
                "days_since": offset,
            },
            url=reverse("certification:annual-list"),
            key=f"annual-escalation:{registration.number}:a{anniversary}:{offset}:user{user.pk}",
        )
        for registration, anniversary, due_on, offset in items
        for user in staff.get(registration.evaluation_body_id or 0, [])
    ]
    return len(
        notify_batch(
            kind=Kind.WORK_ITEM,
            subject_template="certification/email/annual_escalation_subject.txt",
            body_template="certification/email/annual_escalation.txt",
            notices=notices,
        )
    )
