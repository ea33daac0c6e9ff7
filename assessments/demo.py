"""Demo ★3 applications at every stage of the first half of the journey (`manage.py seed_demo`).

For the demo suppliers of accounts.demo: みなと精機 has a partly filled draft, one in review with
its internal advisor, one returned by the external advisor and one approved; さくらITサービス has
one declared by its executive and, when the registration body's services are present, one
submitted to it. When the registration part (certification) is present too, みなと精機's ★3
for the whole company is registered by the registration body (the journey that
certification.demo shows; it finds this registration by its scope and does not make another),
and a renewal of it is in progress: a draft pre-filled from last year, with the answers of the
first category confirmed and one carried-over evidence file (a vulnerability scan report) still
to re-confirm. Every step goes through the services, as a user would make it.

Idempotent: a demo application is recognised by its organisation and its (unique) list of sites,
so running the command again changes nothing. Needs the catalogue (loaded first when missing) and
the demo advisors of bodies.demo (seeded first when missing).
"""

from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec
from typing import Any, TextIO

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.models import Organisation, User
from bodies.models import AdvisorProfile
from scheme.models import Edition

from .models import Answer, Application
from .services.applications import answer_save, application_start
from .services.declarations import declaration_sign
from .services.engagements import engagement_accept, engagement_invite
from .services.evidence import evidence_upload
from .services.renewals import answers_confirm_unchanged, application_renew, evidence_reconfirm
from .services.reviews import (
    application_submit_for_review,
    criterion_review_record,
    review_approve,
    review_return,
)

EXTERNAL_ADVISOR = "advisor@riss.example.jp"
INTERNAL_ADVISOR = "advisor@minato.example.jp"
MINATO_MEMBER = "member@minato.example.jp"
MINATO_EXECUTIVE = "executive@minato.example.jp"
SAKURA_ADMIN = "admin@sakura-it.example.jp"  # member and executive at once
REGISTRATION_STAFF = "registration@scs-operator.example.jp"

STAGES = ("draft", "in_review", "returned", "approved", "declared", "submitted")


@dataclass(frozen=True)
class DemoApplication:
    organisation: str  # 法人番号 (accounts.demo)
    stage: str
    sites: tuple[str, ...]
    infrastructure: str
    cloud_services: str
    member: str
    executive: str
    advisor: str


APPLICATIONS = [
    DemoApplication(
        accounts_demo.MINATO_SEIKI,
        "draft",
        ("本社（横浜市中区海岸通1-1）",),
        "本社のオフィスネットワーク（光回線1本、無線LAN）、ノートPC 25台、NAS 1台",
        "Microsoft 365（メール・ファイル共有）、クラウド会計ソフト",
        MINATO_MEMBER,
        MINATO_EXECUTIVE,
        EXTERNAL_ADVISOR,
    ),
    DemoApplication(
        accounts_demo.MINATO_SEIKI,
        "in_review",
        ("第一工場（相模原市中央区）",),
        "工場事務所のネットワーク、生産管理サーバー1台、事務用PC 10台",
        "生産管理システムの保守リモート接続（委託先経由）",
        MINATO_MEMBER,
        MINATO_EXECUTIVE,
        INTERNAL_ADVISOR,
    ),
    DemoApplication(
        accounts_demo.MINATO_SEIKI,
        "returned",
        ("設計センター（横浜市西区）",),
        "設計部門のネットワーク、CADワークステーション8台、ファイルサーバー1台",
        "設計データ共有用のクラウドストレージ",
        MINATO_MEMBER,
        MINATO_EXECUTIVE,
        EXTERNAL_ADVISOR,
    ),
    DemoApplication(
        accounts_demo.MINATO_SEIKI,
        "approved",
        ("物流センター（川崎市川崎区）",),
        "物流センターの倉庫管理端末12台とインターネット回線1本",
        "クラウド型の倉庫管理サービス",
        MINATO_MEMBER,
        MINATO_EXECUTIVE,
        EXTERNAL_ADVISOR,
    ),
    DemoApplication(
        accounts_demo.SAKURA_IT,
        "declared",
        ("本社（千代田区神田錦町3-3）",),
        "本社のオフィスネットワーク、ノートPC 60台、社内向けサーバー3台",
        "Google Workspace、クラウドの顧客管理システム",
        SAKURA_ADMIN,
        SAKURA_ADMIN,
        EXTERNAL_ADVISOR,
    ),
    DemoApplication(
        accounts_demo.SAKURA_IT,
        "submitted",
        ("データセンター運用チーム（江東区）",),
        "運用監視用の端末15台と監視サーバー2台（お客様のシステムには専用線で接続）",
        "監視基盤（IaaS）",
        SAKURA_ADMIN,
        SAKURA_ADMIN,
        EXTERNAL_ADVISOR,
    ),
]

DESCRIPTIONS = (
    "社内規程「情報セキュリティ基本規程」に定め、総務部が年1回見直しています。",
    "手順書を作成し、担当者が毎月実施して記録を残しています。",
    "設定画面の写しを根拠資料として添付しています。担当は情報システム課です。",
)


def _user(email: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        raise ImproperlyConfigured(f"demo user {email} is missing (accounts and bodies demo data)")
    return user


def _fill(application: Application, by: User, *, share: float = 1.0) -> None:
    answers = list(
        Answer.objects.filter(application=application)
        .select_related("criterion")
        .order_by("criterion__position")
    )
    count = round(len(answers) * share)
    for index, answer in enumerate(answers[:count]):
        not_applicable = index % 17 == 16
        answer_save(
            answer=answer,
            by=by,
            status=Answer.Status.NOT_APPLICABLE if not_applicable else Answer.Status.IMPLEMENTED,
            description="" if not_applicable else DESCRIPTIONS[index % len(DESCRIPTIONS)],
            na_justification=(
                "対象範囲に該当する設備・業務がありません。" if not_applicable else ""
            ),
            expected_version=answer.version,
        )


def _engage(application: Application, member: User, advisor_email: str) -> User:
    advisor_user = _user(advisor_email)
    engagement = engagement_invite(
        application=application,
        advisor=AdvisorProfile.objects.get(user=advisor_user),
        by=member,
        message="★3の自己評価の確認をお願いします。",
    )
    engagement_accept(
        engagement=engagement,
        by=advisor_user,
        no_conflict=True,
        coi_declaration=(
            "申請者の従業員として社内で確認します。"
            if engagement.kind == engagement.Kind.INTERNAL
            else "申請者との取引・資本・親族関係はなく、過去に助言したこともありません。"
        ),
    )
    return advisor_user


def _review(application: Application, advisor: User, *, return_one: bool) -> None:
    answers = Answer.objects.filter(application=application).select_related("criterion")
    for index, answer in enumerate(answers.order_by("criterion__position")):
        needs_work = return_one and index == 0
        criterion_review_record(
            application=application,
            criterion=answer.criterion,
            by=advisor,
            verdict="needs_work" if needs_work else "pass",
            comment=("規程の改定日と承認者が分かる資料を添付してください。" if needs_work else ""),
        )
    if return_one:
        review_return(application=application, by=advisor, summary="1件のみ修正をお願いします。")
    else:
        review_approve(application=application, by=advisor, summary="問題ありません。")


def _refresh(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


def _registration_submit() -> Any:
    """The registration body's submit service, when that part of the app is present."""
    name = f"{__package__}.services.registration"
    if find_spec(name) is None:
        return None
    return getattr(import_module(name), "application_submit", None)


def _build(spec: DemoApplication) -> Application | None:
    organisation = Organisation.objects.get(corporate_number=spec.organisation)
    member, executive = _user(spec.member), _user(spec.executive)
    submit = _registration_submit()
    if spec.stage == "submitted" and submit is None:
        return None
    application = application_start(
        organisation=organisation,
        by=member,
        sites=list(spec.sites),
        infrastructure=spec.infrastructure,
        cloud_services=spec.cloud_services,
    )
    stage = STAGES.index(spec.stage)
    _fill(application, member, share=0.5 if spec.stage == "draft" else 1.0)
    if stage == 0:
        return application
    advisor = _engage(application, member, spec.advisor)
    application_submit_for_review(application=application, by=member)
    if stage >= 2:
        _review(_refresh(application), advisor, return_one=spec.stage == "returned")
    if stage >= 4:
        declaration_sign(
            application=_refresh(application),
            by=executive,
            signer_name=executive.name,
            signer_title="代表取締役",
            reauthenticated_at=timezone.now(),
        )
    if stage >= 5:
        submit(application=_refresh(application), by=member)
    return _refresh(application)


# The renewal in progress: みなと精機's registered ★3 for the whole company (the same scope as
# certification.demo's journey, which therefore reuses it) and its renewal.
RENEWAL_SITE = "本社・全工場（横浜市中区ほか）"
RENEWAL_EVIDENCE = (
    ("情報セキュリティ基本規程.pdf", 0),  # supports the first criterion; re-confirmed
    ("脆弱性診断報告書.pdf", 3),  # supports the fourth; still to re-confirm
)
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _certification_register() -> Any:
    """The registration body's register service, when the certification app is present."""
    name = "certification.services.submissions"
    if find_spec("certification") is None or find_spec(name) is None:
        return None
    return getattr(import_module(name), "application_register", None)


def _registered_for_renewal(member: User, executive: User) -> Application | None:
    """みなと精機's ★3 for the whole company taken through the whole journey to registration,
    with two evidence files (None when the registration part is missing)."""
    register = _certification_register()
    submit = _registration_submit()
    staff = User.objects.filter(email=REGISTRATION_STAFF).first()
    if register is None or submit is None or staff is None:
        return None
    organisation = Organisation.objects.get(corporate_number=accounts_demo.MINATO_SEIKI)
    application = application_start(
        organisation=organisation,
        by=member,
        sites=[RENEWAL_SITE],
        infrastructure="全拠点のネットワーク（光回線2本）、PC 40台、生産管理サーバー1台、NAS 1台",
        cloud_services="Microsoft 365、クラウド会計ソフト",
    )
    _fill(application, member)
    answers = list(
        Answer.objects.filter(application=application).order_by("criterion__position")[:4]
    )
    for name, index in RENEWAL_EVIDENCE:
        evidence_upload(
            application=application,
            by=member,
            upload=SimpleUploadedFile(name, DEMO_PDF, content_type="application/pdf"),
            answers=[answers[index]],
        )
    advisor = _engage(application, member, EXTERNAL_ADVISOR)
    application_submit_for_review(application=application, by=member)
    _review(_refresh(application), advisor, return_one=False)
    declaration_sign(
        application=_refresh(application),
        by=executive,
        signer_name=executive.name,
        signer_title="代表取締役",
        reauthenticated_at=timezone.now(),
    )
    submit(application=_refresh(application), by=member)
    register(application=_refresh(application), by=staff)
    return _refresh(application)


def _renewal_in_progress() -> Application | None:
    """The draft renewal of みなと精機's registration: the first category confirmed, the
    vulnerability scan report still to re-confirm (idempotent)."""
    organisation = Organisation.objects.get(corporate_number=accounts_demo.MINATO_SEIKI)
    mine = Application.objects.filter(organisation=organisation, sites=[RENEWAL_SITE])
    existing = mine.filter(renewal_of__isnull=False).first()
    if existing is not None:
        return existing
    member, executive = _user(MINATO_MEMBER), _user(MINATO_EXECUTIVE)
    previous = mine.filter(status=Application.Status.REGISTERED).first()
    if previous is None:
        previous = _registered_for_renewal(member, executive)
    if previous is None:
        return None
    renewal = application_renew(previous=previous, by=member)
    first_category = renewal.edition.categories.order_by("position").first()
    answers_confirm_unchanged(application=renewal, by=member, category=first_category)
    policy = renewal.evidence_files.get(original_name=RENEWAL_EVIDENCE[0][0])
    evidence_reconfirm(evidence=policy, by=member)
    return renewal


def _ensure_prerequisites(stdout: TextIO) -> None:
    if not Edition.objects.filter(code=settings.SCHEME_CURRENT_EDITION).exists():
        from scheme.services import catalogue_load_all

        catalogue_load_all()
        stdout.write("assessments: loaded the requirement catalogue first\n")
    advisors = AdvisorProfile.objects.filter(user__email__in=[EXTERNAL_ADVISOR, INTERNAL_ADVISOR])
    if advisors.count() != 2:
        from bodies import demo as bodies_demo

        bodies_demo.seed(stdout)


@transaction.atomic
def seed(stdout: TextIO) -> None:
    """Create the demo applications that do not exist yet (idempotent)."""
    if not settings.DEMO_DATA_ALLOWED:
        raise ImproperlyConfigured("demo data is refused under these settings")
    _ensure_prerequisites(stdout)
    created = 0
    for spec in APPLICATIONS:
        organisation = Organisation.objects.get(corporate_number=spec.organisation)
        if Application.objects.filter(organisation=organisation, sites=list(spec.sites)).exists():
            continue
        if _build(spec) is not None:
            created += 1
    renewal = _renewal_in_progress()
    stdout.write(
        f"assessments: {created} demo ★3 application(s) created, "
        f"{Application.objects.count()} in all"
        + (f"; renewal {renewal.reference} in progress" if renewal else "")
        + "\n"
    )
