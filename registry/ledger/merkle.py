"""RFC 6962 Merkle trees: hashing, proofs, RFC 9162 verification and a stored-hash layout.

Three layers, each testable on its own:

1. Hashing and the RFC's recursive definitions (MTH, PATH, PROOF) over an in-memory list of leaf
   hashes. They are the reference the other layers are tested against.
2. Verification, written from RFC 9162 §2.1.3.2 and §2.1.4.2 step by step. Proofs come from
   outside (a procurer's file, another server), so every length and size is checked.
3. The stored-hash layout of Go's golang.org/x/mod/sumdb/tlog: every hash the tree will ever need
   is stored once, at a dense index (`stored_hash_index`), in an insert-only table. Appending a
   leaf writes on average fewer than two hashes; a root, an inclusion proof or a consistency proof
   reads at most about 2·log2(n) of them, never the whole tree.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

HashReader = Callable[[Sequence[int]], Sequence[bytes]]
"""Returns the stored hashes at the given indexes, in the same order."""


class MerkleError(ValueError):
    """Proof generation was asked something impossible, or the hash store returned bad data."""


# ------------------------------------------------------------------------------------------------
# 1. Hashing and the RFC 6962 reference definitions
# ------------------------------------------------------------------------------------------------
def leaf_hash(data: bytes) -> bytes:
    """MTH({d}) = SHA-256(0x00 || d): the 0x00 prefix keeps leaves apart from interior nodes."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The interior node SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split_point(n: int) -> int:
    """k, the largest power of two smaller than n (n >= 2): the left subtree's size."""
    return 1 << ((n - 1).bit_length() - 1)


def merkle_tree_hash(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) over already-hashed leaves, exactly as RFC 6962 §2.1 defines it (recursive)."""
    n = len(leaf_hashes)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaf_hashes[0]
    k = _split_point(n)
    return node_hash(merkle_tree_hash(leaf_hashes[:k]), merkle_tree_hash(leaf_hashes[k:]))


def inclusion_path(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 6962 §2.1.1: the audit path, leaf sibling first."""
    n = len(leaf_hashes)
    if not 0 <= index < n:
        raise MerkleError(f"leaf index {index} is outside a tree of size {n}")
    if n == 1:
        return []
    k = _split_point(n)
    if index < k:
        return [*inclusion_path(index, leaf_hashes[:k]), merkle_tree_hash(leaf_hashes[k:])]
    return [*inclusion_path(index - k, leaf_hashes[k:]), merkle_tree_hash(leaf_hashes[:k])]


def consistency_path(old_size: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 6962 §2.1.2, for 0 < m <= n."""
    n = len(leaf_hashes)
    if not 0 < old_size <= n:
        raise MerkleError(f"no consistency proof from size {old_size} to size {n}")
    return _subproof(old_size, leaf_hashes, complete=True)


def _subproof(m: int, leaf_hashes: Sequence[bytes], *, complete: bool) -> list[bytes]:
    n = len(leaf_hashes)
    if m == n:
        return [] if complete else [merkle_tree_hash(leaf_hashes)]
    k = _split_point(n)
    if m <= k:
        return [
            *_subproof(m, leaf_hashes[:k], complete=complete),
            merkle_tree_hash(leaf_hashes[k:]),
        ]
    return [*_subproof(m - k, leaf_hashes[k:], complete=False), merkle_tree_hash(leaf_hashes[:k])]


# ------------------------------------------------------------------------------------------------
# 2. Verification (RFC 9162 §2.1.3.2 and §2.1.4.2)
# ------------------------------------------------------------------------------------------------
def verify_inclusion(
    index: int, size: int, leaf: bytes, path: Sequence[bytes], root: bytes
) -> bool:
    """True when `path` proves that `leaf` (a leaf hash) is entry `index` of the tree `root`."""
    if not 0 <= index < size:
        return False
    if len(leaf) != HASH_SIZE or len(root) != HASH_SIZE:
        return False
    if any(len(p) != HASH_SIZE for p in path):
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            # "until LSB(fn) is set or fn is 0": skip the levels where this node has no right
            # sibling. Leaving this loop out accepts wrong proofs.
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, path: Sequence[bytes]
) -> bool:
    """True when `path` proves that the tree `old_root` is a prefix of the tree `new_root`."""
    if old_size < 1:
        # A proof from the empty tree is meaningless (everything extends it); RFC 9162 rejects it.
        return False
    if old_size == new_size:
        return not path and old_root == new_root
    if old_size > new_size or not path:
        return False
    if len(old_root) != HASH_SIZE or len(new_root) != HASH_SIZE:
        return False
    if any(len(p) != HASH_SIZE for p in path):
        return False
    proof = list(path)
    if old_size & (old_size - 1) == 0:
        # The old tree is a complete subtree of the new one: its root is the proof's first node.
        proof.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0


# ------------------------------------------------------------------------------------------------
# 3. Stored hashes (the layout of Go's sumdb/tlog: StoredHashIndex, StoredHashes, TreeHash,
#    ProveRecord, ProveTree)
# ------------------------------------------------------------------------------------------------
def stored_hash_index(level: int, n: int) -> int:
    """Where the n-th hash of `level` is stored (level 0 holds the leaf hashes).

    Level L's n-th hash is stored right after level L+1's (2n+1)-th hash, so the hashes that
    appending record n completes follow its leaf hash directly.
    """
    if level < 0 or n < 0:
        raise MerkleError("stored hash index of a negative level or position")
    for _ in range(level):
        n = 2 * n + 1
    index = 0
    while n > 0:
        index += n
        n >>= 1
    return index + level


def split_stored_hash_index(index: int) -> tuple[int, int]:
    """The inverse of stored_hash_index: (level, n)."""
    if index < 0:
        raise MerkleError("negative stored hash index")
    n = index // 2
    index_n = stored_hash_index(0, n)
    while True:
        # Record n adds 1 + trailing_zeros(n + 1) hashes.
        following = index_n + 1 + _trailing_zeros(n + 1)
        if following > index:
            break
        n += 1
        index_n = following
    level = index - index_n
    return level, n >> level


def stored_hash_count(size: int) -> int:
    """How many hashes a tree of `size` leaves has stored."""
    if size <= 0:
        return 0
    count = stored_hash_index(0, size - 1) + 1
    i = size - 1
    while i & 1:
        count += 1
        i >>= 1
    return count


def _trailing_zeros(x: int) -> int:
    return (x & -x).bit_length() - 1


def _read(reader: HashReader, indexes: Sequence[int]) -> list[bytes]:
    if not indexes:
        return []
    hashes = list(reader(indexes))
    if len(hashes) != len(indexes) or any(len(h) != HASH_SIZE for h in hashes):
        raise MerkleError("the hash store returned missing or malformed hashes")
    return hashes


def record_hash_indexes(index: int) -> list[int]:
    """The stored hashes that appending record `index` needs to read (its left neighbours)."""
    m = _trailing_zeros(index + 1)
    return [stored_hash_index(i, (index >> i) - 1) for i in reversed(range(m))]


def stored_hashes_for_record(index: int, record_hash: bytes, reader: HashReader) -> list[bytes]:
    """The hashes to store when appending record `index`, starting with its leaf hash.

    They go at stored_hash_index(0, index) and the indexes right after it.
    """
    if index < 0 or len(record_hash) != HASH_SIZE:
        raise MerkleError("bad record index or hash")
    old = _read(reader, record_hash_indexes(index))
    hashes = [record_hash]
    h = record_hash
    for sibling in reversed(old):
        h = node_hash(sibling, h)
        hashes.append(h)
    return hashes


def _maxpow2(n: int) -> tuple[int, int]:
    """The largest power of two smaller than n (for n >= 2), and its log2 (Go's maxpow2)."""
    level = 0
    while 1 << (level + 1) < n:
        level += 1
    return 1 << level, level


def _subtree_indexes(lo: int, hi: int, need: list[int]) -> None:
    # The range [lo, hi) splits into complete subtrees, largest first; each one is stored.
    while lo < hi:
        k, level = _maxpow2(hi - lo + 1)
        if lo & (k - 1):
            raise MerkleError("bad math in subtree index")
        need.append(stored_hash_index(level, lo >> level))
        lo += k


def _subtree_hash(lo: int, hi: int, hashes: list[bytes], pos: int) -> tuple[bytes, int]:
    count = 0
    while lo < hi:
        k, _ = _maxpow2(hi - lo + 1)
        count += 1
        lo += k
    if count == 0 or pos + count > len(hashes):
        raise MerkleError("bad math in subtree hash")
    h = hashes[pos + count - 1]
    for i in range(pos + count - 2, pos - 1, -1):
        h = node_hash(hashes[i], h)
    return h, pos + count


def frontier_indexes(size: int) -> list[int]:
    """The stored hashes of the complete subtrees that cover the first `size` leaves.

    They are all a root computation needs, and all that appending more leaves will read of the
    hashes stored so far (the rest of what they read, they write themselves).
    """
    if size < 0:
        raise MerkleError("negative tree size")
    need: list[int] = []
    _subtree_indexes(0, size, need)
    return need


def tree_hash(size: int, reader: HashReader) -> bytes:
    """The root of the first `size` leaves, from at most ~log2(size) stored hashes."""
    need = frontier_indexes(size)
    if not need:
        return EMPTY_ROOT
    hashes = _read(reader, need)
    root, pos = _subtree_hash(0, size, hashes, 0)
    if pos != len(hashes):
        raise MerkleError("bad math in tree hash")
    return root


def _leaf_proof_indexes(lo: int, hi: int, n: int, need: list[int]) -> None:
    if lo + 1 == hi:
        return
    k, _ = _maxpow2(hi - lo)
    if n < lo + k:
        _leaf_proof_indexes(lo, lo + k, n, need)
        _subtree_indexes(lo + k, hi, need)
    else:
        _subtree_indexes(lo, lo + k, need)
        _leaf_proof_indexes(lo + k, hi, n, need)


def _leaf_proof(lo: int, hi: int, n: int, hashes: list[bytes], pos: int) -> tuple[list[bytes], int]:
    if lo + 1 == hi:
        return [], pos
    k, _ = _maxpow2(hi - lo)
    if n < lo + k:
        path, pos = _leaf_proof(lo, lo + k, n, hashes, pos)
        sibling, pos = _subtree_hash(lo + k, hi, hashes, pos)
    else:
        sibling, pos = _subtree_hash(lo, lo + k, hashes, pos)
        path, pos = _leaf_proof(lo + k, hi, n, hashes, pos)
    path.append(sibling)
    return path, pos


def prove_inclusion(index: int, size: int, reader: HashReader) -> list[bytes]:
    """The RFC 6962 audit path of leaf `index` in the tree of `size` leaves (Go's ProveRecord)."""
    if not 0 <= index < size:
        raise MerkleError(f"leaf index {index} is outside a tree of size {size}")
    need: list[int] = []
    _leaf_proof_indexes(0, size, index, need)
    hashes = _read(reader, need)
    path, pos = _leaf_proof(0, size, index, hashes, 0)
    if pos != len(hashes):
        raise MerkleError("bad math in inclusion proof")
    return path


def _tree_proof_indexes(lo: int, hi: int, n: int, need: list[int]) -> None:
    if n == hi:
        if lo != 0:
            _subtree_indexes(lo, hi, need)
        return
    k, _ = _maxpow2(hi - lo)
    if n <= lo + k:
        _tree_proof_indexes(lo, lo + k, n, need)
        _subtree_indexes(lo + k, hi, need)
    else:
        _subtree_indexes(lo, lo + k, need)
        _tree_proof_indexes(lo + k, hi, n, need)


def _tree_proof(lo: int, hi: int, n: int, hashes: list[bytes], pos: int) -> tuple[list[bytes], int]:
    if n == hi:
        if lo == 0:
            # This subtree is exactly the old tree: the verifier already knows its hash.
            return [], pos
        h, pos = _subtree_hash(lo, hi, hashes, pos)
        return [h], pos
    k, _ = _maxpow2(hi - lo)
    if n <= lo + k:
        path, pos = _tree_proof(lo, lo + k, n, hashes, pos)
        sibling, pos = _subtree_hash(lo + k, hi, hashes, pos)
    else:
        sibling, pos = _subtree_hash(lo, lo + k, hashes, pos)
        path, pos = _tree_proof(lo + k, hi, n, hashes, pos)
    path.append(sibling)
    return path, pos


def prove_consistency(old_size: int, new_size: int, reader: HashReader) -> list[bytes]:
    """The RFC 6962 consistency proof from `old_size` to `new_size` (Go's ProveTree)."""
    if not 0 < old_size <= new_size:
        raise MerkleError(f"no consistency proof from size {old_size} to size {new_size}")
    need: list[int] = []
    _tree_proof_indexes(0, new_size, old_size, need)
    hashes = _read(reader, need)
    path, pos = _tree_proof(0, new_size, old_size, hashes, 0)
    if pos != len(hashes):
        raise MerkleError("bad math in consistency proof")
    return path


# ------------------------------------------------------------------------------------------------
# In-memory helpers: a streaming root builder (for the monitor) and a hash store (for tests)
# ------------------------------------------------------------------------------------------------
class CompactRange:
    """The roots of the complete subtrees covering the leaves appended so far, largest first.

    Appending a leaf yields exactly the hashes the stored-hash layout keeps for it, so a monitor
    can rebuild every stored hash and every historical root from the leaves in one pass, in
    O(log n) memory.
    """

    def __init__(self) -> None:
        self.size = 0
        self._stack: list[bytes] = []

    def append(self, record_hash: bytes) -> list[bytes]:
        """Add one leaf hash; return the hashes stored for it (leaf hash first)."""
        if len(record_hash) != HASH_SIZE:
            raise MerkleError("a leaf hash has 32 bytes")
        produced = [record_hash]
        h = record_hash
        for _ in range(_trailing_zeros(self.size + 1)):
            h = node_hash(self._stack.pop(), h)
            produced.append(h)
        self._stack.append(h)
        self.size += 1
        return produced

    def root(self) -> bytes:
        """The root of the tree of the leaves appended so far."""
        if not self._stack:
            return EMPTY_ROOT
        h = self._stack[-1]
        for left in reversed(self._stack[:-1]):
            h = node_hash(left, h)
        return h


class MemoryHashStore:
    """An in-memory stored-hash table: the same layout the database keeps."""

    def __init__(self) -> None:
        self.hashes: list[bytes] = []
        self.size = 0

    def read(self, indexes: Sequence[int]) -> list[bytes]:
        """A HashReader over this store."""
        return [self.hashes[i] for i in indexes]

    def append(self, record_hash: bytes) -> int:
        """Append one leaf hash; return its index."""
        index = self.size
        self.hashes.extend(stored_hashes_for_record(index, record_hash, self.read))
        self.size += 1
        return index
