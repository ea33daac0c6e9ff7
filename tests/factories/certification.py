"""Factories for registrations and for ★3 applications on their way to the registration body.

Applications go through the real services (review, approval, declaration, submission), so what
the registration body sees is what the product produces. Registrations are created with
`certification.services.registrations.registration_create` (number, ledger entry, history);
`RegistrationFactory` writes a row directly, for read-side tests that need many of them.

    staff = registration_staff()                                  # registration body staff
    application, people = submitted_application()                 # submitted, every check passes
    registration = register(organisation=org)                      # ★3, active from today
"""

import datetime
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Organisation, User
from assessments.models import Answer, Application
from assessments.services.declarations import declaration_sign
from assessments.services.reviews import (
    application_submit_for_review,
    criterion_review_record,
    review_approve,
)
from bodies.choices import BodyRole, StaffRole
from bodies.models import SchemeBody
from certification.models import Registration
from certification.selectors import scheme_today, validity_for
from certification.services.registrations import registration_create
from certification.services.submissions import application_submit_for_registration
from scheme.models import Edition, Level
from tests.factories.assessments import (
    ApplicationFactory,
    People,
    application_people,
    fill_answers,
    star3,
)
from tests.factories.bodies import (
    BodyStaffFactory,
    MembershipFactory,
    OrganisationFactory,
    SchemeBodyFactory,
    UserFactory,
)
from tests.factories.scheme import EditionFactory, LevelFactory


def registration_body() -> SchemeBody:
    """The registration body (the scheme operator), created once per test."""
    existing = SchemeBody.objects.filter(roles__role=BodyRole.REGISTRATION).first()
    return existing or SchemeBodyFactory.create(roles=[BodyRole.REGISTRATION])


def registration_staff(body: SchemeBody | None = None) -> User:
    """A user who is registration staff at the registration body."""
    return BodyStaffFactory.create(
        body=body or registration_body(), role=StaffRole.REGISTRATION_STAFF
    ).user


def accreditation_staff() -> User:
    body = SchemeBody.objects.filter(roles__role=BodyRole.ACCREDITATION).first()
    body = body or SchemeBodyFactory.create(roles=[BodyRole.ACCREDITATION])
    return BodyStaffFactory.create(body=body, role=StaffRole.ACCREDITATION_STAFF).user


def evaluation_decision_maker(body: SchemeBody | None = None) -> User:
    body = body or SchemeBodyFactory.create(roles=[BodyRole.EVALUATION])
    return BodyStaffFactory.create(body=body, role=StaffRole.DECISION_MAKER).user


def holder_admin(organisation: Organisation) -> User:
    user = UserFactory.create()
    MembershipFactory.create(user=user, organisation=organisation, is_admin=True, is_member=True)
    return user


def holder_member(organisation: Organisation, **roles: Any) -> User:
    user = UserFactory.create()
    roles.setdefault("is_member", True)
    MembershipFactory.create(user=user, organisation=organisation, **roles)
    return user


def star4() -> Level:
    return LevelFactory.create(stars=4)


def registration_edition() -> Edition:
    """A published edition without criteria: enough for a registration, which only names its
    edition (applications use `small_catalogue`, whose criteria they answer)."""
    return EditionFactory.create(
        code="test-registrations",
        title_ja="登録テスト用カタログ",
        title_en="Registration test catalogue",
        published=True,
    )


def default_scope(organisation: Organisation) -> dict[str, Any]:
    return {
        "entities": [
            {"name": organisation.name, "corporate_number": organisation.corporate_number}
        ],
        "sites": ["本社（東京都千代田区）"],
        "infrastructure": "社内LAN、インターネット回線1本、ノートPC 12台",
        "cloud_services": "Microsoft 365",
        "all_it_outsourced": False,
    }


def register(
    *,
    organisation: Organisation | None = None,
    level: Level | None = None,
    edition: Edition | None = None,
    by: User | None = None,
    registered_on: datetime.date | None = None,
    renews: Registration | None = None,
    evaluation_body: SchemeBody | None = None,
    application: Application | None = None,
) -> Registration:
    """A registration made by the real service (★3 by default, by registration staff)."""
    organisation = organisation or OrganisationFactory.create()
    return registration_create(
        organisation=organisation,
        level=level or star3(),
        edition=edition or registration_edition(),
        scope=default_scope(organisation),
        registering_body=registration_body(),
        by=by or registration_staff(),
        registered_on=registered_on,
        renews=renews,
        evaluation_body=evaluation_body,
        application=application,
    )


def declared_application(**kwargs: Any) -> tuple[Application, People]:
    """A ★3 application taken through review, approval and the management declaration by the
    assessments services, ready to be submitted."""
    application = ApplicationFactory.create(**kwargs)
    people = application_people(application)
    fill_answers(application)
    application_submit_for_review(application=application, by=people.member)
    for answer in Answer.objects.filter(application=application).select_related("criterion"):
        criterion_review_record(
            application=application,
            criterion=answer.criterion,
            by=people.advisor,
            verdict="pass",
            comment="",
        )
    review_approve(application=application, by=people.advisor)
    declaration_sign(
        application=application,
        by=people.executive,
        signer_name="山田 太郎",
        signer_title="代表取締役",
        reauthenticated_at=timezone.now(),
    )
    return Application.objects.get(pk=application.pk), people


def submitted_application(**kwargs: Any) -> tuple[Application, People]:
    """A declared application submitted to the registration body by a member."""
    application, people = declared_application(**kwargs)
    application_submit_for_registration(application=application, by=people.member)
    return Application.objects.get(pk=application.pk), people


class RegistrationFactory(DjangoModelFactory[Registration]):
    """A ★3 registration row written directly (no ledger entry, no history): for read-side
    tests. `valid_from` defaults to today; the validity is one year."""

    class Meta:
        model = Registration

    number = factory.Sequence(lambda n: f"SCS3-2099-{n + 1:06d}")
    organisation = factory.SubFactory(OrganisationFactory)
    holder_name = factory.LazyAttribute(lambda o: o.organisation.name)
    holder_name_en = factory.LazyAttribute(lambda o: o.organisation.name_en)
    corporate_number = factory.LazyAttribute(lambda o: o.organisation.corporate_number)
    level = factory.LazyFunction(star3)
    edition = factory.LazyFunction(registration_edition)
    scope = factory.LazyAttribute(lambda o: default_scope(o.organisation))
    registering_body = factory.LazyFunction(registration_body)
    registered_on = factory.LazyFunction(scheme_today)
    valid_from = factory.LazyAttribute(lambda o: o.registered_on)
    valid_until = factory.LazyAttribute(lambda o: validity_for(o.valid_from, 12))
    status = Registration.Status.ACTIVE
    status_since = factory.LazyAttribute(lambda o: o.valid_from)


__all__ = [
    "RegistrationFactory",
    "accreditation_staff",
    "declared_application",
    "default_scope",
    "evaluation_decision_maker",
    "holder_admin",
    "holder_member",
    "register",
    "registration_body",
    "registration_edition",
    "registration_staff",
    "star3",
    "star4",
    "submitted_application",
]
