"""Shared fixtures. Browser tests drive Debian's Chromium through Playwright (no downloaded
browser); see tests/browser/conftest.py."""

import os

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by the
# live server fixtures from that thread are safe here (stack-notes G4).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
