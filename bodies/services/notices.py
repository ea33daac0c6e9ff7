"""Who is told what about designations, advisors and qualifications (notifications.notify).

Each function records the notices in the caller's transaction (the e-mails leave after commit),
in each recipient's language, with a link to the page concerned. Templates are
bodies/email/<name>.txt and <name>_subject.txt.
"""

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from accounts.models import User
from notifications.models import Kind
from notifications.services import notify_many

from ..choices import BodyRole, StaffRole
from ..models import AdvisorProfile, Designation, Qualification


def _send(users: Iterable[User], *, name: str, kind: str, url: str, context: dict[str, Any]) -> int:
    return len(
        notify_many(
            users=users,
            kind=kind,
            subject_template=f"bodies/email/{name}_subject.txt",
            body_template=f"bodies/email/{name}.txt",
            context=context,
            url=url,
        )
    )


def designation_changed(designation: Designation, *, event: str, reason: str = "") -> int:
    """Tell the designated body's administrators about a grant, renewal or decision."""
    admins = User.objects.filter(
        is_active=True,
        memberships__organisation_id=designation.body.organisation_id,
        memberships__is_admin=True,
    ).order_by("pk")
    return _send(
        admins,
        name="designation",
        kind=Kind.REGISTRATION_STATUS,
        url=designation.body.get_absolute_url(),
        context={"designation": designation, "event": event, "reason": reason},
    )


def qualification_decided(qualification: Qualification) -> int:
    """Tell the advisor that their qualification was verified or rejected."""
    return _send(
        [qualification.advisor.user],
        name="qualification_decision",
        kind=Kind.REGISTRATION_DECISION,
        url=reverse("bodies:advisor-me"),
        context={"qualification": qualification},
    )


def advisor_status_changed(profile: AdvisorProfile) -> int:
    """Tell the advisor that the registration body suspended or reinstated them."""
    return _send(
        [profile.user],
        name="advisor_status",
        kind=Kind.REGISTRATION_STATUS,
        url=reverse("bodies:advisor-me"),
        context={"profile": profile},
    )


def qualification_submitted(qualification: Qualification) -> int:
    """Tell the registration staff that a qualification waits for verification."""
    staff = (
        User.objects.filter(
            is_active=True,
            body_staff_roles__active=True,
            body_staff_roles__role=StaffRole.REGISTRATION_STAFF,
            body_staff_roles__body__roles__role=BodyRole.REGISTRATION,
        )
        .exclude(pk=qualification.advisor.user_id)
        .distinct()
        .order_by("pk")
    )
    return _send(
        staff,
        name="qualification_submitted",
        kind=Kind.WORK_ITEM,
        url=reverse("bodies:qualification-review", kwargs={"pk": qualification.pk}),
        context={"qualification": qualification},
    )
