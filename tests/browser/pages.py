"""The checks every page in the browser tests passes, and the visit in both languages and widths."""

from collections.abc import Callable
from pathlib import Path

from accounts.models import User
from tests.browser.a11y import assert_no_serious_a11y_violations
from tests.browser.conftest import LANGUAGES, MOBILE, WIDTHS, OpenedPage


def assert_page_fits(
    opened: OpenedPage, path: str, language: str, width: int, *, stays: bool = False
) -> None:
    """The page answered 200 with one h1 in the right language, does not scroll sideways on a
    phone, has no serious accessibility violation and no console error. With `stays`, the URL
    did not change either (a redirect to the login or MFA page would still answer 200)."""
    page = opened.page
    assert opened.response is not None
    assert opened.response.status == 200, f"{path} answered {opened.response.status}"
    if stays:
        assert page.url.endswith(path), f"{path} ended at {page.url}"
    assert page.locator("h1").count() == 1, f"{path} must have exactly one h1"
    assert page.evaluate("document.documentElement.lang") == language
    if width == MOBILE:
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= MOBILE, f"{path} scrolls sideways at {MOBILE}px ({scroll_width}px)"
    assert_no_serious_a11y_violations(page)
    assert not opened.console_errors, f"{path}: browser console errors {opened.console_errors}"


def visit_everywhere(
    open_page: Callable[..., OpenedPage],
    screenshot: Callable[..., Path],
    path: str,
    *,
    session: str | None = None,
    user: User | None = None,
    stays: bool = False,
) -> None:
    """Open `path` in each language at each width, check it and keep a screenshot."""
    for language in LANGUAGES:
        if user is not None:
            # A signed-in user's saved preference decides the language, not the cookie.
            User.objects.filter(pk=user.pk).update(language=language)
        for width in WIDTHS:
            opened = open_page(path, width=width, language=language, session=session)
            assert_page_fits(opened, path, language, width, stays=stays)
            screenshot(opened.page, f"{language}-{width}")
