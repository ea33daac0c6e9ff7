"""Who may do what with registrations and submissions: predicates reused by the services (as
guards), the views and the templates. They answer "who"; the state is the transition table's job
(certification.workflows) and visibility the selectors' job."""

from typing import Any

from django.db.models import Q

from accounts.models import Membership
from bodies.permissions import accreditation_bodies_of, is_registration_staff

from .choices import Action
from .models import Registration
from .selectors import decision_bodies_of, evaluation_bodies_of
from .workflows import ACTION_ACTOR, HOLDER, SCHEME_BODY


def _is_signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def can_review_submissions(user: Any) -> bool:
    """Registration staff see the queue and register, return or reject submissions."""
    return _is_signed_in(user) and is_registration_staff(user)


def is_holder_member(user: Any, registration: Registration) -> bool:
    """Anyone who belongs to the holder (any role) sees its registrations and certificates."""
    return (
        _is_signed_in(user)
        and Membership.objects.filter(
            user_id=user.pk, organisation_id=registration.organisation_id
        ).exists()
    )


def is_holder_admin(user: Any, registration: Registration) -> bool:
    return (
        _is_signed_in(user)
        and Membership.objects.filter(
            user_id=user.pk, organisation_id=registration.organisation_id, is_admin=True
        ).exists()
    )


def decides_for(user: Any, registration: Registration) -> bool:
    """The scheme body that decides about the registration: the registration body's staff for
    ★3; for ★4 and above the accreditation body's staff, or the decision makers of the
    evaluation body the registration rests on."""
    if not _is_signed_in(user):
        return False
    if registration.level.stars == 3:
        return is_registration_staff(user)
    if accreditation_bodies_of(user).exists():
        return True
    return (
        registration.evaluation_body_id is not None
        and decision_bodies_of(user).filter(pk=registration.evaluation_body_id).exists()
    )


def can_change_registration(user: Any, registration: Registration, action: str) -> bool:
    """Whether `user` may take `action` on the registration (whatever its state). The sweep's
    actions (expire, supersede) are nobody's to take by hand."""
    actor = ACTION_ACTOR[Action(action)]
    if actor == SCHEME_BODY:
        return decides_for(user, registration)
    if actor == HOLDER:
        return is_holder_admin(user, registration)
    return False


def can_view_certificate(user: Any, registration: Registration) -> bool:
    """The certificate of registration is served to the holder's people only."""
    return is_holder_member(user, registration)


def can_submit_annual(user: Any, registration: Registration) -> bool:
    """The holder's administrators and executives submit the annual self-assessment (it is a
    statement by the organisation, like the management declaration)."""
    return (
        _is_signed_in(user)
        and Membership.objects.filter(user_id=user.pk, organisation_id=registration.organisation_id)
        .filter(Q(is_admin=True) | Q(is_executive=True))
        .exists()
    )


def receives_annual_for(user: Any, registration: Registration) -> bool:
    """The staff (evaluators, lead evaluators, decision makers) of the evaluation body the
    registration rests on receive its annual self-assessments and accept or return them."""
    return (
        _is_signed_in(user)
        and registration.evaluation_body_id is not None
        and evaluation_bodies_of(user).filter(pk=registration.evaluation_body_id).exists()
    )


def can_view_annual_attachment(user: Any, registration: Registration) -> bool:
    """The attachment of an annual self-assessment: the holder's people and the receiving
    evaluation body's staff."""
    return is_holder_member(user, registration) or receives_annual_for(user, registration)
