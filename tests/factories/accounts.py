"""Factories for people, organisations, memberships, invitations and sessions.

Users are e-mail-verified (an allauth EmailAddress, verified and primary) so they can sign in
through the real login form. Organisations get valid 法人番号 from their own number range.

    admin = UserFactory.create()
    org = OrganisationFactory.create(admins=[admin], members=[colleague])
    MembershipFactory.create(organisation=org, is_executive=True)
    invitation, token = InvitationFactory.create_with_token(organisation=org, invited_by=admin)
"""

import datetime
import secrets
from typing import Any

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.corporate_number import check_digit
from accounts.models import Invitation, Membership, Organisation, User
from accounts.selectors import hash_token

PASSWORD = "correct horse battery staple"  # 28 characters: long enough for every role
# allauth keeps per-address rate limits in the shared Redis cache, which outlives a test run;
# addresses differ from run to run so that an earlier run's failed logins never count.
RUN = secrets.token_hex(3)


def corporate_number(n: int) -> str:
    """A valid 法人番号 from sequence number `n` (a range the other factories do not use)."""
    base = f"{5_100_000_000 + n:012d}"
    return f"{check_digit(base)}{base}"


def _verify_email(user: User, create: bool, extracted: bool | None, **_: Any) -> None:
    if create and extracted is not False:
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )


class UserFactory(DjangoModelFactory[User]):
    """A person with a verified e-mail address and the password `PASSWORD`."""

    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}-{RUN}@accounts.example.jp")
    name = factory.Sequence(lambda n: f"利用者 {n}")
    language = "ja"
    password = factory.django.Password(PASSWORD)
    verified = factory.PostGeneration(_verify_email)


def _add_people(role: str) -> Any:
    def add(org: Organisation, create: bool, extracted: list[User] | None, **_: Any) -> None:
        if create and extracted:
            for user in extracted:
                membership, _created = Membership.objects.get_or_create(user=user, organisation=org)
                setattr(membership, f"is_{role}", True)
                membership.save()

    return add


class OrganisationFactory(DjangoModelFactory[Organisation]):
    """A company in Tokyo; `admins=[...]`, `members=[...]`, `executives=[...]` and
    `procurers=[...]` add people with those roles."""

    class Meta:
        model = Organisation
        django_get_or_create = ("corporate_number",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"株式会社アカウント{n}")
    name_kana = factory.Sequence(lambda n: f"アカウント{n}")
    name_en = factory.Sequence(lambda n: f"Account {n} Co., Ltd.")
    corporate_number = factory.Sequence(corporate_number)
    prefecture = "13"
    address = "千代田区丸の内1-1-1"
    industry = "E"
    size_band = "21-50"
    admins = factory.PostGeneration(_add_people("admin"))
    members = factory.PostGeneration(_add_people("member"))
    executives = factory.PostGeneration(_add_people("executive"))
    procurers = factory.PostGeneration(_add_people("procurer"))


class MembershipFactory(DjangoModelFactory[Membership]):
    """A plain member (role "member") unless other flags are given."""

    class Meta:
        model = Membership
        django_get_or_create = ("user", "organisation")

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    is_member = True


class InvitationFactory(DjangoModelFactory[Invitation]):
    """A pending invitation valid for 7 days; use `create_with_token` to know its token."""

    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}-{RUN}@accounts.example.jp")
    roles = factory.LazyFunction(lambda: ["member"])
    token_hash = factory.Sequence(lambda n: hash_token(f"factory-token-{n}"))
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    invited_by = factory.SubFactory(UserFactory)

    @classmethod
    def create_with_token(cls, **kwargs: Any) -> tuple[Invitation, str]:
        token = secrets.token_urlsafe(32)
        return cls.create(token_hash=hash_token(token), **kwargs), token
