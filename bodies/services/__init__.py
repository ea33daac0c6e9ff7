"""Every write of the app. Services take model instances, keyword-only, with the actor `by`;
each locks what it changes, checks who may act (PermissionDenied) and the scheme's rules
(DomainError), and writes its audit event in the same transaction."""

from .advisors import (
    AdvisorProfileData,
    QualificationData,
    advisor_profile_create,
    advisor_profile_update,
    advisor_reinstate,
    advisor_suspend,
    qualification_add,
    qualification_reject,
    qualification_remove,
    qualification_update,
    qualification_verify,
)
from .bodies import (
    body_staff_grant,
    body_staff_revoke,
    designation_grant,
    designation_reinstate,
    designation_renew,
    designation_suspend,
    designation_withdraw,
    scheme_body_role_grant,
)

__all__ = [
    "AdvisorProfileData",
    "QualificationData",
    "advisor_profile_create",
    "advisor_profile_update",
    "advisor_reinstate",
    "advisor_suspend",
    "body_staff_grant",
    "body_staff_revoke",
    "designation_grant",
    "designation_reinstate",
    "designation_renew",
    "designation_suspend",
    "designation_withdraw",
    "qualification_add",
    "qualification_reject",
    "qualification_remove",
    "qualification_update",
    "qualification_verify",
    "scheme_body_role_grant",
]
