"""Demo scheme bodies, designations, body staff and advisors (`manage.py seed_demo`).

Runs after accounts.demo, whose organisations it gives scheme roles: the SCS operator is the
registration body, the accreditation centre designates the Aoba evaluation centre (★4), the
Kuroshio verification provider (★4) and Sakura IT as training provider (★3 and ★4). Every write
goes through the services (so the audit trail shows it), except the operator roles, which the
platform administrator would appoint.

Each demo user below signs in with accounts.demo.DEMO_PASSWORD and then with an authenticator
app: add the base32 secret (TOTP, SHA-1, 6 digits, 30 s) to any authenticator app by typing it
in. Idempotent: running it again changes nothing. Refused under production settings.

    e-mail                                   role                 TOTP secret
    registration@scs-operator.example.jp     registration staff   ONRXGLLEMVWW6LLSMVTWS43UOJQXI2LP
    accreditation@accreditation.example.jp   accreditation staff  ONRXGLLEMVWW6LLBMNRXEZLENF2GC5DJ
    evaluator@aoba-eval.example.jp           evaluator            ONRXGLLEMVWW6LLFOZQWY5LBORXXELJR
    lead@aoba-eval.example.jp                lead evaluator       ONRXGLLEMVWW6LLMMVQWILLFOZQWY5LB
    decision@aoba-eval.example.jp            decision maker       ONRXGLLEMVWW6LLEMVRWS43JN5XC23LL
    verifier@kuroshio.example.jp             technical verifier   ONRXGLLEMVWW6LLWMVZGSZTJMVZC2MBR
    advisor@riss.example.jp                  external advisor     ONRXGLLEMVWW6LLBMR3GS43POIWWK6DU
    advisor@minato.example.jp                internal advisor     ONRXGLLEMVWW6LLBMR3GS43POIWWS3TU

The external advisor holds a verified RISS registration (public in /advisors/); the internal
advisor works for Minato Seiki (a supplier) and is not listed publicly.

The administrators of the body organisations (created by accounts.demo) grant the staff roles,
which makes them privileged too; they get authenticator apps here:

    operator@scs-operator.example.jp         body admin           ONRXGLLEMVWW6LLBMRWWS3RNN5YGK4RR
    admin@accreditation.example.jp           body admin           ONRXGLLEMVWW6LLBMRWWS3RNMFRWG4RR
    admin@aoba-eval.example.jp               body admin           ONRXGLLEMVWW6LLBMRWWS3RNMFXWEYJR
    admin@kuroshio.example.jp                body admin           ONRXGLLEMVWW6LLBMRWWS3RNNN2XE3ZR
    admin@sakura-it.example.jp               body admin           ONRXGLLEMVWW6LLBMRWWS3RNONQWW5JR
"""

import datetime
from dataclasses import dataclass
from typing import TextIO

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from accounts import demo as accounts_demo
from accounts.models import Membership, Organisation, User
from core.services import audit_record
from scheme.models import Level

from .choices import BodyRole, StaffRole
from .models import (
    AdvisorProfile,
    BodyStaff,
    Designation,
    Qualification,
    SchemeBody,
    SchemeBodyRole,
)
from .services import (
    AdvisorProfileData,
    QualificationData,
    advisor_profile_create,
    body_staff_grant,
    designation_grant,
    qualification_add,
    qualification_verify,
)

DESIGNATIONS_FROM = datetime.date(2026, 4, 1)

# The operator roles, appointed by the platform administrator.
OPERATOR_ROLES = [
    (accounts_demo.SCS_OPERATOR, BodyRole.REGISTRATION),
    (accounts_demo.ACCREDITATION_BODY, BodyRole.ACCREDITATION),
]
# (body, role, star levels, first day): granted by the accreditation staff below.
DESIGNATIONS = [
    (accounts_demo.EVALUATION_BODY, BodyRole.EVALUATION, (4,), DESIGNATIONS_FROM),
    (accounts_demo.VERIFICATION_PROVIDER, BodyRole.VERIFICATION, (4,), DESIGNATIONS_FROM),
    (accounts_demo.SAKURA_IT, BodyRole.TRAINING, (3, 4), datetime.date(2026, 10, 1)),
]


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    totp_secret: str
    organisation: str | None = None  # 法人番号 of their employer
    staff_role: str | None = None  # a StaffRole at their organisation's scheme body


PEOPLE = [
    DemoPerson(
        "registration@scs-operator.example.jp",
        "登録 担当",
        "ONRXGLLEMVWW6LLSMVTWS43UOJQXI2LP",
        accounts_demo.SCS_OPERATOR,
        StaffRole.REGISTRATION_STAFF,
    ),
    DemoPerson(
        "accreditation@accreditation.example.jp",
        "指定 担当",
        "ONRXGLLEMVWW6LLBMNRXEZLENF2GC5DJ",
        accounts_demo.ACCREDITATION_BODY,
        StaffRole.ACCREDITATION_STAFF,
    ),
    DemoPerson(
        "evaluator@aoba-eval.example.jp",
        "青葉 評価",
        "ONRXGLLEMVWW6LLFOZQWY5LBORXXELJR",
        accounts_demo.EVALUATION_BODY,
        StaffRole.EVALUATOR,
    ),
    DemoPerson(
        "lead@aoba-eval.example.jp",
        "青葉 主任",
        "ONRXGLLEMVWW6LLMMVQWILLFOZQWY5LB",
        accounts_demo.EVALUATION_BODY,
        StaffRole.LEAD_EVALUATOR,
    ),
    DemoPerson(
        "decision@aoba-eval.example.jp",
        "青葉 判定",
        "ONRXGLLEMVWW6LLEMVRWS43JN5XC23LL",
        accounts_demo.EVALUATION_BODY,
        StaffRole.DECISION_MAKER,
    ),
    DemoPerson(
        "verifier@kuroshio.example.jp",
        "黒潮 検証",
        "ONRXGLLEMVWW6LLWMVZGSZTJMVZC2MBR",
        accounts_demo.VERIFICATION_PROVIDER,
        StaffRole.VERIFIER,
    ),
    DemoPerson(
        "advisor@riss.example.jp",
        "安全 守",
        "ONRXGLLEMVWW6LLBMR3GS43POIWWK6DU",
    ),
    DemoPerson(
        "advisor@minato.example.jp",
        "港 セキュリティ",
        "ONRXGLLEMVWW6LLBMR3GS43POIWWS3TU",
        accounts_demo.MINATO_SEIKI,
    ),
]

# Administrators of the body organisations (accounts.demo users) and their TOTP secrets.
BODY_ADMIN_SECRETS = {
    "operator@scs-operator.example.jp": "ONRXGLLEMVWW6LLBMRWWS3RNN5YGK4RR",
    "admin@accreditation.example.jp": "ONRXGLLEMVWW6LLBMRWWS3RNMFRWG4RR",
    "admin@aoba-eval.example.jp": "ONRXGLLEMVWW6LLBMRWWS3RNMFXWEYJR",
    "admin@kuroshio.example.jp": "ONRXGLLEMVWW6LLBMRWWS3RNNN2XE3ZR",
    "admin@sakura-it.example.jp": "ONRXGLLEMVWW6LLBMRWWS3RNONQWW5JR",
}

EXTERNAL_ADVISOR = AdvisorProfileData(
    display_name="安全 守（安全セキュリティ事務所）",
    mode=AdvisorProfile.Mode.EXTERNAL,
    prefectures=("13", "14", "11", "12"),
    industries=("E", "G", "H"),
    speaks_japanese=True,
    speaks_english=True,
    bio=(
        "情報処理安全確保支援士。製造業・物流業の中小企業を中心に、★3の自己評価の確認と"
        "社内ルールづくりを支援しています。オンライン相談にも対応します。"
    ),
    contact_email="advisor@riss.example.jp",
    is_public=True,
    coi_statement="なし",
)
EXTERNAL_RISS = QualificationData(
    kind=Qualification.Kind.RISS,
    number="024681",
    obtained_on=datetime.date(2025, 10, 1),
    expires_on=datetime.date(2028, 9, 30),
    evidence_note="IPAの登録セキスペ検索で登録番号024681を確認できます。",
)
INTERNAL_RISS = QualificationData(
    kind=Qualification.Kind.RISS,
    number="013579",
    obtained_on=datetime.date(2025, 4, 1),
    expires_on=datetime.date(2028, 3, 31),
    evidence_note="登録証の写しを提示できます。",
)


def _user(person: DemoPerson) -> User:
    user, created = User.objects.get_or_create(email=person.email, defaults={"name": person.name})
    if created or not user.check_password(accounts_demo.DEMO_PASSWORD):
        user.set_password(accounts_demo.DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=person.email, defaults={"verified": True, "primary": True}
    )
    _ensure_totp(user, person.totp_secret)
    if person.organisation:
        Membership.objects.get_or_create(
            user=user, organisation=Organisation.objects.get(corporate_number=person.organisation)
        )
    return user


def _ensure_totp(user: User, secret: str) -> None:
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        # activate() stores the secret through the MFA adapter, which encrypts it.
        TOTP.activate(user, secret)


def _admin_of(organisation: Organisation) -> User:
    membership = (
        Membership.objects.filter(organisation=organisation, is_admin=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise ImproperlyConfigured(f"accounts.demo gives {organisation} no administrator")
    return membership.user


def _grant_staff(user: User, person: DemoPerson) -> None:
    if person.organisation is None or person.staff_role is None:
        return
    body = SchemeBody.objects.get(organisation__corporate_number=person.organisation)
    if not BodyStaff.objects.filter(
        user=user, body=body, role=person.staff_role, active=True
    ).exists():
        body_staff_grant(
            body=body, user=user, role=person.staff_role, by=_admin_of(body.organisation)
        )


def _advisor(user: User, data: AdvisorProfileData, riss: QualificationData) -> AdvisorProfile:
    profile = AdvisorProfile.objects.filter(user=user).first()
    if profile is None:
        profile = advisor_profile_create(by=user, data=data, coi_confirmed=True)
    qualification = profile.qualifications.filter(kind=riss.kind, number=riss.number).first()
    if qualification is None:
        qualification = qualification_add(advisor=profile, by=user, data=riss)
    if qualification.status == Qualification.Status.UNVERIFIED:
        registration_staff = User.objects.get(email=PEOPLE[0].email)
        qualification_verify(qualification=qualification, by=registration_staff)
    return profile


@transaction.atomic
def seed(stdout: TextIO) -> None:
    """Create or update the demo bodies, designations, staff and advisors (idempotent)."""
    if not settings.DEMO_DATA_ALLOWED:
        raise ImproperlyConfigured("demo data is refused under these settings")
    for number, role in OPERATOR_ROLES:
        body, _created = SchemeBody.objects.get_or_create(
            organisation=Organisation.objects.get(corporate_number=number)
        )
        _role, created = SchemeBodyRole.objects.get_or_create(body=body, role=role)
        if created:
            audit_record(action="bodies.role.granted", obj=body, data={"role": role})
    for email, secret in BODY_ADMIN_SECRETS.items():
        admin = User.objects.filter(email=email).first()
        if admin is not None:
            _ensure_totp(admin, secret)
    users = {person.email: _user(person) for person in PEOPLE}
    for person in PEOPLE[:2]:  # the operator's staff first: they grant and verify the rest
        _grant_staff(users[person.email], person)
    accreditation_staff = users[PEOPLE[1].email]
    for number, role, stars, valid_from in DESIGNATIONS:
        if not Designation.objects.filter(
            body__organisation__corporate_number=number, role=role
        ).exists():
            designation_grant(
                organisation=Organisation.objects.get(corporate_number=number),
                role=role,
                levels=_levels(stars),
                valid_from=valid_from,
                by=accreditation_staff,
            )
    for person in PEOPLE[2:]:
        _grant_staff(users[person.email], person)
    _advisor(users["advisor@riss.example.jp"], EXTERNAL_ADVISOR, EXTERNAL_RISS)
    minato = Organisation.objects.get(corporate_number=accounts_demo.MINATO_SEIKI)
    _advisor(
        users["advisor@minato.example.jp"],
        AdvisorProfileData(
            display_name="港 セキュリティ（みなと精機 情報システム課）",
            mode=AdvisorProfile.Mode.INTERNAL,
            employer=minato,
            prefectures=("14",),
            industries=("E",),
            bio="みなと精機の社内専門家として★3の自己評価を確認します。",
            is_public=False,
            coi_statement="株式会社みなと精機の従業員です。",
        ),
        INTERNAL_RISS,
    )
    stdout.write(
        f"bodies: {len(OPERATOR_ROLES) + len(DESIGNATIONS)} scheme bodies, {len(PEOPLE)} "
        "privileged demo users (TOTP secrets in bodies/demo.py)\n"
    )


def _levels(stars: tuple[int, ...]) -> list[Level]:
    levels = list(Level.objects.filter(stars__in=stars))
    if len(levels) != len(stars):
        raise ImproperlyConfigured("load the catalogue first (manage.py load_catalogue)")
    return levels
