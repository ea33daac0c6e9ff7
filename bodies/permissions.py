"""Who may do what: predicates reused by services (as guards), views and templates.

Staff roles count only while active and only at a body that still holds the matching body role
(registration staff at a registration body, accreditation staff at an accreditation body).
"""

from typing import Any

from django.db.models import QuerySet

from accounts.models import Membership

from .choices import BodyRole, StaffRole
from .models import AdvisorProfile, Designation, Qualification, SchemeBody


def _is_signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def bodies_where_staff(user: Any, *, staff_role: str, body_role: str) -> QuerySet[SchemeBody]:
    """The bodies holding `body_role` at which `user` actively holds `staff_role`."""
    if not _is_signed_in(user):
        return SchemeBody.objects.none()
    return SchemeBody.objects.filter(
        staff__user=user,
        staff__active=True,
        staff__role=staff_role,
        roles__role=body_role,
    ).distinct()


def accreditation_bodies_of(user: Any) -> QuerySet[SchemeBody]:
    """The accreditation bodies for which `user` works as accreditation staff."""
    return bodies_where_staff(
        user, staff_role=StaffRole.ACCREDITATION_STAFF, body_role=BodyRole.ACCREDITATION
    )


def is_accreditation_staff(user: Any) -> bool:
    return accreditation_bodies_of(user).exists()


def is_registration_staff(user: Any) -> bool:
    return bodies_where_staff(
        user, staff_role=StaffRole.REGISTRATION_STAFF, body_role=BodyRole.REGISTRATION
    ).exists()


def can_manage_designation(user: Any, designation: Designation) -> bool:
    """Accreditation staff manage the designations their own accreditation body granted."""
    return accreditation_bodies_of(user).filter(pk=designation.designated_by_id).exists()


def can_manage_staff(user: Any, body: SchemeBody) -> bool:
    """The administrators of the body's organisation grant and revoke its staff roles."""
    return (
        _is_signed_in(user)
        and Membership.objects.filter(
            user=user, organisation_id=body.organisation_id, is_admin=True
        ).exists()
    )


def can_edit_advisor_profile(user: Any, profile: AdvisorProfile) -> bool:
    """Advisors edit their own profile and qualifications, nobody else's."""
    return _is_signed_in(user) and profile.user_id == user.pk


def can_review_advisors(user: Any) -> bool:
    """Registration staff verify qualifications and suspend or reinstate advisors."""
    return is_registration_staff(user)


def can_review_qualification(user: Any, qualification: Qualification) -> bool:
    """Registration staff, but never for their own qualification."""
    return can_review_advisors(user) and qualification.advisor.user_id != user.pk


def can_change_advisor_status(user: Any, profile: AdvisorProfile) -> bool:
    """Registration staff, but never for their own advisor profile."""
    return can_review_advisors(user) and profile.user_id != user.pk
