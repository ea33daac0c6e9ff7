"""Check every translation catalogue: all messages translated, none fuzzy, .mo up to date.

Japanese is the default language, so an untranslated message would show English to a Japanese
user; a stale .mo would show an old translation. Both fail `make check`.
"""

import gettext
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "node_modules", "staticfiles"}


def catalogues() -> list[Path]:
    return sorted(p for p in ROOT.glob("**/locale/*/LC_MESSAGES/*.po") if not SKIP & set(p.parts))


def main() -> int:
    problems: list[str] = []
    for po in catalogues():
        rel = po.relative_to(ROOT)
        stats = subprocess.run(
            ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
            capture_output=True,
            text=True,
            check=False,
        )
        if stats.returncode != 0:
            problems.append(f"{rel}: {stats.stderr.strip()}")
            continue
        if "untranslated" in stats.stderr or "fuzzy" in stats.stderr:
            problems.append(f"{rel}: {stats.stderr.strip()}")
        mo = po.with_suffix(".mo")
        if not mo.exists():
            problems.append(f"{rel}: no compiled .mo (run `make compilemessages`)")
            continue
        with tempfile.NamedTemporaryFile(suffix=".mo") as fresh:
            subprocess.run(["msgfmt", "-o", fresh.name, str(po)], check=True)
            with open(fresh.name, "rb") as a, mo.open("rb") as b:
                if gettext.GNUTranslations(a)._catalog != gettext.GNUTranslations(b)._catalog:  # type: ignore[attr-defined]
                    problems.append(f"{rel}: .mo is stale (run `make compilemessages`)")
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"translations: {len(catalogues())} catalogues checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
