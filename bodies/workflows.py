"""Allowed status transitions of the app's stateful models, kept as data.

Designation (a three-year designation by the accreditation body)::

    stateDiagram-v2
        [*] --> active: designation_grant / designation_renew
        active --> suspended: designation_suspend
        suspended --> active: designation_reinstate
        active --> withdrawn: designation_withdraw
        suspended --> withdrawn: designation_withdraw
        withdrawn --> [*]

Expiry is not a transition: a designation past its last day shows as expired from the dates
alone (Designation.state_on), so no job has to run for the directory to be right.

Advisor (suspended by the registration body)::

    active --> suspended: advisor_suspend
    suspended --> active: advisor_reinstate

Qualification (checked by the registration body)::

    unverified --> verified: qualification_verify
    unverified --> rejected: qualification_reject
    verified --> rejected: qualification_reject (e.g. found to be false later)
    verified --> unverified: qualification_update changes what was verified
    rejected --> unverified: qualification_update (the advisor corrects and resubmits)
"""

from collections.abc import Mapping

from .models import AdvisorProfile, Designation, Qualification

_D = Designation.Status
DESIGNATION_TRANSITIONS: Mapping[str, frozenset[str]] = {
    _D.ACTIVE: frozenset({_D.SUSPENDED, _D.WITHDRAWN}),
    _D.SUSPENDED: frozenset({_D.ACTIVE, _D.WITHDRAWN}),
    # WITHDRAWN is final.
}

_A = AdvisorProfile.Status
ADVISOR_TRANSITIONS: Mapping[str, frozenset[str]] = {
    _A.ACTIVE: frozenset({_A.SUSPENDED}),
    _A.SUSPENDED: frozenset({_A.ACTIVE}),
}

_Q = Qualification.Status
QUALIFICATION_TRANSITIONS: Mapping[str, frozenset[str]] = {
    _Q.UNVERIFIED: frozenset({_Q.VERIFIED, _Q.REJECTED}),
    _Q.VERIFIED: frozenset({_Q.REJECTED, _Q.UNVERIFIED}),
    _Q.REJECTED: frozenset({_Q.UNVERIFIED}),
}
