"""The self-assessment page in Chromium: per-criterion saves, a concurrent edit shown and
resolved, and unsaved input that survives an expired session (login, back to the criterion,
restored and saved). Checks static/assessments/autosave.js together with the htmx views."""

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser

from assessments.models import Answer
from tests.assessments.helpers import sign_in
from tests.factories.assessments import ApplicationFactory, application_people

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


def stored_keys(page: Any) -> list[str]:
    keys: list[str] = page.evaluate("() => Object.keys(localStorage)")
    return keys


@pytest.mark.django_db(transaction=True)
def test_autosave_conflict_and_session_expiry(live_server: Any, browser: Browser) -> None:
    application = ApplicationFactory.create()
    people = application_people(application)
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
    page.goto(f"{base}/applications/{application.pk}/assessment/1/")

    # Each change saves its criterion; the browser copy is dropped once the server has it.
    page.check("#id_c-1-1-1-1-status_0")
    page.wait_for_function("() => document.querySelector('#version-1-1-1-1').value === '1'")
    page.fill("#id_c-1-1-1-1-description", "ブラウザからの説明")
    page.locator("#id_c-1-1-1-1-description").blur()
    page.wait_for_function("() => document.querySelector('#version-1-1-1-1').value === '2'")
    answer = Answer.objects.get(application=application, criterion__code="1-1-1-1")
    assert (answer.status, answer.description, answer.version) == (
        "implemented",
        "ブラウザからの説明",
        2,
    )
    assert stored_keys(page) == []

    # Someone else saves meanwhile: both texts are shown, nothing is overwritten, the browser
    # keeps ours until we choose.
    answer.description = "他の人の説明"
    answer.version += 1
    answer.save()
    page.fill("#id_c-1-1-1-1-description", "私の新しい説明")
    page.locator("#id_c-1-1-1-1-description").blur()
    page.wait_for_selector("#save-1-1-1-1 .notice--error")
    panel = page.inner_text("#save-1-1-1-1")
    assert "他の人の説明" in panel
    assert "私の新しい説明" in panel
    answer.refresh_from_db()
    assert answer.description == "他の人の説明"
    assert stored_keys(page) == [f"scs-autosave:application-{application.pk}:c-1-1-1-1-description"]
    page.click("#save-1-1-1-1 button.button--primary")  # keep my version
    page.wait_for_function("() => document.querySelector('#version-1-1-1-1').value === '4'")
    answer.refresh_from_db()
    assert answer.description == "私の新しい説明"
    assert stored_keys(page) == []

    # The session ends while typing: login, back to the same criterion, the text comes back and
    # is saved.
    context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    page.fill("#id_c-1-1-1-2-description", "ログアウト中に入力した説明")
    page.locator("#id_c-1-1-1-2-description").blur()
    page.wait_for_url("**/accounts/login/**")
    assert "next=%2Fapplications%2F" in page.url
    assert "%23criterion-1-1-1-2" in page.url
    page.fill("input[name=login]", people.member.email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"**/applications/{application.pk}/assessment/1/#criterion-1-1-1-2")
    page.wait_for_selector("#save-1-1-1-2 .badge--success")
    restored = Answer.objects.get(application=application, criterion__code="1-1-1-2")
    assert restored.description == "ログアウト中に入力した説明"
    assert errors == []
    context.close()
