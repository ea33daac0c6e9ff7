"""Ledger throughput and proof latency at n = 10,000 (`make bench`; not part of `make test`).

Prints timings; asserts only that the results are correct, never that they are fast, because
timings depend on the machine. Appends run as real committed transactions (transaction=True), as
ledger_append runs in production: one transaction per entry, or one per batch with
ledger_append_many (for bulk loads).
"""

import random
import statistics
from functools import partial
from typing import Any

import pytest

from benchmarks.helpers import check, timed
from registry import selectors, services
from registry.ledger import merkle, standalone_verify

N = 10_000
PROOFS = 200
BATCH = 1_000


def _ms(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"median {statistics.median(ordered) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms"


def _event(i: int) -> dict[str, Any]:
    return {"type": "cert.issued", "v": 1, "registration_number": f"SCS3-{i:06d}", "star": 3}


def test_library_in_memory(capsys):
    store = merkle.MemoryHashStore()
    leaf_hashes = [merkle.leaf_hash(f"entry {i}".encode()) for i in range(N)]
    elapsed, _ = timed(lambda: [store.append(h) for h in leaf_hashes])
    root = merkle.tree_hash(N, store.read)
    sample = random.Random(1).sample(range(N), PROOFS)  # noqa: S311 (not security-relevant)
    proof_times = []
    for seq in sample:
        t, path = timed(partial(merkle.prove_inclusion, seq, N, store.read))
        proof_times.append(t)
        check(merkle.verify_inclusion(seq, N, leaf_hashes[seq], path, root))
    with capsys.disabled():
        print(
            f"\n[library]  append {N:,} leaf hashes: {elapsed:.3f} s ({N / elapsed:,.0f}/s); "
            f"inclusion proof at n={N:,}: {_ms(proof_times)}"
        )


@pytest.mark.django_db(transaction=True)
def test_database_single_appends_sign_prove_and_audit(capsys):
    def append_one_by_one() -> None:
        for i in range(N):
            services.ledger_append(event=_event(i))

    append_seconds, _ = timed(append_one_by_one)
    sign_seconds, checkpoint = timed(services.checkpoint_sign)
    check(checkpoint.tree_size == N)
    root = bytes(checkpoint.root_hash)
    vkey = selectors.ledger_verifier().vkey

    rng = random.Random(2)  # noqa: S311 (not security-relevant)
    inclusion, tlog, verify_offline = [], [], []
    for seq in rng.sample(range(N), PROOFS):
        entry = selectors.ledger_entry_get(seq=seq)
        t, path = timed(partial(selectors.inclusion_proof, seq=seq))
        inclusion.append(t)
        check(merkle.verify_inclusion(seq, N, bytes(entry.leaf_hash), path, root))
        t, text = timed(partial(selectors.tlog_proof_text, seq=seq))
        tlog.append(t)
        leaf = bytes(entry.leaf)
        t, _ = timed(partial(standalone_verify.verify, text, leaf, vkeys=[vkey]))
        verify_offline.append(t)
    consistency = []
    for old in rng.sample(range(1, N), PROOFS):
        t, _ = timed(partial(selectors.consistency_proof, old=old, new=N))
        consistency.append(t)

    services.ledger_append_many(events=[_event(N + i) for i in range(10)])
    resign_seconds, _ = timed(services.checkpoint_sign)
    audit_seconds, audit = timed(selectors.ledger_audit)
    check(audit.ok, "\n".join(audit.problems))

    with capsys.disabled():
        print(
            f"\n[database] ledger_append x{N:,} (one transaction each): {append_seconds:.1f} s "
            f"({N / append_seconds:,.0f} entries/s, {append_seconds / N * 1000:.2f} ms each)"
            f"\n[database] checkpoint_sign at n={N:,}: {sign_seconds * 1000:.1f} ms; "
            f"10 entries later (with consistency proof): {resign_seconds * 1000:.1f} ms"
            f"\n[database] inclusion_proof at n={N:,}: {_ms(inclusion)}"
            f"\n[database] tlog_proof_text at n={N:,}: {_ms(tlog)}"
            f"\n[database] consistency_proof to n={N:,}: {_ms(consistency)}"
            f"\n[offline]  standalone verify of a .tlog-proof: {_ms(verify_offline)}"
            f"\n[database] ledger_audit (ledger_verify) of {audit.entries:,} entries: "
            f"{audit_seconds:.2f} s"
        )


@pytest.mark.django_db(transaction=True)
def test_database_batched_appends(capsys):
    def append_in_batches() -> None:
        for start in range(0, N, BATCH):
            services.ledger_append_many(events=[_event(i) for i in range(start, start + BATCH)])

    append_seconds, _ = timed(append_in_batches)
    check(selectors.ledger_size() == N)
    audit_seconds, audit = timed(selectors.ledger_audit)
    check(audit.ok, "\n".join(audit.problems))
    with capsys.disabled():
        print(
            f"\n[database] ledger_append_many {N:,} in batches of {BATCH:,}: "
            f"{append_seconds:.2f} s ({N / append_seconds:,.0f} entries/s); "
            f"audit {audit_seconds:.2f} s"
        )
