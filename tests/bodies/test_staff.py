"""Body staff: granted and revoked by the body organisation's administrators, with audit."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from accounts.models import User
from bodies.choices import BodyRole, StaffRole
from bodies.models import BodyStaff
from bodies.selectors import user_privileged_roles
from bodies.services import body_staff_grant, body_staff_revoke
from core.exceptions import DomainError
from core.models import AuditEvent
from tests.factories.bodies import (
    AdvisorProfileFactory,
    BodyStaffFactory,
    MembershipFactory,
    SchemeBodyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def body():
    return SchemeBodyFactory.create(roles=[BodyRole.EVALUATION])


@pytest.fixture
def admin(body):
    return MembershipFactory.create(organisation=body.organisation, is_admin=True).user


@pytest.fixture
def member(body):
    return MembershipFactory.create(organisation=body.organisation).user


def test_an_admin_grants_a_fitting_role_to_a_member(body, admin, member):
    staff = body_staff_grant(body=body, user=member, role=StaffRole.LEAD_EVALUATOR, by=admin)
    assert staff.active
    assert staff.granted_by == admin
    event = AuditEvent.objects.get(action="bodies.staff.granted")
    assert event.actor == admin
    assert event.data == {"user": member.pk, "body": body.pk, "role": "lead_evaluator"}
    assert user_privileged_roles(member) == ["lead_evaluator"]


@pytest.mark.parametrize(
    ("body_roles", "role", "fits"),
    [
        ([BodyRole.EVALUATION], StaffRole.EVALUATOR, True),
        ([BodyRole.EVALUATION], StaffRole.DECISION_MAKER, True),
        ([BodyRole.EVALUATION], StaffRole.VERIFIER, False),
        ([BodyRole.VERIFICATION], StaffRole.VERIFIER, True),
        ([BodyRole.TRAINING], StaffRole.TRAINER, True),
        ([BodyRole.REGISTRATION], StaffRole.REGISTRATION_STAFF, True),
        ([BodyRole.REGISTRATION], StaffRole.ACCREDITATION_STAFF, False),
        ([BodyRole.REGISTRATION, BodyRole.ACCREDITATION], StaffRole.ACCREDITATION_STAFF, True),
    ],
)
def test_the_role_must_fit_the_body(body_roles, role, fits):
    body = SchemeBodyFactory.create(roles=body_roles)
    admin = MembershipFactory.create(organisation=body.organisation, is_admin=True).user
    member = MembershipFactory.create(organisation=body.organisation).user
    if fits:
        assert body_staff_grant(body=body, user=member, role=role, by=admin).role == role
    else:
        with pytest.raises(DomainError):
            body_staff_grant(body=body, user=member, role=role, by=admin)


def test_only_members_of_the_organisation_can_hold_its_roles(body, admin):
    outsider = UserFactory.create()
    with pytest.raises(DomainError):
        body_staff_grant(body=body, user=outsider, role=StaffRole.EVALUATOR, by=admin)
    assert not BodyStaff.objects.exists()


@pytest.mark.parametrize("kind", ["member", "admin of another body", "staff", "anonymous"])
def test_only_the_organisation_admins_grant_and_revoke(body, member, kind):
    actor: User | AnonymousUser
    if kind == "member":
        actor = MembershipFactory.create(organisation=body.organisation).user
    elif kind == "admin of another body":
        actor = MembershipFactory.create(is_admin=True).user
    elif kind == "staff":
        actor = BodyStaffFactory.create(body=body, role=StaffRole.LEAD_EVALUATOR).user
    else:
        actor = AnonymousUser()
    with pytest.raises(PermissionDenied):
        body_staff_grant(body=body, user=member, role=StaffRole.EVALUATOR, by=actor)
    staff = BodyStaffFactory.create(body=body, user=member)
    with pytest.raises(PermissionDenied):
        body_staff_revoke(staff=staff, by=actor)
    staff.refresh_from_db()
    assert staff.active
    assert not AuditEvent.objects.filter(action__startswith="bodies.staff.").exists()


def test_revoking_keeps_the_row_and_granting_again_reactivates_it(body, admin, member):
    staff = body_staff_grant(body=body, user=member, role=StaffRole.EVALUATOR, by=admin)
    with pytest.raises(DomainError):
        body_staff_grant(body=body, user=member, role=StaffRole.EVALUATOR, by=admin)
    revoked = body_staff_revoke(staff=staff, by=admin)
    assert not revoked.active
    assert revoked.revoked_by == admin
    assert revoked.revoked_at is not None
    assert user_privileged_roles(member) == []
    with pytest.raises(DomainError):
        body_staff_revoke(staff=staff, by=admin)
    again = body_staff_grant(body=body, user=member, role=StaffRole.EVALUATOR, by=admin)
    assert again.pk == staff.pk
    assert again.active
    assert again.revoked_at is None
    assert list(
        AuditEvent.objects.filter(action__startswith="bodies.staff.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["bodies.staff.granted", "bodies.staff.revoked", "bodies.staff.granted"]


def test_privileged_roles_list_every_active_staff_role_and_advisor():
    user = UserFactory.create()
    assert user_privileged_roles(user) == []
    assert user_privileged_roles(AnonymousUser()) == []
    BodyStaffFactory.create(user=user, role=StaffRole.EVALUATOR)
    BodyStaffFactory.create(user=user, role=StaffRole.DECISION_MAKER)
    BodyStaffFactory.create(user=user, role=StaffRole.VERIFIER, active=False)
    assert user_privileged_roles(user) == ["decision_maker", "evaluator"]
    advisor = AdvisorProfileFactory.create(user=user)
    assert user_privileged_roles(user) == ["decision_maker", "evaluator", "advisor"]
    advisor.status = advisor.Status.SUSPENDED
    advisor.save()
    assert user_privileged_roles(user) == ["decision_maker", "evaluator"]


def test_administrators_of_a_scheme_body_are_privileged(body, admin, member):
    assert user_privileged_roles(admin) == ["scheme_body_admin"]
    assert user_privileged_roles(member) == []
    supplier_admin = MembershipFactory.create(is_admin=True).user
    assert user_privileged_roles(supplier_admin) == []


def test_privileged_roles_take_three_queries(django_assert_num_queries):
    user = UserFactory.create()
    BodyStaffFactory.create(user=user, role=StaffRole.EVALUATOR)
    with django_assert_num_queries(3):
        user_privileged_roles(user)
