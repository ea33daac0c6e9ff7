"""E-mail to the people concerned by a step of an application, each in their own language.

Services call these from `transaction.on_commit`, so nobody is told about a change that was
rolled back. Links are absolute (settings.SITE_URL).
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from accounts.models import Membership, User
from accounts.services import send_user_email

from .models import AdvisorEngagement, Application


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def applicant_users(application: Application, *, executives: bool = False) -> list[User]:
    """Active members and administrators of the applicant (and its executives when asked)."""
    roles = Q(is_member=True) | Q(is_admin=True)
    if executives:
        roles |= Q(is_executive=True)
    return [
        membership.user
        for membership in Membership.objects.filter(
            roles, organisation_id=application.organisation_id, user__is_active=True
        ).select_related("user")
    ]


def executive_users(application: Application) -> list[User]:
    return [
        membership.user
        for membership in Membership.objects.filter(
            organisation_id=application.organisation_id, is_executive=True, user__is_active=True
        ).select_related("user")
    ]


def send(users: Iterable[User], name: str, application: Application, **context: Any) -> None:
    """Send the e-mail `assessments/email/<name>.txt` (subject `<name>_subject.txt`)."""
    link = _absolute(reverse("assessments:detail", kwargs={"pk": application.pk}))
    seen: set[int] = set()
    for user in users:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        send_user_email(
            user=user,
            subject_template=f"assessments/email/{name}_subject.txt",
            body_template=f"assessments/email/{name}.txt",
            context={"application": application, "link": link, **context},
        )


def engagement_invited(engagement: AdvisorEngagement) -> None:
    send(
        [engagement.advisor.user],
        "engagement_invited",
        engagement.application,
        engagement=engagement,
        link_inbox=_absolute(reverse("assessments:engagement", kwargs={"pk": engagement.pk})),
    )


def engagement_answered(engagement: AdvisorEngagement) -> None:
    recipients = [engagement.invited_by] if engagement.invited_by else []
    send(recipients, "engagement_answered", engagement.application, engagement=engagement)


def engagement_ended(engagement: AdvisorEngagement) -> None:
    recipients = [engagement.advisor.user]
    if engagement.invited_by:
        recipients.append(engagement.invited_by)
    send(recipients, "engagement_ended", engagement.application, engagement=engagement)
