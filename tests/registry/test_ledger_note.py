"""C2SP signed notes with Ed25519: key IDs, vkeys, signing and the verifier's rules."""

import base64

import pytest

from registry.ledger import note, standalone_verify
from tests.registry import ledger_example as example

C2SP_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
C2SP_NOTE = (
    "This is an example message.\n\n— example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)


def test_the_c2sp_example_note_verifies():
    verifier = note.Verifier.from_vkey(C2SP_VKEY)
    assert verifier.key_id == 0x530D903A
    assert verifier.vkey == C2SP_VKEY
    opened = note.open_note(C2SP_NOTE, [verifier])
    assert opened.text == "This is an example message.\n"
    assert [s.name for s in opened.verified] == ["example.com/foo"]
    assert note.open_note(C2SP_NOTE.encode("utf-8"), [verifier]).text == opened.text


def test_vkey_with_plus_in_its_base64_part_parses():
    # The worked example's key has "+" inside the base64: split("+") would break it.
    verifier = note.Verifier.from_vkey(example.VKEY)
    assert verifier.name == example.ORIGIN
    assert f"{verifier.key_id:08x}" == "8620a6f0"
    signer = note.Signer(example.ORIGIN, example.SEED)
    assert signer.verifier.vkey == example.VKEY
    assert standalone_verify.VerifierKey.parse(example.VKEY).key_id == verifier.key_id


def test_key_id_follows_the_spec_formula():
    import hashlib

    signer = note.Signer("a.example/log", bytes(32))
    digest = hashlib.sha256(b"a.example/log\n\x01" + signer.verifier.public_key).digest()
    assert signer.key_id == int.from_bytes(digest[:4], "big")


def test_sign_then_open_round_trip_is_deterministic():
    signer = note.Signer(example.ORIGIN, example.SEED)
    signed = note.sign_note("hello\nworld\n", [signer])
    assert signed == note.sign_note("hello\nworld\n", [signer])
    assert signed.startswith("hello\nworld\n\n— ledger.example.jp/scs-test ")
    assert note.open_note(signed, [signer.verifier]).text == "hello\nworld\n"


def test_text_may_contain_blank_lines_the_last_one_separates_signatures():
    signer = note.Signer("a.example/log", bytes(range(32)))
    signed = note.sign_note("first\n\nsecond\n", [signer])
    assert note.open_note(signed, [signer.verifier]).text == "first\n\nsecond\n"


def test_signatures_from_unknown_keys_are_ignored():
    ours = note.Signer("a.example/log", bytes(32))
    witness = note.Signer("witness.example", bytes(range(32)))
    signed = note.sign_note("body\n", [witness, ours])
    opened = note.open_note(signed, [ours.verifier])
    assert [s.name for s in opened.verified] == ["a.example/log"]
    assert [s.name for s in opened.unverified] == ["witness.example"]


def test_same_name_different_key_is_unknown_not_failed():
    ours = note.Signer("a.example/log", bytes(32))
    impostor = note.Signer("a.example/log", bytes([1] * 32))
    signed = note.sign_note("body\n", [impostor, ours])
    assert len(note.open_note(signed, [ours.verifier]).unverified) == 1
    with pytest.raises(note.NoteVerificationError):
        note.open_note(note.sign_note("body\n", [impostor]), [ours.verifier])


def test_a_failing_trusted_signature_rejects_the_whole_note():
    signer = note.Signer("a.example/log", bytes(32))
    signed = note.sign_note("body\n", [signer])
    with pytest.raises(note.NoteVerificationError):
        note.open_note(signed.replace("body", "bodz"), [signer.verifier])


def test_every_single_bit_flip_of_the_signature_fails():
    signer = note.Signer("a.example/log", bytes(32))
    signed = note.sign_note("body\n", [signer])
    prefix, sig_b64 = signed.rsplit(" ", 1)
    raw = base64.b64decode(sig_b64)
    for bit in range(len(raw) * 8):
        flipped = bytearray(raw)
        flipped[bit // 8] ^= 1 << (bit % 8)
        tampered = f"{prefix} {base64.b64encode(bytes(flipped)).decode()}\n"
        with pytest.raises(note.NoteVerificationError):
            note.open_note(tampered, [signer.verifier])


@pytest.mark.parametrize(
    "msg",
    [
        "no signature block\n",
        "text\n\n",
        "text\n\n— a.example/log AAAA\n",
        "text\n\n- a.example/log " + "A" * 88 + "\n",
        "text\n\n— a.example/log " + "A" * 88,
        "text\n\n— a.example/log !!!!\n",
        "tab\there\n\n— a.example/log " + "A" * 88 + "\n",
        "text\n\n— a+b " + "A" * 88 + "\n",
    ],
)
def test_malformed_notes_are_refused(msg):
    signer = note.Signer("a.example/log", bytes(32))
    with pytest.raises(note.NoteError):
        note.open_note(msg, [signer.verifier])


def test_invalid_utf8_is_refused():
    signer = note.Signer("a.example/log", bytes(32))
    with pytest.raises(note.NoteError):
        note.open_note(b"\xff\n\n", [signer.verifier])


def test_more_than_a_hundred_signatures_are_refused_sixteen_are_fine():
    signers = [note.Signer(f"w{i}.example", bytes([i]) * 32) for i in range(101)]
    ours = signers[0]
    assert note.open_note(note.sign_note("x\n", signers[:16]), [ours.verifier]).text == "x\n"
    with pytest.raises(note.NoteError):
        note.open_note(note.sign_note("x\n", signers), [ours.verifier])


@pytest.mark.parametrize(
    "vkey",
    [
        "no-plus-signs",
        "name+8620a6f0",
        "name+8620A6F0+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4",
        "ledger.example.jp/scs-test+00000000+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4",
        "ledger.example.jp/scs-test+8620a6f0+AgOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4",
        "ledger.example.jp/scs-test+8620a6f0+AQOh",
        "bad name+8620a6f0+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4",
    ],
)
def test_malformed_vkeys_are_refused(vkey):
    with pytest.raises(note.NoteError):
        note.Verifier.from_vkey(vkey)
    with pytest.raises(standalone_verify.VerificationError):
        standalone_verify.VerifierKey.parse(vkey)


def test_signing_refuses_bad_text_and_seeds():
    signer = note.Signer("a.example/log", bytes(32))
    with pytest.raises(note.NoteError):
        note.sign_note("no final newline", [signer])
    with pytest.raises(note.NoteError):
        note.sign_note("bell\x07\n", [signer])
    with pytest.raises(note.NoteError):
        note.sign_note("x\n", [])
    with pytest.raises(note.NoteError):
        note.Signer("a.example/log", bytes(31))
    assert len(note.generate_seed()) == 32
    assert note.generate_seed() != note.generate_seed()


def test_base64_must_be_canonical():
    assert note.b64decode_strict("AA==") == b"\x00"
    for bad in ["AB==", "AA", "A A=", "AA==\n", "ÅA=="]:
        with pytest.raises(note.NoteError):
            note.b64decode_strict(bad)
