"""Merkle hashing, proofs and the stored-hash layout against the RFC and the public test vectors."""

import base64
import json
import math
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.ledger import merkle, standalone_verify

VECTORS = Path(__file__).parent / "tlog-test-vectors"
INCLUSION = sorted((VECTORS / "inclusion").rglob("*.json"))
CONSISTENCY = sorted((VECTORS / "consistency").rglob("*.json"))

# Leaves and roots of transparency-dev/merkle testonly/constants.go (the vectors' tree contents).
REFERENCE_LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
REFERENCE_ROOTS = {
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}


def _b64(value: str | None) -> bytes:
    return base64.b64decode(value) if value else b""


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_all_vectors_were_copied():
    assert len(INCLUSION) == 98
    assert len(CONSISTENCY) == 98
    assert (VECTORS / "LICENSE").read_text().lstrip().startswith("Apache License")
    assert "transparency-dev/merkle" in (VECTORS / "SOURCE.md").read_text()


@pytest.mark.parametrize(
    "verify",
    [merkle.verify_inclusion, standalone_verify.verify_inclusion],
    ids=["lib", "standalone"],
)
@pytest.mark.parametrize("path", INCLUSION, ids=lambda p: str(p.relative_to(VECTORS)))
def test_inclusion_vector(path, verify):
    v = _load(path)
    ok = verify(
        v["leafIdx"],
        v["treeSize"],
        _b64(v["leafHash"]),
        [_b64(p) for p in v["proof"] or []],
        _b64(v["root"]),
    )
    assert ok is not v["wantErr"], v["desc"]


@pytest.mark.parametrize("path", CONSISTENCY, ids=lambda p: str(p.relative_to(VECTORS)))
def test_consistency_vector(path):
    v = _load(path)
    ok = merkle.verify_consistency(
        v["size1"],
        v["size2"],
        _b64(v["root1"]),
        _b64(v["root2"]),
        [_b64(p) for p in v["proof"] or []],
    )
    assert ok is not v["wantErr"], v["desc"]


def test_happy_path_vectors_are_reproduced_by_proof_generation():
    leaf_hashes = [merkle.leaf_hash(d) for d in REFERENCE_LEAVES]
    for path in INCLUSION:
        v = _load(path)
        if v["wantErr"] or v["treeSize"] > len(leaf_hashes) or path.parent.name == "additional":
            continue
        proof = merkle.inclusion_path(v["leafIdx"], leaf_hashes[: v["treeSize"]])
        assert proof == [_b64(p) for p in v["proof"] or []]
    for path in CONSISTENCY:
        v = _load(path)
        if v["wantErr"] or v["size2"] > len(leaf_hashes) or path.parent.name == "additional":
            continue
        proof = merkle.consistency_path(v["size1"], leaf_hashes[: v["size2"]])
        assert proof == [_b64(p) for p in v["proof"] or []]


def test_reference_roots_for_sizes_1_to_8():
    leaf_hashes = [merkle.leaf_hash(d) for d in REFERENCE_LEAVES]
    store = merkle.MemoryHashStore()
    compact = merkle.CompactRange()
    for size in range(1, 9):
        store.append(leaf_hashes[size - 1])
        compact.append(leaf_hashes[size - 1])
        expected = REFERENCE_ROOTS[size]
        assert merkle.merkle_tree_hash(leaf_hashes[:size]).hex() == expected
        assert merkle.tree_hash(size, store.read).hex() == expected
        assert compact.root().hex() == expected


def test_empty_tree_hash_is_sha256_of_nothing():
    assert merkle.merkle_tree_hash([]).hex().startswith("e3b0c442")
    assert merkle.tree_hash(0, merkle.MemoryHashStore().read) == merkle.EMPTY_ROOT
    assert merkle.CompactRange().root() == merkle.EMPTY_ROOT


def test_leaf_and_node_hashes_are_domain_separated():
    a, b = merkle.leaf_hash(b"a"), merkle.leaf_hash(b"b")
    assert merkle.node_hash(a, b) != merkle.leaf_hash(a + b)


def test_stored_hash_index_layout_matches_go_tlog():
    # record 0: leaf@0; record 1: leaf@1, (1,0)@2; record 2: leaf@3; record 3: leaf@4, (1,1)@5,
    # (2,0)@6; record 4: leaf@7 — the Crosby–Wallach dense order of Go's StoredHashIndex.
    expected = {
        (0, 0): 0,
        (0, 1): 1,
        (1, 0): 2,
        (0, 2): 3,
        (0, 3): 4,
        (1, 1): 5,
        (2, 0): 6,
        (0, 4): 7,
    }
    for (level, n), index in expected.items():
        assert merkle.stored_hash_index(level, n) == index
        assert merkle.split_stored_hash_index(index) == (level, n)
    assert [merkle.stored_hash_count(n) for n in range(9)] == [0, 1, 3, 4, 7, 8, 10, 11, 15]


def test_split_stored_hash_index_inverts_the_index_for_the_first_hundred_thousand():
    for index in range(0, 100_000, 7):
        level, n = merkle.split_stored_hash_index(index)
        assert merkle.stored_hash_index(level, n) == index


def test_stored_proofs_equal_the_rfc_definitions():
    leaf_hashes = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(70)]
    store = merkle.MemoryHashStore()
    compact = merkle.CompactRange()
    for i, h in enumerate(leaf_hashes):
        start = len(store.hashes)
        store.append(h)
        assert start == merkle.stored_hash_index(0, i)
        assert store.hashes[start:] == compact.append(h)
        assert len(store.hashes) == merkle.stored_hash_count(i + 1)
    for size in range(1, 71):
        prefix = leaf_hashes[:size]
        assert merkle.tree_hash(size, store.read) == merkle.merkle_tree_hash(prefix)
        for index in range(size):
            assert merkle.prove_inclusion(index, size, store.read) == merkle.inclusion_path(
                index, prefix
            )
        for old in range(1, size + 1):
            assert merkle.prove_consistency(old, size, store.read) == merkle.consistency_path(
                old, prefix
            )


def test_proofs_read_at_most_about_two_log2_n_hashes():
    store = merkle.MemoryHashStore()
    for i in range(10_000):
        store.append(merkle.leaf_hash(i.to_bytes(4, "big")))
    reads: list[int] = []

    def counting_reader(indexes: Sequence[int]) -> list[bytes]:
        reads.append(len(indexes))
        return store.read(indexes)

    bound = 2 * math.ceil(math.log2(10_000)) + 2
    for size in (1, 2, 1000, 4095, 4096, 4097, 9999, 10_000):
        reads.clear()
        merkle.tree_hash(size, counting_reader)
        merkle.prove_inclusion(size // 3, size, counting_reader)
        merkle.prove_consistency(max(1, size // 2), size, counting_reader)
        assert len(reads) <= 3  # one batched read per operation
        assert all(r <= bound for r in reads)


def test_generation_refuses_impossible_requests():
    store = merkle.MemoryHashStore()
    store.append(merkle.leaf_hash(b"x"))
    with pytest.raises(merkle.MerkleError):
        merkle.prove_inclusion(1, 1, store.read)
    with pytest.raises(merkle.MerkleError):
        merkle.prove_consistency(0, 1, store.read)
    with pytest.raises(merkle.MerkleError):
        merkle.prove_consistency(2, 1, store.read)


def test_a_store_returning_short_hashes_is_detected():
    store = merkle.MemoryHashStore()
    for i in range(4):
        store.append(merkle.leaf_hash(bytes([i])))
    with pytest.raises(merkle.MerkleError):
        merkle.tree_hash(3, lambda indexes: [b"short" for _ in indexes])
    with pytest.raises(merkle.MerkleError):
        merkle.tree_hash(3, lambda indexes: [])


def test_verifiers_reject_bad_sizes_and_lengths():
    leaf = merkle.leaf_hash(b"a")
    assert merkle.verify_inclusion(0, 1, leaf, [], leaf)
    assert not merkle.verify_inclusion(0, 0, leaf, [], leaf)
    assert not merkle.verify_inclusion(-1, 1, leaf, [], leaf)
    assert not merkle.verify_inclusion(0, 1, leaf[:31], [], leaf[:31])
    assert not merkle.verify_inclusion(0, 1, leaf, [leaf], leaf)
    assert not merkle.verify_consistency(0, 1, merkle.EMPTY_ROOT, leaf, [])
    assert not merkle.verify_consistency(2, 1, leaf, leaf, [leaf])


# ------------------------------------------------------------------------------------------------
# Properties: for any n and m <= n, generated proofs verify; any single-bit flip makes them fail.
# ------------------------------------------------------------------------------------------------
MAX_N = 1100
_LEAF_HASHES = [merkle.leaf_hash(f"leaf {i}".encode()) for i in range(MAX_N)]
_STORE = merkle.MemoryHashStore()
for _h in _LEAF_HASHES:
    _STORE.append(_h)
_ROOTS = [merkle.tree_hash(n, _STORE.read) for n in range(MAX_N + 1)]


def _flip(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


@st.composite
def tree_and_index(draw):
    n = draw(st.integers(min_value=1, max_value=MAX_N))
    return n, draw(st.integers(min_value=0, max_value=n - 1))


@st.composite
def two_sizes(draw):
    n = draw(st.integers(min_value=1, max_value=MAX_N))
    return draw(st.integers(min_value=1, max_value=n)), n


@settings(max_examples=300, deadline=None)
@given(tree_and_index())
def test_property_generated_inclusion_proofs_verify(case):
    n, m = case
    path = merkle.prove_inclusion(m, n, _STORE.read)
    assert merkle.verify_inclusion(m, n, _LEAF_HASHES[m], path, _ROOTS[n])
    assert standalone_verify.verify_inclusion(m, n, _LEAF_HASHES[m], path, _ROOTS[n])
    assert len(path) <= math.ceil(math.log2(n)) if n > 1 else path == []


@settings(max_examples=300, deadline=None)
@given(tree_and_index(), st.data())
def test_property_any_single_bit_flip_breaks_an_inclusion_proof(case, data):
    n, m = case
    path = merkle.prove_inclusion(m, n, _STORE.read)
    parts = [_LEAF_HASHES[m], _ROOTS[n], *path]
    target = data.draw(st.integers(min_value=0, max_value=len(parts) - 1))
    bit = data.draw(st.integers(min_value=0, max_value=255))
    parts[target] = _flip(parts[target], bit)
    leaf, root, *bad_path = parts
    assert not merkle.verify_inclusion(m, n, leaf, bad_path, root)
    assert not standalone_verify.verify_inclusion(m, n, leaf, bad_path, root)


@settings(max_examples=200, deadline=None)
@given(tree_and_index(), st.integers(min_value=0, max_value=11))
def test_property_a_flipped_index_bit_fails(case, bit):
    n, m = case
    path = merkle.prove_inclusion(m, n, _STORE.read)
    other = m ^ (1 << bit)
    assert not merkle.verify_inclusion(other, n, _LEAF_HASHES[m], path, _ROOTS[n])


@settings(max_examples=300, deadline=None)
@given(two_sizes())
def test_property_generated_consistency_proofs_verify(case):
    old, new = case
    path = merkle.prove_consistency(old, new, _STORE.read)
    assert merkle.verify_consistency(old, new, _ROOTS[old], _ROOTS[new], path)


@settings(max_examples=300, deadline=None)
@given(two_sizes(), st.data())
def test_property_any_single_bit_flip_breaks_a_consistency_proof(case, data):
    old, new = case
    path = merkle.prove_consistency(old, new, _STORE.read)
    parts = [_ROOTS[old], _ROOTS[new], *path]
    target = data.draw(st.integers(min_value=0, max_value=len(parts) - 1))
    parts[target] = _flip(parts[target], data.draw(st.integers(min_value=0, max_value=255)))
    old_root, new_root, *bad_path = parts
    assert not merkle.verify_consistency(old, new, old_root, new_root, bad_path)
