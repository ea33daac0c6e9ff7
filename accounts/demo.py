"""Demo organisations and people for trying the portal (`manage.py seed_demo`).

Idempotent: organisations are matched by 法人番号 and users by e-mail, so running it again
changes nothing. Refused under production settings (DEMO_DATA_ALLOWED). The corporate numbers
are fictitious (registry-office code 9999, which does not exist) but have valid check digits.
Every demo user signs in with DEMO_PASSWORD; e-mail addresses are verified already.

The bodies app attaches scheme-body roles to the body organisations through the constants below.
"""

from dataclasses import dataclass
from typing import Any, TextIO

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from .corporate_number import normalise_corporate_number
from .models import Membership, Organisation, User

DEMO_PASSWORD = "scs-demo-password-2027"  # noqa: S105 (documented demo credential)

# 法人番号 of the demo organisations (importable by other apps' demo data).
MINATO_SEIKI = "5999901000011"  # supplier: a small manufacturer
SAKURA_IT = "2999901000022"  # supplier: an IT service company
TOWA_JIDOSHA = "8999901000033"  # procurer: a car maker
SCS_OPERATOR = "1999905000044"  # scheme operator / registration body
ACCREDITATION_BODY = "7999905000055"  # accreditation (designation) body
EVALUATION_BODY = "8999901000066"  # ★4 evaluation body
VERIFICATION_PROVIDER = "5999901000077"  # technical verification provider


@dataclass(frozen=True)
class DemoOrganisation:
    corporate_number: str
    name: str
    name_kana: str
    name_en: str
    prefecture: str
    address: str
    industry: str
    size_band: str


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    organisation: str  # corporate number
    roles: tuple[str, ...]
    language: str = "ja"
    is_staff: bool = False
    permissions: tuple[str, ...] = ()


ORGANISATIONS = [
    DemoOrganisation(
        MINATO_SEIKI,
        "株式会社みなと精機",
        "カブシキガイシャミナトセイキ",
        "Minato Seiki Co., Ltd.",
        "14",
        "横浜市中区海岸通1-1",
        "E",
        "21-50",
    ),
    DemoOrganisation(
        SAKURA_IT,
        "さくらITサービス株式会社",
        "サクラアイティーサービスカブシキガイシャ",
        "Sakura IT Services Inc.",
        "13",
        "千代田区神田錦町3-3",
        "G",
        "51-100",
    ),
    DemoOrganisation(
        TOWA_JIDOSHA,
        "東和自動車株式会社",
        "トウワジドウシャカブシキガイシャ",
        "Towa Motor Corporation",
        "23",
        "豊田市東和町1",
        "E",
        "1001+",
    ),
    DemoOrganisation(
        SCS_OPERATOR,
        "一般社団法人SCS評価制度運営機構",
        "エスシーエスヒョウカセイドウンエイキコウ",
        "SCS Scheme Operation Organisation",
        "13",
        "文京区本駒込2-28-8",
        "S",
        "101-300",
    ),
    DemoOrganisation(
        ACCREDITATION_BODY,
        "一般財団法人セキュリティ評価認定センター",
        "セキュリティヒョウカニンテイセンター",
        "Security Evaluation Accreditation Centre",
        "13",
        "港区芝公園1-1",
        "L",
        "51-100",
    ),
    DemoOrganisation(
        EVALUATION_BODY,
        "株式会社あおば評価センター",
        "カブシキガイシャアオバヒョウカセンター",
        "Aoba Evaluation Centre Co., Ltd.",
        "04",
        "仙台市青葉区一番町2-2",
        "L",
        "21-50",
    ),
    DemoOrganisation(
        VERIFICATION_PROVIDER,
        "株式会社くろしお技術検証",
        "カブシキガイシャクロシオギジュツケンショウ",
        "Kuroshio Technical Verification Co., Ltd.",
        "40",
        "福岡市博多区博多駅前3-3",
        "G",
        "6-20",
    ),
]

USERS = [
    DemoUser("admin@minato.example.jp", "港 太郎", MINATO_SEIKI, ("admin", "member")),
    DemoUser("member@minato.example.jp", "浜田 花子", MINATO_SEIKI, ("member",)),
    DemoUser("executive@minato.example.jp", "港 一郎", MINATO_SEIKI, ("executive",)),
    DemoUser(
        "admin@sakura-it.example.jp",
        "Emily Sato",
        SAKURA_IT,
        ("admin", "member", "executive"),
        language="en",
    ),
    DemoUser("admin@towa.example.jp", "東 和夫", TOWA_JIDOSHA, ("admin", "member")),
    DemoUser("procurer@towa.example.jp", "調達 さくら", TOWA_JIDOSHA, ("procurer",)),
    DemoUser(
        "operator@scs-operator.example.jp",
        "運営 事務局",
        SCS_OPERATOR,
        ("admin", "member"),
        is_staff=True,
        permissions=("core.view_auditevent", "accounts.view_organisation"),
    ),
    DemoUser("admin@accreditation.example.jp", "認定 管理者", ACCREDITATION_BODY, ("admin",)),
    DemoUser("admin@aoba-eval.example.jp", "青葉 管理者", EVALUATION_BODY, ("admin",)),
    DemoUser("admin@kuroshio.example.jp", "黒潮 管理者", VERIFICATION_PROVIDER, ("admin",)),
]


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def seed(stdout: TextIO) -> None:
    """Create or update the demo organisations and users (idempotent)."""
    if not settings.DEMO_DATA_ALLOWED:
        raise ImproperlyConfigured("demo data is refused under these settings")
    organisations: dict[str, Organisation] = {}
    for demo in ORGANISATIONS:
        number = normalise_corporate_number(demo.corporate_number)
        defaults: dict[str, Any] = {
            "name": demo.name,
            "name_kana": demo.name_kana,
            "name_en": demo.name_en,
            "prefecture": demo.prefecture,
            "address": demo.address,
            "industry": demo.industry,
            "size_band": demo.size_band,
        }
        organisations[number], _created = Organisation.objects.update_or_create(
            corporate_number=number, defaults=defaults
        )
    for person in USERS:
        user, created = User.objects.get_or_create(
            email=person.email,
            defaults={"name": person.name, "language": person.language},
        )
        changed = created or (user.name, user.language, user.is_staff) != (
            person.name,
            person.language,
            person.is_staff,
        )
        user.name, user.language, user.is_staff = person.name, person.language, person.is_staff
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            changed = True
        if changed:
            user.save()
        for dotted in person.permissions:
            user.user_permissions.add(_permission(dotted))
        EmailAddress.objects.update_or_create(
            user=user, email=person.email, defaults={"verified": True, "primary": True}
        )
        Membership.objects.update_or_create(
            user=user,
            organisation=organisations[person.organisation],
            defaults={f"is_{role}": role in person.roles for role in Membership.Role.values},
        )
    stdout.write(
        f"accounts: {len(ORGANISATIONS)} organisations, {len(USERS)} users "
        f"(password: {DEMO_PASSWORD})\n"
    )
