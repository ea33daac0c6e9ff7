"""`.env.example` must list every environment variable the settings read."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READ = re.compile(r"\benv(?:\.\w+)?\(\s*[\"']([A-Z][A-Z0-9_]+)[\"']")


def test_every_variable_read_by_the_settings_is_documented():
    read = set()
    for path in (ROOT / "config").rglob("*.py"):
        read |= set(READ.findall(path.read_text(encoding="utf-8")))
    documented = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#") and "=" in line
    }
    assert read, "the pattern found no variables: the test would pass vacuously"
    assert read - documented == set(), "add these to .env.example"
