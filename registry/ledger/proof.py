"""C2SP tlog-proof: an offline proof that an entry is in the log (file extension `.tlog-proof`).

```
c2sp.org/tlog-proof@v1
[extra <base64>]            optional and NOT authenticated
index <leaf index>
<base64 hash>               zero or more: the inclusion path, leaf sibling first
                            (an empty line)
<the signed checkpoint, verbatim, with all its signature lines>
```

Verification (the spec's "Verifying a tlog proof"): compute the leaf hash, open the checkpoint with
the pinned log key for the expected origin, then verify the inclusion path against its root.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .checkpoint import CheckpointError, TreeHead, open_checkpoint
from .merkle import HASH_SIZE, verify_inclusion
from .note import NoteError, Verifier, b64decode_strict, b64encode

HEADER = "c2sp.org/tlog-proof@v1"
_INDEX = re.compile(r"index (0|[1-9][0-9]*)")


class ProofError(ValueError):
    """The proof is malformed, its checkpoint untrusted, or the entry not proven included."""


@dataclass(frozen=True)
class TlogProof:
    """A parsed tlog-proof: entry index, inclusion path and the signed checkpoint (verbatim)."""

    index: int
    path: tuple[bytes, ...]
    checkpoint: str
    extra: bytes | None = None


def format_tlog_proof(proof: TlogProof) -> str:
    """The text of a `.tlog-proof` file."""
    lines = [HEADER]
    if proof.extra is not None:
        lines.append(f"extra {b64encode(proof.extra)}")
    lines.append(f"index {proof.index}")
    lines.extend(b64encode(h) for h in proof.path)
    return "\n".join(lines) + "\n\n" + proof.checkpoint


def parse_tlog_proof(text: str) -> TlogProof:
    """Parse a `.tlog-proof` file; the checkpoint is returned unverified."""
    head, sep, checkpoint = text.partition("\n\n")
    if not sep or not checkpoint:
        raise ProofError("a tlog proof ends with an empty line and a checkpoint")
    lines = head.split("\n")
    if lines[0] != HEADER:
        raise ProofError(f"a tlog proof starts with {HEADER!r}")
    pos = 1
    extra: bytes | None = None
    try:
        if pos < len(lines) and lines[pos].startswith("extra "):
            extra = b64decode_strict(lines[pos][len("extra ") :])
            pos += 1
        match = _INDEX.fullmatch(lines[pos]) if pos < len(lines) else None
        if match is None:
            raise ProofError("the index line is missing or not a canonical decimal number")
        path = tuple(b64decode_strict(line) for line in lines[pos + 1 :])
    except NoteError as exc:
        raise ProofError(f"invalid base64 in the proof: {exc}") from exc
    if any(len(h) != HASH_SIZE for h in path):
        raise ProofError("each inclusion proof line holds one 32-byte hash")
    return TlogProof(index=int(match.group(1)), path=path, checkpoint=checkpoint, extra=extra)


def verify_tlog_proof(
    text: str, *, leaf_hash: bytes, origin: str, verifiers: Sequence[Verifier]
) -> tuple[TlogProof, TreeHead]:
    """Check that the entry with `leaf_hash` is in the log `origin`, signed by a trusted key.

    Returns the proof and the verified tree head; raises ProofError otherwise.
    """
    proof = parse_tlog_proof(text)
    try:
        head = open_checkpoint(proof.checkpoint, origin=origin, verifiers=verifiers)
    except CheckpointError as exc:
        raise ProofError(f"the checkpoint is not trusted: {exc}") from exc
    if not verify_inclusion(proof.index, head.size, leaf_hash, proof.path, head.root_hash):
        raise ProofError(
            f"entry {proof.index} is not proven included in the tree of size {head.size}"
        )
    return proof, head
