"""Checkpoints, tlog-proofs and the standalone verifier, on the worked example byte for byte."""

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest

from registry.ledger import checkpoint, merkle, note, proof, standalone_verify
from registry.ledger.canonical import canonicalize
from tests.registry import ledger_example as example

STANDALONE = Path(standalone_verify.__file__)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


@pytest.fixture
def store():
    s = merkle.MemoryHashStore()
    for leaf in example.LEAVES:
        s.append(merkle.leaf_hash(leaf))
    return s


@pytest.fixture
def signer():
    return note.Signer(example.ORIGIN, example.SEED)


def test_worked_example_byte_for_byte(store, signer):
    assert signer.verifier.vkey == example.VKEY
    for leaf in example.LEAVES:
        assert canonicalize(json.loads(leaf)) == leaf
    assert _b64(merkle.leaf_hash(example.LEAVES[1])) == example.LEAF_HASH_1
    assert _b64(merkle.tree_hash(2, store.read)) == example.ROOT_2
    assert [_b64(h) for h in merkle.prove_consistency(2, 3, store.read)] == example.CONSISTENCY_2_3

    head = checkpoint.TreeHead(example.ORIGIN, 3, merkle.tree_hash(3, store.read))
    signed = note.sign_note(head.text(), [signer])
    assert signed == example.CHECKPOINT_3

    text = proof.format_tlog_proof(
        proof.TlogProof(
            index=1, path=tuple(merkle.prove_inclusion(1, 3, store.read)), checkpoint=signed
        )
    )
    assert text == example.TLOG_PROOF_1
    parsed, verified_head = proof.verify_tlog_proof(
        text,
        leaf_hash=merkle.leaf_hash(example.LEAVES[1]),
        origin=example.ORIGIN,
        verifiers=[signer.verifier],
    )
    assert parsed.index == 1
    assert verified_head == head
    assert merkle.verify_consistency(
        2,
        3,
        base64.b64decode(example.ROOT_2),
        head.root_hash,
        [base64.b64decode(h) for h in example.CONSISTENCY_2_3],
    )


def test_worked_example_with_the_standalone_verifier():
    result = standalone_verify.verify(example.TLOG_PROOF_1, example.LEAVES[1], vkeys=[example.VKEY])
    assert (result.origin, result.index, result.tree_size) == (example.ORIGIN, 1, 3)
    pretty = json.dumps(json.loads(example.LEAVES[1]), indent=2).encode()
    assert standalone_verify.verify(example.TLOG_PROOF_1, pretty, vkeys=[example.VKEY]) == result


def _verify_both(text: str, leaf: bytes, *, origin: str = example.ORIGIN) -> None:
    """Raise unless both the library and the standalone verifier accept the proof."""
    proof.verify_tlog_proof(
        text,
        leaf_hash=merkle.leaf_hash(canonicalize(json.loads(leaf))),
        origin=origin,
        verifiers=[note.Verifier.from_vkey(example.VKEY)],
    )
    standalone_verify.verify(text, leaf, vkeys=[example.VKEY], origin=origin)


def _assert_both_reject(text: str, leaf: bytes, *, origin: str = example.ORIGIN) -> None:
    with pytest.raises(proof.ProofError):
        proof.verify_tlog_proof(
            text,
            leaf_hash=merkle.leaf_hash(canonicalize(json.loads(leaf))),
            origin=origin,
            verifiers=[note.Verifier.from_vkey(example.VKEY)],
        )
    with pytest.raises(standalone_verify.VerificationError):
        standalone_verify.verify(text, leaf, vkeys=[example.VKEY], origin=origin)


def test_changing_the_size_line_breaks_the_signature():
    tampered = example.TLOG_PROOF_1.replace("\n3\n", "\n4\n")
    assert tampered != example.TLOG_PROOF_1
    _assert_both_reject(tampered, example.LEAVES[1])


def test_changing_the_leaf_breaks_the_inclusion_proof():
    _verify_both(example.TLOG_PROOF_1, example.LEAVES[1])
    changed = example.LEAVES[1].replace(b'"star":4', b'"star":3')
    _assert_both_reject(example.TLOG_PROOF_1, changed)
    _assert_both_reject(example.TLOG_PROOF_1, example.LEAVES[0])


def test_another_index_or_origin_is_rejected():
    _assert_both_reject(example.TLOG_PROOF_1.replace("index 1", "index 0"), example.LEAVES[1])
    _assert_both_reject(example.TLOG_PROOF_1, example.LEAVES[1], origin="other.example/log")


def test_every_single_bit_flip_of_the_proof_hashes_is_rejected():
    lines = example.TLOG_PROOF_1.split("\n")
    for line_no in (2, 3, 7):  # the two proof hashes and the checkpoint's root hash
        raw = base64.b64decode(lines[line_no])
        for bit in range(256):
            flipped = bytearray(raw)
            flipped[bit // 8] ^= 1 << (bit % 8)
            tampered = "\n".join([*lines[:line_no], _b64(bytes(flipped)), *lines[line_no + 1 :]])
            with pytest.raises(proof.ProofError):
                proof.verify_tlog_proof(
                    tampered,
                    leaf_hash=base64.b64decode(example.LEAF_HASH_1),
                    origin=example.ORIGIN,
                    verifiers=[note.Verifier.from_vkey(example.VKEY)],
                )


def test_extra_data_round_trips_and_is_not_needed_for_verification():
    parsed = proof.parse_tlog_proof(example.TLOG_PROOF_1)
    with_extra = proof.format_tlog_proof(
        proof.TlogProof(parsed.index, parsed.path, parsed.checkpoint, extra=b"context")
    )
    assert with_extra.split("\n")[1] == "extra Y29udGV4dA=="
    assert proof.parse_tlog_proof(with_extra).extra == b"context"
    _verify_both(with_extra, example.LEAVES[1])


@pytest.mark.parametrize(
    "text",
    [
        "",
        "c2sp.org/tlog-proof@v2\nindex 1\n\n" + example.CHECKPOINT_3,
        "c2sp.org/tlog-proof@v1\nindex 01\n\n" + example.CHECKPOINT_3,
        "c2sp.org/tlog-proof@v1\nindex -1\n\n" + example.CHECKPOINT_3,
        "c2sp.org/tlog-proof@v1\n\n" + example.CHECKPOINT_3,
        "c2sp.org/tlog-proof@v1\nindex 1\nAAAA\n\n" + example.CHECKPOINT_3,
        "c2sp.org/tlog-proof@v1\nindex 1\n",
    ],
)
def test_malformed_proofs_are_refused(text):
    with pytest.raises(proof.ProofError):
        proof.parse_tlog_proof(text)


# --- checkpoints -------------------------------------------------------------------------------
ROOT = base64.b64decode("vcXW8I0JkOeogFrc3icLIV0I/LMis9M+P8cvqCB3qRA=")


def test_checkpoint_format_and_parse_round_trip():
    head = checkpoint.TreeHead("registry.scs.example.jp/ledger", 0, merkle.EMPTY_ROOT)
    assert head.text() == (
        "registry.scs.example.jp/ledger\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"
    )
    assert checkpoint.parse_checkpoint(head.text()) == head
    ext = checkpoint.TreeHead("a.example/log", 3, ROOT, ("ext line",))
    assert checkpoint.parse_checkpoint(ext.text()) == ext


@pytest.mark.parametrize(
    "text",
    [
        "a.example/log\n03\nvcXW8I0JkOeogFrc3icLIV0I/LMis9M+P8cvqCB3qRA=\n",
        "a.example/log\n+3\nvcXW8I0JkOeogFrc3icLIV0I/LMis9M+P8cvqCB3qRA=\n",
        "a.example/log\n 3\nvcXW8I0JkOeogFrc3icLIV0I/LMis9M+P8cvqCB3qRA=\n",
        "a.example/log\n３\nvcXW8I0JkOeogFrc3icLIV0I/LMis9M+P8cvqCB3qRA=\n",
        "a.example/log\n-1\nvcXW8I0JkOeogFrc3icLIV0I/LMis9M+P8cvqCB3qRA=\n",
        "a.example/log\n1_0\nvcXW8I0JkOeogFrc3icLIV0I/LMis9M+P8cvqCB3qRA=\n",
        "a.example/log\n99999999999999999999\nvcXW8I0JkOeogFrc3icLIV0I/LMis9M+P8cvqCB3qRA=\n",
        "a.example/log\n3\nvcXW8I0JkOeogFrc3icLIV0I/LMis9M+P8cvqCB3qRA=",
        "a.example/log\n3\nvcXW8I0JkOeogFrc3icLIV0I/LMis9M+P8cvqCB3\n",
        "a.example/log\n3\n",
        "\n3\nvcXW8I0JkOeogFrc3icLIV0I/LMis9M+P8cvqCB3qRA=\n",
        "a.example/log\n3\nvcXW8I0JkOeogFrc3icLIV0I/LMis9M+P8cvqCB3qRA=\n\n",
    ],
)
def test_non_canonical_checkpoints_are_refused(text):
    with pytest.raises(checkpoint.CheckpointError):
        checkpoint.parse_checkpoint(text)


def test_open_checkpoint_checks_signature_and_origin(signer):
    head = checkpoint.open_checkpoint(
        example.CHECKPOINT_3, origin=example.ORIGIN, verifiers=[signer.verifier]
    )
    assert (head.size, head.root_hash) == (3, ROOT)
    with pytest.raises(checkpoint.CheckpointError):
        checkpoint.open_checkpoint(
            example.CHECKPOINT_3, origin="x.example/log", verifiers=[signer.verifier]
        )
    other = note.Signer(example.ORIGIN, bytes(32))
    with pytest.raises(checkpoint.CheckpointError):
        checkpoint.open_checkpoint(
            example.CHECKPOINT_3, origin=example.ORIGIN, verifiers=[other.verifier]
        )


# --- the standalone verifier as a program ------------------------------------------------------
def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(STANDALONE), *args], capture_output=True, text=True, check=False
    )


def test_standalone_cli_verifies_the_worked_example(tmp_path):
    entry = tmp_path / "entry.json"
    entry.write_bytes(example.LEAVES[1])
    tlog_proof = tmp_path / "entry.tlog-proof"
    tlog_proof.write_text(example.TLOG_PROOF_1, encoding="utf-8")
    ok = _run("--vkey", example.VKEY, str(entry), str(tlog_proof))
    assert ok.returncode == 0, ok.stderr
    assert "VERIFIED: entry 1 is in ledger.example.jp/scs-test (signed tree size 3" in ok.stdout

    entry.write_bytes(example.LEAVES[1].replace(b'"star":4', b'"star":3'))
    bad = _run("--vkey", example.VKEY, str(entry), str(tlog_proof))
    assert bad.returncode == 1
    assert bad.stderr.startswith("NOT VERIFIED: the entry is not entry 1")

    entry.write_bytes(b'{"a":1.5}')
    assert _run("--vkey", example.VKEY, str(entry), str(tlog_proof)).returncode == 1
    entry.write_bytes(b'{"a":1,"a":2}')
    assert (
        "repeats a member name" in _run("--vkey", example.VKEY, str(entry), str(tlog_proof)).stderr
    )
    assert _run(str(entry)).returncode == 2


def test_standalone_verifier_works_as_a_lone_file_without_django(tmp_path):
    (tmp_path / "verify.py").write_bytes(STANDALONE.read_bytes())
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(tmp_path)!r})\n"
        "import verify\n"
        f"verify.verify({example.TLOG_PROOF_1!r}, {example.LEAVES[1]!r},"
        f" vkeys=[{example.VKEY!r}])\n"
        "assert not any(m == 'django' or m.startswith(('django.', 'registry'))"
        " for m in sys.modules)\n"
        "print('clean')\n"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", code],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.stdout.strip() == "clean", result.stderr
