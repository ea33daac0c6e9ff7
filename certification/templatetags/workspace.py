"""`{% load workspace %}`: the links between the steps of the scheme.

- `{% workspace_links as links %}`: which per-role links the signed-in navigation shows, worked
  out in one query and kept on the request (the navigation may be rendered more than once).
- `{% registration_outcome application as outcome %}`: what the registration body decided on an
  application, for the application page's "What happens next".

They live in `certification` because it is the app that already depends on every app they ask
(accounts, bodies, assessments, notifications); the templates that load them import nothing.
"""

from dataclasses import dataclass
from typing import Any

from django import template
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.context import Context

from accounts.models import Membership, User
from assessments.models import Application
from bodies.choices import BodyRole, StaffRole
from bodies.models import AdvisorProfile
from bodies.permissions import accreditation_bodies_of, bodies_where_staff
from notifications.models import Notification

from ..models import Registration, RegistrationDecision
from ..permissions import is_holder_member
from ..selectors import (
    decision_bodies_of,
    decisions_of,
    evaluation_bodies_of,
    registration_of_application,
)

register = template.Library()

_REQUEST_CACHE = "_workspace_links"


@dataclass(frozen=True)
class WorkspaceLinks:
    """The per-role links of one signed-in user (all False for anonymous visitors)."""

    applicant: bool = False
    holder: bool = False
    advisor: bool = False
    registration_staff: bool = False
    looks_after_registrations: bool = False
    receives_annual: bool = False
    unread: int = 0


def workspace_links_for(user: Any) -> WorkspaceLinks:
    """Which per-role links `user` gets, from the same predicates the pages themselves check
    (bodies.permissions), in a single query: members, administrators and executives of an
    organisation get its applications, anyone who belongs to one its registrations, advisors
    their inbox, registration staff the queue, the scheme bodies' staff who look after
    registrations their list, evaluation bodies' staff the annual self-assessments they
    receive, and everybody the unread count."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return WorkspaceLinks()
    registration_bodies = bodies_where_staff(
        user, staff_role=StaffRole.REGISTRATION_STAFF, body_role=BodyRole.REGISTRATION
    )
    unread = (
        Notification.objects.filter(user_id=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            is_applicant=Exists(
                Membership.objects.filter(
                    Q(is_member=True) | Q(is_admin=True) | Q(is_executive=True),
                    user_id=OuterRef("pk"),
                )
            ),
            is_holder=Exists(Membership.objects.filter(user_id=OuterRef("pk"))),
            is_advisor=Exists(AdvisorProfile.objects.filter(user_id=OuterRef("pk"))),
            is_registration_staff=Exists(registration_bodies),
            is_accreditation_staff=Exists(accreditation_bodies_of(user)),
            is_decision_maker=Exists(decision_bodies_of(user)),
            is_evaluation_staff=Exists(evaluation_bodies_of(user)),
            unread=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
        )
        .values(
            "is_applicant",
            "is_holder",
            "is_advisor",
            "is_registration_staff",
            "is_accreditation_staff",
            "is_decision_maker",
            "is_evaluation_staff",
            "unread",
        )
        .first()
    )
    if row is None:
        return WorkspaceLinks()
    return WorkspaceLinks(
        applicant=row["is_applicant"],
        holder=row["is_holder"],
        advisor=row["is_advisor"],
        registration_staff=row["is_registration_staff"],
        looks_after_registrations=(
            row["is_registration_staff"]
            or row["is_accreditation_staff"]
            or row["is_decision_maker"]
        ),
        receives_annual=row["is_evaluation_staff"],
        unread=row["unread"],
    )


@register.simple_tag(takes_context=True)
def workspace_links(context: Context) -> WorkspaceLinks:
    """The signed-in user's per-role links, computed once per request."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if request is None:
        return workspace_links_for(user)
    cached = getattr(request, _REQUEST_CACHE, None)
    if cached is None:
        cached = workspace_links_for(user)
        setattr(request, _REQUEST_CACHE, cached)
    return cached


@dataclass(frozen=True)
class RegistrationOutcome:
    """The registration body's latest decision on an application and what came of it."""

    decision: RegistrationDecision | None
    registration: Registration | None
    # The application is back with the applicant because of `decision` (not of an advisor).
    returned_by_body: bool
    # The viewer belongs to the holder, so the holder's registration page is open to them.
    holder: bool


@register.simple_tag(takes_context=True)
def registration_outcome(context: Context, application: Application) -> RegistrationOutcome:
    """What the registration body decided on `application` (the latest decision), the
    registration created from it, and whether the viewer may open the holder's page."""
    decision = decisions_of(application).last()
    registration = (
        registration_of_application(application)
        if application.status == Application.Status.REGISTERED
        else None
    )
    returned_by_body = (
        application.status == Application.Status.RETURNED
        and decision is not None
        and decision.outcome == RegistrationDecision.Outcome.RETURNED
        and (application.returned_at is None or decision.decided_at >= application.returned_at)
    )
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return RegistrationOutcome(
        decision=decision,
        registration=registration,
        returned_by_body=returned_by_body,
        holder=registration is not None and is_holder_member(user, registration),
    )
