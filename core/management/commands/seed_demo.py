"""Load idempotent demo data for trying the portal (`make run` calls it).

Each app that has demo data provides `<app>/demo.py` with a `seed(stdout) -> None` function that
creates or updates its objects by natural key, so running the command twice changes nothing.
Apps are seeded in dependency order. Refused under production settings.
"""

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

APPS_IN_ORDER = ["accounts", "scheme", "bodies", "assessments", "certification", "registry"]


class Command(BaseCommand):
    help = "Create or update the demo organisations, users and objects (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is refused under these settings (production).")
        with transaction.atomic():
            for app in APPS_IN_ORDER:
                if find_spec(f"{app}.demo") is None:
                    continue
                import_module(f"{app}.demo").seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
