"""Writes of the public ledger: appending events and signing checkpoints.

There are no update or delete services: a correction is a new event that refers to the old one
(`supersedes`). Reads, proofs and the monitor's audit are in selectors.py.
"""

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.jp import cn as corporate_number

from core.exceptions import DomainError
from core.services import audit_record

from .ledger.canonical import CanonicalJSONError, canonicalize
from .ledger.checkpoint import CheckpointError, TreeHead, open_checkpoint
from .ledger.merkle import (
    frontier_indexes,
    leaf_hash,
    prove_consistency,
    stored_hash_index,
    stored_hashes_for_record,
    tree_hash,
    verify_consistency,
)
from .ledger.note import NoteError, Signer, b64decode_strict, b64encode, sign_note
from .models import Checkpoint, LedgerEntry, LedgerHash, Snapshot
from .selectors import ledger_size, read_stored_hashes, snapshot_latest

# Keys of pg_advisory_xact_lock: one serialises appends (so `seq` has no gaps and every stored
# hash is written exactly once), the other serialises signers (so no two checkpoints race).
APPEND_LOCK = 0x5C5_1ED6E
SIGNER_LOCK = 0x5C5_5161
SNAPSHOT_LOCK = 0x5C5_5A9
SNAPSHOT_EVENT = "scheme.snapshot"
SNAPSHOT_VERSION = 1

MAX_LEAF_BYTES = 4096
EVENT_VERSION_MAX = 1000
_EVENT_TYPE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _is_code(value: Any) -> bool:
    return isinstance(value, str) and _CODE.fullmatch(value) is not None


def _is_text(value: Any) -> bool:
    return (
        isinstance(value, str)
        and 0 < len(value) <= 500
        and not any(c < " " or c == "\x7f" for c in value)
    )


def _is_date(value: Any) -> bool:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_int(low: int, high: int) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        return type(value) is int and low <= value <= high

    return check


# The facts a ledger entry may carry. The ledger is public and can never delete anything, so only
# facts that are public anyway go in: no personal data, no self-assessment content. A field that
# must refer to confidential material commits to it with a hash (`sha256`) kept off-log.
PUBLIC_FIELDS: Mapping[str, Callable[[Any], bool]] = {
    "registration_number": _is_code,
    "cert_id": _is_code,
    "corporate_number": lambda v: isinstance(v, str) and corporate_number.is_valid(v),
    "organisation_name": _is_text,
    "star": _is_int(3, 5),
    "scheme_edition": _is_code,
    "scope": _is_text,
    "evaluation_body": _is_text,
    "valid_from": _is_date,
    "valid_until": _is_date,
    "effective": _is_date,
    "as_of": _is_date,
    "reason_code": _is_code,
    "decision_ref": _is_code,
    "supersedes": _is_int(0, 2**53 - 1),
    "sha256": lambda v: isinstance(v, str) and _SHA256.fullmatch(v) is not None,
    "vkey": _is_text,
    "count": _is_int(0, 2**53 - 1),
}


def _validated_snapshot(event: Mapping[str, Any]) -> dict[str, Any]:
    """The event as a plain dict, after checking that it holds only well-formed public facts."""
    if not isinstance(event, Mapping):
        raise DomainError(_("A ledger event must be an object."), code="ledger_event_invalid")
    snapshot = dict(event)
    event_type = snapshot.pop("type", None)
    version = snapshot.pop("v", None)
    if not isinstance(event_type, str) or not _EVENT_TYPE.fullmatch(event_type):
        raise DomainError(
            _("A ledger event needs a dotted lower-case type such as cert.issued."),
            code="ledger_event_type",
        )
    if type(version) is not int or not 1 <= version <= EVENT_VERSION_MAX:
        raise DomainError(
            _("A ledger event needs a positive integer version v."), code="ledger_event_version"
        )
    if "seq" in snapshot:
        raise DomainError(
            _("The ledger assigns the sequence number itself."), code="ledger_event_seq"
        )
    for field, value in snapshot.items():
        check = PUBLIC_FIELDS.get(field)
        if check is None:
            raise DomainError(
                _("The ledger records public facts only; %(field)s is not one of them.")
                % {"field": field},
                code="ledger_field_not_public",
            )
        if not check(value):
            raise DomainError(
                _("The value of %(field)s is not valid for the ledger.") % {"field": field},
                code="ledger_field_invalid",
            )
    if snapshot.get("valid_from", "") > snapshot.get("valid_until", "9999-12-31"):
        raise DomainError(
            _("The validity of a ledger event cannot end before it starts."),
            code="ledger_event_validity",
        )
    return {"type": event_type, "v": version, **snapshot}


def _lock(key: int) -> None:
    # A transaction-scoped advisory lock: released at commit or rollback. SQLite (the one-process
    # trial run) serialises writers on its own.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _leaf(snapshot: dict[str, Any], seq: int) -> bytes:
    try:
        leaf = canonicalize({**snapshot, "seq": seq})
    except CanonicalJSONError as exc:
        raise DomainError(str(exc), code="ledger_event_invalid") from exc
    if len(leaf) > MAX_LEAF_BYTES:
        raise DomainError(_("The ledger event is too large."), code="ledger_event_too_large")
    return leaf


@transaction.atomic
def ledger_append_many(*, events: Sequence[Mapping[str, Any]]) -> list[LedgerEntry]:
    """Append public events to the ledger, in order, in one transaction; return their entries.

    Each event needs `type` (e.g. "cert.issued") and `v` (its schema version) and may carry only
    the PUBLIC_FIELDS; the service adds `seq`, stores the RFC 8785 canonical bytes as the leaf and
    writes the Merkle tree's new stored hashes. Either all events are appended or none. The
    caller's own service records the business action in the audit trail; the ledger entry itself
    is the public record. A signed checkpoint covers the entries from the next checkpoint_sign.
    """
    snapshots = [_validated_snapshot(event) for event in events]
    if not snapshots:
        return []
    _lock(APPEND_LOCK)
    start = ledger_size()
    # Appending reads only the frontier of the tree so far and hashes it writes itself, so one
    # query up front serves the whole batch.
    frontier = frontier_indexes(start)
    known = dict(zip(frontier, read_stored_hashes(frontier), strict=True))
    entries: list[LedgerEntry] = []
    hash_rows: list[LedgerHash] = []
    for seq, snapshot in enumerate(snapshots, start=start):
        leaf = _leaf(snapshot, seq)
        record_hash = leaf_hash(leaf)
        hashes = stored_hashes_for_record(seq, record_hash, lambda idx: [known[i] for i in idx])
        first = stored_hash_index(0, seq)
        for offset, h in enumerate(hashes):
            known[first + offset] = h
            hash_rows.append(LedgerHash(index=first + offset, hash=h))
        entries.append(
            LedgerEntry(
                seq=seq,
                event_type=snapshot["type"],
                registration_number=snapshot.get("registration_number")
                or snapshot.get("cert_id", ""),
                corporate_number=snapshot.get("corporate_number", ""),
                leaf=leaf,
                leaf_hash=record_hash,
            )
        )
    created = LedgerEntry.objects.bulk_create(entries, batch_size=1000)
    LedgerHash.objects.bulk_create(hash_rows, batch_size=2000)
    return created


def ledger_append(*, event: Mapping[str, Any]) -> LedgerEntry:
    """Append one public event to the ledger and return its entry (see ledger_append_many)."""
    return ledger_append_many(events=[event])[0]


def ledger_signer() -> Signer:
    """The checkpoint signer configured by LEDGER_SIGNING_KEY and LEDGER_ORIGIN."""
    try:
        return Signer(settings.LEDGER_ORIGIN, b64decode_strict(settings.LEDGER_SIGNING_KEY))
    except NoteError as exc:
        raise ImproperlyConfigured(
            "LEDGER_SIGNING_KEY must be the base64 of a 32-byte Ed25519 seed and LEDGER_ORIGIN "
            f"a key name without spaces or '+' ({exc})"
        ) from exc


def _previous_head(previous: Checkpoint, signer: Signer) -> TreeHead:
    """The last checkpoint this signer signed, verified: its note, not just its columns."""
    try:
        head = open_checkpoint(
            previous.note, origin=settings.LEDGER_ORIGIN, verifiers=[signer.verifier]
        )
    except CheckpointError as exc:
        raise DomainError(
            _("The last checkpoint does not verify with the ledger key; refusing to sign."),
            code="ledger_checkpoint_untrusted",
        ) from exc
    if head.size != previous.tree_size or head.root_hash != bytes(previous.root_hash):
        raise DomainError(
            _("The last checkpoint's columns differ from its signed note; refusing to sign."),
            code="ledger_checkpoint_untrusted",
        )
    return head


@transaction.atomic
def checkpoint_sign(*, now: datetime | None = None, by: Any = None) -> Checkpoint:
    """Sign a checkpoint of the ledger as it is now, after proving it extends the last one.

    This is the log's internal witness (C2SP tlog-checkpoint: a log MUST NOT sign a checkpoint
    inconsistent with one it signed before): it refuses a smaller tree, a different root at the
    same size, and any tree for which the stored hashes give no valid consistency proof from the
    last signed checkpoint. When nothing was appended since, it returns that checkpoint.
    """
    signer = ledger_signer()
    _lock(SIGNER_LOCK)
    size = ledger_size()
    root = tree_hash(size, read_stored_hashes)
    previous = Checkpoint.objects.order_by("-tree_size").first()
    if previous is not None:
        old = _previous_head(previous, signer)
        if size < old.size:
            raise DomainError(
                _("The ledger is smaller than its last checkpoint; refusing to sign."),
                code="ledger_inconsistent",
            )
        if size == old.size:
            if root != old.root_hash:
                raise DomainError(
                    _("The ledger's root differs from its last checkpoint; refusing to sign."),
                    code="ledger_inconsistent",
                )
            return previous
        if old.size > 0:
            proof = prove_consistency(old.size, size, read_stored_hashes)
            if not verify_consistency(old.size, size, old.root_hash, root, proof):
                raise DomainError(
                    _("The ledger does not extend its last checkpoint; refusing to sign."),
                    code="ledger_inconsistent",
                )
    head = TreeHead(settings.LEDGER_ORIGIN, size, root)
    checkpoint = Checkpoint.objects.create(
        tree_size=size,
        root_hash=root,
        note=sign_note(head.text(), [signer]),
        signed_at=now or timezone.now(),
    )
    audit_record(
        action="registry.checkpoint.signed",
        by=by,
        obj=checkpoint,
        data={"tree_size": size, "root_hash": b64encode(root), "key_id": f"{signer.key_id:08x}"},
    )
    return checkpoint


def snapshot_document_name(as_of: date) -> str:
    """Where the snapshot document of a day is stored (Django's default storage)."""
    return f"ledger/snapshots/{as_of.isoformat()}.csv"


@transaction.atomic
def ledger_snapshot_publish(
    *, as_of: date, document: bytes, count: int, now: datetime | None = None
) -> tuple[Snapshot, Checkpoint]:
    """Publish the day's snapshot document (the registrations valid on `as_of`), commit to it in
    the ledger with a `scheme.snapshot` entry (its SHA-256 and row count), and sign a checkpoint
    covering it.

    One snapshot per day: when the day's snapshot exists, nothing new is stored or appended and
    the checkpoint is signed (or returned) as it stands, so the daily job is safe to run twice.
    Snapshots only move forward: a day before the latest published one is refused. Since a new
    entry is appended every day, a fresh checkpoint is signed every day even when nothing else
    happened, which lets verifiers require a recent checkpoint.
    """
    _lock(SNAPSHOT_LOCK)
    snapshot = Snapshot.objects.filter(as_of=as_of).first()
    if snapshot is None:
        latest = snapshot_latest()
        if latest is not None and latest.as_of > as_of:
            raise DomainError(
                _("A snapshot for %(latest)s is already published; snapshots only move forward.")
                % {"latest": latest.as_of.isoformat()},
                code="ledger_snapshot_backdated",
            )
        sha256 = hashlib.sha256(document).hexdigest()
        name = snapshot_document_name(as_of)
        # A run that stored the document but did not commit left it behind: replace it.
        if default_storage.exists(name):
            default_storage.delete(name)
        stored = default_storage.save(name, ContentFile(document))
        entry = ledger_append(
            event={
                "type": SNAPSHOT_EVENT,
                "v": SNAPSHOT_VERSION,
                "as_of": as_of.isoformat(),
                "count": count,
                "sha256": sha256,
            }
        )
        snapshot = Snapshot.objects.create(
            as_of=as_of, document=stored, sha256=sha256, count=count, ledger_seq=entry.seq
        )
        audit_record(
            action="registry.snapshot.published",
            obj=snapshot,
            data={"as_of": as_of.isoformat(), "count": count, "sha256": sha256, "seq": entry.seq},
        )
    return snapshot, checkpoint_sign(now=now)
