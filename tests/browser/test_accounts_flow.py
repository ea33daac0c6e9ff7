"""A new user's whole account life in Chromium: sign up, verify the e-mail address, enrol an
authenticator app and a security key (Chromium's virtual authenticator), sign out, and sign in
again with each second factor.

WebAuthn needs a real relying-party id, so the pages are opened on `localhost` (site_url), and
the test settings allow the plain-HTTP origin (MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN).
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core import mail
from playwright.sync_api import Browser, CDPSession, Page, expect

from accounts.models import User
from core.models import AuditEvent
from tests.accounts.helpers import current_code
from tests.browser.a11y import assert_no_serious_a11y_violations
from tests.browser.conftest import MOBILE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long passphrase for the flow 42"


def _virtual_authenticator(page: Page) -> CDPSession:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp


def _fresh_code(secret: str) -> str:
    """A code from a 30-second step that has not been used yet (with tolerance 0 a code is
    single-use within its own step, and the step must not end while the form is submitted)."""
    remaining = 30 - time.time() % 30
    if remaining < 6:  # room for a slow page on a loaded CI machine
        time.sleep(remaining + 0.2)
    return current_code(secret)


def _next_step_code(secret: str, used: str) -> str:
    code = _fresh_code(secret)
    while code == used:
        time.sleep(30 - time.time() % 30 + 0.2)
        code = current_code(secret)
    return code


def _sign_in(page: Page, site_url: str, email: str) -> None:
    page.goto(site_url + "/accounts/login/")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def _sign_out(page: Page) -> None:
    page.locator(".account-menu form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".account-menu")).to_contain_text("ログイン")


def test_sign_up_verify_enrol_both_factors_and_sign_in_again(
    browser: Browser, site_url: str, screenshot: Callable[..., Path], live_server: Any
) -> None:
    context = browser.new_context(locale="ja-JP", viewport={"width": MOBILE, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    email = f"flow-{int(time.time() * 1000)}@example.jp"

    # --- sign up (at phone width) ---------------------------------------------------------
    page.goto(site_url + "/accounts/signup/")
    assert_no_serious_a11y_violations(page)
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("氏名").fill("山田 花子")
    page.get_by_label("パスワード", exact=False).first.fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/accounts/confirm-email/")
    user = User.objects.get(email=email)
    assert (user.name, user.language) == ("山田 花子", "ja")

    # --- verify the address with the link from the e-mail ------------------------------------
    (message,) = [m for m in mail.outbox if email in m.to]
    found = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", str(message.body))
    assert found is not None, message.body
    page.goto(site_url + found.group(1))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    # --- sign in with the password -----------------------------------------------------------
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, site_url, email)
    expect(page.locator(".account-menu")).to_contain_text("山田 花子")

    # --- enrol an authenticator app (the password is asked again first) ---------------------
    page.goto(site_url + "/accounts/2fa/totp/activate/")
    assert "/accounts/reauthenticate/" in page.url
    page.get_by_label("パスワード").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/accounts/2fa/totp/activate/")
    assert_no_serious_a11y_violations(page)
    secret = page.locator("#authenticator_secret").input_value()
    assert base64.b32decode(secret)  # the page shows a real base32 secret
    enrolment_code = _fresh_code(secret)
    page.locator("input[name=code]").fill(enrolment_code)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    screenshot(page, "recovery-codes")
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    assert totp.data["secret"] != secret  # encrypted at rest

    # --- add a security key through Chromium's virtual authenticator -------------------------
    cdp = _virtual_authenticator(page)
    page.goto(site_url + "/accounts/2fa/webauthn/add/")
    assert page.url.endswith("/accounts/2fa/webauthn/add/"), page.url
    page.locator("#mfa_webauthn_add").click()
    # The ceremony runs in the page and then posts the credential: wait until the browser has
    # left the add page (its own URL would match the pattern at once).
    page.wait_for_url(
        lambda url: (
            "/accounts/2fa/webauthn/add/" not in url
            and re.search(r"/accounts/2fa/(webauthn/|recovery-codes/|$)", url) is not None
        )
    )
    page.wait_for_load_state()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).exists()
    page.goto(site_url + "/accounts/2fa/")
    assert_no_serious_a11y_violations(page)
    screenshot(page, "mfa-index")

    # --- sign out; sign in again with the authenticator app ----------------------------------
    _sign_out(page)
    _sign_in(page, site_url, email)
    assert page.url.endswith("/accounts/2fa/authenticate/")
    assert_no_serious_a11y_violations(page)
    page.locator("input[name=code]").fill(_next_step_code(secret, enrolment_code))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    expect(page.locator(".account-menu")).to_contain_text("山田 花子")

    # --- sign out; sign in again with the security key ---------------------------------------
    _sign_out(page)
    _sign_in(page, site_url, email)
    assert page.url.endswith("/accounts/2fa/authenticate/")
    page.locator("#mfa_webauthn_authenticate").click()
    page.wait_for_url(lambda url: "/accounts/2fa/authenticate/" not in url)
    page.wait_for_load_state()
    expect(page.locator(".account-menu")).to_contain_text("山田 花子")
    screenshot(page, "signed-in")

    actions = set(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert {"accounts.login.succeeded", "accounts.logout", "accounts.mfa.added"} <= actions
    assert not errors, errors
    cdp.detach()
    context.close()


SIGNED_IN_PAGES = [
    "/organisations/",
    "/organisations/new/",
    "/organisations/{org}/",
    "/organisations/{org}/members/",
    "/organisations/{org}/invitations/new/",
    "/organisations/{org}/members/{membership}/roles/",
    "/organisations/{org}/members/{membership}/remove/",
    "/invitations/{token}/",
    "/accounts/profile/",
    "/accounts/sessions/",
    "/accounts/2fa/",
    "/audit/",
]


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("width", [MOBILE, 1280])
def test_account_pages_are_accessible_and_fit_a_phone(
    open_page: Callable[..., Any],
    screenshot: Callable[..., Path],
    width: int,
    language: str,
) -> None:
    from django.contrib.auth.models import Permission
    from django.test import Client

    from core.services import audit_record
    from tests.accounts.helpers import force_login_with_mfa
    from tests.factories.accounts import (
        InvitationFactory,
        MembershipFactory,
        OrganisationFactory,
        UserFactory,
    )

    # The operator (staff, may read the audit trail) administers an organisation too, so that
    # one signed-in session reaches every page; MFA is passed as the middleware requires.
    operator = UserFactory.create(name="運営 花子", language=language, is_staff=True)
    operator.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    organisation = OrganisationFactory.create(admins=[operator], members=[operator])
    colleague = MembershipFactory.create(organisation=organisation, is_executive=True)
    InvitationFactory.create(organisation=organisation, invited_by=operator)
    _invitation, token = InvitationFactory.create_with_token(
        organisation=organisation, invited_by=operator, email=operator.email
    )
    audit_record(action="accounts.organisation.created", by=operator, obj=organisation)
    client = Client()
    force_login_with_mfa(client, operator)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value

    problems = []
    for template in SIGNED_IN_PAGES:
        path = template.format(org=organisation.pk, membership=colleague.pk, token=token)
        opened = open_page(path, width=width, language=language, session=session)
        page = opened.page
        assert opened.response is not None
        if opened.response.status != 200 or not page.url.endswith(path):
            problems.append(f"{path}: {opened.response.status} at {page.url}")
            continue
        if page.locator("h1").count() != 1:
            problems.append(f"{path}: {page.locator('h1').count()} h1 elements")
        if page.evaluate("document.documentElement.lang") != language:
            problems.append(f"{path}: not in {language}")
        if page.evaluate("document.documentElement.scrollWidth") > width:
            problems.append(f"{path}: scrolls sideways at {width}px")
        if opened.console_errors:
            problems.append(f"{path}: console errors {opened.console_errors}")
        try:
            assert_no_serious_a11y_violations(page)
        except AssertionError as error:
            problems.append(f"{path}: {error}")
        screenshot(page, re.sub(r"[{}]", "", template).strip("/").replace("/", "_"))
    assert not problems, "\n".join(problems)
