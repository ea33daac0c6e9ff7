"""Factories for scheme bodies, designations, body staff and advisors.

They also hold the few people/organisation factories these tests need (users, organisations
with valid 法人番号, memberships). Objects stay consistent: a body's staff are members of its
organisation, and a designation's accreditation body holds the accreditation role.

    accreditation = SchemeBodyFactory.create(roles=[BodyRole.ACCREDITATION])
    officer = accreditation_officer(accreditation)                      # accreditation staff
    designation = DesignationFactory.create(designated_by=accreditation)  # evaluation body, ★4
    advisor = AdvisorProfileFactory.create(is_public=True, verified=True)  # in the directory
"""

import datetime
from collections.abc import Iterable
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.corporate_number import check_digit
from accounts.models import Membership, Organisation, User
from bodies.choices import BodyRole, StaffRole
from bodies.models import (
    AdvisorArea,
    AdvisorIndustry,
    AdvisorProfile,
    BodyStaff,
    Designation,
    Qualification,
    SchemeBody,
    SchemeBodyRole,
)
from scheme.models import Level
from tests.factories.scheme import LevelFactory


def corporate_number(n: int) -> str:
    """A valid 法人番号 built from the sequence number `n`."""
    base = f"{7_000_000_000 + n:012d}"
    return f"{check_digit(base)}{base}"


class UserFactory(DjangoModelFactory[User]):
    """A person with a login."""

    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.jp")
    name = factory.Sequence(lambda n: f"利用者 {n}")
    password = factory.django.Password("correct horse battery staple")


class OrganisationFactory(DjangoModelFactory[Organisation]):
    """A legal entity with a valid 法人番号."""

    class Meta:
        model = Organisation
        django_get_or_create = ("corporate_number",)

    name = factory.Sequence(lambda n: f"株式会社テスト{n}")
    name_kana = factory.Sequence(lambda n: f"テスト{n}")
    name_en = factory.Sequence(lambda n: f"Test {n} Co., Ltd.")
    corporate_number = factory.Sequence(corporate_number)
    prefecture = "13"
    address = "東京都千代田区霞が関1-1-1"
    industry = "G"
    size_band = "21-50"


class MembershipFactory(DjangoModelFactory[Membership]):
    """A user's place in an organisation."""

    class Meta:
        model = Membership
        django_get_or_create = ("user", "organisation")

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)


def _add_roles(body: SchemeBody, create: bool, extracted: Iterable[str] | None, **_: Any) -> None:
    if create:
        for role in extracted if extracted is not None else [BodyRole.EVALUATION]:
            SchemeBodyRole.objects.get_or_create(body=body, role=role)


class SchemeBodyFactory(DjangoModelFactory[SchemeBody]):
    """A scheme body; `roles=[...]` gives it body roles (evaluation by default)."""

    class Meta:
        model = SchemeBody
        django_get_or_create = ("organisation",)
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    roles = factory.PostGeneration(_add_roles)


def _add_membership(staff: BodyStaff, create: bool, extracted: Any, **_: Any) -> None:
    if create:
        MembershipFactory.create(user=staff.user, organisation=staff.body.organisation)


class BodyStaffFactory(DjangoModelFactory[BodyStaff]):
    """A staff role at a body; the user becomes a member of the body's organisation."""

    class Meta:
        model = BodyStaff
        skip_postgeneration_save = True

    body = factory.SubFactory(SchemeBodyFactory)
    user = factory.SubFactory(UserFactory)
    role = StaffRole.EVALUATOR
    active = True
    membership = factory.PostGeneration(_add_membership)


def accreditation_officer(body: SchemeBody | None = None) -> User:
    """A user who is accreditation staff at an accreditation body (a new one unless given)."""
    body = body or SchemeBodyFactory.create(roles=[BodyRole.ACCREDITATION])
    return BodyStaffFactory.create(body=body, role=StaffRole.ACCREDITATION_STAFF).user


def registration_officer(body: SchemeBody | None = None) -> User:
    """A user who is registration staff at a registration body (a new one unless given)."""
    body = body or SchemeBodyFactory.create(roles=[BodyRole.REGISTRATION])
    return BodyStaffFactory.create(body=body, role=StaffRole.REGISTRATION_STAFF).user


def _set_levels(
    designation: Designation, create: bool, extracted: Iterable[Level] | None, **_: Any
) -> None:
    if create:
        designation.levels.set(
            list(extracted) if extracted is not None else [LevelFactory.create(stars=4)]
        )
        SchemeBodyRole.objects.get_or_create(body=designation.body, role=designation.role)


class DesignationFactory(DjangoModelFactory[Designation]):
    """An active three-year designation of an evaluation body for ★4, starting today."""

    class Meta:
        model = Designation
        skip_postgeneration_save = True

    body = factory.SubFactory(SchemeBodyFactory)
    role = BodyRole.EVALUATION
    valid_from = factory.LazyFunction(timezone.localdate)
    valid_until = factory.LazyAttribute(lambda o: Designation.default_valid_until(o.valid_from))
    designated_by = factory.SubFactory(SchemeBodyFactory, roles=[BodyRole.ACCREDITATION])
    status = Designation.Status.ACTIVE
    levels = factory.PostGeneration(_set_levels)


def _add_areas(
    advisor: AdvisorProfile, create: bool, extracted: Iterable[str] | None, **_: Any
) -> None:
    if create:
        for code in extracted if extracted is not None else ["13"]:
            AdvisorArea.objects.create(advisor=advisor, prefecture=code)


def _add_industries(
    advisor: AdvisorProfile, create: bool, extracted: Iterable[str] | None, **_: Any
) -> None:
    if create:
        for code in extracted or []:
            AdvisorIndustry.objects.create(advisor=advisor, industry=code)


def _add_verified_qualification(
    advisor: AdvisorProfile, create: bool, extracted: bool | None, **_: Any
) -> None:
    if create and extracted:
        QualificationFactory.create(advisor=advisor, status=Qualification.Status.VERIFIED)


class AdvisorProfileFactory(DjangoModelFactory[AdvisorProfile]):
    """An external advisor in Tokyo. `verified=True` adds a verified RISS qualification."""

    class Meta:
        model = AdvisorProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"助言者 {n}")
    mode = AdvisorProfile.Mode.EXTERNAL
    speaks_japanese = True
    bio = "中小企業のセキュリティ対策を支援しています。"
    coi_statement = "なし"
    coi_declared_at = factory.LazyFunction(timezone.now)
    prefectures = factory.PostGeneration(_add_areas)
    industries = factory.PostGeneration(_add_industries)
    verified = factory.PostGeneration(_add_verified_qualification)


class QualificationFactory(DjangoModelFactory[Qualification]):
    """An unverified RISS qualification obtained two years ago, with a unique number."""

    class Meta:
        model = Qualification

    advisor = factory.SubFactory(AdvisorProfileFactory)
    kind = Qualification.Kind.RISS
    number = factory.Sequence(lambda n: f"{n + 10000:06d}")
    obtained_on = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=2 * 365)
    )
    expires_on = None
    status = Qualification.Status.UNVERIFIED
