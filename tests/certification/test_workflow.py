"""The registration lifecycle table walked completely: every (status, action) pair through its
named service, every actor against every action, and the rules on reasons and dates. Allowed
changes write the status, a history event, an audit record and a public ledger entry covered by
a signed checkpoint."""

import datetime
import hashlib
import json
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied

from certification.choices import Action, ReasonCode
from certification.models import Registration, RegistrationEvent
from certification.selectors import scheme_today
from certification.services import lifecycle
from certification.workflows import (
    ACTION_ACTOR,
    ACTION_REASONS,
    ACTION_TARGET,
    FINAL_STATUSES,
    REGISTRATION_TRANSITIONS,
    SCHEME_BODY,
    actions_from,
)
from core.exceptions import DomainError, TransitionNotAllowed
from core.models import AuditEvent
from registry.models import Checkpoint, LedgerEntry
from tests.factories.bodies import OrganisationFactory, SchemeBodyFactory
from tests.factories.certification import (
    accreditation_staff,
    evaluation_decision_maker,
    holder_admin,
    holder_member,
    register,
    registration_staff,
    star4,
)

pytestmark = pytest.mark.django_db

S = Registration.Status
ALL_STATUSES = list(S.values)
SERVICES: dict[str, Callable[..., Registration]] = {
    Action.SUSPEND: lifecycle.registration_suspend,
    Action.REINSTATE: lifecycle.registration_reinstate,
    Action.REVOKE: lifecycle.registration_revoke,
    Action.WITHDRAW: lifecycle.registration_withdraw,
}


def _set_status(registration: Registration, status: str) -> Registration:
    Registration.objects.filter(pk=registration.pk).update(status=status)
    return Registration.objects.get(pk=registration.pk)


def _act(registration: Registration, action: str, by=None) -> Registration:
    """Make `action` with an actor allowed to make it."""
    if action == Action.EXPIRE:
        return lifecycle.registration_expire(
            registration=registration, today=registration.lapses_on()
        )
    if action == Action.SUPERSEDE:
        return lifecycle.registration_supersede(
            registration=registration, today=registration.lapses_on()
        )
    if by is None:
        by = (
            holder_admin(registration.organisation)
            if action == Action.WITHDRAW
            else registration_staff()
        )
    return SERVICES[action](
        registration=registration,
        by=by,
        reason_code=ACTION_REASONS[action][0],
        reason="公開する理由の説明です。",
    )


def test_the_table_is_complete_and_final_statuses_are_final():
    assert set(REGISTRATION_TRANSITIONS) | FINAL_STATUSES == set(ALL_STATUSES)
    for status in FINAL_STATUSES:
        assert status not in REGISTRATION_TRANSITIONS
        assert actions_from(status) == []
    assert set(ACTION_TARGET) == set(Action.values)
    assert S.ACTIVE in REGISTRATION_TRANSITIONS[S.SUSPENDED]  # a suspension can be lifted


@pytest.mark.parametrize("status", ALL_STATUSES)
@pytest.mark.parametrize("action", list(Action.values))
def test_every_status_action_pair(status, action):
    registration = register(registered_on=scheme_today() - datetime.timedelta(days=30))
    if action == Action.SUPERSEDE:
        register(organisation=registration.organisation, renews=registration)
    registration = _set_status(registration, status)
    allowed = ACTION_TARGET[action] in REGISTRATION_TRANSITIONS.get(status, frozenset())
    ledger_before = LedgerEntry.objects.count()
    if not allowed:
        with pytest.raises(TransitionNotAllowed):
            _act(registration, action)
        assert Registration.objects.get(pk=registration.pk).status == status
        assert LedgerEntry.objects.count() == ledger_before
        return
    changed = _act(registration, action)
    assert changed.status == ACTION_TARGET[action]
    assert changed.revision == registration.revision + 1
    event = RegistrationEvent.objects.filter(registration=registration).latest("pk")
    assert (event.from_status, event.to_status) == (status, ACTION_TARGET[action])
    assert event.ledger_seq is not None
    entry = LedgerEntry.objects.get(seq=event.ledger_seq)
    assert entry.event_type == f"registration.{event.kind}"
    assert entry.registration_number == registration.number
    checkpoint = Checkpoint.objects.order_by("-tree_size").first()
    assert checkpoint is not None
    assert checkpoint.tree_size == entry.seq + 1
    assert AuditEvent.objects.filter(
        action=f"certification.registration.{event.kind}", object_id=str(registration.pk)
    ).exists()


def _actors(registration: Registration) -> dict[str, object]:
    org = registration.organisation
    return {
        "registration_staff": registration_staff(),
        "accreditation_staff": accreditation_staff(),
        "decision_maker_of_its_body": evaluation_decision_maker(registration.evaluation_body)
        if registration.evaluation_body
        else evaluation_decision_maker(),
        "decision_maker_elsewhere": evaluation_decision_maker(),
        "holder_admin": holder_admin(org),
        "holder_member": holder_member(org),
        "holder_executive": holder_member(org, is_member=False, is_executive=True),
        "other_admin": holder_admin(OrganisationFactory.create()),
    }


# Who may do what: ★3 registrations are the registration body's; ★4 the accreditation body's
# and the evaluation body's decision makers'; withdrawal is the holder's administrators'.
ALLOWED = {
    (3, Action.SUSPEND): {"registration_staff"},
    (3, Action.REINSTATE): {"registration_staff"},
    (3, Action.REVOKE): {"registration_staff"},
    (3, Action.WITHDRAW): {"holder_admin"},
    (4, Action.SUSPEND): {"accreditation_staff", "decision_maker_of_its_body"},
    (4, Action.REINSTATE): {"accreditation_staff", "decision_maker_of_its_body"},
    (4, Action.REVOKE): {"accreditation_staff", "decision_maker_of_its_body"},
    (4, Action.WITHDRAW): {"holder_admin"},
}
ACTORS = [
    "registration_staff",
    "accreditation_staff",
    "decision_maker_of_its_body",
    "decision_maker_elsewhere",
    "holder_admin",
    "holder_member",
    "holder_executive",
    "other_admin",
]


@pytest.mark.parametrize("stars", [3, 4])
@pytest.mark.parametrize("action", list(SERVICES))
@pytest.mark.parametrize("actor", ACTORS)
def test_who_may_take_each_action(stars, action, actor):
    if stars == 3:
        registration = register()
    else:
        registration = register(
            level=star4(), evaluation_body=SchemeBodyFactory.create(), by=accreditation_staff()
        )
    if action == Action.REINSTATE:
        registration = _set_status(registration, S.SUSPENDED)
    user = _actors(registration)[actor]
    if actor in ALLOWED[(stars, action)]:
        assert _act(registration, action, by=user).status == ACTION_TARGET[action]
    else:
        with pytest.raises(PermissionDenied):
            _act(registration, action, by=user)
        assert Registration.objects.get(pk=registration.pk).status == registration.status


@pytest.mark.parametrize("action", [Action.EXPIRE, Action.SUPERSEDE])
def test_the_sweeps_actions_are_nobodys_to_take_by_hand(action):
    registration = register()
    staff = registration_staff()
    service = (
        lifecycle.registration_expire
        if action == Action.EXPIRE
        else lifecycle.registration_supersede
    )
    if action == Action.SUPERSEDE:
        register(organisation=registration.organisation, renews=registration)
    with pytest.raises(PermissionDenied):
        service(registration=registration, by=staff)
    assert ACTION_ACTOR[action] != SCHEME_BODY


def test_a_reason_code_that_does_not_fit_the_action_is_refused():
    registration = register()
    with pytest.raises(DomainError) as error:
        lifecycle.registration_suspend(
            registration=registration,
            by=registration_staff(),
            reason_code=ReasonCode.NO_LONGER_NEEDED,
            reason="理由",
        )
    assert error.value.code == "reason_code_invalid"


def test_a_published_reason_is_required():
    registration = register()
    with pytest.raises(DomainError) as error:
        lifecycle.registration_revoke(
            registration=registration,
            by=registration_staff(),
            reason_code=ReasonCode.FALSE_REPORT,
            reason="   ",
        )
    assert error.value.code == "reason_required"


def test_the_effective_date_cannot_be_in_the_future_or_before_the_registration():
    registration = register(registered_on=scheme_today() - datetime.timedelta(days=10))
    staff = registration_staff()
    for day, code in (
        (scheme_today() + datetime.timedelta(days=1), "effective_in_future"),
        (scheme_today() - datetime.timedelta(days=11), "effective_too_early"),
    ):
        with pytest.raises(DomainError) as error:
            lifecycle.registration_suspend(
                registration=registration,
                by=staff,
                reason_code=ReasonCode.INCIDENT,
                reason="調査中",
                effective_on=day,
            )
        assert error.value.code == code
    backdated = scheme_today() - datetime.timedelta(days=3)
    changed = lifecycle.registration_suspend(
        registration=registration,
        by=staff,
        reason_code=ReasonCode.INCIDENT,
        reason="調査中",
        effective_on=backdated,
    )
    assert changed.status_since == backdated


def test_a_registration_past_its_validity_cannot_be_suspended_even_before_the_sweep():
    registration = register(registered_on=scheme_today() - datetime.timedelta(days=400))
    assert registration.status == S.ACTIVE
    with pytest.raises(TransitionNotAllowed):
        lifecycle.registration_suspend(
            registration=registration,
            by=registration_staff(),
            reason_code=ReasonCode.INCIDENT,
            reason="調査中",
        )


def test_suspension_is_lifted_and_the_registration_is_valid_again():
    registration = register()
    staff = registration_staff()
    suspended = lifecycle.registration_suspend(
        registration=registration,
        by=staff,
        reason_code=ReasonCode.NONCONFORMITY,
        reason="多要素認証が未導入であることが判明しました。",
    )
    assert suspended.status == S.SUSPENDED
    reinstated = lifecycle.registration_reinstate(
        registration=suspended,
        by=staff,
        reason_code=ReasonCode.CORRECTED,
        reason="是正を確認しました。",
    )
    assert reinstated.status == S.ACTIVE
    kinds = list(
        RegistrationEvent.objects.filter(registration=registration).values_list("kind", flat=True)
    )
    assert kinds == ["registered", "suspended", "reinstated"]


def test_the_ledger_entry_holds_public_facts_and_a_hash_of_the_published_reason():
    registration = register()
    reason = "虚偽の報告が確認されたため、登録を取り消します。"
    lifecycle.registration_revoke(
        registration=registration,
        by=registration_staff(),
        reason_code=ReasonCode.FALSE_REPORT,
        reason=reason,
    )
    entry = LedgerEntry.objects.filter(registration_number=registration.number).latest("seq")
    leaf = json.loads(bytes(entry.leaf))
    assert leaf == {
        "type": "registration.revoked",
        "v": 1,
        "seq": entry.seq,
        "registration_number": registration.number,
        "corporate_number": registration.corporate_number,
        "star": 3,
        "effective": scheme_today().isoformat(),
        "reason_code": "false_report",
        "sha256": hashlib.sha256(reason.encode()).hexdigest(),
    }


def test_history_events_are_append_only():
    registration = register()
    event = RegistrationEvent.objects.get(registration=registration)
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        RegistrationEvent.objects.filter(pk=event.pk).update(reason="changed")
    with pytest.raises(TypeError):
        RegistrationEvent.objects.filter(pk=event.pk).delete()
