"""Factories for ★3 applications, answers, evidence, engagements and review rounds.

`small_catalogue()` builds a published edition under the code of settings.SCHEME_CURRENT_EDITION
with two categories, four items and six criteria (five ★3-tagged and one ★4-tagged, so a ★3
application has five answers). Objects stay consistent: an application's answers are those of
its pinned edition and level, an engagement's advisor holds a verified qualification, a review
round snapshots the answers as the service would.

    application = ApplicationFactory.create()                 # draft, five empty answers
    people = application_people(application)                  # member, executive, advisor, ...
    fill_answers(application)                                 # every answer "implemented"
"""

import datetime
import hashlib
from dataclasses import dataclass
from typing import Any

import factory
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Organisation, User
from assessments.models import (
    AdvisorEngagement,
    Answer,
    AnswerSnapshot,
    Application,
    EvidenceFile,
    ReviewRound,
)
from assessments.selectors import criteria_for
from bodies.models import AdvisorProfile, Qualification
from scheme.models import Edition, Level
from tests.factories.bodies import (
    AdvisorProfileFactory,
    MembershipFactory,
    OrganisationFactory,
    QualificationFactory,
    UserFactory,
)
from tests.factories.scheme import (
    CategoryFactory,
    CriterionFactory,
    EditionFactory,
    ItemFactory,
    LevelFactory,
    SubcategoryFactory,
)

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def small_catalogue() -> Edition:
    """The current edition with six criteria (five apply at ★3); created once per test."""
    code = settings.SCHEME_CURRENT_EDITION
    existing = Edition.objects.filter(code=code).first()
    if existing is not None:
        return existing
    star3, star4 = LevelFactory.create(stars=3), LevelFactory.create(stars=4)
    edition = EditionFactory.create(
        code=code,
        title_ja="テスト用カタログ（確定版）",
        title_en="Test catalogue (final)",
        published=True,
    )
    governance = CategoryFactory.create(
        edition=edition,
        code="1",
        position=1,
        name_ja="ガバナンスの整備",
        name_en="Governance",
        csf_function="GV",
    )
    protection = CategoryFactory.create(
        edition=edition,
        code="4",
        position=4,
        name_ja="攻撃等の防御",
        name_en="Protection against attacks",
        csf_function="PR",
    )
    gov_sub = SubcategoryFactory.create(category=governance, code="1-1", position=1)
    pro_sub = SubcategoryFactory.create(category=protection, code="4-1", position=2)
    item_a = ItemFactory.create(
        subcategory=gov_sub,
        code="1-1-1",
        position=1,
        levels=[star3, star4],
        title_ja="方針の策定",
        title_en="Policy",
        requirement_ja="セキュリティ方針を定めること。",
        requirement_en="Have a security policy.",
    )
    item_b = ItemFactory.create(
        subcategory=gov_sub,
        code="1-1-2",
        position=2,
        levels=[star3, star4],
        title_ja="役割の明確化",
        title_en="Roles",
    )
    item_c = ItemFactory.create(
        subcategory=pro_sub,
        code="4-1-1",
        position=3,
        levels=[star3, star4],
        title_ja="アカウント管理",
        title_en="Accounts",
        requirement_ja="利用者のアカウントを管理すること。",
        requirement_en="Manage user accounts.",
    )
    item_d = ItemFactory.create(
        subcategory=pro_sub,
        code="4-1-2",
        position=4,
        levels=[star4],
        title_ja="★4のみ",
        title_en="Star 4 only",
    )
    position = 0
    for item, codes in (
        (item_a, [("1-1-1-1", star3), ("1-1-1-2", star3)]),
        (item_b, [("1-1-2-1", star3)]),
        (item_c, [("4-1-1-1", star3), ("4-1-1-2", star3)]),
        (item_d, [("4-1-2-1", star4)]),
    ):
        for criterion_code, level in codes:
            position += 1
            CriterionFactory.create(
                item=item,
                code=criterion_code,
                level=level,
                position=position,
                statement_ja=f"評価基準 {criterion_code} を満たすこと。",
                statement_en=f"Meet criterion {criterion_code}.",
                details_ja=["手順を文書にしている。"],
                details_en=["The procedure is written down."],
                guidance_ja="例: 社内規程。",
                guidance_en="For example an internal rule.",
            )
    return edition


def star3() -> Level:
    return LevelFactory.create(stars=3)


def _create_answers(application: Application, create: bool, extracted: Any, **_: Any) -> None:
    if not create:
        return
    application.covered_entities.add(application.organisation)
    Answer.objects.bulk_create(
        [
            Answer(application=application, criterion=criterion)
            for criterion in criteria_for(application.edition, application.level)
        ]
    )


class ApplicationFactory(DjangoModelFactory[Application]):
    """A ★3 draft application on the small catalogue with one empty answer per criterion."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    level = factory.LazyFunction(star3)
    edition = factory.LazyFunction(small_catalogue)
    status = Application.Status.DRAFT
    sites = factory.LazyFunction(lambda: ["本社（東京都千代田区）"])
    infrastructure = "社内LAN、インターネット回線1本、ノートPC 12台"
    cloud_services = "Microsoft 365"
    answers = factory.PostGeneration(_create_answers)


def fill_answers(
    application: Application, status: str = Answer.Status.IMPLEMENTED, description: str = ""
) -> None:
    """Answer every criterion (as a member would), bumping each version."""
    for answer in Answer.objects.filter(application=application):
        answer.status = status
        answer.description = description or f"{answer.criterion.code} は社内規程で定めています。"
        answer.na_justification = (
            "該当する設備がありません。" if status == Answer.Status.NOT_APPLICABLE else ""
        )
        answer.version += 1
        answer.save()


def qualified_advisor(**kwargs: Any) -> AdvisorProfile:
    """An external advisor listed in the public directory with a verified RISS qualification."""
    kwargs.setdefault("is_public", True)
    kwargs.setdefault("verified", True)
    return AdvisorProfileFactory.create(**kwargs)


class AdvisorEngagementFactory(DjangoModelFactory[AdvisorEngagement]):
    """An accepted external engagement of a qualified advisor."""

    class Meta:
        model = AdvisorEngagement

    application = factory.SubFactory(ApplicationFactory)
    advisor = factory.LazyFunction(qualified_advisor)
    kind = AdvisorEngagement.Kind.EXTERNAL
    status = AdvisorEngagement.Status.ACCEPTED
    coi_declaration = "申請者との取引関係・資本関係はありません。"
    coi_accepted_at = factory.LazyFunction(timezone.now)
    responded_at = factory.LazyFunction(timezone.now)

    class Params:
        invited = factory.Trait(
            status=AdvisorEngagement.Status.INVITED,
            coi_declaration="",
            coi_accepted_at=None,
            responded_at=None,
        )


def start_round(application: Application, engagement: AdvisorEngagement) -> ReviewRound:
    """An open review round with snapshots of the current answers (as the service makes)."""
    number = application.review_rounds.count() + 1
    review_round = ReviewRound.objects.create(
        application=application, engagement=engagement, number=number, started_at=timezone.now()
    )
    for answer in Answer.objects.filter(application=application).prefetch_related("evidence_files"):
        AnswerSnapshot.objects.create(
            round=review_round,
            criterion=answer.criterion,
            status=answer.status,
            description=answer.description,
            na_justification=answer.na_justification,
            evidence=[e.as_snapshot() for e in answer.evidence_files.all()],
            answer_version=answer.version,
        )
    return review_round


class EvidenceFileFactory(DjangoModelFactory[EvidenceFile]):
    """A small PDF stored through the default storage."""

    class Meta:
        model = EvidenceFile

    application = factory.SubFactory(ApplicationFactory)
    file = factory.LazyFunction(lambda: ContentFile(MINIMAL_PDF, name="evidence.pdf"))
    original_name = "セキュリティ方針.pdf"
    content_type = "application/pdf"
    size = len(MINIMAL_PDF)
    sha256 = hashlib.sha256(MINIMAL_PDF).hexdigest()


@dataclass
class People:
    """Everyone with a relation to an application (and some without)."""

    member: User
    admin: User
    executive: User
    procurer: User
    advisor: User
    other_advisor: User
    other_supplier: User
    engagement: AdvisorEngagement


def application_people(application: Application, *, engagement: bool = True) -> People:
    """A member, an administrator, an executive (who is not a member), a procurer-only member,
    the advisor with an accepted engagement, another qualified advisor and a member of another
    supplier."""
    org = application.organisation

    def member_of(organisation: Organisation, **roles: Any) -> User:
        user = UserFactory.create()
        MembershipFactory.create(user=user, organisation=organisation, **roles)
        return user

    member = member_of(org, is_member=True)
    admin = member_of(org, is_member=False, is_admin=True)
    executive = member_of(org, is_member=False, is_executive=True, title="代表取締役")
    procurer = member_of(org, is_member=False, is_procurer=True)
    other_supplier = member_of(OrganisationFactory.create(), is_member=True, is_admin=True)
    accepted = AdvisorEngagementFactory.create(application=application, invited_by=member)
    other = qualified_advisor()
    if not engagement:
        accepted.status = AdvisorEngagement.Status.ENDED
        accepted.ended_at = timezone.now()
        accepted.save()
    return People(
        member=member,
        admin=admin,
        executive=executive,
        procurer=procurer,
        advisor=accepted.advisor.user,
        other_advisor=other.user,
        other_supplier=other_supplier,
        engagement=accepted,
    )


def expire_qualifications(advisor: AdvisorProfile) -> None:
    """Make every qualification of the advisor lapse yesterday."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Qualification.objects.filter(advisor=advisor).update(expires_on=yesterday)


__all__ = [
    "MINIMAL_PDF",
    "AdvisorEngagementFactory",
    "ApplicationFactory",
    "EvidenceFileFactory",
    "People",
    "QualificationFactory",
    "application_people",
    "expire_qualifications",
    "fill_answers",
    "qualified_advisor",
    "small_catalogue",
    "start_round",
]
