"""C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, as Go's sumdb/note does them.

A note is UTF-8 text ending in a newline, a blank line, then signature lines
`— <key name> <base64(4-byte key ID || signature)>`. A verifier is configured with the keys it
trusts; signatures from other keys are ignored, one failing signature from a trusted key rejects
the whole note, and a note with no verified signature is rejected.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALG_ED25519 = 0x01
SIGNATURE_PREFIX = "— "  # U+2014 EM DASH, then a space
MAX_SIGNATURES = 100  # the spec asks verifiers to accept at least 16; Go's note.Open caps at 100
SEED_SIZE = 32


class NoteError(ValueError):
    """The note, key or signature is malformed."""


class NoteVerificationError(NoteError):
    """A trusted key's signature failed, or no trusted key signed the note."""


def b64decode_strict(text: str) -> bytes:
    """Standard base64 (RFC 4648 §4), refusing anything but its one canonical spelling."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise NoteError("invalid base64") from exc
    if base64.b64encode(raw).decode("ascii") != text:
        raise NoteError("non-canonical base64")
    return raw


def b64encode(raw: bytes) -> str:
    """Standard base64 as text."""
    return base64.b64encode(raw).decode("ascii")


def is_valid_key_name(name: str) -> bool:
    """Key names are non-empty and contain neither Unicode spaces nor "+"."""
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def key_id(name: str, public_key: bytes, alg: int = ALG_ED25519) -> int:
    """SHA-256(key name || 0x0A || signature type || public key)[:4] as a big-endian uint32."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([alg]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def _check_text(text: str) -> None:
    if any((c < " " and c != "\n") for c in text):
        raise NoteError("notes may not contain control characters other than newline")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise NoteError("notes must be valid UTF-8") from exc


class Verifier:
    """A trusted Ed25519 public key with its name and key ID."""

    def __init__(self, name: str, public_key: bytes) -> None:
        if not is_valid_key_name(name):
            raise NoteError(f"invalid key name {name!r}")
        if len(public_key) != 32:
            raise NoteError("an Ed25519 public key has 32 bytes")
        self.name = name
        self.public_key = public_key
        self.key_id = key_id(name, public_key)
        self._key = Ed25519PublicKey.from_public_bytes(public_key)

    @classmethod
    def from_vkey(cls, vkey: str) -> Verifier:
        """Parse `<name>+<hex8 key ID>+<base64(0x01 || public key)>`.

        Split on the first two "+" only: the base64 part may itself contain "+".
        """
        parts = vkey.split("+", 2)
        if len(parts) != 3:
            raise NoteError("a verifier key has the form name+keyid+key")
        name, id_hex, key_b64 = parts
        if len(id_hex) != 8 or any(c not in "0123456789abcdef" for c in id_hex):
            raise NoteError("the key ID is 8 lowercase hexadecimal digits")
        raw = b64decode_strict(key_b64)
        if len(raw) != 33 or raw[0] != ALG_ED25519:
            raise NoteError("only Ed25519 keys (type 0x01) are supported")
        verifier = cls(name, raw[1:])
        if verifier.key_id != int(id_hex, 16):
            raise NoteError("the key ID does not match the key")
        return verifier

    @property
    def vkey(self) -> str:
        """The text form of this key, to publish and to pin."""
        return f"{self.name}+{self.key_id:08x}+{b64encode(bytes([ALG_ED25519]) + self.public_key)}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        """True when `signature` is this key's Ed25519 signature of `message`."""
        try:
            self._key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


class Signer:
    """An Ed25519 private key with the name it signs under."""

    def __init__(self, name: str, seed: bytes) -> None:
        if len(seed) != SEED_SIZE:
            raise NoteError("an Ed25519 seed has 32 bytes")
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        self.verifier = Verifier(name, self._key.public_key().public_bytes_raw())
        self.name = name
        self.key_id = self.verifier.key_id

    def signature_line(self, text: str) -> str:
        """`— <name> <base64(key ID || signature)>` over the note text (without newline)."""
        sig = self._key.sign(text.encode("utf-8"))
        return f"{SIGNATURE_PREFIX}{self.name} {b64encode(self.key_id.to_bytes(4, 'big') + sig)}"


def generate_seed() -> bytes:
    """A new random Ed25519 seed."""
    return os.urandom(SEED_SIZE)


@dataclass(frozen=True)
class NoteSignature:
    """One signature line: who signed (name, key ID) and the raw signature bytes."""

    name: str
    key_id: int
    signature: bytes


@dataclass(frozen=True)
class Note:
    """A note whose signatures were checked: its text and the signatures that verified."""

    text: str
    verified: tuple[NoteSignature, ...]
    unverified: tuple[NoteSignature, ...]


def sign_note(text: str, signers: Sequence[Signer]) -> str:
    """The signed note: the text, a blank line, one signature line per signer."""
    if not text.endswith("\n"):
        raise NoteError("note text must end with a newline")
    _check_text(text)
    if not signers:
        raise NoteError("a note needs at least one signature")
    return text + "\n" + "".join(s.signature_line(text) + "\n" for s in signers)


def split_note(msg: str) -> tuple[str, list[NoteSignature]]:
    """Split a signed note into its text and its (unverified) signatures; check the syntax."""
    _check_text(msg)
    split = msg.rfind("\n\n")
    if split < 0:
        raise NoteError("a signed note ends with a blank line and signature lines")
    text, block = msg[: split + 1], msg[split + 2 :]
    if not block or not block.endswith("\n"):
        raise NoteError("a signed note ends with at least one signature line")
    signatures: list[NoteSignature] = []
    for line in block[:-1].split("\n"):
        if not line.startswith(SIGNATURE_PREFIX):
            raise NoteError("malformed signature line")
        name, sep, sig_b64 = line[len(SIGNATURE_PREFIX) :].partition(" ")
        if not sep or not is_valid_key_name(name) or not sig_b64:
            raise NoteError("malformed signature line")
        raw = b64decode_strict(sig_b64)
        if len(raw) < 5:
            raise NoteError("malformed signature line")
        signatures.append(NoteSignature(name, int.from_bytes(raw[:4], "big"), raw[4:]))
        if len(signatures) > MAX_SIGNATURES:
            raise NoteError("too many signatures")
    return text, signatures


def open_note(msg: str | bytes, verifiers: Sequence[Verifier]) -> Note:
    """Check a signed note against the trusted `verifiers` and return it.

    Raises NoteError when it is malformed and NoteVerificationError when a trusted signature
    fails or none is present.
    """
    if isinstance(msg, bytes):
        try:
            msg = msg.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NoteError("notes must be valid UTF-8") from exc
    text, signatures = split_note(msg)
    known = {(v.name, v.key_id): v for v in verifiers}
    message = text.encode("utf-8")
    verified: list[NoteSignature] = []
    unverified: list[NoteSignature] = []
    seen: set[tuple[str, int]] = set()
    for sig in signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            unverified.append(sig)
            continue
        if (sig.name, sig.key_id) in seen:
            continue
        seen.add((sig.name, sig.key_id))
        if not verifier.verify(message, sig.signature):
            raise NoteVerificationError(f"invalid signature by {sig.name}")
        verified.append(sig)
    if not verified:
        raise NoteVerificationError("the note carries no signature from a trusted key")
    return Note(text=text, verified=tuple(verified), unverified=tuple(unverified))
