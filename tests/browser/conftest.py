"""Browser test harness: Debian's Chromium driven by Playwright against pytest-django's
live server (stack-notes section 2, gotchas G4-G6).

- The browser is /usr/bin/chromium (no `playwright install`), with network look-ups outside the
  test server switched off.
- Pages are opened on `localhost` (not 127.0.0.1), the host WebAuthn and cookies expect.
- The front-end build (static/dist) must exist; without it every browser test fails and says to
  run `make assets`. A page without its CSS would pass the checks for the wrong reasons.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Response

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "static" / "dist"
REQUIRED_ASSETS = ("tokens.css", "app.css", "app.js", "favicon.svg", "fonts/noto-sans-jp.css")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

DESKTOP = 1280
MOBILE = 375
WIDTHS = (DESKTOP, MOBILE)
LANGUAGES = ("ja", "en")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in tests/browser carries the `browser` marker (`-m "not browser"` skips them)."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _front_end_built() -> None:
    missing = [name for name in REQUIRED_ASSETS if not (DIST / name).exists()]
    if missing:
        pytest.fail(
            f"static/dist is incomplete (missing {', '.join(missing)}): run `make assets` "
            "to build the front-end before the browser tests.",
            pytrace=False,
        )
    if not AXE_JS.exists():
        pytest.fail(
            "node_modules/axe-core/axe.min.js is missing: run `make assets` (npm ci).",
            pytrace=False,
        )


@pytest.fixture
def site_url(live_server: Any) -> str:
    """The live server's base URL on `localhost`."""
    return str(live_server.url).replace("127.0.0.1", "localhost")


@dataclass
class OpenedPage:
    """A page opened at a given width and language, with what the browser reported."""

    page: Page
    response: Response | None
    console_errors: list[str] = field(default_factory=list)


@pytest.fixture
def open_page(browser: Browser, site_url: str) -> Iterator[Callable[..., OpenedPage]]:
    """Open a path in a fresh browser context: `open_page("/", width=375, language="en")`.

    Pass `session=` a session key (e.g. from `Client.force_login`) to browse signed in.

    The language is chosen the way a returning visitor's is, through the `django_language`
    cookie; the browser locale matches so that Accept-Language does not contradict it.
    Console errors (CSP violations, failed requests, script errors) are collected.
    """
    contexts: list[BrowserContext] = []

    def _open(
        path: str, *, width: int = DESKTOP, language: str = "ja", session: str | None = None
    ) -> OpenedPage:
        context = browser.new_context(
            viewport={"width": width, "height": 900},
            locale="ja-JP" if language == "ja" else "en-GB",
        )
        contexts.append(context)
        context.add_cookies([{"name": "django_language", "value": language, "url": site_url}])
        if session is not None:
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": site_url}]
            )
        page = context.new_page()
        opened = OpenedPage(page=page, response=None)

        def _on_console(message: ConsoleMessage) -> None:
            # Failed sub-resources are reported with their URL by _on_response.
            if message.type == "error" and not message.text.startswith("Failed to load resource"):
                opened.console_errors.append(message.text)

        def _on_response(response: Response) -> None:
            if response.status >= 400 and response.request.resource_type != "document":
                opened.console_errors.append(f"{response.status} {response.url}")

        page.on("console", _on_console)
        page.on("response", _on_response)
        page.on("pageerror", lambda error: opened.console_errors.append(str(error)))
        opened.response = page.goto(site_url + path, wait_until="load")
        return opened

    yield _open
    for context in contexts:
        context.close()


def screenshot_name(test_name: str, suffix: str = "") -> str:
    """A file-system-safe name from a (parametrised) test name."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", test_name + (f"-{suffix}" if suffix else ""))
    return name.strip("_") + ".png"


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[..., Path]:
    """Save a full-page PNG to test-artifacts/screenshots/<test name>[-suffix].png."""

    def _save(page: Page, suffix: str = "") -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / screenshot_name(request.node.name, suffix)
        page.screenshot(path=str(path), full_page=True)
        return path

    return _save
