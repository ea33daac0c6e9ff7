"""The demo data: idempotent, and every demo user can sign in with the documented TOTP secret."""

import io

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.models import User
from bodies import demo
from bodies.models import AdvisorProfile, BodyStaff, Designation, Qualification, SchemeBodyRole
from bodies.selectors import (
    advisor_directory,
    advisor_is_qualified,
    scheme_body_directory,
    user_privileged_roles,
)
from core.models import AuditEvent
from tests.factories.scheme import LevelFactory

pytestmark = pytest.mark.django_db


def seed_all() -> None:
    accounts_demo.seed(io.StringIO())
    demo.seed(io.StringIO())


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            User,
            SchemeBodyRole,
            Designation,
            BodyStaff,
            AdvisorProfile,
            Qualification,
            Authenticator,
            AuditEvent,
        )
    )


def test_the_demo_seed_is_idempotent_and_complete():
    LevelFactory.create(stars=3)
    LevelFactory.create(stars=4)
    seed_all()
    first = counts()
    seed_all()
    assert counts() == first
    assert Designation.objects.count() == 3
    assert all(designation.is_currently_valid for designation in Designation.objects.all())
    assert scheme_body_directory().count() == 5
    expected_roles = {
        "registration@scs-operator.example.jp": ["registration_staff"],
        "accreditation@accreditation.example.jp": ["accreditation_staff"],
        "evaluator@aoba-eval.example.jp": ["evaluator"],
        "lead@aoba-eval.example.jp": ["lead_evaluator"],
        "decision@aoba-eval.example.jp": ["decision_maker"],
        "verifier@kuroshio.example.jp": ["verifier"],
        "advisor@riss.example.jp": ["advisor"],
        "advisor@minato.example.jp": ["advisor"],
    }
    secrets = {person.email: person.totp_secret for person in demo.PEOPLE}
    for person in demo.PEOPLE:
        user = User.objects.get(email=person.email)
        assert user_privileged_roles(user) == expected_roles[person.email]
    for email in demo.BODY_ADMIN_SECRETS:
        assert "scheme_body_admin" in user_privileged_roles(User.objects.get(email=email))
    for email, secret in {**secrets, **demo.BODY_ADMIN_SECRETS}.items():
        user = User.objects.get(email=email)
        assert user.check_password(accounts_demo.DEMO_PASSWORD)
        assert EmailAddress.objects.filter(user=user, verified=True).exists()
        authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        assert authenticator.data["secret"] != secret  # stored encrypted
        now = timezone.now()
        with time_machine.travel(now, tick=False):
            code = format_hotp_value(hotp_value(secret, int(now.timestamp()) // 30))
            assert TOTP(authenticator).validate_code(code)
    external = AdvisorProfile.objects.get(user__email="advisor@riss.example.jp")
    internal = AdvisorProfile.objects.get(user__email="advisor@minato.example.jp")
    assert advisor_is_qualified(external)
    assert advisor_is_qualified(internal)
    assert list(advisor_directory()) == [external]
    assert internal.employer is not None
    assert internal.employer.corporate_number == accounts_demo.MINATO_SEIKI
