"""Browser smoke tests of the privileged pages: the advisor's inbox, engagement and review, the
registration body's queue and a submission, the scheme bodies' registration pages and lifecycle
form, the bodies' management pages (designations, staff, advisor review), the audit trail and
the user's own two-factor and session pages.

Each page is opened by the demo user whose work it is, signed in with a session that has passed
the second factor (as after a real TOTP step), in Japanese and English at desktop and phone
width, with the same assertions as the public and data pages (status, one h1, <html lang>, no
sideways scroll on a phone, axe, console) and a screenshot. The demo data (`manage.py
seed_demo`) is loaded once per test.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client, override_settings

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from assessments.models import AdvisorEngagement, Application
from bodies.models import AdvisorProfile, Designation, Qualification
from certification.models import Registration
from tests.accounts.helpers import client_with_own_ip, force_login_with_mfa, login, verify_email
from tests.browser.a11y import assert_no_serious_a11y_violations
from tests.browser.conftest import LANGUAGES, MOBILE, WIDTHS, OpenedPage
from tests.browser.pages import assert_page_fits, visit_everywhere
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXTERNAL_ADVISOR = "advisor@riss.example.jp"
INTERNAL_ADVISOR = "advisor@minato.example.jp"
REGISTRATION_STAFF = "registration@scs-operator.example.jp"
ACCREDITATION_STAFF = "accreditation@accreditation.example.jp"
OPERATOR = "operator@scs-operator.example.jp"  # audit trail, administrator of its body


@dataclass(frozen=True)
class Privileged:
    """A page and the demo user whose work it is."""

    email: str
    path: Callable[[], str]


def _registration(status: str = "active") -> Registration:
    return Registration.objects.filter(status=status).order_by("pk")[0]


def _engagement(email: str) -> AdvisorEngagement:
    return AdvisorEngagement.objects.filter(advisor__user__email=email).order_by("pk")[0]


def _application(status: str) -> Application:
    return Application.objects.filter(status=status).order_by("pk")[0]


def _body_number(email: str) -> str:
    user = User.objects.get(email=email)
    membership = user.memberships.select_related("organisation").order_by("pk")[0]
    return str(membership.organisation.corporate_number)


PAGES: dict[str, Privileged] = {
    # The advisor: inbox, one engagement, the review of an application in review.
    "advisor-inbox": Privileged(EXTERNAL_ADVISOR, lambda: "/applications/advisor/"),
    "advisor-engagement": Privileged(
        EXTERNAL_ADVISOR,
        lambda: f"/applications/engagements/{_engagement(EXTERNAL_ADVISOR).pk}/",
    ),
    "advisor-review": Privileged(
        INTERNAL_ADVISOR, lambda: f"/applications/{_application('in_review').pk}/review/"
    ),
    "advisor-me": Privileged(EXTERNAL_ADVISOR, lambda: "/advisors/me/"),
    # The registration body: its queue of ★3 submissions and one submission.
    "registration-queue": Privileged(REGISTRATION_STAFF, lambda: "/registrations/submissions/"),
    "registration-submission": Privileged(
        REGISTRATION_STAFF,
        lambda: f"/registrations/submissions/{_application('submitted').pk}/",
    ),
    # The scheme bodies' registration pages and a lifecycle action form.
    "staff-registrations": Privileged(REGISTRATION_STAFF, lambda: "/registrations/manage/"),
    "staff-registration": Privileged(
        REGISTRATION_STAFF, lambda: f"/registrations/manage/{_registration().number}/"
    ),
    "staff-registration-suspend": Privileged(
        REGISTRATION_STAFF, lambda: f"/registrations/manage/{_registration().number}/suspend/"
    ),
    # The bodies' management pages.
    "bodies-manage": Privileged(ACCREDITATION_STAFF, lambda: "/bodies/manage/"),
    "designations": Privileged(ACCREDITATION_STAFF, lambda: "/bodies/manage/designations/"),
    "designation": Privileged(
        ACCREDITATION_STAFF,
        lambda: f"/bodies/manage/designations/{Designation.objects.order_by('pk')[0].pk}/",
    ),
    "designation-grant": Privileged(
        ACCREDITATION_STAFF, lambda: "/bodies/manage/designations/new/"
    ),
    "designation-renew": Privileged(
        ACCREDITATION_STAFF,
        lambda: f"/bodies/manage/designations/{Designation.objects.order_by('pk')[0].pk}/renew/",
    ),
    "body-staff-bodies": Privileged(OPERATOR, lambda: "/bodies/manage/staff/"),
    "body-staff": Privileged(OPERATOR, lambda: f"/bodies/manage/staff/{_body_number(OPERATOR)}/"),
    # Advisor qualification management by the registration staff.
    "advisor-review-queue": Privileged(REGISTRATION_STAFF, lambda: "/advisors/review/"),
    "advisor-review-list": Privileged(REGISTRATION_STAFF, lambda: "/advisors/review/advisors/"),
    "advisor-review-detail": Privileged(
        REGISTRATION_STAFF,
        lambda: (
            "/advisors/review/advisors/"
            f"{AdvisorProfile.objects.get(user__email=EXTERNAL_ADVISOR).pk}/"
        ),
    ),
    "qualification-review": Privileged(
        REGISTRATION_STAFF,
        lambda: (
            "/advisors/review/qualifications/"
            f"{Qualification.objects.filter(advisor__user__email=EXTERNAL_ADVISOR)[0].pk}/"
        ),
    ),
    # The audit trail.
    "audit": Privileged(OPERATOR, lambda: "/audit/"),
    # The user's own account: two-factor authentication, security keys, sessions, profile.
    "mfa-index": Privileged(REGISTRATION_STAFF, lambda: "/accounts/2fa/"),
    "mfa-webauthn": Privileged(REGISTRATION_STAFF, lambda: "/accounts/2fa/webauthn/"),
    "mfa-reauthenticate": Privileged(REGISTRATION_STAFF, lambda: "/accounts/2fa/reauthenticate/"),
    "sessions": Privileged(REGISTRATION_STAFF, lambda: "/accounts/sessions/"),
    "profile": Privileged(REGISTRATION_STAFF, lambda: "/accounts/profile/"),
}


def _seed() -> None:
    call_command("load_catalogue", verbosity=0)
    call_command("seed_demo", verbosity=0)


@pytest.mark.parametrize("name", PAGES)
def test_privileged_page(
    open_page: Callable[..., OpenedPage], screenshot: Callable[..., Path], name: str
) -> None:
    _seed()
    spec = PAGES[name]
    user = User.objects.get(email=spec.email)
    client = Client()
    force_login_with_mfa(client, user)
    session = client.session.session_key
    assert session is not None
    visit_everywhere(open_page, screenshot, spec.path(), session=session, user=user, stays=True)


def test_mfa_challenge_page(
    open_page: Callable[..., OpenedPage], screenshot: Callable[..., Path]
) -> None:
    """The second-factor step of a privileged sign-in, after the password was accepted."""
    _seed()
    user = User.objects.get(email=REGISTRATION_STAFF)
    path = "/accounts/2fa/authenticate/"
    for language in LANGUAGES:
        for width in WIDTHS:
            client = client_with_own_ip()
            client.cookies["django_language"] = language
            response = login(client, user, password=DEMO_PASSWORD)
            assert response.status_code == 302
            assert response["Location"] == path
            session = client.session.session_key
            opened = open_page(path, width=width, language=language, session=session)
            assert_page_fits(opened, path, language, width, stays=True)
            assert "_auth_user_id" not in client.session, "the password alone must not sign in"
            screenshot(opened.page, f"{language}-{width}")


def _unused_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_sign_in_while_redis_is_down_shows_the_designed_503(
    open_page: Callable[..., OpenedPage],
    screenshot: Callable[..., Path],
    language: str,
    width: int,
) -> None:
    """The login form is posted while the shared cache (Redis) is unreachable: the answer is the
    translated 503 page, readable on a phone, and the user is not signed in."""
    user = verify_email(UserFactory.create())
    opened = open_page("/accounts/login/", width=width, language=language)
    page = opened.page
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    dead = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_unused_port()}/0",
        }
    }
    with override_settings(CACHES=dead), page.expect_navigation() as navigation:
        page.locator("main form button[type=submit]").first.click()
    response = navigation.value
    assert response is not None
    assert response.status == 503
    assert response.headers["retry-after"] == "120"
    expected = {"ja": "一時的にご利用いただけません", "en": "Temporarily unavailable"}[language]
    assert page.locator("h1").inner_text() == expected
    assert page.evaluate("document.documentElement.lang") == language
    if width == MOBILE:
        assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE
    assert_no_serious_a11y_violations(page)
    screenshot(page, "503")
    signed_in = [s for s in Session.objects.all() if "_auth_user_id" in s.get_decoded()]
    assert not signed_in, "the failed sign-in must not leave a signed-in session"
