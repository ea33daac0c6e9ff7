"""Advisors: their own profile and qualifications, and the registration body's checks."""

import datetime
from functools import partial
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import User
from bodies.choices import BodyRole, StaffRole
from bodies.models import AdvisorProfile, Qualification
from bodies.permissions import is_registration_staff
from bodies.selectors import advisor_is_qualified
from bodies.services import (
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
from bodies.validators import normalise_qualification_number
from bodies.workflows import ADVISOR_TRANSITIONS, QUALIFICATION_TRANSITIONS
from core.exceptions import DomainError, TransitionNotAllowed
from core.models import AuditEvent
from tests.factories.bodies import (
    AdvisorProfileFactory,
    BodyStaffFactory,
    MembershipFactory,
    QualificationFactory,
    SchemeBodyFactory,
    UserFactory,
    accreditation_officer,
    registration_officer,
)

pytestmark = pytest.mark.django_db

Q = Qualification.Status


def profile_data(**overrides):
    values: dict[str, Any] = {
        "display_name": "山田 太郎",
        "mode": AdvisorProfile.Mode.EXTERNAL,
        "prefectures": ["13", "14"],
        "industries": ["E"],
        "bio": "製造業の中小企業を支援しています。",
        "is_public": True,
        "coi_statement": "なし",
    }
    values.update(overrides)
    return AdvisorProfileData(**values)


def riss(number="012345", **overrides):
    values: dict[str, Any] = {
        "kind": "riss",
        "number": number,
        "obtained_on": datetime.date(2022, 4, 1),
    }
    values.update(overrides)
    return QualificationData(**values)


# --- profile ------------------------------------------------------------------------------------


def test_a_user_creates_their_advisor_profile():
    user = UserFactory.create()
    profile = advisor_profile_create(by=user, data=profile_data(), coi_confirmed=True)
    assert profile.user == user
    assert profile.status == AdvisorProfile.Status.ACTIVE
    assert profile.coi_declared_at is not None
    assert sorted(profile.areas.values_list("prefecture", flat=True)) == ["13", "14"]
    assert list(profile.industries.values_list("industry", flat=True)) == ["E"]
    assert AuditEvent.objects.filter(action="bodies.advisor.created", actor=user).exists()
    with pytest.raises(DomainError):
        advisor_profile_create(by=user, data=profile_data(), coi_confirmed=True)


@pytest.mark.parametrize(
    "overrides",
    [
        {"display_name": " "},
        {"mode": "internal"},  # an internal advisor needs an employer
        {"speaks_japanese": False, "speaks_english": False},
        {"prefectures": [], "nationwide": False},
        {"prefectures": ["99"]},
        {"industries": ["Z"]},
        {"coi_statement": "  "},
    ],
)
def test_profile_input_is_checked(overrides):
    with pytest.raises(DomainError):
        advisor_profile_create(
            by=UserFactory.create(), data=profile_data(**overrides), coi_confirmed=True
        )
    assert not AdvisorProfile.objects.exists()


def test_the_declaration_must_be_confirmed_at_creation():
    with pytest.raises(DomainError):
        advisor_profile_create(by=UserFactory.create(), data=profile_data(), coi_confirmed=False)


def test_an_internal_advisor_names_an_employer_they_belong_to():
    membership = MembershipFactory.create()
    stranger_org = MembershipFactory.create().organisation
    with pytest.raises(DomainError):
        advisor_profile_create(
            by=membership.user,
            data=profile_data(mode="internal", employer=stranger_org),
            coi_confirmed=True,
        )
    profile = advisor_profile_create(
        by=membership.user,
        data=profile_data(mode="both", employer=membership.organisation),
        coi_confirmed=True,
    )
    assert profile.employer == membership.organisation


def test_nationwide_advisors_need_no_prefecture():
    profile = advisor_profile_create(
        by=UserFactory.create(),
        data=profile_data(prefectures=[], nationwide=True),
        coi_confirmed=True,
    )
    assert profile.nationwide
    assert not profile.areas.exists()


def test_a_changed_declaration_is_declared_again():
    profile = AdvisorProfileFactory.create(coi_statement="なし")
    first = profile.coi_declared_at
    with pytest.raises(DomainError):
        advisor_profile_update(
            profile=profile,
            by=profile.user,
            data=profile_data(coi_statement="A社の顧問を務めている"),
            coi_confirmed=False,
        )
    profile.refresh_from_db()
    assert profile.coi_statement == "なし"
    # Other changes do not need a new declaration and keep its date.
    updated = advisor_profile_update(
        profile=profile, by=profile.user, data=profile_data(), coi_confirmed=False
    )
    assert updated.coi_declared_at == first
    assert updated.display_name == "山田 太郎"
    assert sorted(updated.areas.values_list("prefecture", flat=True)) == ["13", "14"]
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        declared = advisor_profile_update(
            profile=profile,
            by=profile.user,
            data=profile_data(coi_statement="A社の顧問を務めている", prefectures=["27"]),
            coi_confirmed=True,
        )
    assert declared.coi_statement == "A社の顧問を務めている"
    assert declared.coi_declared_at > first
    assert list(declared.areas.values_list("prefecture", flat=True)) == ["27"]
    event = AuditEvent.objects.filter(action="bodies.advisor.updated").order_by("id").last()
    assert event is not None
    assert event.data["coi_declared"] is True
    assert "coi_statement" in event.data["changed"]
    assert "prefectures" in event.data["changed"]


def test_nobody_else_edits_a_profile():
    profile = AdvisorProfileFactory.create()
    for actor in (UserFactory.create(), registration_officer(), AnonymousUser()):
        with pytest.raises(PermissionDenied):
            advisor_profile_update(
                profile=profile, by=actor, data=profile_data(), coi_confirmed=True
            )
        with pytest.raises(PermissionDenied):
            qualification_add(advisor=profile, by=actor, data=riss())


# --- suspension ---------------------------------------------------------------------------------


@pytest.mark.parametrize("current", AdvisorProfile.Status.values)
@pytest.mark.parametrize(
    ("service", "target"),
    [(advisor_suspend, "suspended"), (advisor_reinstate, "active")],
)
def test_advisor_status_follows_the_table(current, service, target):
    profile = AdvisorProfileFactory.create(status=current)
    officer = registration_officer()
    if target in ADVISOR_TRANSITIONS[current]:
        result = service(profile=profile, by=officer, reason="苦情の調査")
        assert result.status == target
        assert result.status_changed_by == officer
        assert AuditEvent.objects.filter(
            action=f"bodies.advisor.{'suspended' if target == 'suspended' else 'reinstated'}"
        ).exists()
    else:
        with pytest.raises(TransitionNotAllowed):
            service(profile=profile, by=officer, reason="苦情の調査")


@pytest.mark.parametrize(
    "kind", ["accreditation staff", "evaluator", "supplier", "anonymous", "themselves"]
)
def test_only_registration_staff_suspend_advisors(kind):
    profile = AdvisorProfileFactory.create()
    actor: User | AnonymousUser
    if kind == "accreditation staff":
        actor = accreditation_officer()
    elif kind == "evaluator":
        actor = BodyStaffFactory.create().user
    elif kind == "supplier":
        actor = MembershipFactory.create().user
    elif kind == "themselves":
        actor = profile.user
        BodyStaffFactory.create(
            user=actor,
            body=SchemeBodyFactory.create(roles=[BodyRole.REGISTRATION]),
            role=StaffRole.REGISTRATION_STAFF,
        )
        assert is_registration_staff(actor)
    else:
        actor = AnonymousUser()
    with pytest.raises(PermissionDenied):
        advisor_suspend(profile=profile, by=actor, reason="理由")
    profile.refresh_from_db()
    assert profile.status == AdvisorProfile.Status.ACTIVE


def test_suspension_needs_a_reason():
    with pytest.raises(DomainError):
        advisor_suspend(
            profile=AdvisorProfileFactory.create(), by=registration_officer(), reason=""
        )


# --- qualifications -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("012345", "012345"),
        ("第012345号", "012345"),
        ("０１２３４５", "012345"),
        ("012-345", "012345"),
    ],
)
def test_riss_numbers_are_normalised(typed, stored):
    assert normalise_qualification_number("riss", typed) == stored


@pytest.mark.parametrize("typed", ["12345", "1234567", "01234A", "", "第号"])
def test_bad_riss_numbers_are_refused(typed):
    with pytest.raises(ValidationError):
        normalise_qualification_number("riss", typed)


def test_an_advisor_adds_a_qualification_that_waits_for_verification():
    profile = AdvisorProfileFactory.create()
    qualification = qualification_add(advisor=profile, by=profile.user, data=riss("第012345号"))
    assert qualification.number == "012345"
    assert qualification.status == Q.UNVERIFIED
    assert AuditEvent.objects.filter(action="bodies.qualification.added").exists()
    with pytest.raises(DomainError):
        qualification_add(advisor=profile, by=profile.user, data=riss("12345"))


@pytest.mark.parametrize(
    "data",
    [
        QualificationData(kind="other", number="X-1", obtained_on=datetime.date(2020, 1, 1)),
        QualificationData(kind="nonsense", number="1", obtained_on=datetime.date(2020, 1, 1)),
        QualificationData(
            kind="cissp",
            number="123",
            obtained_on=datetime.date(2020, 1, 1),
            expires_on=datetime.date(2020, 1, 1),
        ),
        QualificationData(
            kind="cissp", number="123", obtained_on=timezone.localdate() + datetime.timedelta(1)
        ),
    ],
)
def test_qualification_input_is_checked(data):
    profile = AdvisorProfileFactory.create()
    with pytest.raises(DomainError):
        qualification_add(advisor=profile, by=profile.user, data=data)


def test_other_qualifications_carry_their_name():
    profile = AdvisorProfileFactory.create()
    qualification = qualification_add(
        advisor=profile,
        by=profile.user,
        data=QualificationData(
            kind="other",
            other_name="セキュリティプレゼンター",
            number="SP-100",
            obtained_on=datetime.date(2021, 6, 1),
        ),
    )
    assert qualification.name == "セキュリティプレゼンター"
    # An other_name given for a named kind is dropped.
    named = qualification_add(
        advisor=profile,
        by=profile.user,
        data=QualificationData(
            kind="cissp", other_name="x", number="555", obtained_on=datetime.date(2021, 6, 1)
        ),
    )
    assert named.other_name == ""


def test_a_number_can_be_claimed_only_once_until_rejected():
    first = QualificationFactory.create(number="123456")
    other = AdvisorProfileFactory.create()
    with pytest.raises(DomainError):
        qualification_add(advisor=other, by=other.user, data=riss("123456"))
    qualification_reject(qualification=first, by=registration_officer(), reason="登録簿に無し")
    assert qualification_add(advisor=other, by=other.user, data=riss("123456")).pk


@pytest.mark.parametrize("current", Q.values)
@pytest.mark.parametrize("action", ["verify", "reject"])
def test_verification_follows_the_table(current, action):
    qualification = QualificationFactory.create(status=current)
    officer = registration_officer()
    target = Q.VERIFIED if action == "verify" else Q.REJECTED
    if target in QUALIFICATION_TRANSITIONS[current]:
        if action == "verify":
            result = qualification_verify(qualification=qualification, by=officer)
            assert result.rejection_reason == ""
        else:
            result = qualification_reject(qualification=qualification, by=officer, reason="不一致")
            assert result.rejection_reason == "不一致"
        assert result.status == target
        assert result.reviewed_by == officer
        assert result.reviewed_at is not None
        assert AuditEvent.objects.filter(action=f"bodies.qualification.{target}").exists()
    else:
        act = (
            partial(qualification_verify)
            if action == "verify"
            else partial(qualification_reject, reason="不一致")
        )
        with pytest.raises(TransitionNotAllowed):
            act(qualification=qualification, by=officer)


@pytest.mark.parametrize("kind", ["accreditation staff", "evaluator", "the advisor", "anonymous"])
def test_only_registration_staff_verify(kind):
    qualification = QualificationFactory.create()
    actor: User | AnonymousUser
    if kind == "accreditation staff":
        actor = accreditation_officer()
    elif kind == "evaluator":
        actor = BodyStaffFactory.create().user
    elif kind == "the advisor":
        actor = qualification.advisor.user
    else:
        actor = AnonymousUser()
    with pytest.raises(PermissionDenied):
        qualification_verify(qualification=qualification, by=actor)
    with pytest.raises(PermissionDenied):
        qualification_reject(qualification=qualification, by=actor, reason="r")


def test_registration_staff_cannot_verify_their_own_qualification():
    officer = registration_officer()
    qualification = QualificationFactory.create(advisor=AdvisorProfileFactory.create(user=officer))
    with pytest.raises(PermissionDenied):
        qualification_verify(qualification=qualification, by=officer)
    assert qualification_verify(qualification=qualification, by=registration_officer()).status == (
        Q.VERIFIED
    )


def test_changing_a_verified_number_sends_it_back_to_the_queue():
    qualification = QualificationFactory.create(number="111111")
    qualification_verify(qualification=qualification, by=registration_officer())
    owner = qualification.advisor.user
    kept = qualification_update(
        qualification=qualification,
        by=owner,
        data=riss("111111", obtained_on=qualification.obtained_on, evidence_note="登録証の写し"),
    )
    assert kept.status == Q.VERIFIED
    assert kept.evidence_note == "登録証の写し"
    changed = qualification_update(
        qualification=qualification,
        by=owner,
        data=riss("222222", obtained_on=qualification.obtained_on, evidence_note="登録証の写し"),
    )
    assert changed.status == Q.UNVERIFIED
    assert changed.reviewed_by is None
    event = AuditEvent.objects.filter(action="bodies.qualification.updated").order_by("id").last()
    assert event is not None
    assert event.data == {"changed": ["number"], "from": "verified", "to": "unverified"}


def test_a_rejected_qualification_is_resubmitted_by_correcting_it():
    qualification = QualificationFactory.create()
    qualification_reject(
        qualification=qualification, by=registration_officer(), reason="写し不鮮明"
    )
    resubmitted = qualification_update(
        qualification=qualification,
        by=qualification.advisor.user,
        data=riss(
            qualification.number, obtained_on=qualification.obtained_on, evidence_note="再提出"
        ),
    )
    assert resubmitted.status == Q.UNVERIFIED
    assert resubmitted.rejection_reason == ""


def test_an_advisor_removes_their_own_qualification_only():
    qualification = QualificationFactory.create()
    with pytest.raises(PermissionDenied):
        qualification_remove(qualification=qualification, by=UserFactory.create())
    qualification_remove(qualification=qualification, by=qualification.advisor.user)
    assert not Qualification.objects.exists()
    assert AuditEvent.objects.filter(action="bodies.qualification.removed").exists()


# --- qualified on a date ------------------------------------------------------------------------


def test_an_advisor_is_qualified_with_a_verified_qualification_valid_that_day():
    advisor = AdvisorProfileFactory.create()
    qualification = QualificationFactory.create(
        advisor=advisor,
        obtained_on=datetime.date(2024, 4, 1),
        expires_on=datetime.date(2027, 3, 31),
    )
    assert not advisor_is_qualified(advisor, on=datetime.date(2025, 1, 1))  # not verified yet
    qualification_verify(qualification=qualification, by=registration_officer())
    assert not advisor_is_qualified(advisor, on=datetime.date(2024, 3, 31))
    assert advisor_is_qualified(advisor, on=datetime.date(2024, 4, 1))
    assert advisor_is_qualified(advisor, on=datetime.date(2027, 3, 31))
    assert not advisor_is_qualified(advisor, on=datetime.date(2027, 4, 1))
    advisor_suspend(profile=advisor, by=registration_officer(), reason="調査中")
    # The instance passed in is stale (still "active"); the database decides.
    assert not advisor_is_qualified(advisor, on=datetime.date(2025, 1, 1))


def test_a_rejected_qualification_does_not_qualify():
    advisor = AdvisorProfileFactory.create()
    QualificationFactory.create(advisor=advisor, status=Q.REJECTED)
    assert not advisor_is_qualified(advisor)
