"""Behaviour of the base layout in a real browser: language switcher, keyboard focus ring,
mobile navigation, error pages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import Page, expect

from tests.browser.a11y import assert_no_serious_a11y_violations
from tests.browser.conftest import DESKTOP, MOBILE, OpenedPage

pytestmark = pytest.mark.browser

YELLOW_300 = "rgb(255, 212, 61)"
BLACK = "rgb(0, 0, 0)"


def _focus_style(page: Page) -> dict[str, str]:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const s = getComputedStyle(el);
            return {tag: el.tagName, text: el.textContent.trim(), outlineStyle: s.outlineStyle,
                    outlineWidth: s.outlineWidth, outlineColor: s.outlineColor,
                    boxShadow: s.boxShadow};
        }"""
    )


def test_language_switcher_keeps_the_page_and_switches_the_text(
    open_page: Callable[..., OpenedPage], screenshot: Callable[..., Path]
) -> None:
    page = open_page("/design/?tab=1", language="ja").page
    expect(page.locator("h1")).to_have_text("デザインシステム")

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.url.endswith("/design/?tab=1")
    assert page.evaluate("document.documentElement.lang") == "en"
    expect(page.locator("h1")).to_have_text("Design system")
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-current", "true")
    screenshot(page, "en")

    page.get_by_role("button", name="日本語").click()
    page.wait_for_load_state()
    assert page.url.endswith("/design/?tab=1")
    assert page.evaluate("document.documentElement.lang") == "ja"
    expect(page.locator("h1")).to_have_text("デザインシステム")


def test_keyboard_focus_ring_is_visible_on_links_and_buttons(
    open_page: Callable[..., OpenedPage], screenshot: Callable[..., Path]
) -> None:
    page = open_page("/design/", width=DESKTOP).page
    seen: dict[str, dict[str, str]] = {}
    for _ in range(40):
        page.keyboard.press("Tab")
        style = _focus_style(page)
        if style["tag"] in {"A", "BUTTON"} and style["tag"] not in seen:
            seen[style["tag"]] = style
            screenshot(page, style["tag"].lower())
        if len(seen) == 2:
            break
    assert set(seen) == {"A", "BUTTON"}, f"Tab never reached a link and a button: {seen}"
    for tag, style in seen.items():
        assert style["outlineStyle"] == "solid", (tag, style)
        assert style["outlineWidth"] == "4px", (tag, style)
        assert style["outlineColor"] == BLACK, (tag, style)
        assert YELLOW_300 in style["boxShadow"], (tag, style)


def test_skip_link_is_the_first_stop_and_moves_to_main(
    open_page: Callable[..., OpenedPage],
) -> None:
    page = open_page("/", width=DESKTOP).page
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_mobile_navigation_toggles_with_the_keyboard(
    open_page: Callable[..., OpenedPage], screenshot: Callable[..., Path]
) -> None:
    page = open_page("/", width=MOBILE).page
    toggle = page.locator("[data-menu-toggle]")
    menu = page.locator("#site-menu")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()

    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link", name="要求事項一覧")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE
    assert_no_serious_a11y_violations(page)
    screenshot(page, "open")

    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()

    page.keyboard.press("Enter")
    expect(menu).to_be_visible()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(toggle).to_be_focused()


def test_desktop_shows_the_navigation_without_a_toggle(
    open_page: Callable[..., OpenedPage],
) -> None:
    page = open_page("/", width=DESKTOP).page
    expect(page.locator("[data-menu-toggle]")).to_be_hidden()
    expect(page.locator("#site-menu")).to_be_visible()
    expect(page.get_by_role("navigation", name="メイン")).to_be_visible()
    expect(page.get_by_role("link", name="ホーム").first).to_have_attribute("aria-current", "page")


@pytest.mark.parametrize("language", ["ja", "en"])
def test_not_found_page_is_designed_and_accessible(
    open_page: Callable[..., OpenedPage], screenshot: Callable[..., Path], language: str
) -> None:
    opened = open_page("/no-such-page/", width=MOBILE, language=language)
    assert opened.response is not None
    assert opened.response.status == 404
    page = opened.page
    assert page.locator("h1").count() == 1
    expect(
        page.get_by_role("link", name="Go to the home page" if language == "en" else "ホームへ戻る")
    ).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE
    assert_no_serious_a11y_violations(page)
    screenshot(page)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [DESKTOP, MOBILE])
def test_signed_in_header(
    open_page: Callable[..., OpenedPage],
    screenshot: Callable[..., Path],
    site_url: str,
    width: int,
) -> None:
    user = get_user_model().objects.create_user(
        email="hanako@example.jp", password="a long enough password", name="山田 花子"
    )
    client = Client()
    client.force_login(user)
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    opened = open_page("/", width=width, session=session_cookie)
    page = opened.page
    if width == MOBILE:
        page.locator("[data-menu-toggle]").click()
    expect(page.locator(".account-menu__user")).to_contain_text("山田 花子")
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_no_serious_a11y_violations(page)
    screenshot(page)

    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_load_state()
    expect(page.get_by_role("link", name="ログイン").first).to_be_attached()
