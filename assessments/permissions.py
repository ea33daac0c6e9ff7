"""Who may do what with an application: pure predicates about the user's relation to it.

They answer "who"; the state (is the application in a state where this is possible) is the
transition table's job (assessments.workflows), and visibility (404) is the selectors' job.
Services check both; templates use `application_actions` to show only the buttons that work.
"""

from typing import Any

from accounts.models import Membership, Organisation

from .models import AdvisorEngagement, Application
from .workflows import APPLICATION_TRANSITIONS, EDITABLE_STATES


def _is_active_user(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _membership(user: Any, organisation_id: int) -> Membership | None:
    if not _is_active_user(user):
        return None
    return Membership.objects.filter(user_id=user.pk, organisation_id=organisation_id).first()


def is_applicant_member(user: Any, organisation: Organisation) -> bool:
    """A member or administrator of the organisation: they work on its applications."""
    membership = _membership(user, organisation.pk)
    return membership is not None and (membership.is_member or membership.is_admin)


def can_start_application(user: Any, organisation: Organisation) -> bool:
    """Members and administrators start applications for their organisation."""
    return is_applicant_member(user, organisation)


def can_edit_application(user: Any, application: Application) -> bool:
    """Members and administrators of the applicant fill in the scope, answers and evidence,
    invite the advisor, send the self-assessment for review and withdraw the application."""
    membership = _membership(user, application.organisation_id)
    return membership is not None and (membership.is_member or membership.is_admin)


def can_sign_declaration(user: Any, application: Application) -> bool:
    """Only a member with the executive role signs the management declaration."""
    membership = _membership(user, application.organisation_id)
    return membership is not None and membership.is_executive


def is_engaged_advisor(user: Any, application: Application) -> bool:
    """The advisor whose engagement for this application is accepted (and not ended)."""
    if not _is_active_user(user):
        return False
    return AdvisorEngagement.objects.filter(
        application_id=application.pk,
        advisor__user_id=user.pk,
        status=AdvisorEngagement.Status.ACCEPTED,
    ).exists()


def can_review_application(user: Any, application: Application) -> bool:
    """The engaged advisor records verdicts, returns or approves."""
    return is_engaged_advisor(user, application)


def can_respond_to_engagement(user: Any, engagement: AdvisorEngagement) -> bool:
    """Only the invited advisor accepts or declines."""
    return _is_active_user(user) and engagement.advisor.user_id == user.pk


def can_end_engagement(user: Any, engagement: AdvisorEngagement) -> bool:
    """The applicant (cancelling or changing advisor) or the advisor (stepping down)."""
    return can_respond_to_engagement(user, engagement) or can_edit_application(
        user, engagement.application
    )


def application_actions(user: Any, application: Application) -> dict[str, bool]:
    """Which actions `user` may take on `application` now (who × state), for templates."""
    status = Application.Status
    allowed = APPLICATION_TRANSITIONS.get(application.status, frozenset())
    editor = can_edit_application(user, application)
    reviewer = application.status == status.IN_REVIEW and can_review_application(user, application)
    return {
        "edit": editor and application.status in EDITABLE_STATES,
        "invite_advisor": editor and application.status in EDITABLE_STATES,
        "submit_for_review": editor and status.IN_REVIEW in allowed,
        "withdraw": editor and status.WITHDRAWN in allowed,
        "review": reviewer,
        "sign": application.status == status.APPROVED and can_sign_declaration(user, application),
    }


def can_renew_application(user: Any, application: Application) -> bool:
    """Members and administrators of the applicant start its renewal (whether it can be renewed
    now is selectors.renewal_refusal)."""
    return can_start_application(user, application.organisation)
