"""The application's transition table, walked completely: every allowed edge succeeds through
its named service for the right actor, every other (state, service) pair raises
TransitionNotAllowed, and wrong actors are refused whatever the state."""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from assessments.models import AdvisorEngagement, Application, CriterionReview
from assessments.services.applications import application_withdraw
from assessments.services.declarations import declaration_sign
from assessments.services.engagements import (
    engagement_accept,
    engagement_decline,
    engagement_end,
)
from assessments.services.reviews import (
    application_submit_for_review,
    review_approve,
    review_return,
)
from assessments.workflows import (
    APPLICATION_TRANSITION_SERVICES,
    APPLICATION_TRANSITIONS,
    ENGAGEMENT_TRANSITIONS,
    FINAL_STATES,
)
from core.exceptions import TransitionNotAllowed
from tests.factories.assessments import (
    AdvisorEngagementFactory,
    ApplicationFactory,
    People,
    application_people,
    fill_answers,
    start_round,
)

pytestmark = pytest.mark.django_db

S = Application.Status
ALL_STATES = list(S.values)
EDGES = {
    (source, target) for source, targets in APPLICATION_TRANSITIONS.items() for target in targets
}
APPLICANTS = ("member", "admin")
EVERYONE = (
    "member",
    "admin",
    "executive",
    "procurer",
    "advisor",
    "other_advisor",
    "other_supplier",
)


def _open_round_with(application: Application, people: People, verdict: str) -> None:
    review_round = start_round(application, people.engagement)
    for snapshot in review_round.snapshots.all():
        CriterionReview.objects.create(
            round=review_round,
            criterion=snapshot.criterion,
            verdict=verdict,
            comment="手順書を添付してください。" if verdict == "needs_work" else "",
            reviewed_by=people.advisor,
        )


def _nothing(application: Application, people: People) -> None:
    return None


@dataclass(frozen=True)
class Move:
    """One service of this app that moves an application, how to call it and who may."""

    service: str
    target: str
    actors: tuple[str, ...]
    call: Callable[[Application, Any], Any]
    prepare: Callable[[Application, People], None] = _nothing

    def __str__(self) -> str:
        return self.service


def _approve_first(application: Application, people: People) -> None:
    fill_answers(application)
    _open_round_with(application, people, "pass")
    review_approve(application=Application.objects.get(pk=application.pk), by=people.advisor)


MOVES = [
    Move(
        "reviews.application_submit_for_review",
        S.IN_REVIEW,
        APPLICANTS,
        lambda app, by: application_submit_for_review(application=app, by=by),
        lambda app, people: fill_answers(app),
    ),
    Move(
        "reviews.review_return",
        S.RETURNED,
        ("advisor",),
        lambda app, by: review_return(application=app, by=by, summary="二点を直してください。"),
        lambda app, people: _open_round_with(app, people, "needs_work"),
    ),
    Move(
        "reviews.review_approve",
        S.APPROVED,
        ("advisor",),
        lambda app, by: review_approve(application=app, by=by),
        lambda app, people: _open_round_with(app, people, "pass"),
    ),
    Move(
        "declarations.declaration_sign",
        S.DECLARED,
        ("executive",),
        lambda app, by: declaration_sign(
            application=app,
            by=by,
            signer_name="山田 太郎",
            signer_title="代表取締役",
            reauthenticated_at=timezone.now(),
        ),
    ),
    Move(
        "applications.application_withdraw",
        S.WITHDRAWN,
        APPLICANTS,
        lambda app, by: application_withdraw(application=app, by=by, reason="見送り"),
    ),
]


def _application_in(state: str, move: Move) -> tuple[Application, People]:
    application = ApplicationFactory.create()
    people = application_people(application)
    if move.service == "declarations.declaration_sign":
        # The declaration needs an approval of the advisor: make one, then put the application
        # in the state under test.
        Application.objects.filter(pk=application.pk).update(status=S.IN_REVIEW)
        _approve_first(application, people)
    else:
        move.prepare(application, people)
    Application.objects.filter(pk=application.pk).update(status=state)
    return Application.objects.get(pk=application.pk), people


def test_every_edge_is_made_by_exactly_one_named_service():
    assert set(APPLICATION_TRANSITION_SERVICES) == EDGES
    for service in APPLICATION_TRANSITION_SERVICES.values():
        module, _, name = service.partition(".")
        if module == "registration":
            continue
        assert callable(getattr(import_module(f"assessments.services.{module}"), name)), service


def test_the_registration_body_edges_are_left_to_its_services():
    registration = {
        edge
        for edge, service in APPLICATION_TRANSITION_SERVICES.items()
        if service.startswith("registration.")
    }
    assert registration == {
        (S.DECLARED, S.SUBMITTED),
        (S.SUBMITTED, S.REGISTERED),
        (S.SUBMITTED, S.RETURNED),
        (S.SUBMITTED, S.REJECTED),
    }


def test_final_states_have_no_way_out_and_every_state_is_in_the_table():
    assert {S.REGISTERED, S.REJECTED, S.WITHDRAWN} == FINAL_STATES
    for state in FINAL_STATES:
        assert state not in APPLICATION_TRANSITIONS
    assert set(APPLICATION_TRANSITIONS) | FINAL_STATES == set(ALL_STATES)
    reachable = {target for _, target in EDGES} | {S.DRAFT}
    assert reachable == set(ALL_STATES)


@pytest.mark.parametrize("move", MOVES, ids=str)
@pytest.mark.parametrize("source", ALL_STATES)
def test_each_service_moves_only_along_its_own_edges(move: Move, source: str):
    application, people = _application_in(source, move)
    actor = getattr(people, move.actors[0])
    if APPLICATION_TRANSITION_SERVICES.get((source, move.target)) == move.service:
        move.call(application, actor)
        application.refresh_from_db()
        assert application.status == move.target
    else:
        with pytest.raises(TransitionNotAllowed):
            move.call(application, actor)
        application.refresh_from_db()
        assert application.status == source


@pytest.mark.parametrize("move", MOVES, ids=str)
def test_every_allowed_actor_may_make_the_move(move: Move):
    for actor_name in move.actors:
        source = next(
            s for (s, t), name in APPLICATION_TRANSITION_SERVICES.items() if name == move.service
        )
        application, people = _application_in(source, move)
        move.call(application, getattr(people, actor_name))
        application.refresh_from_db()
        assert application.status == move.target, actor_name


@pytest.mark.parametrize(
    ("move", "actor_name"),
    [(move, name) for move in MOVES for name in EVERYONE if name not in move.actors],
    ids=lambda value: str(value),
)
def test_wrong_actors_are_refused(move: Move, actor_name: str):
    source = next(
        s for (s, t), name in APPLICATION_TRANSITION_SERVICES.items() if name == move.service
    )
    application, people = _application_in(source, move)
    with pytest.raises(PermissionDenied):
        move.call(application, getattr(people, actor_name))
    application.refresh_from_db()
    assert application.status == source


def test_an_ended_engagement_no_longer_lets_the_advisor_decide():
    move = MOVES[2]
    application, people = _application_in(S.IN_REVIEW, move)
    AdvisorEngagement.objects.filter(pk=people.engagement.pk).update(
        status=AdvisorEngagement.Status.ENDED
    )
    with pytest.raises(PermissionDenied):
        review_approve(application=application, by=people.advisor)


# --- engagements ---------------------------------------------------------------------------------

E = AdvisorEngagement.Status
ENGAGEMENT_EDGES = {(s, t) for s, ts in ENGAGEMENT_TRANSITIONS.items() for t in ts}


def _engagement_in(state: str) -> tuple[AdvisorEngagement, Any]:
    application = ApplicationFactory.create()
    people = application_people(application, engagement=False)
    engagement = AdvisorEngagementFactory.create(application=application, invited=True)
    AdvisorEngagement.objects.filter(pk=engagement.pk).update(
        status=state,
        coi_declaration="なし" if state == E.ACCEPTED else "",
        coi_accepted_at=timezone.now() if state == E.ACCEPTED else None,
    )
    engagement.refresh_from_db()
    return engagement, people


ENGAGEMENT_MOVES: list[tuple[str, Callable[[AdvisorEngagement, Any], Any]]] = [
    (
        E.ACCEPTED,
        lambda engagement, by: engagement_accept(
            engagement=engagement, by=by, no_conflict=True, coi_declaration="関係はありません。"
        ),
    ),
    (E.DECLINED, lambda engagement, by: engagement_decline(engagement=engagement, by=by)),
    (E.ENDED, lambda engagement, by: engagement_end(engagement=engagement, by=by)),
]


@pytest.mark.parametrize(("target", "call"), ENGAGEMENT_MOVES, ids=lambda v: str(v)[:12])
@pytest.mark.parametrize("source", list(E.values))
def test_engagement_table(target: str, call: Callable[[AdvisorEngagement, Any], Any], source: str):
    engagement, _people = _engagement_in(source)
    advisor = engagement.advisor.user
    if (source, target) in ENGAGEMENT_EDGES:
        call(engagement, advisor)
        engagement.refresh_from_db()
        assert engagement.status == target
    else:
        with pytest.raises(TransitionNotAllowed):
            call(engagement, advisor)


@pytest.mark.parametrize(("target", "call"), ENGAGEMENT_MOVES[:2], ids=lambda v: str(v)[:12])
def test_only_the_invited_advisor_answers_an_invitation(
    target: str, call: Callable[[AdvisorEngagement, Any], Any]
):
    engagement, people = _engagement_in(E.INVITED)
    for name in EVERYONE:
        with pytest.raises(PermissionDenied):
            call(engagement, getattr(people, name))
    engagement.refresh_from_db()
    assert engagement.status == E.INVITED
