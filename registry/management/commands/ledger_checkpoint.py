"""Sign a checkpoint of the ledger now (run after appends and at least daily)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.exceptions import DomainError
from registry.ledger.note import b64encode
from registry.services import checkpoint_sign


class Command(BaseCommand):
    help = (
        "Sign a checkpoint covering every entry appended so far, after checking that it is "
        "consistent with the last one. Safe to run twice: with nothing new it signs nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            checkpoint = checkpoint_sign()
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        root = b64encode(bytes(checkpoint.root_hash))
        self.stdout.write(f"Checkpoint: size {checkpoint.tree_size}, root {root}")
        self.stdout.write(checkpoint.note, ending="")
