"""The long pages in Chromium at phone width: "What is still missing" grouped per category on
the application page, and the advisor's second round with the unchanged, passed criteria folded
(a folded criterion is still reviewable when opened, and its line shows the new verdict), with
no serious accessibility violations."""

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page

from assessments.models import Answer, CriterionReview
from tests.assessments.helpers import sign_in
from tests.assessments.test_open_points_and_review_focus import second_round  # noqa: F401
from tests.browser.a11y import assert_no_serious_a11y_violations
from tests.browser.conftest import SCREENSHOTS
from tests.factories.assessments import ApplicationFactory, application_people

pytestmark = pytest.mark.browser


def open_as(browser: Browser, live_server: Any, user: Any, path: str) -> tuple[Page, list[str]]:
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    base = live_server.url.replace("127.0.0.1", "localhost")
    session = sign_in(Client(), user).cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="ja-JP")
    context.add_cookies(
        [
            {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base},
            {"name": "django_language", "value": "ja", "url": base},
        ]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(base + path)
    return page, errors


def no_horizontal_scroll(page: Page) -> bool:
    return bool(
        page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    )


@pytest.mark.django_db(transaction=True)
def test_open_points_grouped_on_a_phone(live_server: Any, browser: Browser) -> None:
    application = ApplicationFactory.create()
    people = application_people(application, engagement=False)
    Answer.objects.filter(application=application, criterion__code="4-1-1-1").update(
        status=Answer.Status.IMPLEMENTED
    )
    page, errors = open_as(browser, live_server, people.member, f"/applications/{application.pk}/")
    missing = page.locator("#open-points")
    assert missing.locator("#open-points-general li").count() == 1
    assert missing.locator(".open-points__group h4").count() == 2
    folded = missing.locator("#open-points-category-1 details")
    assert not folded.locator("li").first.is_visible()
    folded.locator("summary").click()
    assert folded.locator("li").first.is_visible()
    assert no_horizontal_scroll(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    missing.screenshot(path=str(SCREENSHOTS / "review_focus-open-points-375.png"))
    assert_no_serious_a11y_violations(page)
    assert errors == []
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_the_second_round_folds_unchanged_criteria_on_a_phone(
    live_server: Any,
    browser: Browser,
    second_round: Any,  # noqa: F811
) -> None:
    application, people = second_round
    page, errors = open_as(
        browser, live_server, people.advisor, f"/applications/{application.pk}/review/"
    )
    focus = page.locator("#review-focus")
    assert focus.locator(".review-focus__links a").count() == 2
    folded = page.locator("details.criterion-folded")
    assert folded.count() == 3
    radio = page.locator("input[name='r-1-1-2-1-verdict'][value=pass]")
    assert not radio.is_visible()
    assert no_horizontal_scroll(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "review_focus-second-round-375.png"), full_page=True)
    assert_no_serious_a11y_violations(page)

    # Opened, a folded criterion is reviewed like any other; its line shows the new verdict.
    page.locator("#folded-1-1-2-1 > summary").click()
    radio.check()
    page.wait_for_selector("#save-1-1-2-1 .badge--success")
    assert "今回: 適合" in page.locator("#verdict-1-1-2-1").inner_text()
    assert (
        CriterionReview.objects.get(
            round__application=application, round__number=2, criterion__code="1-1-2-1"
        ).verdict
        == "pass"
    )
    page.screenshot(path=str(SCREENSHOTS / "review_focus-opened-375.png"), full_page=True)
    assert_no_serious_a11y_violations(page)

    # The changed criterion is one jump away.
    focus.locator("a[href='#criterion-1-1-1-1']").click()
    assert page.locator("#criterion-1-1-1-1").is_visible()
    assert errors == []
    page.context.close()
