"""Demo registrations in every status (`manage.py seed_demo`).

For the demo organisations of accounts.demo and three more suppliers created here:

- みなと精機: ★3 obtained through the whole journey (application, advisor review, declaration,
  submission, registration by the registration body's staff), today;
- さくらITサービス: ★3 expiring within 30 days, and ★4 registered on the Aoba evaluation centre's
  evaluation 400 days ago, whose first annual self-assessment was submitted and accepted (the
  second is due in 330 days);
- 東和自動車 (the procurer, also a supplier of its own group): ★3 superseded by its renewal (the
  renewal continues it without a gap and is active);
- ひかり電子: ★3 suspended; 北星物流: ★3 revoked; やまびこ食品: ★3 expired.

Every registration and status change goes through the services (history, audit trail, public
ledger). Dates are relative to the day of the first run. Idempotent: a demo registration is
recognised by its holder, level and first site, so running the command again changes nothing.
Needs the catalogue and the bodies' demo staff (both loaded first when missing).
"""

import datetime
from dataclasses import dataclass
from typing import Any, TextIO

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.models import Membership, Organisation, User
from assessments.models import Answer, Application
from assessments.services.applications import answer_save, application_start
from assessments.services.declarations import declaration_sign
from assessments.services.engagements import engagement_accept, engagement_invite
from assessments.services.reviews import (
    application_submit_for_review,
    criterion_review_record,
    review_approve,
)
from bodies.models import AdvisorProfile, SchemeBody
from scheme.models import Edition, Level

from .choices import ReasonCode
from .models import AnnualSelfAssessment, Registration
from .selectors import annual_rows, scheme_today
from .services.annual import annual_self_assessment_accept, annual_self_assessment_submit
from .services.lifecycle import registration_revoke, registration_suspend, registrations_lapse
from .services.registrations import registration_create
from .services.submissions import application_register, application_submit_for_registration

HIKARI_DENSHI = "2999901000088"  # supplier: an electronics maker (suspended)
HOKUSEI_BUTSURYU = "8999901000099"  # supplier: a logistics company (revoked)
YAMABIKO_SHOKUHIN = "6999901000101"  # supplier: a food maker (expired)

REGISTRATION_STAFF = "registration@scs-operator.example.jp"
ACCREDITATION_STAFF = "accreditation@accreditation.example.jp"
EXTERNAL_ADVISOR = "advisor@riss.example.jp"
MINATO_MEMBER = "member@minato.example.jp"
MINATO_EXECUTIVE = "executive@minato.example.jp"
SAKURA_ADMIN = "admin@sakura-it.example.jp"
EVALUATION_DECISION_MAKER = "decision@aoba-eval.example.jp"


@dataclass(frozen=True)
class DemoSupplier:
    corporate_number: str
    name: str
    name_kana: str
    name_en: str
    prefecture: str
    address: str
    industry: str
    size_band: str
    admin_email: str
    admin_name: str


SUPPLIERS = [
    DemoSupplier(
        HIKARI_DENSHI,
        "株式会社ひかり電子",
        "カブシキガイシャヒカリデンシ",
        "Hikari Electronics Co., Ltd.",
        "09",
        "宇都宮市光町1-1",
        "E",
        "101-300",
        "admin@hikari.example.jp",
        "光 正人",
    ),
    DemoSupplier(
        HOKUSEI_BUTSURYU,
        "北星物流株式会社",
        "ホクセイブツリュウカブシキガイシャ",
        "Hokusei Logistics Corporation",
        "01",
        "札幌市北区北七条西1-1",
        "H",
        "51-100",
        "admin@hokusei.example.jp",
        "北村 星子",
    ),
    DemoSupplier(
        YAMABIKO_SHOKUHIN,
        "株式会社やまびこ食品",
        "カブシキガイシャヤマビコショクヒン",
        "Yamabiko Foods Co., Ltd.",
        "20",
        "長野市山彦町2-2",
        "E",
        "21-50",
        "admin@yamabiko.example.jp",
        "山田 響",
    ),
]


@dataclass(frozen=True)
class DemoRegistration:
    holder: str  # 法人番号
    stars: int
    site: str  # the first site: the demo registration's natural key
    registered_days_ago: int
    infrastructure: str


def _user(email: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        raise ImproperlyConfigured(f"demo user {email} is missing (accounts and bodies demo data)")
    return user


def _organisation(corporate_number: str) -> Organisation:
    return Organisation.objects.get(corporate_number=corporate_number)


def _body(corporate_number: str) -> SchemeBody:
    return SchemeBody.objects.get(organisation__corporate_number=corporate_number)


def _find(holder: Organisation, stars: int, site: str) -> Registration | None:
    originals = Registration.objects.filter(
        organisation=holder, level__stars=stars, supersedes__isnull=True
    )
    for registration in originals:
        if (registration.scope.get("sites") or [None])[0] == site:
            return registration
    return None


def _scope(holder: Organisation, site: str, infrastructure: str) -> dict[str, Any]:
    return {
        "entities": [{"name": holder.name, "corporate_number": holder.corporate_number}],
        "sites": [site],
        "infrastructure": infrastructure,
        "cloud_services": "Microsoft 365",
        "all_it_outsourced": False,
    }


def _register(
    spec: DemoRegistration, *, today: datetime.date, renews: Registration | None = None
) -> Registration:
    holder = _organisation(spec.holder)
    existing = _find(holder, spec.stars, spec.site)
    if existing is not None:
        return existing
    four = spec.stars == 4
    return registration_create(
        organisation=holder,
        level=Level.objects.get(stars=spec.stars),
        edition=Edition.objects.get(code=settings.SCHEME_CURRENT_EDITION),
        scope=_scope(holder, spec.site, spec.infrastructure),
        registering_body=_body(
            accounts_demo.ACCREDITATION_BODY if four else accounts_demo.SCS_OPERATOR
        ),
        evaluation_body=_body(accounts_demo.EVALUATION_BODY) if four else None,
        by=_user(ACCREDITATION_STAFF if four else REGISTRATION_STAFF),
        registered_on=today - datetime.timedelta(days=spec.registered_days_ago),
        renews=renews,
    )


def _suppliers() -> None:
    for supplier in SUPPLIERS:
        organisation, _created = Organisation.objects.update_or_create(
            corporate_number=supplier.corporate_number,
            defaults={
                "name": supplier.name,
                "name_kana": supplier.name_kana,
                "name_en": supplier.name_en,
                "prefecture": supplier.prefecture,
                "address": supplier.address,
                "industry": supplier.industry,
                "size_band": supplier.size_band,
            },
        )
        user, created = User.objects.get_or_create(
            email=supplier.admin_email, defaults={"name": supplier.admin_name}
        )
        if created:
            user.set_password(accounts_demo.DEMO_PASSWORD)
            user.save()
        Membership.objects.update_or_create(
            user=user,
            organisation=organisation,
            defaults={"is_admin": True, "is_member": True, "is_executive": True},
        )


MINATO_SITE = "本社・全工場（横浜市中区ほか）"


def _journey(today: datetime.date) -> Registration:
    """みなと精機's ★3 through the whole journey, registered by the registration staff."""
    holder = _organisation(accounts_demo.MINATO_SEIKI)
    existing = _find(holder, 3, MINATO_SITE)
    if existing is not None:
        return existing
    member, executive = _user(MINATO_MEMBER), _user(MINATO_EXECUTIVE)
    advisor = _user(EXTERNAL_ADVISOR)
    application = application_start(
        organisation=holder,
        by=member,
        sites=[MINATO_SITE],
        infrastructure="全拠点のネットワーク（光回線2本）、PC 40台、生産管理サーバー1台、NAS 1台",
        cloud_services="Microsoft 365、クラウド会計ソフト",
    )
    for answer in Answer.objects.filter(application=application).order_by("criterion__position"):
        answer_save(
            answer=answer,
            by=member,
            status=Answer.Status.IMPLEMENTED,
            description="社内規程に定め、担当部署が定期的に実施して記録を残しています。",
            na_justification="",
            expected_version=answer.version,
        )
    engagement = engagement_invite(
        application=application,
        advisor=AdvisorProfile.objects.get(user=advisor),
        by=member,
        message="★3の自己評価の確認をお願いします。",
    )
    engagement_accept(
        engagement=engagement,
        by=advisor,
        no_conflict=True,
        coi_declaration="申請者との取引・資本・親族関係はなく、過去に助言したこともありません。",
    )
    application_submit_for_review(application=application, by=member)
    for answer in Answer.objects.filter(application=application).select_related("criterion"):
        criterion_review_record(
            application=application,
            criterion=answer.criterion,
            by=advisor,
            verdict="pass",
            comment="",
        )
    review_approve(application=application, by=advisor, summary="問題ありません。")
    declaration_sign(
        application=Application.objects.get(pk=application.pk),
        by=executive,
        signer_name=executive.name,
        signer_title="代表取締役",
        reauthenticated_at=timezone.now(),
    )
    application_submit_for_registration(
        application=Application.objects.get(pk=application.pk), by=member
    )
    return application_register(
        application=Application.objects.get(pk=application.pk), by=_user(REGISTRATION_STAFF)
    )


def _annual_accepted(registration: Registration) -> None:
    """The ★4 registration's first annual self-assessment, submitted by the holder and accepted
    by the evaluation body, when its window is open and it is not there yet."""
    if AnnualSelfAssessment.objects.filter(registration=registration, anniversary=1).exists():
        return
    first = next((row for row in annual_rows(registration) if row.anniversary == 1), None)
    if first is None or not first.can_submit:
        return
    record = annual_self_assessment_submit(
        registration=registration,
        anniversary=1,
        by=_user(SAKURA_ADMIN),
        measures_maintained=True,
        changes="監視サーバーを1台増設しました（既存と同じ構成・同じ対策を適用）。",
        incidents="なし",
        statement="年次の脆弱性診断を実施し、指摘事項はすべて対応済みです。",
    )
    annual_self_assessment_accept(
        assessment=record, by=_user(EVALUATION_DECISION_MAKER), comment="申告内容を確認しました。"
    )


def _ensure_prerequisites(stdout: TextIO) -> None:
    if not Edition.objects.filter(code=settings.SCHEME_CURRENT_EDITION).exists():
        from scheme.services import catalogue_load_all

        catalogue_load_all()
        stdout.write("certification: loaded the requirement catalogue first\n")
    if not User.objects.filter(email=REGISTRATION_STAFF).exists():
        from bodies import demo as bodies_demo

        bodies_demo.seed(stdout)


@transaction.atomic
def seed(stdout: TextIO) -> None:
    """Create the demo registrations that do not exist yet (idempotent)."""
    if not settings.DEMO_DATA_ALLOWED:
        raise ImproperlyConfigured("demo data is refused under these settings")
    _ensure_prerequisites(stdout)
    _suppliers()
    today = scheme_today()
    staff = _user(REGISTRATION_STAFF)
    _journey(today)
    _register(
        DemoRegistration(
            accounts_demo.SAKURA_IT,
            3,
            "本社（千代田区神田錦町3-3）・全部門",
            340,
            "本社のオフィスネットワーク、ノートPC 60台、社内向けサーバー3台",
        ),
        today=today,
    )
    four = _register(
        DemoRegistration(
            accounts_demo.SAKURA_IT,
            4,
            "データセンター（江東区）",
            400,
            "データセンターの運用基盤、監視サーバー、お客様システムへの専用線",
        ),
        today=today,
    )
    _annual_accepted(four)
    renewed = DemoRegistration(
        accounts_demo.TOWA_JIDOSHA,
        3,
        "部品調達部門（豊田市東和町1）",
        400,
        "調達部門のネットワーク、PC 30台",
    )
    old = _register(renewed, today=today)
    holder = _organisation(accounts_demo.TOWA_JIDOSHA)
    if not Registration.objects.filter(supersedes=old).exists():
        registration_create(
            organisation=holder,
            level=old.level,
            edition=old.edition,
            scope=old.scope,
            registering_body=old.registering_body,
            by=staff,
            renews=old,
            registered_on=old.valid_until - datetime.timedelta(days=20),
        )
    suspended = _register(
        DemoRegistration(
            HIKARI_DENSHI, 3, "本社工場（宇都宮市光町1-1）", 120, "工場のネットワーク"
        ),
        today=today,
    )
    if suspended.status == Registration.Status.ACTIVE:
        registration_suspend(
            registration=suspended,
            by=staff,
            reason_code=ReasonCode.INCIDENT,
            reason="ランサムウェア被害の報告を受け、対策の実施状況を確認しています。",
        )
    revoked = _register(
        DemoRegistration(
            HOKUSEI_BUTSURYU, 3, "札幌物流センター", 200, "倉庫管理端末とネットワーク"
        ),
        today=today,
    )
    if revoked.status == Registration.Status.ACTIVE:
        registration_revoke(
            registration=revoked,
            by=staff,
            reason_code=ReasonCode.FALSE_REPORT,
            reason="自己評価の内容に事実と異なる記載があることが確認されたため。",
        )
    _register(
        DemoRegistration(
            YAMABIKO_SHOKUHIN, 3, "本社（長野市山彦町2-2）", 420, "本社のネットワーク"
        ),
        today=today,
    )
    lapsed = registrations_lapse(today=today)
    stdout.write(
        f"certification: {Registration.objects.count()} registrations "
        f"({lapsed} lapse(s) recorded now)\n"
    )
