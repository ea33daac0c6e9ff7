"""Reads of the public ledger: entries, proofs from stored hashes, and the monitor's audit.

Everything here is public (no user scoping): the ledger is published for anyone to check.
Proofs read at most ~2·log2(n) stored hashes in one query; only the audit reads everything.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

from core.exceptions import DomainError

from .ledger.canonical import CanonicalJSONError, canonicalize
from .ledger.checkpoint import CheckpointError, TreeHead, open_checkpoint
from .ledger.merkle import (
    EMPTY_ROOT,
    CompactRange,
    MerkleError,
    leaf_hash,
    prove_consistency,
    prove_inclusion,
    stored_hash_count,
    verify_consistency,
)
from .ledger.note import NoteError, Signer, Verifier, b64decode_strict
from .ledger.proof import TlogProof, format_tlog_proof
from .models import Checkpoint, LedgerEntry, LedgerHash, Snapshot


def read_stored_hashes(indexes: Sequence[int]) -> list[bytes]:
    """The stored Merkle hashes at `indexes`, in that order (a merkle.HashReader), in one query."""
    rows = dict(LedgerHash.objects.filter(index__in=indexes).values_list("index", "hash"))
    missing = [i for i in indexes if i not in rows]
    if missing:
        raise MerkleError(f"the ledger's hash table has no row for index {missing[0]}")
    return [bytes(rows[i]) for i in indexes]


def ledger_size() -> int:
    """The number of entries in the ledger (the next entry's `seq`)."""
    last = LedgerEntry.objects.aggregate(last=Max("seq"))["last"]
    return 0 if last is None else int(last) + 1


def snapshot_latest() -> Snapshot | None:
    """The most recent published snapshot, if any."""
    return Snapshot.objects.order_by("-as_of").first()


def snapshot_get(*, as_of: date) -> Snapshot:
    """The snapshot published for `as_of`; raises Snapshot.DoesNotExist."""
    return Snapshot.objects.get(as_of=as_of)


def ledger_entry_get(*, seq: int) -> LedgerEntry:
    """The entry at `seq`; raises LedgerEntry.DoesNotExist."""
    return LedgerEntry.objects.get(seq=seq)


def ledger_entries_for_registration(*, registration_number: str) -> QuerySet[LedgerEntry]:
    """Every event of one registration (or certificate), oldest first: its history."""
    return LedgerEntry.objects.filter(registration_number=registration_number).order_by("seq")


def ledger_entries_for_corporate_number(*, corporate_number: str) -> QuerySet[LedgerEntry]:
    """Every event about one legal entity (by its 法人番号), oldest first."""
    return LedgerEntry.objects.filter(corporate_number=corporate_number).order_by("seq")


def latest_checkpoint() -> Checkpoint | None:
    """The most recent signed checkpoint, or None before the first one."""
    return Checkpoint.objects.order_by("-tree_size").first()


def ledger_verifier() -> Verifier:
    """The public key that verifies this registry's checkpoints (publish its `vkey`)."""
    try:
        seed = b64decode_strict(settings.LEDGER_SIGNING_KEY)
        return Signer(settings.LEDGER_ORIGIN, seed).verifier
    except NoteError as exc:
        raise ImproperlyConfigured(
            f"LEDGER_SIGNING_KEY or LEDGER_ORIGIN is invalid ({exc})"
        ) from exc


def _covering_checkpoint() -> Checkpoint:
    checkpoint = latest_checkpoint()
    if checkpoint is None:
        raise DomainError(
            _("No checkpoint of the ledger has been signed yet."), code="ledger_no_checkpoint"
        )
    return checkpoint


def inclusion_proof(*, seq: int, size: int | None = None) -> list[bytes]:
    """The audit path of entry `seq` in the tree of `size` entries (default: latest checkpoint)."""
    if size is None:
        size = _covering_checkpoint().tree_size
    if not 0 <= seq < size or size > ledger_size():
        raise DomainError(
            _("Entry %(seq)s is not in a ledger tree of size %(size)s.")
            % {"seq": seq, "size": size},
            code="ledger_not_covered",
        )
    return prove_inclusion(seq, size, read_stored_hashes)


def consistency_proof(*, old: int, new: int) -> list[bytes]:
    """The proof that the ledger at size `old` is a prefix of the ledger at size `new`."""
    if not 0 < old <= new <= ledger_size():
        raise DomainError(
            _("There is no consistency proof from size %(old)s to size %(new)s.")
            % {"old": old, "new": new},
            code="ledger_bad_sizes",
        )
    return prove_consistency(old, new, read_stored_hashes)


def tlog_proof_text(*, seq: int) -> str:
    """The C2SP `.tlog-proof` of entry `seq` against the latest signed checkpoint.

    Together with the entry's leaf (`LedgerEntry.leaf`) and the registry's vkey, anyone can check
    offline that the entry is in the ledger (registry/ledger/standalone_verify.py).
    """
    checkpoint = _covering_checkpoint()
    if not 0 <= seq < checkpoint.tree_size:
        raise DomainError(
            _("Entry %(seq)s is not yet covered by a signed checkpoint.") % {"seq": seq},
            code="ledger_not_covered",
        )
    path = prove_inclusion(seq, checkpoint.tree_size, read_stored_hashes)
    return format_tlog_proof(TlogProof(index=seq, path=tuple(path), checkpoint=checkpoint.note))


# ------------------------------------------------------------------------------------------------
# The monitor (manage.py ledger_verify)
# ------------------------------------------------------------------------------------------------
MAX_REPORTED_PROBLEMS = 50


@dataclass
class LedgerAudit:
    """What the monitor found: counts, the recomputed root and every problem (empty when sound)."""

    entries: int = 0
    hashes: int = 0
    checkpoints: int = 0
    root_hash: bytes = EMPTY_ROOT
    latest: TreeHead | None = None
    problems: list[str] = field(default_factory=list)
    omitted: int = 0

    def problem(self, message: str) -> None:
        """Record a problem (only the first MAX_REPORTED_PROBLEMS are kept verbatim)."""
        if len(self.problems) < MAX_REPORTED_PROBLEMS:
            self.problems.append(message)
        else:
            self.omitted += 1

    @property
    def ok(self) -> bool:
        """True when nothing was found wrong."""
        return not self.problems


def _verified_heads(
    audit: LedgerAudit, verifiers: Sequence[Verifier], origin: str
) -> list[TreeHead]:
    heads: list[TreeHead] = []
    for checkpoint in Checkpoint.objects.order_by("tree_size"):
        audit.checkpoints += 1
        try:
            head = open_checkpoint(checkpoint.note, origin=origin, verifiers=verifiers)
        except CheckpointError as exc:
            audit.problem(f"checkpoint {checkpoint.tree_size}: its signed note fails: {exc}")
            continue
        if head.size != checkpoint.tree_size or head.root_hash != bytes(checkpoint.root_hash):
            audit.problem(f"checkpoint {checkpoint.tree_size}: its columns differ from its note")
            continue
        heads.append(head)
    return heads


def _check_leaf(audit: LedgerAudit, seq: int, leaf: bytes, stored_leaf_hash: bytes) -> bytes:
    record_hash = leaf_hash(leaf)
    if record_hash != stored_leaf_hash:
        audit.problem(f"entry {seq}: its leaf hash does not match its leaf bytes")
    try:
        value = json.loads(leaf)
        canonical = canonicalize(value) == leaf
    except (ValueError, CanonicalJSONError):
        value, canonical = None, False
    if not canonical:
        audit.problem(f"entry {seq}: its leaf is not canonical JSON")
    elif not isinstance(value, dict) or value.get("seq") != seq:
        audit.problem(f"entry {seq}: its leaf does not carry seq {seq}")
    return record_hash


def ledger_audit(
    *, verifiers: Sequence[Verifier] | None = None, origin: str | None = None
) -> LedgerAudit:
    """Recheck the whole ledger from its leaves (the nightly monitor; see ledger_verify).

    Recomputes every leaf hash and every stored hash from the stored leaf bytes in one streaming
    pass, compares each signed checkpoint's root with the root recomputed at its size, and checks
    consistency proofs between consecutive checkpoints. Checkpoints are verified with `verifiers`
    (default: the configured key) for `origin` (default: LEDGER_ORIGIN).
    """
    audit = LedgerAudit()
    origin = origin or settings.LEDGER_ORIGIN
    heads = _verified_heads(audit, verifiers or [ledger_verifier()], origin)
    # Read the checkpoints before the size: every checkpoint read then covers at most `size`
    # entries unless entries were removed, and appends running meanwhile are simply not audited.
    size = ledger_size()
    roots_to_check = {head.size: head for head in heads}
    hash_rows = iter(
        LedgerHash.objects.filter(index__lt=stored_hash_count(size))
        .order_by("index")
        .values_list("index", "hash")
        .iterator(chunk_size=5000)
    )
    compact = CompactRange()
    if 0 in roots_to_check and roots_to_check[0].root_hash != EMPTY_ROOT:
        audit.problem("checkpoint 0: its root is not the empty tree's root")
    entries = (
        LedgerEntry.objects.filter(seq__lt=size)
        .order_by("seq")
        .values_list("seq", "leaf", "leaf_hash")
        .iterator(chunk_size=2000)
    )
    for seq, leaf, stored_leaf_hash in entries:
        if seq != compact.size:
            audit.problem(f"entry {compact.size} is missing (the next entry is {seq})")
            break
        record_hash = _check_leaf(audit, seq, bytes(leaf), bytes(stored_leaf_hash))
        for expected in compact.append(record_hash):
            row = next(hash_rows, None)
            if row is None or row[0] != audit.hashes or bytes(row[1]) != expected:
                audit.problem(f"stored hash {audit.hashes} (entry {seq}) does not match the leaves")
            audit.hashes += 1
        head = roots_to_check.get(compact.size)
        if head is not None and head.root_hash != compact.root():
            audit.problem(f"checkpoint {head.size}: its root does not match the entries")
    audit.entries = compact.size
    audit.root_hash = compact.root()
    if compact.size < size:
        audit.problem(f"the ledger should hold {size} entries but only {compact.size} are in order")
    for head in heads:
        if head.size > compact.size:
            audit.problem(
                f"checkpoint {head.size} covers more entries than the ledger holds ({compact.size})"
            )
    for old, new in pairwise(heads):
        if old.size == 0 or new.size > compact.size:
            continue
        try:
            proof = prove_consistency(old.size, new.size, read_stored_hashes)
            consistent = verify_consistency(old.size, new.size, old.root_hash, new.root_hash, proof)
        except MerkleError:
            consistent = False
        if not consistent:
            audit.problem(f"checkpoints {old.size} and {new.size} are not consistent")
    audit.latest = heads[-1] if heads else None
    return audit
