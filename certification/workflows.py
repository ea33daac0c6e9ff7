"""The registration lifecycle as data: which status changes exist, which action makes each,
who acts, and which reason codes fit.

```mermaid
stateDiagram-v2
    [*] --> active: registration_create (registration body ★3 / accreditation body ★4)
    active --> suspended: registration_suspend (scheme body)
    suspended --> active: registration_reinstate (scheme body)
    active --> revoked: registration_revoke (scheme body)
    suspended --> revoked: registration_revoke
    active --> withdrawn: registration_withdraw (holder's administrator)
    suspended --> withdrawn: registration_withdraw
    active --> expired: registration_expire (nightly sweep)
    suspended --> expired: registration_expire
    active --> superseded: registration_supersede (nightly sweep, the renewal has started)
    suspended --> superseded: registration_supersede
    revoked --> [*]
    withdrawn --> [*]
    expired --> [*]
    superseded --> [*]
```

"Scheme body" means the registration body's staff for ★3, and for ★4 the accreditation body's
staff or the decision makers of the evaluation body the registration rests on
(certification.permissions.can_change_registration). A suspension can be lifted; revoked,
withdrawn, expired and superseded are final.

Renewal continuity (choice made here): a renewal registered *before* the old registration ends
starts the day after it ends and `supersedes` it; the old one keeps its stored status until then
and the nightly sweep marks it superseded once the renewal has started. The effective status is
derived from the dates in the meantime (selectors.effective_status), so nothing waits for the
sweep. A renewal registered *after* the old one ended starts on its registration day and
supersedes nothing (there was a gap); the old registration is expired in the same transaction if
the sweep has not done it yet.
"""

from collections.abc import Mapping

from .choices import Action, ReasonCode
from .models import AnnualSelfAssessment, Registration, RegistrationEvent

S = Registration.Status

REGISTRATION_TRANSITIONS: Mapping[str, frozenset[str]] = {
    S.ACTIVE: frozenset({S.SUSPENDED, S.REVOKED, S.WITHDRAWN, S.EXPIRED, S.SUPERSEDED}),
    S.SUSPENDED: frozenset({S.ACTIVE, S.REVOKED, S.WITHDRAWN, S.EXPIRED, S.SUPERSEDED}),
    # REVOKED, WITHDRAWN, EXPIRED and SUPERSEDED are final.
}

FINAL_STATUSES: frozenset[str] = frozenset({S.REVOKED, S.WITHDRAWN, S.EXPIRED, S.SUPERSEDED})

# The status each action leads to, and the event it records.
ACTION_TARGET: Mapping[str, str] = {
    Action.SUSPEND: S.SUSPENDED,
    Action.REINSTATE: S.ACTIVE,
    Action.REVOKE: S.REVOKED,
    Action.WITHDRAW: S.WITHDRAWN,
    Action.EXPIRE: S.EXPIRED,
    Action.SUPERSEDE: S.SUPERSEDED,
}
ACTION_EVENT: Mapping[str, str] = {
    Action.SUSPEND: RegistrationEvent.Kind.SUSPENDED,
    Action.REINSTATE: RegistrationEvent.Kind.REINSTATED,
    Action.REVOKE: RegistrationEvent.Kind.REVOKED,
    Action.WITHDRAW: RegistrationEvent.Kind.WITHDRAWN,
    Action.EXPIRE: RegistrationEvent.Kind.EXPIRED,
    Action.SUPERSEDE: RegistrationEvent.Kind.SUPERSEDED,
}

# Who makes each action: the scheme body that decides about the registration, the holder's
# administrator, or the scheduled sweep (no user).
SCHEME_BODY = "scheme_body"
HOLDER = "holder"
SYSTEM = "system"
ACTION_ACTOR: Mapping[str, str] = {
    Action.SUSPEND: SCHEME_BODY,
    Action.REINSTATE: SCHEME_BODY,
    Action.REVOKE: SCHEME_BODY,
    Action.WITHDRAW: HOLDER,
    Action.EXPIRE: SYSTEM,
    Action.SUPERSEDE: SYSTEM,
}

R = ReasonCode
ACTION_REASONS: Mapping[str, tuple[str, ...]] = {
    Action.SUSPEND: (
        R.FALSE_REPORT,
        R.CONCEALMENT,
        R.NONCONFORMITY,
        R.INCIDENT,
        R.OBLIGATION_UNMET,
        R.OTHER,
    ),
    Action.REINSTATE: (R.CORRECTED, R.CLEARED, R.OTHER),
    Action.REVOKE: (R.FALSE_REPORT, R.CONCEALMENT, R.NONCONFORMITY, R.OBLIGATION_UNMET, R.OTHER),
    Action.WITHDRAW: (R.NO_LONGER_NEEDED, R.BUSINESS_CLOSED, R.SCOPE_CHANGED, R.OTHER),
    Action.EXPIRE: (R.VALIDITY_ENDED,),
    Action.SUPERSEDE: (R.RENEWED,),
}

# Actions taken by people publish a free-text reason; the sweep's reasons speak for themselves.
REASON_TEXT_REQUIRED: frozenset[str] = frozenset(
    {Action.SUSPEND, Action.REINSTATE, Action.REVOKE, Action.WITHDRAW}
)


def actions_from(status: str) -> list[str]:
    """The actions whose target the transition table allows from `status`."""
    allowed = REGISTRATION_TRANSITIONS.get(status, frozenset())
    return [action for action, target in ACTION_TARGET.items() if target in allowed]


def reason_choices(action: str) -> list[tuple[str, str]]:
    """The (code, label) pairs that fit `action`, for forms."""
    labels = dict(ReasonCode.choices)
    return [(code, str(labels[code])) for code in ACTION_REASONS[action]]


# ★4 annual self-assessments: submitted by the holder, accepted or returned for completion by
# the evaluation body; a returned one is submitted again. "" is "not submitted yet".
A = AnnualSelfAssessment.Status
ANNUAL_TRANSITIONS: Mapping[str, frozenset[str]] = {
    "": frozenset({A.SUBMITTED}),
    A.SUBMITTED: frozenset({A.ACCEPTED, A.RETURNED}),
    A.RETURNED: frozenset({A.SUBMITTED}),
    # ACCEPTED is final.
}
