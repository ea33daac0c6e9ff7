"""Accessibility checks with axe-core, run inside the page under test.

axe-core comes from the npm lock file (node_modules/axe-core, installed by `make assets`); it is
not served by the portal. It is injected with `page.evaluate(source)`, which runs through the
DevTools protocol and is therefore not blocked by the portal's strict CSP (a <script> tag would be).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
AXE_OPTIONS: dict[str, Any] = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}


@cache
def axe_source() -> str:
    """The axe-core script; a missing file means the front-end packages were not installed."""
    if not AXE_JS.exists():
        raise FileNotFoundError(f"{AXE_JS} is missing: run `make assets` (npm ci) first")
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page: Page, context: str | None = None) -> list[dict[str, Any]]:
    """Run axe on the page (or on the element matching the CSS selector `context`)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    violations: list[dict[str, Any]] = page.evaluate(
        "([context, options]) => axe.run(context || document, options).then(r => r.violations)",
        [context, AXE_OPTIONS],
    )
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per rule: impact, rule id, help text and up to three offending elements."""
    return "\n".join(
        f"[{v['impact']}] {v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )


def assert_no_serious_a11y_violations(page: Page, context: str | None = None) -> None:
    """Fail on any serious or critical WCAG 2.2 A/AA violation found by axe."""
    blocking = [v for v in axe_violations(page, context) if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe found accessibility violations on {page.url}:\n{describe(blocking)}"
