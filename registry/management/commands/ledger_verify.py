"""The nightly ledger monitor: recompute everything from the leaves and compare."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from registry.ledger.note import NoteError, Verifier, b64encode
from registry.selectors import ledger_audit


class Command(BaseCommand):
    help = (
        "Recompute every leaf hash, stored hash and root from the ledger's leaves, compare them "
        "with the signed checkpoints and check consistency between consecutive checkpoints. "
        "Exits non-zero on any mismatch."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--vkey",
            action="append",
            default=[],
            help="verify checkpoints with this pinned public key instead of the configured one "
            "(repeatable); lets a monitor run without the signing key",
        )
        parser.add_argument("--origin", help="expected log origin (default: LEDGER_ORIGIN)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            verifiers = [Verifier.from_vkey(v) for v in options["vkey"]] or None
        except NoteError as exc:
            raise CommandError(f"invalid --vkey: {exc}") from exc
        audit = ledger_audit(verifiers=verifiers, origin=options["origin"])
        if not audit.ok:
            count = len(audit.problems) + audit.omitted
            lines = [f"LEDGER VERIFICATION FAILED: {count} problem(s)"]
            lines += [f"  - {problem}" for problem in audit.problems]
            if audit.omitted:
                lines.append(f"  … and {audit.omitted} more")
            raise CommandError("\n".join(lines))
        latest = audit.latest
        covered = (
            f"latest checkpoint: size {latest.size}, root {b64encode(latest.root_hash)}; "
            f"{audit.entries - latest.size} entries not yet covered by a checkpoint"
            if latest
            else "no checkpoint signed yet"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Ledger verified: {audit.entries} entries, {audit.hashes} stored hashes, "
                f"{audit.checkpoints} checkpoints; {covered}."
            )
        )
