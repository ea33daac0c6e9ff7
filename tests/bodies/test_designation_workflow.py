"""Designations: the transition table, who may act, dates and audit."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from bodies.choices import BodyRole, StaffRole
from bodies.models import Designation, SchemeBodyRole
from bodies.services import (
    designation_grant,
    designation_reinstate,
    designation_renew,
    designation_suspend,
    designation_withdraw,
)
from bodies.workflows import DESIGNATION_TRANSITIONS
from core.exceptions import DomainError, TransitionNotAllowed
from core.models import AuditEvent
from tests.factories.bodies import (
    BodyStaffFactory,
    DesignationFactory,
    MembershipFactory,
    OrganisationFactory,
    SchemeBodyFactory,
    accreditation_officer,
    registration_officer,
)
from tests.factories.scheme import LevelFactory

pytestmark = pytest.mark.django_db

S = Designation.Status
STATUS_SERVICES = {
    S.SUSPENDED: (designation_suspend, "bodies.designation.suspended"),
    S.ACTIVE: (designation_reinstate, "bodies.designation.reinstated"),
    S.WITHDRAWN: (designation_withdraw, "bodies.designation.withdrawn"),
}


@pytest.fixture
def accreditation_body():
    return SchemeBodyFactory.create(roles=[BodyRole.ACCREDITATION])


@pytest.fixture
def officer(accreditation_body):
    return accreditation_officer(accreditation_body)


@pytest.mark.parametrize("current", S.values)
@pytest.mark.parametrize("target", list(STATUS_SERVICES))
def test_every_status_change_follows_the_transition_table(
    accreditation_body, officer, current, target
):
    designation = DesignationFactory.create(designated_by=accreditation_body, status=current)
    service, action = STATUS_SERVICES[target]
    if target in DESIGNATION_TRANSITIONS.get(current, frozenset()):
        result = service(designation=designation, by=officer, reason="監査で確認")
        assert result.status == target
        designation.refresh_from_db()
        assert designation.status == target
        assert designation.status_reason == "監査で確認"
        assert designation.status_effective_on == timezone.localdate()
        assert designation.status_changed_by == officer
        event = AuditEvent.objects.get(action=action)
        assert event.actor == officer
        assert event.object_id == str(designation.pk)
        assert event.data["from"] == current
    else:
        with pytest.raises(TransitionNotAllowed):
            service(designation=designation, by=officer, reason="監査で確認")
        designation.refresh_from_db()
        assert designation.status == current
        assert not AuditEvent.objects.filter(action=action).exists()


def test_withdrawn_is_final():
    assert S.WITHDRAWN not in DESIGNATION_TRANSITIONS


def test_a_status_change_needs_a_reason(accreditation_body, officer):
    designation = DesignationFactory.create(designated_by=accreditation_body)
    with pytest.raises(DomainError):
        designation_suspend(designation=designation, by=officer, reason="   ")
    designation.refresh_from_db()
    assert designation.status == S.ACTIVE


def test_the_effective_date_may_be_past_but_not_future(accreditation_body, officer):
    designation = DesignationFactory.create(designated_by=accreditation_body)
    with pytest.raises(DomainError):
        designation_suspend(
            designation=designation,
            by=officer,
            reason="理由",
            effective_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    designation_suspend(designation=designation, by=officer, reason="理由", effective_on=yesterday)
    designation.refresh_from_db()
    assert designation.status_effective_on == yesterday
    with pytest.raises(DomainError):
        designation_reinstate(
            designation=designation,
            by=officer,
            reason="是正済み",
            effective_on=yesterday - datetime.timedelta(days=1),
        )


# --- who may act ----------------------------------------------------------------------------


def _actor(kind, accreditation_body):
    if kind == "accreditation staff":
        return accreditation_officer(accreditation_body)
    if kind == "accreditation staff of another body":
        return accreditation_officer()
    if kind == "revoked accreditation staff":
        staff = BodyStaffFactory.create(
            body=accreditation_body, role=StaffRole.ACCREDITATION_STAFF, active=False
        )
        return staff.user
    if kind == "plain member of the accreditation body":
        return MembershipFactory.create(
            organisation=accreditation_body.organisation, is_admin=True
        ).user
    if kind == "evaluation-body staff":
        return BodyStaffFactory.create(role=StaffRole.EVALUATOR).user
    if kind == "registration staff":
        return registration_officer()
    if kind == "supplier":
        return MembershipFactory.create().user
    if kind == "anonymous":
        return AnonymousUser()
    raise AssertionError(kind)


ACTORS = [
    "accreditation staff",
    "accreditation staff of another body",
    "revoked accreditation staff",
    "plain member of the accreditation body",
    "evaluation-body staff",
    "registration staff",
    "supplier",
    "anonymous",
]


def _run(action, designation, actor):
    organisation = OrganisationFactory.create()
    if action == "grant":
        return designation_grant(
            organisation=organisation,
            role=BodyRole.EVALUATION,
            levels=[LevelFactory.create(stars=4)],
            valid_from=timezone.localdate(),
            by=actor,
        )
    if action == "suspend":
        return designation_suspend(designation=designation, by=actor, reason="r")
    if action == "reinstate":
        designation.status = S.SUSPENDED
        designation.save()
        return designation_reinstate(designation=designation, by=actor, reason="r")
    if action == "withdraw":
        return designation_withdraw(designation=designation, by=actor, reason="r")
    if action == "renew":
        return designation_renew(designation=designation, by=actor)
    raise AssertionError(action)


@pytest.mark.parametrize("action", ["grant", "suspend", "reinstate", "withdraw", "renew"])
@pytest.mark.parametrize("kind", ACTORS)
def test_only_staff_of_the_designating_accreditation_body_manage_designations(
    accreditation_body, action, kind
):
    designation = DesignationFactory.create(designated_by=accreditation_body)
    actor = _actor(kind, accreditation_body)
    allowed = kind == "accreditation staff" or (
        # Any accreditation body may grant; managing a designation is for the one that granted it.
        action == "grant" and kind == "accreditation staff of another body"
    )
    before = AuditEvent.objects.count()
    if allowed:
        assert _run(action, designation, actor) is not None
        assert AuditEvent.objects.count() == before + 1
    else:
        with pytest.raises(PermissionDenied):
            _run(action, designation, actor)
        assert AuditEvent.objects.count() == before


# --- grant --------------------------------------------------------------------------------------


def test_grant_designates_for_three_years_and_gives_the_body_its_role(accreditation_body, officer):
    organisation = OrganisationFactory.create()
    star3, star4 = LevelFactory.create(stars=3), LevelFactory.create(stars=4)
    designation = designation_grant(
        organisation=organisation,
        role=BodyRole.TRAINING,
        levels=[star3, star4],
        valid_from=datetime.date(2027, 4, 1),
        by=officer,
    )
    assert designation.valid_until == datetime.date(2030, 3, 31)
    assert designation.designated_by == accreditation_body
    assert designation.granted_by == officer
    assert set(designation.levels.all()) == {star3, star4}
    assert SchemeBodyRole.objects.filter(
        body__organisation=organisation, role=BodyRole.TRAINING
    ).exists()
    event = AuditEvent.objects.get(action="bodies.designation.granted")
    assert event.data == {
        "body": organisation.corporate_number,
        "role": "training",
        "levels": ["star3", "star4"],
        "valid_from": "2027-04-01",
        "valid_until": "2030-03-31",
    }


def test_a_leap_day_designation_ends_the_day_before_its_anniversary():
    assert Designation.default_valid_until(datetime.date(2028, 2, 29)) == datetime.date(2031, 2, 27)


@pytest.mark.parametrize(
    ("role", "levels", "until_offset", "message"),
    [
        (BodyRole.REGISTRATION, [4], None, "designated"),
        (BodyRole.EVALUATION, [], None, "level"),
        (BodyRole.EVALUATION, [4], 0, "after"),
    ],
)
def test_grant_rejects_bad_input(officer, role, levels, until_offset, message):
    start = datetime.date(2027, 4, 1)
    with pytest.raises(DomainError):
        designation_grant(
            organisation=OrganisationFactory.create(),
            role=role,
            levels=[LevelFactory.create(stars=n) for n in levels],
            valid_from=start,
            valid_until=None if until_offset is None else start + datetime.timedelta(until_offset),
            by=officer,
        )
    assert not Designation.objects.exists()


def test_an_accreditation_body_cannot_designate_itself(accreditation_body, officer):
    with pytest.raises(DomainError):
        designation_grant(
            organisation=accreditation_body.organisation,
            role=BodyRole.EVALUATION,
            levels=[LevelFactory.create(stars=4)],
            valid_from=timezone.localdate(),
            by=officer,
        )


def test_overlapping_designations_for_the_same_role_are_refused(accreditation_body, officer):
    existing = DesignationFactory.create(designated_by=accreditation_body)
    with pytest.raises(DomainError):
        designation_grant(
            organisation=existing.body.organisation,
            role=existing.role,
            levels=[LevelFactory.create(stars=4)],
            valid_from=existing.valid_until,
            by=officer,
        )
    # Another role, or a period after the existing one, is fine.
    designation_grant(
        organisation=existing.body.organisation,
        role=BodyRole.VERIFICATION,
        levels=[LevelFactory.create(stars=4)],
        valid_from=existing.valid_from,
        by=officer,
    )
    designation_grant(
        organisation=existing.body.organisation,
        role=existing.role,
        levels=[LevelFactory.create(stars=4)],
        valid_from=existing.valid_until + datetime.timedelta(days=1),
        by=officer,
    )


def test_a_withdrawn_designation_does_not_block_a_fresh_grant(accreditation_body, officer):
    existing = DesignationFactory.create(designated_by=accreditation_body, status=S.WITHDRAWN)
    fresh = designation_grant(
        organisation=existing.body.organisation,
        role=existing.role,
        levels=[LevelFactory.create(stars=4)],
        valid_from=timezone.localdate(),
        by=officer,
    )
    assert fresh.status == S.ACTIVE


# --- renew --------------------------------------------------------------------------------------


def test_renewal_starts_the_day_after_the_current_period(accreditation_body, officer):
    current = DesignationFactory.create(
        designated_by=accreditation_body,
        valid_from=datetime.date(2025, 4, 1),
        valid_until=datetime.date(2028, 3, 31),
        levels=[LevelFactory.create(stars=3), LevelFactory.create(stars=4)],
    )
    with time_machine.travel(datetime.date(2028, 1, 10)):
        renewal = designation_renew(designation=current, by=officer)
    assert renewal.renewal_of == current
    assert (renewal.valid_from, renewal.valid_until) == (
        datetime.date(2028, 4, 1),
        datetime.date(2031, 3, 31),
    )
    assert set(renewal.levels.values_list("stars", flat=True)) == {3, 4}
    assert AuditEvent.objects.get(action="bodies.designation.renewed").data["renews"] == current.pk
    with pytest.raises(DomainError):
        designation_renew(designation=current, by=officer)


def test_renewing_an_expired_designation_starts_today(accreditation_body, officer):
    current = DesignationFactory.create(
        designated_by=accreditation_body,
        valid_from=datetime.date(2020, 4, 1),
        valid_until=datetime.date(2023, 3, 31),
    )
    renewal = designation_renew(
        designation=current, by=officer, levels=[LevelFactory.create(stars=3)]
    )
    assert renewal.valid_from == timezone.localdate()
    assert list(renewal.levels.values_list("stars", flat=True)) == [3]


@pytest.mark.parametrize("status", [S.SUSPENDED, S.WITHDRAWN])
def test_only_active_designations_are_renewed(accreditation_body, officer, status):
    current = DesignationFactory.create(designated_by=accreditation_body, status=status)
    with pytest.raises(DomainError):
        designation_renew(designation=current, by=officer)


# --- validity from the dates ---------------------------------------------------------------------


def test_validity_respects_both_boundary_days():
    designation = DesignationFactory.build(
        valid_from=datetime.date(2027, 4, 1), valid_until=datetime.date(2030, 3, 31)
    )
    assert designation.state_on(datetime.date(2027, 3, 31)) == Designation.State.NOT_YET_VALID
    assert designation.state_on(datetime.date(2027, 4, 1)) == Designation.State.VALID
    assert designation.state_on(datetime.date(2030, 3, 31)) == Designation.State.VALID
    assert designation.state_on(datetime.date(2030, 4, 1)) == Designation.State.EXPIRED
    assert not designation.is_valid_on(datetime.date(2030, 4, 1))


def test_a_designation_past_its_last_day_shows_as_expired_without_any_job():
    designation = DesignationFactory.create(
        valid_from=datetime.date(2027, 4, 1), valid_until=datetime.date(2030, 3, 31)
    )
    with time_machine.travel(datetime.datetime(2030, 3, 31, 23, 59, tzinfo=datetime.UTC)):
        # 08:59 on 1 April in Tokyo: the portal's day has already moved on.
        assert designation.current_state == Designation.State.EXPIRED
    with time_machine.travel(datetime.datetime(2030, 3, 31, 14, 59, tzinfo=datetime.UTC)):
        assert designation.is_currently_valid
    assert designation.status == S.ACTIVE


@pytest.mark.parametrize(
    ("status", "state"),
    [(S.SUSPENDED, Designation.State.SUSPENDED), (S.WITHDRAWN, Designation.State.WITHDRAWN)],
)
def test_decisions_show_over_the_dates(status, state):
    designation = DesignationFactory.build(
        valid_from=datetime.date(2027, 4, 1), valid_until=datetime.date(2030, 3, 31), status=status
    )
    assert designation.state_on(datetime.date(2028, 1, 1)) == state
    assert not designation.is_valid_on(datetime.date(2028, 1, 1))
