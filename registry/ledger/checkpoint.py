"""C2SP tlog-checkpoint: the note text that commits to a tree (origin, size, root hash).

```
<origin>\\n
<tree size, ASCII decimal, no leading zeros>\\n
<base64 root hash>\\n
[extension lines, non-empty]
```

The parser copies the canonical-size check of Go's sumdb/tlog ParseTree: "007" or "+7" is not a
size, so a checkpoint has exactly one spelling and cannot be re-signed under a second one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .merkle import HASH_SIZE
from .note import NoteError, Verifier, b64decode_strict, b64encode, open_note

_SIZE = re.compile(r"0|[1-9][0-9]*")
_SIZE_LIMIT = 2**63 - 1  # Go's int64, which other verifiers use


class CheckpointError(ValueError):
    """The checkpoint text is malformed, from another log, or not signed by a trusted key."""


@dataclass(frozen=True)
class TreeHead:
    """A checkpoint body: the log's origin, its size and its RFC 6962 root hash."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        """The note text, newline-terminated."""
        return format_checkpoint(self)


def format_checkpoint(head: TreeHead) -> str:
    """Format a checkpoint body; refuses values that parse_checkpoint would refuse."""
    text = f"{head.origin}\n{head.size}\n{b64encode(head.root_hash)}\n" + "".join(
        f"{line}\n" for line in head.extensions
    )
    if parse_checkpoint(text) != head:
        raise CheckpointError("this checkpoint cannot be formatted canonically")
    return text


def parse_checkpoint(text: str) -> TreeHead:
    """Parse a checkpoint body (the text of the signed note, before the blank line)."""
    if not text.endswith("\n"):
        raise CheckpointError("a checkpoint ends with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointError("a checkpoint has at least three lines")
    origin, size_line, root_line, *extensions = lines
    if not origin:
        # Origins SHOULD be schema-less URLs without spaces or "+", but verifiers may not assume it.
        raise CheckpointError("the origin line is empty")
    if not _SIZE.fullmatch(size_line) or int(size_line) > _SIZE_LIMIT:
        raise CheckpointError("the tree size is not a canonical decimal number")
    try:
        root = b64decode_strict(root_line)
    except NoteError as exc:
        raise CheckpointError("the root hash is not valid base64") from exc
    if len(root) != HASH_SIZE:
        raise CheckpointError("the root hash has 32 bytes")
    if any(not line for line in extensions):
        raise CheckpointError("extension lines may not be empty")
    return TreeHead(origin, int(size_line), root, tuple(extensions))


def open_checkpoint(signed_note: str, *, origin: str, verifiers: Sequence[Verifier]) -> TreeHead:
    """Verify a signed checkpoint from the log `origin` and return its tree head.

    Raises CheckpointError (wrapping the note errors) when the note is malformed, not signed by a
    trusted key, or from another log.
    """
    try:
        note = open_note(signed_note, verifiers)
    except NoteError as exc:
        raise CheckpointError(str(exc)) from exc
    head = parse_checkpoint(note.text)
    if head.origin != origin:
        raise CheckpointError(f"the checkpoint is from {head.origin!r}, not {origin!r}")
    return head
