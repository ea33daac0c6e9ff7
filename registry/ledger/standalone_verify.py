#!/usr/bin/env python3
"""Verify an SCS Registry ledger entry offline: one file, Python 3.11+ and `cryptography` only.

Usage:
    python standalone_verify.py --vkey VKEY [--origin ORIGIN] ENTRY.json ENTRY.tlog-proof

VKEY is the registry's published verifier key (`<name>+<key id>+<base64 key>`), obtained out of
band and pinned. ORIGIN defaults to the key's name. The entry is canonicalised (RFC 8785) before
hashing, so a pretty-printed copy of the JSON works too. Exit status 0: the entry is in the
ledger, under a checkpoint signed by that key; 1: it is not (the reason is printed); 2: bad usage.

This does not say that the entry is still current: check its dates, and that no later event
(a suspension, a withdrawal) exists, against a recent checkpoint.

The code repeats, in one self-contained file, the algorithms of the registry's ledger library
(RFC 6962 / RFC 9162 Merkle proofs, C2SP signed-note, tlog-checkpoint, tlog-proof); both are
tested against the same test vectors.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

PROOF_HEADER = "c2sp.org/tlog-proof@v1"
SIGNATURE_PREFIX = "— "
MAX_SIGNATURES = 100
MAX_SAFE_INTEGER = 2**53 - 1


class VerificationError(Exception):
    """The entry is not proven to be in the ledger; the message says why."""


@dataclass(frozen=True)
class Result:
    """A verified inclusion: which entry, in which log, at which signed tree size."""

    origin: str
    index: int
    tree_size: int
    root_hash: bytes
    leaf_hash: bytes


# --- RFC 8785 canonical JSON (strings, integers, booleans, null, lists, objects) ---------------
def canonicalize(value: Any) -> bytes:
    """The RFC 8785 bytes of a JSON value without floating-point numbers."""
    out: list[str] = []
    _jcs(value, out)
    try:
        return "".join(out).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise VerificationError("the entry holds invalid Unicode") from exc


def _jcs(value: Any, out: list[str]) -> None:
    if value is None or isinstance(value, bool):
        out.append({None: "null", True: "true", False: "false"}[value])
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise VerificationError("the entry holds an integer too large for JSON")
        out.append(str(int(value)))
    elif isinstance(value, str):
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, list | tuple):
        out.append("[")
        for i, item in enumerate(value):
            out.append("," if i else "")
            _jcs(item, out)
        out.append("]")
    elif isinstance(value, Mapping) and all(isinstance(k, str) for k in value):
        out.append("{")
        try:
            keys = sorted(value, key=lambda k: k.encode("utf-16-be"))
        except UnicodeEncodeError as exc:
            raise VerificationError("the entry holds invalid Unicode") from exc
        for i, key in enumerate(keys):
            out.append("," if i else "")
            out.append(json.dumps(key, ensure_ascii=False) + ":")
            _jcs(value[key], out)
        out.append("}")
    else:
        raise VerificationError(f"the entry holds a value of type {type(value).__name__}")


# --- RFC 6962 hashing and RFC 9162 §2.1.3.2 inclusion verification ------------------------------
def leaf_hash(data: bytes) -> bytes:
    """SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(
    index: int, size: int, leaf: bytes, path: Sequence[bytes], root: bytes
) -> bool:
    """True when `path` proves leaf hash `leaf` is entry `index` of the tree `root`."""
    if not 0 <= index < size or len(leaf) != 32 or len(root) != 32:
        return False
    if any(len(p) != 32 for p in path):
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = _node(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = _node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


# --- C2SP signed-note (Ed25519) and tlog-checkpoint --------------------------------------------
def _b64(text: str) -> bytes:
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise VerificationError("invalid base64") from exc
    if base64.b64encode(raw).decode("ascii") != text:
        raise VerificationError("non-canonical base64")
    return raw


def _valid_name(name: str) -> bool:
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def _key_id(name: str, public_key: bytes) -> int:
    return int.from_bytes(
        hashlib.sha256(name.encode() + b"\n\x01" + public_key).digest()[:4], "big"
    )


@dataclass(frozen=True)
class VerifierKey:
    """A pinned Ed25519 note verifier key."""

    name: str
    key_id: int
    public_key: bytes

    @classmethod
    def parse(cls, vkey: str) -> VerifierKey:
        """Parse `<name>+<hex8 key id>+<base64(0x01 || key)>` (the base64 may contain "+")."""
        parts = vkey.strip().split("+", 2)
        if (
            len(parts) != 3
            or not _valid_name(parts[0])
            or not re.fullmatch(r"[0-9a-f]{8}", parts[1])
        ):
            raise VerificationError("the verifier key is malformed")
        raw = _b64(parts[2])
        if len(raw) != 33 or raw[0] != 0x01:
            raise VerificationError("the verifier key is not an Ed25519 key")
        key = cls(parts[0], int(parts[1], 16), raw[1:])
        if _key_id(key.name, key.public_key) != key.key_id:
            raise VerificationError("the verifier key's ID does not match the key")
        return key

    def verify(self, message: bytes, signature: bytes) -> bool:
        """True when `signature` is this key's signature of `message`."""
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


def open_note(msg: str, keys: Sequence[VerifierKey]) -> str:
    """The text of a signed note verified by at least one of `keys` (C2SP signed-note rules)."""
    if any(c < " " and c != "\n" for c in msg):
        raise VerificationError("the checkpoint contains control characters")
    split = msg.rfind("\n\n")
    if split < 0 or not msg.endswith("\n"):
        raise VerificationError("the checkpoint has no signature lines")
    text, lines = msg[: split + 1], msg[split + 2 : -1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise VerificationError("the checkpoint has too many signatures")
    known = {(k.name, k.key_id): k for k in keys}
    verified = False
    for line in lines:
        name, sep, sig64 = line.removeprefix(SIGNATURE_PREFIX).partition(" ")
        if not line.startswith(SIGNATURE_PREFIX) or not sep or not _valid_name(name):
            raise VerificationError("the checkpoint has a malformed signature line")
        raw = _b64(sig64)
        if len(raw) < 5:
            raise VerificationError("the checkpoint has a malformed signature line")
        key = known.get((name, int.from_bytes(raw[:4], "big")))
        if key is None:
            continue  # unknown keys (witnesses, rotated keys) are ignored by design
        if not key.verify(text.encode("utf-8"), raw[4:]):
            raise VerificationError(f"the signature by {name} is invalid")
        verified = True
    if not verified:
        raise VerificationError("the checkpoint is not signed by the pinned key")
    return text


def parse_checkpoint(text: str) -> tuple[str, int, bytes]:
    """(origin, size, root hash) of a checkpoint body, with the canonical-size check."""
    lines = text[:-1].split("\n")
    if len(lines) < 3 or not lines[0] or any(not line for line in lines[3:]):
        raise VerificationError("the checkpoint body is malformed")
    if not re.fullmatch(r"0|[1-9][0-9]*", lines[1]):
        raise VerificationError("the checkpoint's tree size is not canonical")
    root = _b64(lines[2])
    if len(root) != 32:
        raise VerificationError("the checkpoint's root hash is not 32 bytes")
    return lines[0], int(lines[1]), root


# --- C2SP tlog-proof -----------------------------------------------------------------------------
def verify(
    proof_text: str, entry: bytes, *, vkeys: Sequence[str], origin: str | None = None
) -> Result:
    """Verify that the JSON `entry` is in the ledger according to the `.tlog-proof` text."""
    keys = [VerifierKey.parse(v) for v in vkeys]
    if not keys:
        raise VerificationError("no verifier key given")
    expected_origin = origin or keys[0].name
    try:
        value = json.loads(
            entry.decode("utf-8"),
            parse_float=_no_float,
            parse_constant=_no_float,
            object_pairs_hook=_no_duplicates,
        )
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise VerificationError(f"the entry is not valid JSON: {exc}") from exc
    hashed = leaf_hash(canonicalize(value))
    header, sep, checkpoint = proof_text.partition("\n\n")
    lines = header.split("\n")
    if not sep or lines[0] != PROOF_HEADER:
        raise VerificationError("this is not a c2sp.org/tlog-proof@v1 file")
    pos = 2 if len(lines) > 1 and lines[1].startswith("extra ") else 1
    match = re.fullmatch(r"index (0|[1-9][0-9]*)", lines[pos]) if pos < len(lines) else None
    if match is None:
        raise VerificationError("the proof's index line is missing or malformed")
    path = [_b64(line) for line in lines[pos + 1 :]]
    found_origin, size, root = parse_checkpoint(open_note(checkpoint, keys))
    if found_origin != expected_origin:
        raise VerificationError(f"the checkpoint is from {found_origin!r}, not {expected_origin!r}")
    index = int(match.group(1))
    if not verify_inclusion(index, size, hashed, path, root):
        raise VerificationError(f"the entry is not entry {index} of the tree of size {size}")
    return Result(found_origin, index, size, root, hashed)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise VerificationError("the entry repeats a member name")
    return obj


def _no_float(text: str) -> Any:
    raise VerificationError(f"ledger entries hold no non-integer numbers ({text})")


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description="Verify an SCS Registry ledger entry offline.")
    parser.add_argument("--vkey", action="append", required=True, help="pinned verifier key")
    parser.add_argument("--origin", help="expected log origin (default: the key's name)")
    parser.add_argument("entry", help="the entry's JSON file")
    parser.add_argument("proof", help="the entry's .tlog-proof file")
    args = parser.parse_args(argv)
    try:
        with open(args.entry, "rb") as entry_file, open(args.proof, encoding="utf-8") as proof_file:
            result = verify(
                proof_file.read(), entry_file.read(), vkeys=args.vkey, origin=args.origin
            )
    except (OSError, UnicodeDecodeError, VerificationError) as exc:
        print(f"NOT VERIFIED: {exc}", file=sys.stderr)
        return 1
    print(
        f"VERIFIED: entry {result.index} is in {result.origin} "
        f"(signed tree size {result.tree_size}, root {base64.b64encode(result.root_hash).decode()})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
