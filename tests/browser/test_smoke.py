"""Every public page, in Japanese and English, on a desktop and a phone: it loads, has one h1,
declares its language, does not scroll sideways on a phone, passes axe, and is photographed.

Add your app's public pages to PUBLIC_PATHS.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.browser.conftest import LANGUAGES, WIDTHS, OpenedPage
from tests.browser.pages import assert_page_fits

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
    assert_page_fits(opened, path, language, width)
    screenshot(page)
