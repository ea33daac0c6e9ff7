"""Allowed state changes of an application and of an advisor engagement, as data.

docs/application-states.md draws the same table. Every edge is made by exactly one named
service (APPLICATION_TRANSITION_SERVICES); a service accepts only its own edges, so for example
the advisor's "return for revision" cannot be used on an application that the registration body
holds, although "submitted → returned" is an edge of the table.
"""

from collections.abc import Mapping

from .models import AdvisorEngagement, Application

S = Application.Status

APPLICATION_TRANSITIONS: Mapping[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.IN_REVIEW, S.WITHDRAWN}),
    S.IN_REVIEW: frozenset({S.RETURNED, S.APPROVED, S.WITHDRAWN}),
    S.RETURNED: frozenset({S.IN_REVIEW, S.WITHDRAWN}),
    S.APPROVED: frozenset({S.DECLARED, S.WITHDRAWN}),
    S.DECLARED: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.REGISTERED, S.RETURNED, S.REJECTED, S.WITHDRAWN}),
    # REGISTERED, REJECTED and WITHDRAWN are final: a renewal is a new application.
}

# Which service makes each move (module assessments.services.<module>).
APPLICATION_TRANSITION_SERVICES: Mapping[tuple[str, str], str] = {
    (S.DRAFT, S.IN_REVIEW): "reviews.application_submit_for_review",
    (S.RETURNED, S.IN_REVIEW): "reviews.application_submit_for_review",
    (S.IN_REVIEW, S.RETURNED): "reviews.review_return",
    (S.IN_REVIEW, S.APPROVED): "reviews.review_approve",
    (S.APPROVED, S.DECLARED): "declarations.declaration_sign",
    # The registration body's part (assessments/services/registration.py):
    (S.DECLARED, S.SUBMITTED): "registration.application_submit",
    (S.SUBMITTED, S.REGISTERED): "registration.application_register",
    (S.SUBMITTED, S.RETURNED): "registration.application_return",
    (S.SUBMITTED, S.REJECTED): "registration.application_reject",
    **{
        (source, S.WITHDRAWN): "applications.application_withdraw"
        for source in (S.DRAFT, S.IN_REVIEW, S.RETURNED, S.APPROVED, S.DECLARED, S.SUBMITTED)
    },
}

# The states in which the applicant may change the scope, answers and evidence, and invite an
# advisor.
EDITABLE_STATES: frozenset[str] = frozenset({S.DRAFT, S.RETURNED})

# The states in which an accepted advisor keeps seeing the application (the engagement is ended
# when the application reaches a final state).
FINAL_STATES: frozenset[str] = frozenset({S.REGISTERED, S.REJECTED, S.WITHDRAWN})


def transitions_of(service: str) -> Mapping[str, frozenset[str]]:
    """The part of APPLICATION_TRANSITIONS that `service` (e.g. "reviews.review_return") makes,
    in the shape core.workflows.ensure_transition takes."""
    table: dict[str, set[str]] = {}
    for (source, target), name in APPLICATION_TRANSITION_SERVICES.items():
        if name == service:
            table.setdefault(source, set()).add(target)
    return {source: frozenset(targets) for source, targets in table.items()}


E = AdvisorEngagement.Status

ENGAGEMENT_TRANSITIONS: Mapping[str, frozenset[str]] = {
    E.INVITED: frozenset({E.ACCEPTED, E.DECLINED, E.ENDED}),
    E.ACCEPTED: frozenset({E.ENDED}),
    # DECLINED and ENDED are final: the applicant invites again (a new engagement).
}
