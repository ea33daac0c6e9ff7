"""Print a new ledger signing key (to put in LEDGER_SIGNING_KEY) and its public verifier key."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from registry.ledger.note import NoteError, Signer, b64encode, generate_seed


class Command(BaseCommand):
    help = (
        "Generate a new Ed25519 checkpoint signing key. Prints LEDGER_SIGNING_KEY=… (keep it "
        "secret) and the verifier key to publish. Stores nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--origin", help="log origin and key name (default: LEDGER_ORIGIN)")

    def handle(self, *args: Any, **options: Any) -> None:
        origin = options["origin"] or settings.LEDGER_ORIGIN
        seed = generate_seed()
        try:
            signer = Signer(origin, seed)
        except NoteError as exc:
            raise CommandError(f"invalid origin {origin!r}: {exc}") from exc
        self.stdout.write(f"LEDGER_SIGNING_KEY={b64encode(seed)}")
        self.stdout.write(f"LEDGER_ORIGIN={origin}")
        self.stdout.write("# verifier key, to publish (the line above it stays secret):")
        self.stdout.write(signer.verifier.vkey)
