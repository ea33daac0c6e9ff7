"""The renewal's self-assessment page in Chromium: "Confirm still true" and "Still current"
save beside their criterion (htmx) and update the page in place, without serious
accessibility violations."""

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser

from assessments.models import Answer, EvidenceFile
from assessments.services.renewals import application_renew
from tests.assessments.helpers import sign_in
from tests.assessments.test_renewal import registered
from tests.browser.a11y import assert_no_serious_a11y_violations

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_confirming_carried_over_answers_and_evidence_in_the_browser(
    live_server: Any, browser: Browser
) -> None:
    previous, people, _registration = registered()
    renewal = application_renew(previous=previous, by=people.member)
    EmailAddress.objects.create(
        user=people.member, email=people.member.email, verified=True, primary=True
    )
    base = live_server.url.replace("127.0.0.1", "localhost")
    session = sign_in(Client(), people.member).cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(viewport={"width": 375, "height": 800})
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}])
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(f"{base}/applications/{renewal.pk}/assessment/1/")
    assert page.locator("#carried-1-1-1-1.notice--warning").is_visible()
    assert_no_serious_a11y_violations(page)

    page.click("#carried-1-1-1-1 button")
    page.wait_for_selector("#carried-1-1-1-1 .badge--success")
    answer = Answer.objects.get(application=renewal, criterion__code="1-1-1-1")
    assert answer.confirmed_at is not None
    assert answer.confirmed_by == people.member
    # Saved in place by htmx, not by posting the requirement's whole form.
    assert "#item-" not in page.url
    # The other criteria are untouched.
    assert page.locator("#carried-1-1-1-2 button").is_visible()

    copy = EvidenceFile.objects.get(application=renewal)
    page.click(f"#reconfirm-1-1-1-1-{copy.pk} button[name='c-1-1-1-1-reconfirm']")
    page.wait_for_selector(f"#reconfirm-1-1-1-1-{copy.pk}", state="detached")
    copy.refresh_from_db()
    assert copy.reconfirmed_at is not None
    assert_no_serious_a11y_violations(page)
    assert errors == []
    context.close()
