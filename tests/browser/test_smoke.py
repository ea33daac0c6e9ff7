"""Every public page, in Japanese and English, on a desktop and a phone: it loads, has one h1,
declares its language, does not scroll sideways on a phone, passes axe, and is photographed.

Add your app's public pages to PUBLIC_PATHS.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.browser.a11y import assert_no_serious_a11y_violations
from tests.browser.conftest import LANGUAGES, MOBILE, WIDTHS, OpenedPage

pytestmark = pytest.mark.browser

PUBLIC_PATHS: list[str] = [
    "/",
    "/design/",
    "/accessibility/",
    "/accounts/login/",
    "/accounts/signup/",
    "/catalogue/",
    "/wizard/",
]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_page(
    open_page: Callable[..., OpenedPage],
    screenshot: Callable[..., Path],
    path: str,
    language: str,
    width: int,
) -> None:
    opened = open_page(path, width=width, language=language)
    page = opened.page

    assert opened.response is not None
    assert opened.response.status == 200, f"{path} answered {opened.response.status}"
    assert page.locator("h1").count() == 1, f"{path} must have exactly one h1"
    assert page.evaluate("document.documentElement.lang") == language
    if width == MOBILE:
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= MOBILE, f"{path} scrolls sideways at {MOBILE}px ({scroll_width}px)"
    assert_no_serious_a11y_violations(page)
    assert not opened.console_errors, f"{path}: browser console errors {opened.console_errors}"
    screenshot(page)
